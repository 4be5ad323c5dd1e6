"""The candidate's extension as shipped: prebuilt output in step with its sources, installed by make's routine,
and the metadata it reads kept by nbgrader, secret-free, and harmless to nbgrader validate and autograde."""
from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from qingfeng import LABEXTENSION_NAME
from qingfeng.candidate_extension import BUILT, CANDIDATE_DISABLED, SOURCE, install, recorded_hash, source_hash
from qingfeng.exam import course
from qingfeng.exam.candidate_server import beijing_time, check_payload
from qingfeng.exam.keys import read_key
from qingfeng.project import find_project

from .exam_course import REPO, copy_project, run_nbgrader

EXAM = "yumin-sample"


def test_built_extension_is_not_stale():
    """Fails when labextension/ changed without `make labextension` (which rebuilds and records the hash)."""
    assert recorded_hash() == source_hash(), "考生扩展的构建结果已过期：请运行 make labextension 并提交 src/qingfeng/labextension/"


def test_built_extension_is_complete_and_named_as_the_package_says():
    meta = json.loads((BUILT / "package.json").read_text(encoding="utf-8"))
    assert meta["name"] == LABEXTENSION_NAME == json.loads((SOURCE / "package.json").read_text(encoding="utf-8"))["name"]
    assert (BUILT / meta["jupyterlab"]["_build"]["load"]).is_file()
    for css_or_js in ("style.js",):
        assert (BUILT / "static" / css_or_js).is_file()


def test_install_links_the_prebuilt_output_and_enables_the_server_extension(tmp_path):
    target, config = install(tmp_path / "prefix", candidate=True)
    assert target == tmp_path / "prefix" / "share" / "jupyter" / "labextensions" / LABEXTENSION_NAME
    assert target.is_symlink() and target.resolve() == BUILT
    assert json.loads(config.read_text())["ServerApp"]["jpserver_extensions"] == {"qingfeng": True}
    page = json.loads((tmp_path / "prefix" / "etc" / "jupyter" / "labconfig" / "page_config.json").read_text())
    assert set(page["disabledExtensions"]) == set(CANDIDATE_DISABLED)
    install(tmp_path / "prefix")  # again, over an existing link: replaced, not failed
    assert target.resolve() == BUILT


def test_makefile_installs_the_extension_after_pip_and_can_rebuild_it():
    make = (REPO / "Makefile").read_text(encoding="utf-8")
    stamp_rule = make[make.index("$(STAMP):"):make.index("install: $(STAMP)")]
    assert stamp_rule.index("pip install --quiet -e") < stamp_rule.index("qingfeng.candidate_extension install")
    assert "labextension: $(STAMP)" in make and "candidate_extension record" in make


def test_nbgrader_submission_time_in_beijing_time():
    assert beijing_time("2026-12-01 17:30:05.123456 CST") == "2026-12-01 17:30:05"  # Exchange.timezone Asia/Shanghai
    assert beijing_time("2026-12-01 09:30:05.123456 UTC") == "2026-12-01 17:30:05"
    assert beijing_time("not a time") == ""


@pytest.fixture(scope="module")
def released(tmp_path_factory):
    root = copy_project(tmp_path_factory.mktemp("meta") / "proj")
    project = find_project(root)
    course.build_exam(project, EXAM, EXAM)
    course.generate(project, EXAM)
    return project, json.loads((project.exams_dir / "release" / EXAM / f"{EXAM}.ipynb").read_text(encoding="utf-8"))


def _specs(nb):
    return {c["metadata"]["qingfeng"]["item"]: (c["metadata"]["qingfeng"], c) for c in nb["cells"] if "qingfeng" in c["metadata"]}


@pytest.mark.slow
def test_generate_assignment_keeps_the_form_metadata_and_it_holds_nothing_secret(released):
    project, nb = released
    key = read_key(project.exams_dir, EXAM)
    specs = _specs(nb)
    assert len(specs) == len(key.items) == len(nb["metadata"]["qingfeng"]["items"]) == 36
    for k in key.items:
        spec, cell = specs[k.entry.item_id]
        assert set(spec) <= {"item", "label", "type", "points", "options", "blanks"}
        assert spec["type"] == k.entry.type and spec["points"] == k.entry.points
        if k.entry.type in ("单选", "多选"):
            assert [tuple(o) for o in spec["options"]] == list(k.entry.options)  # as printed, not the key
        if k.entry.type == "填空":
            assert spec["blanks"] == len(k.entry.blanks)
        assert cell["metadata"]["nbgrader"]["grade_id"] == f"answer-{k.entry.item_id}"
    printed = "".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    for spec, _ in specs.values():  # what the form shows is what the paper prints: no key, no rubric
        assert all(text in printed for _, text in spec.get("options", []))
        assert not {"key", "answer", "accept", "rubric", "reference"} & set(spec)


@pytest.mark.slow
def test_nbgrader_validate_passes_a_paper_answered_through_the_forms(released, tmp_path):
    nb = copy.deepcopy(released[1])
    for cell in nb["cells"]:
        spec = cell["metadata"].get("qingfeng")
        if spec and spec["type"] == "单选":
            cell["source"] = '作答 = "A"'  # exactly what the form writes
        elif spec and spec["type"] == "填空":
            cell["source"] = "作答 = " + json.dumps(["答"] * spec["blanks"], ensure_ascii=False)
        elif spec and spec["type"] in ("简答", "论述"):
            cell["source"] = "廉政风险产生的原因：教育、制度、监督不到位。"  # the essay box writes the text itself
    path = tmp_path / f"{EXAM}.ipynb"
    path.write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")
    out = run_nbgrader(tmp_path, "validate", str(path))
    assert "Success" in out and "ERROR" not in out


@pytest.mark.slow
def test_the_check_endpoint_lists_every_item_and_a_deleted_answer_cell(released):
    _, nb = released
    out = check_payload(nb)
    assert out["total"] == 36 and out["answered"] == 0
    assert {i["state"] for i in out["items"]} == {"unanswered"}
    gone = dict(nb, cells=[c for c in nb["cells"] if c["metadata"].get("qingfeng", {}).get("item") != "YM-XZ-03"])
    items = {i["item_id"]: i for i in check_payload(gone)["items"]}
    assert len(items) == 36 and items["YM-XZ-03"]["state"] == "unreadable" and "删除" in items["YM-XZ-03"]["why"]
    assert [i["label"] for i in out["items"]][:2] == ["填空第 1 题", "填空第 2 题"]
