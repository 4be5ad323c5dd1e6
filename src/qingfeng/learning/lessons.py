"""What course notebooks call: tables drawn from the risk model, live cases, and the exercises.

Everything shown comes from :mod:`qingfeng.risk` (with its citations) or from
the project's case library and bank at the moment the cell runs, so a case a
trainer adds appears in the course without editing any notebook.
"""
from __future__ import annotations

import html
import random
from functools import lru_cache

from IPython.display import HTML

from ..bank import load_bank
from ..cases import Case, load_library, summarise
from ..project import Project, find_project
from ..risk import (AFTERCARE, CATEGORIES, CATEGORY_NAMES, CRITERIA, EIGHT_STEPS, LEVEL_SCHEMES, LUXI_EXAMPLE, MEASURES,
                    METHODS, PDCA, SEARCH_LAYERS, SITUATIONS, STAGE_NAMES_BY_SEED, STAGES, SUPERVISION, TRANSFER, WARNINGS,
                    YEARLY_CYCLE, Level, category, parse_level)
from . import exercises as ex
from .case_widgets import CaseGrader, FactorExplorer
from .drill_widgets import Placement, ProgressView, SelfCheck, StepOrder
from .progress import ProgressStore

__all__ = ["definitions", "manifestations", "measures", "level_schemes", "level_criteria", "supervision", "warnings_table", "situations_table",
           "aftercare", "pdca_table", "stages_table", "yearly_cycle", "luxi_example", "eight_steps", "methods",
           "search_layers", "example_cases", "show_cases", "library_counts", "case_grader", "factor_explorer", "pdca_exercise",
           "stage_exercise", "measure_exercise", "step_order", "self_check", "progress"]


def _table(headers: list[str], rows: list[list[object]], caption: str = "") -> HTML:
    cap = f"<caption style='caption-side:top;text-align:left'><b>{html.escape(caption)}</b></caption>" if caption else ""
    head = "".join(f"<th style='text-align:left'>{html.escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td style='text-align:left;vertical-align:top'>{html.escape(str(c))}</td>" for c in r) + "</tr>" for r in rows)
    return HTML(f"<table class='qf-table'>{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")


@lru_cache(maxsize=1)
def _project() -> Project:
    return find_project()


def _cases() -> list[Case]:
    return load_library(_project().cases_dir).cases


def definitions(name: str | None = None) -> HTML:
    cats = [category(name)] if name else list(CATEGORIES)
    rows = [[c.name, str(d.source), d.text] for c in cats for d in c.definitions]
    return _table(["风险类别", "出处", "定义（转述）"], rows, "三份文件对五类风险的定义")


def manifestations() -> HTML:
    rows = [[c.name, "；".join(c.manifestations), str(c.manifestations_source), "；".join(c.typical_posts), str(c.typical_posts_source)] for c in CATEGORIES]
    return _table(["风险类别", "主要表现", "出处", "重点岗位", "出处"], rows)


def measures(name: str | None = None) -> HTML:
    rows = [[m.id, m.category, m.title, m.summary, str(m.source)] for m in MEASURES if not name or m.category == category(name).name]
    return _table(["编号", "风险类别", "措施", "内容", "出处"], rows, "各类风险的预防措施")


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
            f"<b>{html.escape(c.title)}</b>（{html.escape(c.post)}）<br>{html.escape(c.facts)}<br>"
            f"<b>风险类别</b>：{html.escape('、'.join(a.categories))}　<b>等级</b>：{html.escape(parse_level(a.level).label)}　"
            f"<b>情形</b>：{html.escape(a.situation)}{_warning_note(a.warning)}<br><b>风险点</b>：{html.escape(a.risk_point)}<br>"
            f"<b>真实处置</b>：{html.escape(c.disposal)}<br><small>来源：{html.escape(c.source.label())}</small></div>")
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


def case_grader(cat: str | None = None, store: ProgressStore | None = None, seed: int | None = None):
    g = CaseGrader(_cases(), _store(store), seed)
    if cat:
        g.category.value = category(cat).name
    return g


def factor_explorer():
    return FactorExplorer()


def pdca_exercise(store: ProgressStore | None = None, seed: int | None = None):
    return Placement("把活动放进 PDCA 的四个环节", ex.pdca_tasks(random.Random(seed)), tuple(p.name for p in PDCA), "PDCA", _store(store))


def stage_exercise(store: ProgressStore | None = None, seed: int | None = None):
    return Placement("这项手段属于哪个阶段", ex.stage_tasks(random.Random(seed)), tuple(s.name for s in STAGES), "三个阶段", _store(store))


def measure_exercise(store: ProgressStore | None = None, seed: int | None = None):
    return Placement("这条措施针对哪类风险", ex.measure_tasks(random.Random(seed)), CATEGORY_NAMES, "措施归类", _store(store))


def step_order(store: ProgressStore | None = None, seed: int | None = None):
    return StepOrder(_store(store), seed)


def self_check(topic: str, n: int = 5, store: ProgressStore | None = None, seed: int | None = None):
    case_ids = {c.id for c in _cases()}
    return SelfCheck(load_bank(_project().bank_dir, case_ids), topic, n, _store(store), seed)


def progress(store: ProgressStore | None = None):
    return ProgressView(_store(store))
