"""Exercise logic for the course notebooks: pure functions, dataclass feedback.

Every ``check_*`` takes whatever a learner selected — including nothing or
nonsense — and returns feedback; none of them raises.  The widgets in
:mod:`.widgets` only collect values and show the feedback.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, replace

from ..cases import Case
from .citations import citation_text, plain
from ..risk import (CATEGORIES, CRITERIA, EIGHT_STEPS, LUXI_EXAMPLE, MEASURES, NO_WARNING, PDCA, STAGES, WARNINGS,
                    Assessment, GradeResult, Level, category, grade, parse_level, prescribed)
from ..risk.handling import all_actions, judge_actions, judge_warning

__all__ = ["PartFeedback", "Feedback", "CaseAnswer", "check_case", "all_disposal_actions", "correct_actions",
           "PlacementTask", "pdca_pool", "stage_pool", "measure_pool", "criteria_pool", "warning_pool", "pdca_meaning",
           "stage_meaning", "measure_meaning", "criteria_meaning", "warning_meaning", "pdca_tasks", "stage_tasks",
           "measure_tasks", "check_placement", "check_step_order", "with_case_hints", "explore", "explore_result"]


@dataclass(frozen=True)
class PartFeedback:
    part: str  # 风险类别 / 风险等级 / 预警颜色 / 处置措施 …
    correct: bool
    score: float  # 0..1 for this part
    message: str  # Chinese explanation, citing the seeds: the answer and its reason
    hint: str = ""  # shown first after a wrong answer; never gives the answer away


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
    level_msg = f"{graded.explain()}。评级因素：{factor_text}。标注理由：{plain(ann.reasoning)}"
    if said == graded.level:
        parts.append(PartFeedback("风险等级", True, 1.0, "正确。" + level_msg))
    else:
        lead = "没有选择等级。" if said is None else f"不是{said.label}。"
        parts.append(PartFeedback("风险等级", False, 0.0, lead + level_msg))
    w = judge_warning(ann.situation_value, graded.level, said, answer.warning)
    parts.append(PartFeedback("预警颜色", w.correct, w.score, w.message))
    act = judge_actions(ann.situation_value, graded.level, said, answer.actions)
    parts.append(PartFeedback("处置措施", act.correct, act.score,
                              f"{act.message}真实处置：{plain(case.disposal)}（来源：{citation_text(case)}）"))
    return with_case_hints(case, answer, Feedback(tuple(parts), footer=f"风险点：{plain(ann.risk_point)}"))


def with_case_hints(case: Case, answer: CaseAnswer, fb: Feedback) -> Feedback:
    """The same feedback with a hint on every wrong part: where to look again, never the answer itself."""
    truth = [category(c) for c in case.annotation.categories]
    picked = _cat(answer.primary)
    factor_text = "；".join(case.annotation.assessment.describe())
    got = set(answer.actions) & set(all_disposal_actions())
    out = []
    for p in fb.parts:
        hint = ""
        if p.part == "风险类别":
            if picked is None:
                hint = "还没有选择主要风险类别。"
            else:
                mine = _definition_001(picked.name)
                lead = "它也是本案涉及的类别，但问题的根子主要不在这里。" if picked in truth else ""
                hint = f"{lead}你选的{picked.name}是：{mine.text.rstrip('。')}（{mine.source}）。本案问题的根子在哪里？再读一遍事实经过。"
        elif p.part == "风险等级":
            hint = ("还没有选择等级。" if not answer.level else
                    f"本案的评级因素：{factor_text}。对照第二单元的评定标准和组合规则，再定一次等级。")
        elif p.part == "预警颜色":
            hint = ("还没有选择预警颜色。" if not answer.warning else
                    "先判断本案属于哪种情形（风险点定级、苗头预警还是违纪违法移送），再对照清新区办法第十四条、第二十八条想一想该不该预警、用哪种颜色。")
        elif p.part == "处置措施":
            hint = "还没有选择处置措施。" if not got else (
                f"你选了 {len(got)} 项。对照本案的情形和清新区办法第二十八条逐项核对：哪些是该做的，哪些不是；"
                "想一想本案是否已构成违纪违法事实。")
        out.append(p if p.correct else replace(p, hint=hint))
    return Feedback(tuple(out), fb.footer)


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


def pdca_pool() -> list[PlacementTask]:
    pool = [PlacementTask(a, p.name, f"据{p.source}，{a}属于{p.name}（{p.english}）环节，这一环节包括：{'；'.join(p.activities)}。")
            for p in PDCA for a in p.activities]
    names = {p.key: p.name for p in PDCA}
    pool += [PlacementTask(f"芦溪县：{item}", names[key], f"芦溪县在{names[key]}环节{title}，做法包括：{'；'.join(items)}（{src}）。")
             for key, title, items, src in LUXI_EXAMPLE for item in items]
    return pool


def pdca_meaning() -> dict[str, str]:
    return {p.name: f"{p.english}环节，包括{'；'.join(p.activities)}（{p.source}）" for p in PDCA}


def stage_pool() -> list[PlacementTask]:
    return [PlacementTask(m, s.name, f"{s.source}：{s.name}的作用是{s.purpose}，手段包括{'、'.join(s.means)}。")
            for s in STAGES for m in s.means]


def stage_meaning() -> dict[str, str]:
    return {s.name: f"作用是{s.purpose}（{s.source}）" for s in STAGES}


def _definition_001(name: str):
    c = category(name)
    return next((d for d in c.definitions if str(d.source).startswith("001")), c.definitions[0])


def measure_pool() -> list[PlacementTask]:
    out = []
    for m in MEASURES:
        d = _definition_001(m.category)
        out.append(PlacementTask(f"{m.title}：{m.summary}", m.category,
                                 f"{m.source}是针对{m.category}的预防措施，规定：{m.summary.rstrip('。')}。{m.category}指：{d.text.rstrip('。')}（{d.source}）。"))
    return out


def measure_meaning() -> dict[str, str]:
    return {c.name: f"{_definition_001(c.name).text.rstrip('。')}（{_definition_001(c.name).source}）" for c in CATEGORIES}


def criteria_pool() -> list[PlacementTask]:
    return [PlacementTask(c.text, c.level.label, f"{c.source}：这是{c.level.label}风险的评定标准。") for c in CRITERIA]


def criteria_meaning() -> dict[str, str]:
    return {lv.label: "；".join(f"{c.source}说{c.text.rstrip('。')}" for c in CRITERIA if c.level == lv) for lv in Level}


def warning_pool() -> list[PlacementTask]:
    return [PlacementTask(a, w.name, f"{w.source}规定，{w.name}（{w.level.label}风险）的处置措施是：{'；'.join(w.actions)}。")
            for w in WARNINGS for a in w.actions]


def warning_meaning() -> dict[str, str]:
    return {w.name: f"对应{w.level.label}风险，发出{w.notice}（{w.source}）" for w in WARNINGS}


def pdca_tasks(rng: random.Random | None = None, n: int = 6) -> list[PlacementTask]:
    return _sample(pdca_pool(), rng, n)


def stage_tasks(rng: random.Random | None = None, n: int = 6) -> list[PlacementTask]:
    return _sample(stage_pool(), rng, n)


def measure_tasks(rng: random.Random | None = None, n: int = 5) -> list[PlacementTask]:
    return _sample(measure_pool(), rng, n)


def _sample(pool: list[PlacementTask], rng: random.Random | None, n: int) -> list[PlacementTask]:
    rng = rng or random.Random()
    return rng.sample(pool, min(n, len(pool)))


def check_placement(tasks: list[PlacementTask], chosen: list[str | None], part: str = "归类",
                    describe: dict[str, str] | None = None) -> Feedback:
    """``describe`` maps a bucket to what it means: a wrong choice gets that as its hint (never the answer)."""
    parts = []
    describe = describe or {}
    for i, t in enumerate(tasks):
        c = chosen[i] if i < len(chosen) else None
        ok = c == t.answer
        lead = "正确。" if ok else ("没有选择。" if not c else f"不是“{c}”，应为“{t.answer}”。")
        if not c:
            hint = "这一项还没有选择。"
        elif c in describe:
            hint = f"你选的“{c}”是：{describe[c]}。这一项符合吗？"
        else:
            hint = ""
        parts.append(PartFeedback(f"{part}：{t.prompt}", ok, 1.0 if ok else 0.0, lead + t.why, hint))
    return Feedback(tuple(parts))


def check_step_order(order: list[str | None]) -> Feedback:
    """``order[i]`` is the step the learner put in position i+1."""
    parts = []
    for i, step in enumerate(EIGHT_STEPS):
        c = order[i] if i < len(order) else None
        ok = c == step.name
        lead = "正确。" if ok else ("没有选择。" if not c else f"第{i + 1}步不是“{c}”。")
        before = f"它紧接在“{EIGHT_STEPS[i - 1].name}”之后。" if i else "它是排查的起点。"
        hint = "这一步还没有选择。" if not c else f"这一步要做的是：{step.requirement}。{before}"
        parts.append(PartFeedback(f"第{i + 1}步", ok, 1.0 if ok else 0.0,
                                  f"{lead}第{i + 1}步是“{step.name}”：{step.requirement}（{step.source}）", hint))
    return Feedback(tuple(parts))


LEVEL_CHOICES = tuple(lv.label for lv in Level)
WARNING_CHOICES = (*(w.colour for w in sorted(WARNINGS, key=lambda w: -w.level)), NO_WARNING)
CATEGORY_CHOICES = tuple(c.name for c in CATEGORIES)
