"""What course notebooks call: tables drawn from the risk model, live cases, and the exercises.

Everything shown comes from :mod:`qingfeng.risk` (with its citations) or from
the project's case library and bank at the moment the cell runs, so a case a
trainer adds appears in the course without editing any notebook.
"""
from __future__ import annotations

import html
import random
from pathlib import Path
from functools import lru_cache

from IPython.display import HTML

from ..bank import load_bank
from ..cases import Case, load_library, summarise
from ..project import Project, find_project
from ..risk import (AFTERCARE, CATEGORIES, CATEGORY_NAMES, CRITERIA, EIGHT_STEPS, LEVEL_SCHEMES, LUXI_EXAMPLE, MEASURES,
                    METHODS, PDCA, SEARCH_LAYERS, SITUATIONS, STAGE_NAMES_BY_SEED, STAGES, SUPERVISION, TRANSFER, WARNINGS,
                    YEARLY_CYCLE, Level, category, parse_level)
from . import course_home, exercises as ex
from .case_widgets import CaseGrader, FactorExplorer
from .drill_widgets import Placement, ProgressView, SelfCheck, StepOrder
from .citations import citation_html, plain, remember_titles
from .progress import ProgressStore
from .sync import course_project

__all__ = ["definitions", "manifestations", "measures", "level_schemes", "level_criteria", "supervision", "warnings_table", "situations_table",
           "aftercare", "pdca_table", "stages_table", "yearly_cycle", "luxi_example", "eight_steps", "methods",
           "search_layers", "example_cases", "show_cases", "library_counts", "case_grader", "factor_explorer", "pdca_exercise",
           "stage_exercise", "measure_exercise", "criteria_exercise", "warning_exercise", "placement", "step_order",
           "self_check", "progress", "bank", "PLACEMENTS", "start", "end", "home", "review_today", "final_test"]


def _table(headers: list[str], rows: list[list[object]], caption: str = "") -> HTML:
    cap = f"<caption style='caption-side:top;text-align:left'><b>{html.escape(caption)}</b></caption>" if caption else ""
    head = "".join(f"<th style='text-align:left'>{html.escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td style='text-align:left;vertical-align:top'>{html.escape(str(c))}</td>" for c in r) + "</tr>" for r in rows)
    return HTML(f"<table class='qf-table'>{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")


@lru_cache(maxsize=1)
def _project() -> Project:
    """The project beside the course: the one a learner's synced copy came from, else the one above the cwd."""
    origin = course_project(Path.cwd())
    return find_project(origin) if origin else find_project()


def _cases() -> list[Case]:
    cases = load_library(_project().cases_dir).cases
    remember_titles(cases)
    return cases


def definitions(name: str | None = None) -> HTML:
    cats = [category(name)] if name else list(CATEGORIES)
    rows = [[c.name, str(d.source), d.text] for c in cats for d in c.definitions]
    return _table(["风险类别", "出处", "定义（转述）"], rows, "三份文件对五类风险的定义")


def manifestations() -> HTML:
    rows = [[c.name, "；".join(c.manifestations), str(c.manifestations_source), "；".join(c.typical_posts), str(c.typical_posts_source)] for c in CATEGORIES]
    return _table(["风险类别", "主要表现", "出处", "重点岗位", "出处"], rows)


def measures(name: str | None = None) -> HTML:
    rows = [[m.category, m.title, m.summary, str(m.source)] for m in MEASURES if not name or m.category == category(name).name]
    return _table(["风险类别", "措施", "内容", "出处"], rows, "各类风险的预防措施")


def level_schemes() -> HTML:
    rows = [[scheme, "、".join(str(c) for c in cites)] for scheme, cites in LEVEL_SCHEMES.items()]
    rows.append(["对应关系", "一级 = 高，二级 = 中（002 称“一般风险”），三级 = 低；本课程同时显示两种叫法"])
    return _table(["等级叫法", "使用这种叫法的文件"], rows, "两种等级叫法")


def level_criteria() -> HTML:
    return _table(["等级", "标准（转述）", "出处"], [[c.level.label, c.text, str(c.source)] for c in CRITERIA], "各级风险的评定标准")


def supervision() -> HTML:
    return _table(["等级", "直接管理", "负责", "出处"], [[s.level.label, s.direct, s.responsible, str(s.source)] for s in SUPERVISION])


def warnings_table() -> HTML:
    rows = [[w.name, w.level.label, w.notice, "；".join(w.actions), str(w.source)] for w in sorted(WARNINGS, key=lambda w: -w.level)]
    rows.append(["（已构成违纪违法）", "—", "—", TRANSFER[0], str(TRANSFER[1])])
    return _table(["预警", "对应等级", "通知书", "处置措施", "出处"], rows, "黄、橙、红三级预警与处置")


def situations_table() -> HTML:
    """001's three procedures side by side: grading a risk point, warning on a 苗头, referring a violation."""
    rows = [[s.name, s.meaning, s.response, "、".join(str(c) for c in s.source)] for s in SITUATIONS]
    return _table(["情形", "是什么", "怎么办", "出处"], rows, "三种情形，三种办法")


def aftercare() -> HTML:
    return _table(["措施", "含义", "出处"], [[m.name, m.meaning, str(m.source)] for m in AFTERCARE], "后期处置的三种措施")


def pdca_table() -> HTML:
    return _table(["环节", "英文", "主要内容", "出处"], [[p.name, p.english, "；".join(p.activities), str(p.source)] for p in PDCA])


def stages_table() -> HTML:
    rows = [[s.name, s.purpose, "、".join(s.means), str(s.source)] for s in STAGES]
    rows += [[f"（{seed} 的叫法）", "、".join(names), "", str(src)] for seed, (names, src) in STAGE_NAMES_BY_SEED.items()]
    return _table(["阶段", "作用", "主要手段", "出处"], rows, "执行环节的三个阶段")


def yearly_cycle() -> HTML:
    return _table(["阶段", "时间", "出处"], [[a, b, str(c)] for a, b, c in YEARLY_CYCLE], "以一年为一个周期")


def luxi_example() -> HTML:
    return _table(["环节", "注重哪一关", "做法", "出处"], [[k, t, "；".join(items), str(src)] for k, t, items, src in LUXI_EXAMPLE],
                  "芦溪县政府投资项目的 PDCA")


def eight_steps() -> HTML:
    return _table(["步骤", "名称", "要求（转述）", "出处"], [[f"第{s.number}步", s.name, s.requirement, str(s.source)] for s in EIGHT_STEPS])


def methods() -> HTML:
    return _table(["方法", "出处"], [[m, str(src)] for m, src in METHODS], "查找风险点的方法（各文件的说法）")


def search_layers() -> HTML:
    return _table(["层级", "查什么", "出处"], [[a, b, str(c)] for a, b, c in SEARCH_LAYERS], "从岗位到科室到单位")


def _pick(cat: str | None, level: str | None) -> list[Case]:
    out = _cases()
    if cat:
        out = [c for c in out if c.annotation.categories[0] == category(cat).name]
    if level:
        out = [c for c in out if parse_level(c.annotation.level) == parse_level(level)]
    return out


def _cards(chosen: list[Case]) -> str:
    cards = []
    for c in chosen:
        a = c.annotation
        cards.append(
            "<div style='border-left:4px solid #4F6D7A;padding:4px 8px;margin:6px 0'>"
            f"<b>{html.escape(c.title)}</b>（{html.escape(c.post)}）<br>{html.escape(plain(c.facts))}<br>"
            f"<b>风险类别</b>：{html.escape('、'.join(a.categories))}　<b>等级</b>：{html.escape(parse_level(a.level).label)}　"
            f"<b>情形</b>：{html.escape(a.situation)}{_warning_note(a.warning)}<br><b>风险点</b>：{html.escape(plain(a.risk_point))}<br>"
            f"<b>真实处置</b>：{html.escape(plain(c.disposal))}<br><small>来源：{citation_html(c)}</small></div>")
    return "".join(cards)


def _warning_note(colour: str) -> str:
    return f"（{html.escape(colour)}色预警）" if colour else "（不发预警）"


def example_cases(cat: str | None = None, level: str | None = None, n: int = 3, seed: int | None = None) -> HTML:
    """A few real cases from the library (primary category / level), as cards with their source."""
    found = _pick(cat, level)
    if not found:
        return HTML("<i>案例库中暂时没有符合条件的案例。</i>")
    chosen = random.Random(seed).sample(found, min(n, len(found)))
    return HTML(f"<div>共有 {len(found)} 个符合条件的案例，随机展示 {len(chosen)} 个：</div>" + _cards(chosen))


def show_cases(*ids: str) -> HTML:
    """Named cases from the library (e.g. the 社保基金 cases S004-01…03); a missing id is said, not raised."""
    by_id = {c.id: c for c in _cases()}
    missing = [i for i in ids if i not in by_id]
    note = f"<div><i>案例库中没有：{html.escape('、'.join(missing))}</i></div>" if missing else ""
    return HTML(_cards([by_id[i] for i in ids if i in by_id]) + note)


def library_counts() -> HTML:
    s = summarise(_cases())
    rows = [[c, s.primary.get(c, 0), s.any_category.get(c, 0)] for c in CATEGORY_NAMES]
    rows += [[lv.label, s.levels.get(lv, 0), ""] for lv in Level]
    return _table(["类别/等级", "案例数（主要类别）", "涉及该类别"], rows, f"案例库现有 {s.total} 个真实案例")


def _store(store: ProgressStore | None) -> ProgressStore:
    return store or ProgressStore()


def case_grader(cat: str | None = None, store: ProgressStore | None = None, seed: int | None = None,
                key: str | None = None):
    return CaseGrader(_cases(), _store(store), seed, key=key or ("m06.process" if cat else "m06.case"),
                      category_filter=category(cat).name if cat else None)


def factor_explorer():
    return FactorExplorer()


# Placement exercises: key -> (title, pool, buckets, part label, bucket meanings, category of a task)
PLACEMENTS = {
    "m01.measures": lambda: ("这条措施针对哪类风险", ex.measure_pool(), CATEGORY_NAMES, "措施归类", ex.measure_meaning(),
                             lambda t: t.answer),
    "m02.criteria": lambda: ("这条标准属于哪一级", ex.criteria_pool(), tuple(lv.label for lv in Level), "评定标准",
                             ex.criteria_meaning(), None),
    "m03.warnings": lambda: ("这项措施属于哪种预警", ex.warning_pool(), tuple(w.name for w in sorted(WARNINGS, key=lambda w: -w.level)),
                             "预警处置", ex.warning_meaning(), None),
    "m04.stages": lambda: ("这项手段属于哪个阶段", ex.stage_pool(), tuple(s.name for s in STAGES), "三个阶段", ex.stage_meaning(), None),
    "m04.pdca": lambda: ("把活动放进 PDCA 的四个环节", ex.pdca_pool(), tuple(p.name for p in PDCA), "PDCA", ex.pdca_meaning(), None),
}
_SIZES = {"m01.measures": 5, "m02.criteria": 6, "m03.warnings": 6}


def placement(key: str, store: ProgressStore | None = None, seed: int | None = None, tasks=None,
              review_card: str | None = None) -> Placement:
    title, pool, buckets, part, meaning, cat_of = PLACEMENTS[key]()
    return Placement(title, pool, buckets, part, _store(store), key=key, n=_SIZES.get(key, 6), seed=seed,
                     describe=meaning, category_of=cat_of, tasks=tasks, review_card=review_card)


def measure_exercise(store: ProgressStore | None = None, seed: int | None = None):
    return placement("m01.measures", store, seed)


def criteria_exercise(store: ProgressStore | None = None, seed: int | None = None):
    return placement("m02.criteria", store, seed)


def warning_exercise(store: ProgressStore | None = None, seed: int | None = None):
    return placement("m03.warnings", store, seed)


def stage_exercise(store: ProgressStore | None = None, seed: int | None = None):
    return placement("m04.stages", store, seed)


def pdca_exercise(store: ProgressStore | None = None, seed: int | None = None):
    return placement("m04.pdca", store, seed)


def step_order(store: ProgressStore | None = None, seed: int | None = None):
    return StepOrder(_store(store), seed)


def bank():
    case_ids = {c.id for c in _cases()}
    return load_bank(_project().bank_dir, case_ids)


_SELF_CHECK_KEYS = {"五类风险": "m01.selfcheck", "风险等级": "m02.selfcheck", "预警处置": "m03.selfcheck", "PDCA": "m04.selfcheck",
                    "风险点排查": "m05.selfcheck", "案例研判": "m06.selfcheck"}


def self_check(topic: str, n: int = 5, store: ProgressStore | None = None, seed: int | None = None):
    """A module's self-check; on a Hub drawn, marked and recorded by the progress service (no bank here)."""
    from .final_test_hub import on_hub

    key = _SELF_CHECK_KEYS.get(topic)
    if on_hub() and key:
        from .self_check_hub import self_check as from_service

        return from_service(topic, key, n, _store(store))
    return SelfCheck(bank(), topic, n, _store(store), seed, key=key)


def progress(store: ProgressStore | None = None):
    return ProgressView(_store(store))


# --- the course around the modules ----------------------------------------------------------------
def start(number: str, store: ProgressStore | None = None) -> HTML:
    """First cell of a module: start timing, say how far the learner is."""
    return course_home.module_start(number, _store(store))


def end(number: str, store: ProgressStore | None = None) -> HTML:
    return course_home.module_end(number, _store(store))


def home(store: ProgressStore | None = None) -> HTML:
    return course_home.home_table(_store(store))


def _review_exercise(card, store: ProgressStore):
    spec = card.spec
    if spec["kind"] == "bank":
        from .final_test_hub import on_hub

        if on_hub():
            from .self_check_hub import review_item

            return review_item(spec["item"], card.topic or "", store, card.card)
        b = bank()
        return SelfCheck(b, card.topic or "", store=store, items=[b.items[spec["item"]]], key=None, review_card=card.card,
                         title="再做一次")
    if spec["kind"] == "place":
        _, pool, *_ = PLACEMENTS[spec["exercise"]]()
        task = next(t for t in pool if t.prompt == spec["prompt"])
        return placement(spec["exercise"], store, tasks=[task], review_card=card.card)
    if spec["kind"] == "steps":
        return StepOrder(store, review_card=card.card)
    if spec["kind"] == "case":
        case = next(c for c in _cases() if c.id == spec["case"])
        return CaseGrader([case], store, key="m06.case", review_card=card.card)
    raise KeyError(spec["kind"])


def review_today(store: ProgressStore | None = None, limit: int = 10):
    st = _store(store)
    return course_home.review_panel(st, lambda c: _review_exercise(c, st), limit)


def final_test(store: ProgressStore | None = None, seed: int | None = None):
    from .final_test import FinalTest, reserved_items

    return FinalTest(bank(), reserved_items(_project().exams_dir / "blueprints"), _store(store), Path.cwd(), seed)
