"""Exercise logic for the course notebooks: pure functions, dataclass feedback.

Every ``check_*`` takes whatever a learner selected — including nothing or
nonsense — and returns feedback; none of them raises.  The widgets in
:mod:`.widgets` only collect values and show the feedback.
"""
from __future__ import annotations

import random
from dataclasses import dataclass

from ..cases import Case
from ..risk import (CATEGORIES, EIGHT_STEPS, LUXI_EXAMPLE, MEASURES, NO_WARNING, PDCA, STAGES, WARNINGS, Assessment,
                    GradeResult, Level, category, grade, parse_level, prescribed)
from ..risk.handling import all_actions, judge_actions, judge_warning

__all__ = ["PartFeedback", "Feedback", "CaseAnswer", "check_case", "all_disposal_actions", "correct_actions",
           "PlacementTask", "pdca_tasks", "stage_tasks", "measure_tasks", "check_placement", "check_step_order",
           "explore", "explore_result"]


@dataclass(frozen=True)
class PartFeedback:
    part: str  # 风险类别 / 风险等级 / 预警颜色 / 处置措施 …
    correct: bool
    score: float  # 0..1 for this part
    message: str  # Chinese explanation, citing the seeds


@dataclass(frozen=True)
class Feedback:
    parts: tuple[PartFeedback, ...]
    footer: str = ""

    @property
    def score(self) -> float:
        return sum(p.score for p in self.parts)

    @property
    def max_score(self) -> float:
        return float(len(self.parts))


@dataclass
class CaseAnswer:
    primary: str | None = None
    others: tuple[str, ...] = ()
    level: str | None = None
    warning: str | None = None
    actions: tuple[str, ...] = ()


def all_disposal_actions() -> list[str]:
    """Every action 001 第二十八条 lists, for the learner to choose from."""
    return all_actions()


def correct_actions(case: Case, level: Level | str | None = None) -> set[str]:
    """What 001 prescribes for this case's situation (see :func:`qingfeng.risk.prescribed`)."""
    return set(prescribed(case.annotation.situation_value, level or case.annotation.level).actions)


def _cat(name: str | None):
    try:
        return category(name) if name else None
    except KeyError:
        return None


def check_case(case: Case, answer: CaseAnswer) -> Feedback:
    ann = case.annotation
    truth = [category(c) for c in ann.categories]
    parts = []
    picked = _cat(answer.primary)
    definition = truth[0].definitions[1]
    if picked is None:
        parts.append(PartFeedback("风险类别", False, 0.0, f"没有选择主要风险类别。本案主要是{truth[0].name}：{definition.text}（{definition.source}）"))
    elif picked == truth[0]:
        parts.append(PartFeedback("风险类别", True, 1.0, f"正确，主要是{truth[0].name}。{_others_note(truth, answer.others)}"))
    else:
        also = "（它也是本案涉及的类别，但不是主要的）" if picked in truth else ""
        parts.append(PartFeedback("风险类别", False, 0.5 if picked in truth else 0.0,
                                  f"本案主要是{truth[0].name}，不是{picked.name}{also}。{truth[0].name}：{definition.text}（{definition.source}）"))
    graded = grade(ann.assessment)
    factor_text = "；".join(ann.assessment.describe())
    try:
        said = parse_level(answer.level) if answer.level else None
    except ValueError:
        said = None
    level_msg = f"{graded.explain()}。评级因素：{factor_text}。标注理由：{ann.reasoning}"
    if said == graded.level:
        parts.append(PartFeedback("风险等级", True, 1.0, "正确。" + level_msg))
    else:
        lead = "没有选择等级。" if said is None else f"不是{said.label}。"
        parts.append(PartFeedback("风险等级", False, 0.0, lead + level_msg))
    w = judge_warning(ann.situation_value, graded.level, said, answer.warning)
    parts.append(PartFeedback("预警颜色", w.correct, w.score, w.message))
    act = judge_actions(ann.situation_value, graded.level, said, answer.actions)
    parts.append(PartFeedback("处置措施", act.correct, act.score,
                              f"{act.message}真实处置：{case.disposal}（来源：{case.source.label()}）"))
    return Feedback(tuple(parts), footer=f"风险点：{ann.risk_point}")


def _others_note(truth: list, others: tuple[str, ...]) -> str:
    """What the learner said about the further categories, against the library's annotation."""
    want = {c.name for c in truth[1:]}
    said = {c.name for c in map(_cat, others) if c is not None and c != truth[0]}
    if not want and not said:
        return ""
    note = f"案例库另标注了{'、'.join(sorted(want))}" if want else "案例库没有标注其他类别"
    if said == want:
        return note + "，你的判断一致。"
    bits = []
    if said - want:
        bits.append(f"你多选了{'、'.join(sorted(said - want))}")
    if want - said:
        bits.append(f"漏了{'、'.join(sorted(want - said))}")
    return note + "；" + "，".join(bits) + "。"


def explore_result(values: dict) -> GradeResult | str:
    """The factor explorer's result: every seed's verdict and the teaching level, or a Chinese note on bad input."""
    try:
        return grade(Assessment.from_mapping(values))
    except (ValueError, TypeError) as e:
        return str(e)


def explore(values: dict) -> tuple[str, list[str]]:
    """The factor explorer as text: the teaching level label and the reasons (each seed's verdict first)."""
    result = explore_result(values)
    if isinstance(result, str):
        return "无法评定", [result]
    return result.level.label, [*result.reasons, "依据：" + "；".join(str(s) for s in result.sources)]


@dataclass(frozen=True)
class PlacementTask:
    prompt: str  # the thing to place
    answer: str  # the right bucket
    why: str  # explanation with source


def pdca_tasks(rng: random.Random | None = None, n: int = 6) -> list[PlacementTask]:
    pool = [PlacementTask(a, p.name, f"{p.name}（{p.english}）环节：{'；'.join(p.activities)}（{p.source}）") for p in PDCA for a in p.activities]
    names = {p.key: p.name for p in PDCA}
    pool += [PlacementTask(f"芦溪县：{item}", names[key], f"芦溪县在 {key}（{names[key]}）环节{title}（{src}）")
             for key, title, items, src in LUXI_EXAMPLE for item in items]
    return _sample(pool, rng, n)


def stage_tasks(rng: random.Random | None = None, n: int = 6) -> list[PlacementTask]:
    pool = [PlacementTask(m, s.name, f"{s.name}：{s.purpose}（{s.source}）") for s in STAGES for m in s.means]
    return _sample(pool, rng, n)


def measure_tasks(rng: random.Random | None = None, n: int = 5) -> list[PlacementTask]:
    pool = [PlacementTask(f"{m.title}：{m.summary}", m.category, f"{m.title}是针对{m.category}的预防措施（{m.source}）") for m in MEASURES]
    return _sample(pool, rng, n)


def _sample(pool: list[PlacementTask], rng: random.Random | None, n: int) -> list[PlacementTask]:
    rng = rng or random.Random()
    return rng.sample(pool, min(n, len(pool)))


def check_placement(tasks: list[PlacementTask], chosen: list[str | None], part: str = "归类") -> Feedback:
    parts = []
    for i, t in enumerate(tasks):
        c = chosen[i] if i < len(chosen) else None
        ok = c == t.answer
        lead = "正确。" if ok else ("没有选择。" if not c else f"不是“{c}”，应为“{t.answer}”。")
        parts.append(PartFeedback(f"{part}：{t.prompt}", ok, 1.0 if ok else 0.0, lead + t.why))
    return Feedback(tuple(parts))


def check_step_order(order: list[str | None]) -> Feedback:
    """``order[i]`` is the step the learner put in position i+1."""
    parts = []
    for i, step in enumerate(EIGHT_STEPS):
        c = order[i] if i < len(order) else None
        ok = c == step.name
        lead = "正确。" if ok else ("没有选择。" if not c else f"第{i + 1}步不是“{c}”。")
        parts.append(PartFeedback(f"第{i + 1}步", ok, 1.0 if ok else 0.0, f"{lead}第{i + 1}步是“{step.name}”：{step.requirement}（{step.source}）"))
    return Feedback(tuple(parts))


LEVEL_CHOICES = tuple(lv.label for lv in Level)
WARNING_CHOICES = (*(w.colour for w in sorted(WARNINGS, key=lambda w: -w.level)), NO_WARNING)
CATEGORY_CHOICES = tuple(c.name for c in CATEGORIES)
