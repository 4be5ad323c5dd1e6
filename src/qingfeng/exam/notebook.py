"""Render a paper as a real nbgrader source notebook.

Per objective item: a locked markdown cell (number, points, stem, options),
an answer code cell with a one-line template, and a locked, collapsed
autograder test cell whose hidden part calls :func:`.cell_marking.mark`.
Per subjective item: a locked nbgrader *task* cell (0 points) holding the
stem and, inside a MARK SCHEME region, the rubric (visible to markers in
formgrader, removed from the candidates' release), then a markdown answer
cell that carries the item's points and is marked by hand.
No key is ever written into the notebook.
"""
from __future__ import annotations

import datetime as dt

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from .answers import ANSWER_NAME, TEMPLATE_HINTS, blanks_hint
from .paper import Paper, PaperItem, item_label, stem_with_blanks
from .schedule import SHANGHAI, show

__all__ = ["render_notebook", "TEMPLATES", "answer_template", "answer_spec", "SPEC_KEY"]

SPEC_KEY = "qingfeng"  # cell metadata the candidate's form reads; also answer_check.SPEC_KEY

TEMPLATES = TEMPLATE_HINTS


def answer_template(pi: PaperItem) -> str:
    it = pi.item
    if it.type == "填空":
        n = len(it.blanks)
        if n == 1:
            return f'{ANSWER_NAME} = ""  # {TEMPLATE_HINTS["填空"]}'
        blanks = ", ".join('""' for _ in range(n))
        return f"{ANSWER_NAME} = [{blanks}]  # {blanks_hint(n)}"
    return f'{ANSWER_NAME} = ""  # {TEMPLATES[it.type]}'


def answer_spec(pi: PaperItem, heading: str) -> dict:
    """What the candidate's form needs to draw an item, and nothing secret (no key, no rubric)."""
    it = pi.item
    spec = {"item": pi.id, "label": item_label(heading, pi.number), "type": it.type, "points": it.points}
    if it.type in ("单选", "多选"):
        spec["options"] = [[letter, text] for letter, text in pi.options]
    if it.type == "填空":
        spec["blanks"] = len(it.blanks)
    return spec


def _meta(grade_id: str, *, grade=False, solution=False, locked=False, task=False, points=None) -> dict:
    nb = {"grade": grade, "solution": solution, "locked": locked, "task": task, "grade_id": grade_id, "schema_version": 3}
    if points is not None:
        nb["points"] = points
    return {"nbgrader": nb}


def _pts(x: float) -> str:
    return f"{x:g}"


def _item_markdown(pi: PaperItem) -> str:
    it = pi.item
    lines = [f"**{pi.number}．**（{_pts(it.points)} 分）{stem_with_blanks(it) if it.type == '填空' else it.stem}"]
    if it.type == "填空" and len(it.blanks) > 1:
        each = {b.points for b in it.blanks}
        lines.append("" if len(each) > 1 else f"<small>（每空 {_pts(each.pop())} 分）</small>")
    for letter, text in pi.options:
        lines.append(f"- {letter}．{text}")
    if it.type == "判断":
        lines.append("")
        lines.append("<small>判断对错：点选“对”或“错”（如果下方是灰色作答格，则在引号中填写“对”或“错”）。</small>")
    return "\n".join(line for line in lines if line is not None)


def _header(paper: Paper, exam_id: str, deadline: dt.datetime | None) -> str:
    bp = paper.blueprint
    parts = [f"# {bp.title}", "",
             f"**试卷编号**：{exam_id}　　**满分**：{_pts(paper.total)} 分　　**截止时间**：{show(deadline)}", ""]
    parts += ["| 题型 | 题数 | 分值 |", "|---|---|---|"]
    parts += [f"| {s.heading} | {len(s.items)} | {_pts(s.points)} |" for s in paper.sections]
    parts += ["", "## 作答须知", "",
              "1. 客观题（填空、选择、判断）：单选题和判断题点选一个选项，多选题勾选全部正确选项，填空题在每个空的方框里填写。"
              "如果题目下方显示的是灰色作答格，则**只在引号之间**填写答案，不要改动引号外的内容：大小写、全角半角、繁体简体都可以；"
              "多选题写 `AC`、`A,C`、`A、C` 均可；判断题写 对/错、√/× 均可。",
              "2. 简答题、论述题：在题目下方的方框里作答（如果显示的是“请在此处作答”，双击它进入编辑，写完后按 Shift+Enter）。",
              "3. 每题独立评分：某一题的作答格写错或删掉，只影响该题。",
              "4. 作答过程中请随时保存（Ctrl+S）。全部完成后，先点试卷上方的“检查试卷”，看看哪些题没有作答或读不出来，"
              "再点“提交试卷”。提交后还可以修改并再次提交，以最后一次提交为准。"]
    if bp.instructions:
        parts += ["", bp.instructions]
    return "\n".join(parts)


def render_notebook(paper: Paper, exam_id: str, deadline: dt.datetime | None = None) -> nbformat.NotebookNode:
    nb = new_notebook()
    nb.metadata.update({
        "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
        "qingfeng": {"exam_id": exam_id, "blueprint": paper.blueprint.name, "seed": paper.seed,
                     # what the candidate's 我的考试 list shows (qingfeng.exam.candidate_papers)
                     "title": paper.blueprint.title,
                     "deadline": deadline.astimezone(SHANGHAI).isoformat() if deadline else None},
    })
    cells = [new_markdown_cell(_header(paper, exam_id, deadline), metadata=_meta("header", locked=True))]
    specs = []
    for n, sec in enumerate(paper.sections, start=1):
        cells.append(new_markdown_cell(f"## {sec.heading}（共 {_pts(sec.points)} 分）",
                                       metadata=_meta(f"section-{n}", locked=True)))
        for pi in sec.items:
            spec = answer_spec(pi, sec.heading)
            specs.append(spec)
            cells += _objective_cells(pi, exam_id, spec) if pi.item.objective else _subjective_cells(pi, spec)
    nb.metadata[SPEC_KEY]["items"] = specs  # so a deleted answer cell is still listed by 检查试卷
    nb.cells = cells
    return nb


def _objective_cells(pi: PaperItem, exam_id: str, spec: dict) -> list:
    iid = pi.id
    test_src = (f"# 第 {pi.number} 题由系统自动评分，本格不需要修改或运行\n"
                "### BEGIN HIDDEN TESTS\n"
                f"__import__('qingfeng.exam.cell_marking', fromlist=['mark']).mark({exam_id!r}, {iid!r})\n"
                "### END HIDDEN TESTS")
    test_meta = _meta(f"test-{iid}", grade=True, locked=True, points=pi.item.points)
    test_meta["jupyter"] = {"source_hidden": True}
    return [
        new_markdown_cell(_item_markdown(pi), metadata=_meta(f"item-{iid}", locked=True)),
        new_code_cell(answer_template(pi) + "\n### BEGIN SOLUTION\n### END SOLUTION",
                      metadata={**_meta(f"answer-{iid}", solution=True), SPEC_KEY: spec}),
        new_code_cell(test_src, metadata=test_meta),
    ]


def _subjective_cells(pi: PaperItem, spec: dict) -> list:
    it = pi.item
    # HTML-comment delimiters: nbgrader finds them, and formgrader does not render them as headings
    scheme = ["", "<!-- BEGIN MARK SCHEME -->", "**评分要点（仅阅卷人可见）**", ""]
    scheme += [f"{n}. {r.point}（{_pts(r.points)} 分）" for n, r in enumerate(it.rubric, start=1)]
    if it.reference:
        scheme += ["", f"参考答案：{it.reference}"]
    scheme += ["<!-- END MARK SCHEME -->"]
    task_src = _item_markdown(pi) + "\n\n<small>本题由阅卷人人工评分。</small>\n" + "\n".join(scheme)
    # The answer cell carries the points (nbgrader's "manually graded answer": untouched means 0);
    # the task cell only carries the stem and the mark scheme, so it is worth 0 points.
    return [
        new_markdown_cell(task_src, metadata=_meta(f"task-{pi.id}", task=True, locked=True, points=0)),
        new_markdown_cell("（请在此处作答）", metadata={**_meta(f"answer-{pi.id}", grade=True, solution=True, points=it.points),
                                                       SPEC_KEY: spec}),
    ]
