"""Hostile submissions: papers written to cheat whoever marks them.

:func:`hostile_submissions` returns, per variant, the answer cells to type
into a blank released paper (see ``qingfeng.demo.simulate.write_submission``)
and an optional metadata edit.  Every variant that runs code touches a file
in ``marker_dir`` when it did anything, so a test can assert that nothing ran.
Each attack finds the course from its own folder, as a candidate's code
would, so the same paper attacks the real course and the sandbox copy alike.

Add new cheats here: every marking test runs all of them.
"""
from __future__ import annotations

from dataclasses import dataclass, field

# The first objective item's answer cell carries the attack (it is the cell a candidate edits anyway).
_FIND = ("import json, os, pathlib, sqlite3\n"
         "from qingfeng.project import find_project\n"
         "exams = find_project(start='.').exams_dir\n")


@dataclass(frozen=True)
class Hostile:
    name: str
    answers: dict[str, str]  # item id -> answer cell source
    metadata: dict[str, dict] = field(default_factory=dict)  # item id -> nbgrader metadata overrides on its answer cell
    runs_code: bool = True


def _touch(marker_dir: str, name: str) -> str:
    return f"pathlib.Path({marker_dir!r}, {name!r}).write_text('ran')\n"


def hostile_submissions(exam_id: str, first_item: str, marker_dir: str) -> list[Hostile]:
    """The cheating variants the security review reproduced, as submissions (candidate ids are their names)."""
    m = lambda n: _touch(marker_dir, n)  # noqa: E731
    full = ("from qingfeng.exam.keys import read_key\n"
            f"_pts = lambda item: read_key(exams, {exam_id!r}).item(item).entry.points\n")
    return [
        Hostile("h-interactivity", {first_item: "get_ipython().ast_node_interactivity = 'none'\n"
                                                "import pathlib\n" + m("h-interactivity")}),
        Hostile("h-patch-mark", {first_item: _FIND + full + m("h-patch-mark") +
                                 "import qingfeng.exam.cell_marking as cm\ncm.mark = lambda e, i, f=None: _pts(i)\n"}),
        Hostile("h-patch-score", {first_item: _FIND + m("h-patch-score") +
                                  "import qingfeng.exam.cell_marking as cm, qingfeng.exam.scoring as sc\n"
                                  "cm.score = lambda entry, read: sc.ItemScore(entry.item_id, entry.points, entry.points, 'correct', '满分')\n"}),
        Hostile("h-rewrite-own-notebook", {first_item: _FIND + m("h-rewrite-own-notebook") +
                                           f"key = json.loads((exams / 'keys' / '{exam_id}.json').read_text())\n"
                                           f"nb_path = pathlib.Path('{exam_id}.ipynb'); nb = json.loads(nb_path.read_text())\n"
                                           "right = {k['entry']['item_id']: k['entry'] for k in key['items']}\n"
                                           "for c in nb['cells']:\n"
                                           "    gid = c['metadata'].get('nbgrader', {}).get('grade_id', '')\n"
                                           "    e = right.get(gid[7:]) if gid.startswith('answer-') else None\n"
                                           "    if e and e['key']: c['source'] = '作答 = ' + json.dumps(''.join(e['key']))\n"
                                           "    elif e and e['blanks']: c['source'] = '作答 = ' + json.dumps([b[0][0] for b in e['blanks']])\n"
                                           "nb_path.write_text(json.dumps(nb))\n"}),
        Hostile("h-rewrite-key", {first_item: _FIND + m("h-rewrite-key") +
                                  f"p = exams / 'keys' / '{exam_id}.json'; key = json.loads(p.read_text())\n"
                                  "for k in key['items']:\n"
                                  "    k['entry']['points'] = 99\n"
                                  "p.write_text(json.dumps(key, ensure_ascii=False))\n"}),
        Hostile("h-print-key", {first_item: _FIND + m("h-print-key") +
                                f"print((exams / 'keys' / '{exam_id}.json').read_text())\n"}),
        Hostile("h-write-gradebook", {first_item: _FIND + m("h-write-gradebook") +
                                      "con = sqlite3.connect(exams / 'gradebook.db')\n"
                                      "con.execute(\"UPDATE grade SET manual_score = 61, needs_manual_grade = 0 WHERE cell_id IN "
                                      "(SELECT id FROM base_cell WHERE name LIKE 'answer-%')\")\n"
                                      "con.commit()\n"}),
        Hostile("h-os-system", {first_item: "import os, subprocess, pathlib\n" + m("h-os-system") +
                                f"os.system('sleep 300 &')\nsubprocess.Popen(['sleep', '301'], start_new_session=True)\n"}),
        Hostile("h-grade-true", {first_item: '作答 = "A"'},
                metadata={first_item: {"grade": True, "points": 50}}, runs_code=False),
    ]


def apply(released: dict, h: Hostile) -> dict:
    """The released paper with ``h`` typed in (a new dict; the released one is not changed)."""
    cells = []
    for cell in released["cells"]:
        nb = (cell.get("metadata") or {}).get("nbgrader") or {}
        gid = nb.get("grade_id", "")
        item = gid[len("answer-"):] if gid.startswith("answer-") else None
        if item in h.answers:
            cell = {**cell, "source": h.answers[item]}
        if item in h.metadata:
            cell = {**cell, "metadata": {**cell["metadata"], "nbgrader": {**nb, **h.metadata[item]}}}
        cells.append(cell)
    return {**released, "cells": cells}
