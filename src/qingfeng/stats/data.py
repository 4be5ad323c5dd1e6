"""The scores statistics are computed from, as one :class:`ScoreTable`.

Two sources give the same table:

* the nbgrader gradebook (per-item grades; manual score wins over auto score;
  a grade with neither is *pending*), joined with the roster's units and the
  exam's key (item numbers, sections, risk-category tags), plus the chosen
  options read statically from the autograded notebooks;
* a plain table of per-item scores (编号 + one column per item id), e.g. from
  paper answer sheets marked elsewhere.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..chinese_text import id_text
from ..ids import id_key
from ..exam.answers import AnswerRead, choice_letters, read_answer
from ..exam.cell_marking import answer_sources
from ..exam.keys import ExamKey, item_labels, read_key
from ..exam.roster import load_roster
from ..project import Project
from ..spreadsheet import RowError, SheetError, read_table, score_cell

__all__ = ["ScoreTable", "item_frame", "load_gradebook", "load_plain_table", "ROSTER_COLUMNS"]

ROSTER_COLUMNS = ["编号", "姓名", "单位", "部门", "岗位"]


@dataclass
class ScoreTable:
    exam_id: str
    title: str
    items: pd.DataFrame  # index item id: 题号 (一-3), 部分, 题型, 满分, 风险类别 (tuple), options (tuple)
    scores: pd.DataFrame  # index 编号 (candidates who sat), columns item ids, NaN = not yet marked
    roster: pd.DataFrame  # index 编号: 姓名, 单位, 部门, 岗位 — everyone expected to sit
    late: pd.Series = field(default_factory=lambda: pd.Series(dtype=bool))  # index 编号
    responses: pd.DataFrame | None = None  # 编号 × choice item id -> chosen letters ("" = none / unreadable)
    simulated: bool = False
    lateness: dict = field(default_factory=dict)  # 编号 -> exam.timing.Lateness (timed sittings only)
    refused: list = field(default_factory=list)  # 编号 of late papers not counted (late policy refuse): not in scores

    @property
    def pending(self) -> pd.Series:
        """Candidates with at least one item still awaiting a marker."""
        return self.scores.isna().any(axis=1)

    @property
    def complete(self) -> pd.DataFrame:
        """Scores of fully marked candidates (what item and test statistics use)."""
        return self.scores[~self.pending]

    @property
    def pending_cells(self) -> int:
        """(candidate, item) pairs still awaiting a marker."""
        return int(self.scores.isna().to_numpy().sum())

    @property
    def item_base(self) -> pd.DataFrame:
        """What item statistics use: fully marked candidates; while none is, every item all candidates have marked."""
        if len(self.complete):
            return self.complete
        return self.scores.loc[:, self.scores.notna().all()]

    @property
    def absent(self) -> list[str]:
        return sorted(set(self.roster.index) - set(self.scores.index) - set(self.refused))

    @property
    def max_total(self) -> float:
        return float(self.items["满分"].sum())


def item_frame(key: ExamKey) -> pd.DataFrame:
    rows = []
    labels = item_labels(key)
    for k in key.items:
        e = k.entry
        rows.append({"item": e.item_id, "题号": labels[e.item_id], "部分": k.section, "题型": e.type,
                     "满分": float(e.points), "风险类别": tuple(k.categories), "options": tuple(x for x, _ in e.options)})
    return pd.DataFrame(rows).set_index("item")


def _roster_frame(project: Project, extra_ids: set[str]) -> pd.DataFrame:
    rows = [{"编号": c.id, "姓名": c.name, "单位": c.unit, "部门": c.department, "岗位": c.post} for c in load_roster(project)]
    known = {r["编号"] for r in rows}
    rows += [{"编号": s, "姓名": "", "单位": "（名单外）", "部门": "", "岗位": ""} for s in sorted(extra_ids - known)]
    return pd.DataFrame(rows, columns=ROSTER_COLUMNS).set_index("编号")


def load_gradebook(project: Project, exam_id: str, with_responses: bool = True) -> ScoreTable:
    key = read_key(project.exams_dir, exam_id)
    items = item_frame(key)
    from sqlalchemy import text

    from ..exam.gradebook_db import connect, locate

    with connect(locate(project), readonly=True) as con:
        due_row = con.execute(text("SELECT duedate FROM assignment WHERE name = :n"), {"n": exam_id}).fetchone()
        extensions = dict(con.execute(text(
            "SELECT sa.student_id, sa.extension FROM submitted_assignment sa JOIN assignment a ON a.id = sa.assignment_id "
            "WHERE a.name = :n"), {"n": exam_id}).fetchall())
        rows = [tuple(r) for r in con.execute(text(
            """SELECT sa.student_id, b.name, g.auto_score, g.manual_score, sa.timestamp FROM grade g
               JOIN base_cell b ON b.id = g.cell_id JOIN submitted_notebook sn ON sn.id = g.notebook_id
               JOIN submitted_assignment sa ON sa.id = sn.assignment_id JOIN assignment a ON a.id = sa.assignment_id
               WHERE a.name = :n AND b.type = 'GradeCell'"""), {"n": exam_id})]
    df = pd.DataFrame(rows, columns=["编号", "cell", "auto", "manual", "timestamp"])
    df["item"] = df["cell"].str.split("-", n=1).str[1]
    df = df[df["item"].isin(items.index)]
    # a grade with neither score (an essay awaiting its marker) is NaN, never None: the column stays numeric
    df["score"] = pd.to_numeric(df["manual"], errors="coerce").fillna(pd.to_numeric(df["auto"], errors="coerce"))
    scores = df.pivot_table(index="编号", columns="item", values="score", aggfunc="first", dropna=False)
    scores = scores.reindex(columns=items.index).astype(float)
    for s in set(df["编号"]) - set(scores.index):
        scores.loc[s] = np.nan
    due = pd.to_datetime(due_row[0]) if due_row and due_row[0] else None
    stamps = df.drop_duplicates("编号").set_index("编号")["timestamp"]
    late = (pd.to_datetime(stamps) > due) if due is not None else pd.Series(False, index=stamps.index)
    from ..exam.late_marks import table_lateness

    lateness = table_lateness(project, exam_id, stamps, extensions, scores.sum(axis=1))
    if lateness:  # a timed sitting: each candidate's own deadline, not the closing time
        late = pd.Series({s: v.late for s, v in lateness.items()}, dtype=bool)
    refused = sorted(s for s, v in lateness.items() if not v.counted)
    table = ScoreTable(exam_id, key.title, items, scores.drop(index=refused).sort_index(),
                       _roster_frame(project, set(scores.index)),
                       late.reindex(scores.index).fillna(False).astype(bool), lateness=lateness, refused=refused)
    if with_responses:
        table.responses = _responses(project, exam_id, items, list(scores.index))
    return table


def _responses(project: Project, exam_id: str, items: pd.DataFrame, students: list[str]) -> pd.DataFrame:
    choice = items[items["题型"].isin(["单选", "多选"])]
    out = {}
    paper = None  # paper candidates' answers as marked, read once if any notebook is missing (.paper_notebooks)
    for s in students:
        path = project.exams_dir / "autograded" / s / exam_id / f"{exam_id}.ipynb"
        reads = None
        try:
            sources = answer_sources(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            if paper is None:
                paper = _paper_answers(project, exam_id)
            if s not in paper:
                continue
            reads = {iid: AnswerRead("ok", v) for iid, v in paper[s].items() if isinstance(v, str) and v}
        row = {}
        for iid, opts in choice["options"].items():
            read = reads.get(iid, AnswerRead("empty")) if reads is not None else read_answer(sources.get(iid))
            letters = choice_letters(read.value, {o: "" for o in opts}) if read.readable else None
            row[iid] = "".join(sorted(letters)) if letters else ""
        out[s] = row
    return pd.DataFrame.from_dict(out, orient="index", columns=list(choice.index))


def _paper_answers(project: Project, exam_id: str) -> dict[str, dict[str, object]]:
    """Answers kept by ``qingfeng mark --sheets`` for candidates whose marks come from their sheet."""
    from ..exam.kept_answers import iter_answers
    from ..exam.sheet_choices import paper_students

    chosen = paper_students(project, exam_id)
    return {s: v for s, v in iter_answers(project, exam_id) if id_key(s) in chosen} if chosen else {}


def load_plain_table(path: Path, items: pd.DataFrame, roster: pd.DataFrame, exam_id: str, title: str) -> tuple[ScoreTable | None, list[RowError]]:
    """编号 + one column per item id with the points scored; an empty cell means not yet marked."""
    try:
        t = read_table(path)
    except SheetError as e:
        return None, [RowError(None, "", str(e))]
    heads = {id_text(h): h for h in t.headers if h}  # full-width item ids (ＹＭ－ＸＺ－０１) accepted
    errors = [RowError(None, h, "缺少这一列") for h in ["编号", *items.index] if h not in heads]
    if errors:
        return None, errors
    data, seen = {}, {}
    for row_no, raw in t.rows:
        cells = {k: raw.get(h) for k, h in heads.items()}
        sid = id_text(cells.get("编号"))
        if not sid:
            errors.append(RowError(row_no, "编号", "不能为空"))
            continue
        if sid in seen:
            errors.append(RowError(row_no, "编号", f"与第 {seen[sid]} 行重复"))
            continue
        seen[sid] = row_no
        vals = {}
        for iid, max_pts in items["满分"].items():
            v, problem = score_cell(cells.get(iid), max_pts)
            if problem:
                errors.append(RowError(row_no, iid, problem))
            vals[iid] = np.nan if v is None else v
        data[sid] = vals
    errors += t.problems
    if errors:
        return None, errors
    scores = pd.DataFrame.from_dict(data, orient="index", columns=list(items.index)).sort_index()
    scores.index.name = "编号"
    return ScoreTable(exam_id, title, items, scores, roster, pd.Series(False, index=scores.index)), []
