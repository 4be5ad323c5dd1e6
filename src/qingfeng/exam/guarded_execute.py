"""nbgrader's autograde step that never runs candidate code, unless the papers are declared trusted.

``nbgrader autograde`` executes every submitted notebook as whoever runs it:
the examiner, beside the key, the scorer and the gradebook.  One line of a
candidate's (``get_ipython().ast_node_interactivity = "none"``) gives a blank
paper full marks.  The course's ``exams/nbgrader_config.py`` therefore puts
:class:`MarkWithoutRunning` where nbgrader's ``Execute`` step was, so
Formgrader's 自动评分 button and an ``nbgrader autograde`` typed in the course
folder mark the way ``qingfeng mark`` does: each answer cell read as a literal
(:func:`.answers.read_answer`), scored by :func:`.scoring.score` (the very
function the test cells call), and the score written as the test cell's
output, which nbgrader's own SaveAutoGrades records.  The key's checksum is
verified first (:mod:`.key_integrity`).

Only a copy whose papers are trusted (simulated papers in benchmarks and
equivalence tests, :func:`.course.nbgrader_autograde`) or the throw-away
sandbox (:mod:`.sandbox`) sets ``MarkWithoutRunning.run_candidate_code = True``
and gets nbgrader's real execution.
"""
from __future__ import annotations

import os
from pathlib import Path

from nbformat import NotebookNode, from_dict
from nbgrader.preprocessors import Execute
from traitlets import Bool

from .answers import read_cell
from .autograded_notebook import score_output
from .key_integrity import verify_key
from .keys import read_key
from .scoring import score
from .submission_structure import grade_id

__all__ = ["MarkWithoutRunning"]


class MarkWithoutRunning(Execute):
    """nbgrader's Execute step, replaced by static marking unless :attr:`run_candidate_code` is set."""

    run_candidate_code = Bool(False, help=(
        "Run the submitted notebooks (nbgrader's own Execute step). Only for papers that are trusted "
        "(simulated papers on a throw-away copy) or inside the sandbox of `qingfeng exam autograde "
        "--nbgrader-check`: a candidate's code runs as whoever runs autograde. Default: mark without "
        "running anything, as `qingfeng mark` does.")).tag(config=True)

    def preprocess(self, nb, resources):
        if self.run_candidate_code:
            return super().preprocess(nb, resources)
        self.log.info("清风：不运行考生代码，按静态读取的作答评分（与 qingfeng mark 相同）")
        return self.mark(nb, resources), resources

    def _exams_dir(self, resources) -> Path:
        root = self.config.get("CourseDirectory", {}).get("root")
        if root:
            return Path(str(root))
        # exams/autograded/<student>/<exam>/ is where nbgrader autogrades a notebook
        return Path((resources.get("metadata") or {}).get("path") or os.getcwd()).resolve().parents[2]

    def mark(self, nb, resources):
        """Every test cell's output is its item's static score; nothing is executed."""
        exam_id = resources["nbgrader"]["assignment"]
        exams = self._exams_dir(resources)
        verify_key(exams, exam_id)  # a changed key stops here, in Chinese, naming the file
        key = read_key(exams, exam_id)
        entries = {k.entry.item_id: k.entry for k in key.items}
        answers = {}
        for cell in nb.cells:  # structure already from the source (nbgrader's OverwriteCells ran before this)
            gid = grade_id(cell)
            if gid.startswith("answer-"):
                answers[gid[len("answer-"):]] = cell
        for cell in nb.cells:
            if cell.get("cell_type") != "code":
                continue
            cell.outputs, cell.execution_count = [], None
            gid = grade_id(cell)
            if not gid.startswith("test-"):
                continue
            entry = entries.get(gid[len("test-"):])
            if entry is None:  # a test cell the key does not know: never the full marks an empty output gets
                text = f"答案文件中没有 {gid[len('test-'):]} 这道题"
                cell.outputs = [NotebookNode(output_type="error", ename="未评分", evalue=text, traceback=[text])]
                continue
            cell.outputs = [from_dict(score_output(score(entry, read_cell(answers.get(entry.item_id))).points))]
        return nb
