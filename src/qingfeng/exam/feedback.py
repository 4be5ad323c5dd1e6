"""An nbgrader feedback preprocessor for candidates.

Plain ``nbgrader generate_feedback`` renders the autograded notebook, which
holds the restored hidden tests and mark schemes (nbgrader issue #917).
:class:`CandidateFeedback` runs after ``GetGrades`` and, for every item:

* gives the template, in cell metadata ``qingfeng_feedback``, each item's
  Chinese label, an anchor (``q1``, ``q2`` … not a grade id), the marking
  detail (e.g. “少选且无错选，得一半分”) and, for an objective answer, the
  answer as a person reads it (:mod:`.feedback_answers`); the template shows
  no code cell's source or output at all;
* drops the internal 试卷编号 from the header; the page is titled by the
  paper's Chinese title;
* removes hidden-test and mark-scheme regions from every cell;
* sanitises every cell the candidate wrote (:mod:`.sanitise`);
* only when ``reveal_answers`` is set (the exam has closed) and the item is
  not in the blueprint's ``hidden_answers``, adds the answer and explanation.
"""
from __future__ import annotations

import re
from pathlib import Path

from nbformat import from_dict
from nbformat.v4 import new_markdown_cell
from traitlets import Bool

from nbgrader.preprocessors import NbGraderPreprocessor

from ..project import find_project
from .cell_marking import answer_sources, score_notebook_item
from .feedback_answers import readable_answer
from .keys import read_key
from .sanitise import sanitise_cell, trusted_ids
from .paper import item_label

__all__ = ["CandidateFeedback", "strip_regions", "without_exam_id", "paper_title"]

NBGRADER_NO_RESPONSE = "No response."  # nbgrader.preprocessors.SaveAutoGrades' comment on an untouched answer
_REGIONS = (("BEGIN HIDDEN TESTS", "END HIDDEN TESTS"), ("BEGIN MARK SCHEME", "END MARK SCHEME"))


def strip_regions(source: str) -> str:
    out, skipping = [], None
    for line in source.split("\n"):
        if skipping is None:
            begin = next((end for b, end in _REGIONS if b in line), None)
            if begin:
                skipping = begin
                continue
            out.append(line)
        elif skipping in line:
            skipping = None
    return "\n".join(out).rstrip()


class CandidateFeedback(NbGraderPreprocessor):
    reveal_answers = Bool(False, help="考试结束后在反馈中显示参考答案与解析（组卷方案中隐藏的题目除外）").tag(config=True)

    def preprocess(self, nb, resources):
        exam_id = resources["nbgrader"]["assignment"]
        folder = Path(resources.get("metadata", {}).get("path") or ".")
        project = find_project(start=folder)
        key = read_key(project.exams_dir, exam_id)
        sources = answer_sources(nb)
        key_ids = {k.entry.item_id for k in key.items}
        anchors = {k.entry.item_id: f"q{n}" for n, k in enumerate(key.items, start=1)}
        cells = []
        trusted = trusted_ids(resources)
        nb.metadata["qingfeng_feedback"] = {"title": paper_title(key.title, nb)}
        for cell in nb.cells:
            gid = cell.metadata.get("nbgrader", {}).get("grade_id", "")
            if gid not in trusted:  # the candidate's own cells: sanitised (script must not reach anyone's browser)
                cell = from_dict(sanitise_cell(cell))
            cell.source = strip_regions(cell.source)
            nbg = cell.metadata.get("nbgrader", {})
            if nbg.get("comment") == NBGRADER_NO_RESPONSE:  # nbgrader's English auto-comment; the page says 未作答
                nbg["comment"] = ""
            if gid == "header":
                cell.source = without_exam_id(cell.source)
            item_id = gid.split("-", 1)[1] if gid.startswith(("test-", "task-", "answer-")) else ""
            if item_id in key_ids:  # the Chinese feedback template names items by this, not by grade ids
                k = key.item(item_id)
                shown = {"label": item_label(k.section, k.number), "anchor": anchors[item_id]}
                if gid.startswith("answer-") and cell.cell_type == "code":
                    answer = readable_answer(sources.get(item_id), k.entry)
                    shown.update(answer=answer.text, note=answer.note)
                cell.metadata["qingfeng_feedback"] = shown
            if cell.cell_type == "code":
                cell.outputs = []  # the template shows no code cell's source or output, only what is set here
            if gid.startswith("test-"):
                item_id = gid[len("test-"):]
                result = score_notebook_item(project.exams_dir, exam_id, item_id, sources)
                cell.source = ""
                cell.metadata.setdefault("qingfeng_feedback", {})["detail"] = (
                    f"{result.detail}（得 {result.points:g} / {result.max_points:g} 分）")
            cells.append(cell)
            if self.reveal_answers and (gid.startswith("test-") or gid.startswith("task-")):
                item_id = gid.split("-", 1)[1]
                if item_id not in key.hidden_answers:
                    k = key.item(item_id)
                    cells.append(new_markdown_cell(f"> **参考答案**：{k.answer_text}\n>\n> **解析**：{k.explanation}"))
        nb.cells = cells
        self._lateness(project, exam_id, resources)
        return nb, resources

    @staticmethod
    def _lateness(project, exam_id: str, resources) -> None:
        """A timed sitting: how this paper's hand-in time counted (the template shows it under the scores)."""
        from .late_marks import lateness_from_gradebook, penalty_for
        from .timed_sitting import load_window

        window = load_window(project, exam_id)
        if window is None:
            return
        from .course import open_gradebook

        with open_gradebook(project) as gb:
            sub = gb.find_submission(exam_id, resources["nbgrader"]["student"])
            total = float(sub.score or 0)  # every mark so far, hand marks included
            late = lateness_from_gradebook(window, sub.timestamp, sub.extension, total)
        # the rule on today's total (the penalty nbgrader stored was computed before the essays were marked)
        penalty = penalty_for(late, total) or 0.0
        resources["nbgrader"]["late_penalty"] = penalty
        resources["nbgrader"]["score"] = total - penalty
        if not late.late:
            text = "计时考试：按时交卷。"
        elif not late.counted:
            text = f"计时考试：迟交 {late.minutes_late} 分钟，按本场考试的规定（迟交拒收）不计分。"
        elif late.deduction:
            text = f"计时考试：迟交 {late.minutes_late} 分钟，按每分钟 {window.deduct_per_minute:g} 分扣 {late.deduction:g} 分（得分已扣除）。"
        else:
            text = f"计时考试：迟交 {late.minutes_late} 分钟，已标记迟交，照常计分。"
        resources["nbgrader"]["qingfeng_lateness"] = text
        resources["nbgrader"]["qingfeng_refused"] = not late.counted

_EXAM_ID_FIELD = re.compile(r"\*\*试卷编号\*\*：[^　\n]*[　 ]*")


def without_exam_id(header: str) -> str:
    """The paper's header without its 试卷编号 (an internal id; the title above names the paper)."""
    return _EXAM_ID_FIELD.sub("", header)


def paper_title(title: str, nb) -> str:
    """The paper's Chinese title: the key's, else the title line of the paper's header cell."""
    if title and title.strip():
        return title.strip()
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "header":
            first = next((line for line in cell.source.splitlines() if line.startswith("# ")), "")
            if first:
                return first[2:].strip()
    return "试卷"
