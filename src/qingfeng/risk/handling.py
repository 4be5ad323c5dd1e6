"""Judge a learner's warning colour and disposal actions against what 001 prescribes.

The situation decides what applies (001 第十四条 / 第二十八条(一)至(三) /
第二十八条(四), see :mod:`.disposal`); the colour and the actions of a 苗头
are judged against the level the learner chose, so an answer consistent with
the learner's own level is not marked down twice for one wrong level.
"""
from __future__ import annotations

from dataclasses import dataclass

from .disposal import NO_WARNING, WARNINGS, TRANSFER, Situation, parse_warning, prescribed, situation
from .levels import Level, parse_level

__all__ = ["Judgement", "judge_warning", "judge_actions", "all_actions"]


@dataclass(frozen=True)
class Judgement:
    correct: bool
    score: float  # 0..1
    message: str  # Chinese, citing 001


def all_actions() -> list[str]:
    """Every action 001 第二十八条 lists, warnings' first, then 移送 (第二十八条(四))."""
    out: list[str] = []
    for w in WARNINGS:
        out += [a for a in w.actions if a not in out]
    return out + [TRANSFER[0]]


def _basis(case_level: Level | str, said: Level | str | None) -> tuple[Level, str]:
    if said:
        lv = parse_level(said)
        return lv, f"按你定的{lv.label}"
    lv = parse_level(case_level)
    return lv, f"你没有定级，按本案的{lv.label}"


def judge_warning(sit: Situation | str, case_level: Level | str, said: Level | str | None, given: str | None) -> Judgement:
    """The colour part: 不预警 for a risk point or a violation; the colour of the learner's level for a 苗头."""
    sit = situation(sit) if isinstance(sit, str) else sit
    basis, basis_txt = _basis(case_level, said)
    rx = prescribed(sit, basis)
    given = (given or "").strip()
    try:
        w = None if not given or given == NO_WARNING else parse_warning(given)
    except ValueError:
        w = None
    if rx.warning is None:
        ok = given == NO_WARNING
        lead = "正确。" if ok else ("没有选择。" if not given else f"不应发{w.name if w else given}。")
        msg = f"本案属于“{sit.name}”（{'、'.join(map(str, sit.source))}）：{sit.meaning}，{sit.response}。"
    else:
        ok = w == rx.warning
        lead = "正确。" if ok else ("没有选择预警颜色。" if not given else
                                  "苗头性问题要预警，不能不预警。" if given == NO_WARNING else f"不是{w.name if w else given}。")
        msg = (f"本案属于“{sit.name}”：{sit.meaning}。清新区办法第二十八条按风险等级由低到高发黄、橙、红色预警，"
               f"{basis_txt}，应发{rx.warning.name}（{rx.warning.notice}）。")
    return Judgement(ok, 1.0 if ok else 0.0, lead + msg)


def judge_actions(sit: Situation | str, case_level: Level | str, said: Level | str | None, chosen) -> Judgement:
    """The actions part: none for a risk point, 移送 for a violation, the learner's level's warning actions for a 苗头."""
    sit = situation(sit) if isinstance(sit, str) else sit
    basis, _ = _basis(case_level, said)
    rx = prescribed(sit, basis)
    want, got = set(rx.actions), set(chosen or ()) & set(all_actions())
    hit, wrong, missed = want & got, got - want, want - got
    if want:
        share = 0.0 if not got else max(0.0, (len(hit) - len(wrong)) / len(want))
    else:
        share = 1.0 if not got else 0.0
    msg = [rx.explanation]
    if wrong:
        msg.append("多选了：" + "；".join(sorted(wrong)) + "。")
    if missed:
        msg.append("漏选了：" + "；".join(sorted(missed)) + "。")
    return Judgement(not wrong and not missed, round(share, 2), "".join(msg))
