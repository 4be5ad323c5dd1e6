"""An nbgrader feedback preprocessor for candidates.

Plain ``nbgrader generate_feedback`` renders the autograded notebook, which
holds the restored hidden tests and mark schemes (nbgrader issue #917).
:class:`CandidateFeedback` runs after ``GetGrades`` and, for every item:

* replaces the test cell's code with one Chinese line and its output with
  the item's marking detail (e.g. “少选且无错选，得一半分”);
* removes hidden-test and mark-scheme regions from every cell;
* sanitises every cell the candidate wrote (:mod:`.sanitise`);
* only when ``reveal_answers`` is set (the exam has closed) and the item is
  not in the blueprint's ``hidden_answers``, adds the answer and explanation.
"""
from __future__ import annotations

from pathlib import Path

from nbformat import from_dict
from nbformat.v4 import new_markdown_cell, new_output
from traitlets import Bool

from nbgrader.preprocessors import NbGraderPreprocessor

from ..project import find_project
from .cell_marking import answer_sources, score_notebook_item
from .keys import read_key
from .sanitise import sanitise_cell, trusted_ids
from .paper import item_label

__all__ = ["CandidateFeedback", "strip_regions"]

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
        cells = []
        trusted = trusted_ids(resources)
        for cell in nb.cells:
            gid = cell.metadata.get("nbgrader", {}).get("grade_id", "")
            if gid not in trusted:  # the candidate's own cells: sanitised (script must not reach anyone's browser)
                cell = from_dict(sanitise_cell(cell))
            cell.source = strip_regions(cell.source)
            item_id = gid.split("-", 1)[1] if gid.startswith(("test-", "task-", "answer-")) else ""
            if item_id in key_ids:  # the Chinese feedback template names items by this, not by grade ids
                k = key.item(item_id)
                cell.metadata["qingfeng_feedback"] = {"label": item_label(k.section, k.number)}
            if gid.startswith("test-"):
                item_id = gid[len("test-"):]
                result = score_notebook_item(project.exams_dir, exam_id, item_id, sources)
                cell.source = f"# 第 {key.item(item_id).number} 题：系统评分"
                cell.outputs = [new_output("stream", name="stdout", text=f"{result.detail}（得 {result.points:g} / {result.max_points:g} 分）\n")]
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
