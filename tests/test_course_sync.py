"""A learner's copy of the course: first copy, then cell-level three-way merges of trainers' updates."""
from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from click.testing import CliRunner

from qingfeng.cli.main import cli
from qingfeng.learning.sync import STATE_DIR, course_project, merge_cells, sync_courses

REPO = Path(__file__).resolve().parents[1]


def nb(*cells: tuple[str, str, str]):
    """cells: (id, type, source)"""
    out = nbformat.v4.new_notebook()
    for cid, kind, src in cells:
        c = nbformat.v4.new_code_cell(src) if kind == "code" else nbformat.v4.new_markdown_cell(src)
        c["id"] = cid
        out.cells.append(c)
    out.metadata["qingfeng"] = {"course": True}
    return out


def sources(path: Path) -> list[tuple[str, str]]:
    return [(c["id"], c["source"]) for c in nbformat.read(path, as_version=4).cells]


@pytest.fixture
def course(tmp_path):
    src = tmp_path / "courses"
    src.mkdir()
    nbformat.write(nb(("a", "markdown", "# 第一单元"), ("b", "code", "lessons.x()"), ("c", "markdown", "讲解一"),
                      ("d", "markdown", "讲解二")), src / "01_单元.ipynb")
    return src


def test_first_sync_copies_without_outputs_or_widget_state(course, tmp_path):
    n = nbformat.read(course / "01_单元.ipynb", as_version=4)
    n.cells[1].outputs = [nbformat.v4.new_output("display_data", {"text/plain": "x"})]
    n.cells[1].execution_count = 3
    n.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    nbformat.write(n, course / "01_单元.ipynb")
    r = sync_courses(course, tmp_path / "me")
    assert r.copied == ["01_单元.ipynb"]
    copy = nbformat.read(tmp_path / "me" / "01_单元.ipynb", as_version=4)
    assert copy.cells[1].outputs == [] and copy.cells[1].execution_count is None and "widgets" not in copy.metadata
    assert (tmp_path / "me" / STATE_DIR / "base" / "01_单元.ipynb").is_file()


def test_edited_kept_unedited_updated_new_added_deleted_restored(course, tmp_path):
    me = tmp_path / "me"
    sync_courses(course, me)
    mine = nbformat.read(me / "01_单元.ipynb", as_version=4)
    mine.cells[2].source = "讲解一\n\n我的笔记：先看定义。"  # the learner edits c
    del mine.cells[3]  # … deletes d
    mine.cells.append(nbformat.v4.new_markdown_cell("我自己加的总结"))  # … adds a cell
    mine.cells[-1]["id"] = "mine"
    nbformat.write(mine, me / "01_单元.ipynb")
    # the trainers update a (unedited by the learner), c (edited by the learner), add e after b, add a module
    nbformat.write(nb(("a", "markdown", "# 第一单元（修订）"), ("b", "code", "lessons.x()"), ("e", "markdown", "新增讲解"),
                      ("c", "markdown", "讲解一（修订）"), ("d", "markdown", "讲解二")), course / "01_单元.ipynb")
    nbformat.write(nb(("z", "markdown", "# 第二单元")), course / "02_新单元.ipynb")
    r = sync_courses(course, me)
    got = sources(me / "01_单元.ipynb")
    assert got == [("a", "# 第一单元（修订）"), ("b", "lessons.x()"), ("e", "新增讲解"),
                   ("c", "讲解一\n\n我的笔记：先看定义。"), ("d", "讲解二"), ("mine", "我自己加的总结")]
    assert r.kept_edits == 1 and r.added_cells == 1 and r.restored_cells == 1
    assert r.copied == ["02_新单元.ipynb"] and r.updated == ["01_单元.ipynb"]
    # a second sync with nothing new changes nothing and keeps the learner's edit
    r2 = sync_courses(course, me)
    assert sources(me / "01_单元.ipynb") == got and r2.unchanged == ["01_单元.ipynb", "02_新单元.ipynb"]


def test_trainers_removal_drops_only_unedited_cells_and_modules(course, tmp_path):
    me = tmp_path / "me"
    sync_courses(course, me)
    mine = nbformat.read(me / "01_单元.ipynb", as_version=4)
    mine.cells[2].source = "讲解一（我改过）"
    nbformat.write(mine, me / "01_单元.ipynb")
    nbformat.write(nb(("x", "markdown", "# 另一个")), course / "09_临时.ipynb")
    sync_courses(course, me)
    nbformat.write(nb(("a", "markdown", "# 第一单元"), ("b", "code", "lessons.x()")), course / "01_单元.ipynb")
    (course / "09_临时.ipynb").unlink()
    r = sync_courses(course, me)
    assert sources(me / "01_单元.ipynb") == [("a", "# 第一单元"), ("b", "lessons.x()"), ("c", "讲解一（我改过）")]
    assert r.removed == ["09_临时.ipynb"] and not (me / "09_临时.ipynb").exists()


def test_a_deleted_module_comes_back(course, tmp_path):
    me = tmp_path / "me"
    sync_courses(course, me)
    (me / "01_单元.ipynb").unlink()
    sync_courses(course, me)
    assert sources(me / "01_单元.ipynb")[0] == ("a", "# 第一单元")


def test_merge_places_new_cells_after_their_course_neighbour():
    base = [{"id": i, "cell_type": "markdown", "source": i} for i in "ab"]
    theirs = [{"id": i, "cell_type": "markdown", "source": i} for i in "xab"]
    merged, counts = merge_cells(base, theirs, [dict(c) for c in base])
    assert [c["id"] for c in merged] == ["x", "a", "b"] and counts["added"] == 1


def test_cli_syncs_the_real_course_and_records_its_project(tmp_path):
    dest = tmp_path / "清风课程"
    r = CliRunner().invoke(cli, ["--root", str(REPO), "courses", "sync", "--dest", str(dest)])
    assert r.exit_code == 0, r.output
    assert "新增 9 个" in r.output and (dest / "00_课程首页.ipynb").is_file()
    assert course_project(dest) == REPO
    r = CliRunner().invoke(cli, ["--root", str(REPO), "courses", "sync", "--dest", str(dest)])
    assert "未变 9 个" in r.output
    r = CliRunner().invoke(cli, ["--root", str(REPO), "courses", "sync", "--dest", str(dest), "--source", str(tmp_path)])
    assert r.exit_code != 0 and "没有笔记本" in r.output


def test_course_notebooks_hide_code_and_are_marked_for_the_save_hook():
    from qingfeng.learning.lab_extension import is_course, pre_save

    internal = re.compile(r"\b(M\d{2}-\d|PG-\d{3}|CCDI-\d{8}|S00\d-\d\d)\b|src/|\.py\b|\.txt\b|\.yaml|可靠性较低|qingfeng ")
    for path in sorted((REPO / "courses").glob("*.ipynb")):
        n = nbformat.read(path, as_version=4)
        assert is_course(n), path.name
        for c in n.cells:
            assert c.get("id"), path.name
            if c.cell_type == "markdown":  # what a learner reads: no internal ids, paths or commands
                assert not internal.search(c.source), (path.name, c.id, internal.search(c.source).group(0))
            if c.cell_type == "code":
                assert c.metadata.get("jupyter", {}).get("source_hidden") is True, (path.name, c.id)
    model = {"type": "notebook", "content": nbformat.v4.new_notebook()}
    model["content"].metadata.update({"qingfeng": {"course": True}, "widgets": {"state": {}}})
    model["content"].cells.append(nbformat.v4.new_code_cell("x", outputs=[nbformat.v4.new_output("stream", text="1")]))
    pre_save(model=model, path="x.ipynb")
    assert "widgets" not in model["content"].metadata and model["content"].cells[0].outputs == []
