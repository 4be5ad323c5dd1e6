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
    message: str  # Chinese, citing 001 (the full explanation, gives the answer away)
    hint: str = ""  # Chinese, for hints-first feedback: points the way without giving the answer


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
        msg = f"本案属于{sit.name}这一情形（{'、'.join(map(str, sit.source))}）：{sit.meaning}，{sit.response}。"
    else:
        ok = w == rx.warning
        lead = "正确。" if ok else ("没有选择预警颜色。" if not given else
                                  "苗头性问题要预警，不能不预警。" if given == NO_WARNING else f"不是{w.name if w else given}。")
        msg = (f"本案属于{sit.name}这一情形：{sit.meaning}。清新区办法第二十八条按风险等级由低到高发黄、橙、红色预警，"
               f"{basis_txt}，应发{rx.warning.name}（{rx.warning.notice}）。")
    hint = "" if ok else ("还没有选择。" if not given else
                          "先判断情形：是排查出的风险点（001 第十四条），苗头性、倾向性问题（第二十六条），还是已构成违纪违法"
                          "（第二十八条(四)）？只有苗头才预警，颜色跟着你定的等级走。")
    return Judgement(ok, 1.0 if ok else 0.0, lead + msg, hint)


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
    if not wrong and not missed:
        hint = ""
    elif not want:
        hint = "本案不需要第二十八条的处置措施，想一想它属于哪种情形（001 第十四条、第二十八条(四)）。"
    else:
        hint = (f"应选 {len(want)} 项，你选对了 {len(hit)} 项" + (f"，另有 {len(wrong)} 项不该选" if wrong else "")
                + (f"，还有 {len(missed)} 项没有选" if missed else "") + "。先定情形，再对照清新区办法第二十八条逐项核对。")
    return Judgement(not wrong and not missed, round(share, 2), "".join(msg), hint)
