"""Everything a learner reads in the course, as plain text: notebooks' markdown and what the package renders.

Shared by the tests that hold that text to the issue #13 rules (tests/test_seed_quotes.py, tests/test_learner_text.py).
Each item is (where, text, record): record is a case's published text (title, post, facts, disposal and the
excerpt of the record it was built from) when the text is that case's feedback, else "".
"""
from __future__ import annotations

import html
import itertools
import json
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def strip_html(text: str) -> str:
    text = re.sub(r"<(?:br|/tr|/p|/div|/li|/caption|/h\d)[^>]*>", "\n", text)
    return html.unescape(re.sub(r"<[^>]+>", "；", text))


def notebook_texts():
    for nb in sorted((REPO / "courses").glob("*.ipynb")):
        for i, cell in enumerate(json.loads(nb.read_text(encoding="utf-8"))["cells"]):
            if cell["cell_type"] == "markdown":
                yield f"{nb.name} 第{i + 1}格", "".join(cell["source"]), ""


def rendered_texts(monkeypatch):
    """What the package renders into the course pages, as plain text."""
    monkeypatch.chdir(REPO)
    from qingfeng.cases import load_library
    from qingfeng.chinese_text import to_simplified
    from qingfeng.learning import exercises as ex
    from qingfeng.learning import lessons
    from qingfeng.learning.citations import plain, remember_titles
    from qingfeng.risk import EIGHT_STEPS, TEACHING_RULE, Assessment, grade

    for name in ("definitions", "manifestations", "measures", "level_schemes", "level_criteria", "supervision",
                 "warnings_table", "situations_table", "aftercare", "pdca_table", "stages_table", "yearly_cycle",
                 "luxi_example", "eight_steps", "methods", "search_layers"):
        yield f"lessons.{name}()", strip_html(getattr(lessons, name)().data), ""
    yield "TEACHING_RULE", TEACHING_RULE, ""
    from qingfeng.learning.course_home import original_copy_warning
    yield "课程原件提示", strip_html(original_copy_warning(REPO / "courses")), ""
    scale = (1, 2, 3)
    seen: set[str] = set()
    for p, m, l, h, mo, s in itertools.product(scale, scale, scale, scale, scale, (False, True)):
        text = grade(Assessment(p, m, 2, l, h, 2, moral=mo, sanzhong_yida=s)).explain()
        for piece in text.split("；"):
            if piece not in seen:
                seen.add(piece)
                yield "评级因素探索器", piece, ""
    for pool in ("pdca_pool", "stage_pool", "measure_pool", "criteria_pool", "warning_pool"):
        for t in getattr(ex, pool)():
            yield f"exercises.{pool}", f"{t.prompt}\n{t.why}", ""
    for meaning in ("pdca_meaning", "stage_meaning", "measure_meaning", "criteria_meaning", "warning_meaning"):
        for k, v in getattr(ex, meaning)().items():
            yield f"exercises.{meaning}", f"{k}：{v}", ""
    fb = ex.check_step_order([s.name for s in EIGHT_STEPS])
    yield "exercises.check_step_order", "\n".join(p.message for p in fb.parts), ""
    # The published record each case was built from (/work/shared/cases), where it is beside the repository.
    records = REPO.parent / "shared" / "cases" / "records.jsonl"
    excerpts = ({r["id"]: to_simplified(r.get("source_excerpt", "")) for r in map(json.loads, records.read_text(
        encoding="utf-8").splitlines())} if records.is_file() else {})
    project = lessons._project()
    cases = load_library(project.cases_dir).cases
    remember_titles(cases)
    for c in cases:
        fb = ex.with_case_hints(c, ex.CaseAnswer(), ex.check_case(c, ex.CaseAnswer()))
        # A word quoted from the published record itself (“围猎”) is the record's, not a seed's.
        record = "\n".join([c.title, c.post, c.facts, c.disposal, excerpts.get(c.source.record, "")])
        yield f"案例 {c.id} 的反馈", plain("\n".join([*(f"{p.message}\n{p.hint}" for p in fb.parts), fb.footer,
                                                      c.annotation.reasoning, c.annotation.risk_point])), record
