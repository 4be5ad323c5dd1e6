"""The one id rule (issue: hostile input): exam ids, person ids and paths built from them."""
from pathlib import Path

import pytest

from qingfeng.ids import IdError, check_exam_id, check_person_id, child_path, id_key


@pytest.mark.parametrize("bad", ["t8\n", "..", ".", "../x", "a/b", "A1", "x", "", "t\x00", None])
def test_exam_id_refuses_newline_separators_and_dots(bad):
    with pytest.raises(IdError):
        check_exam_id(bad)


@pytest.mark.parametrize("bad", ["..", ".", "../../../../x", "a/b", "a\\b", "R003\n", "r\t1", "", ".hidden", "a" * 41, "张三"])
def test_person_id_refuses_paths_and_control_characters(bad):
    with pytest.raises(IdError):
        check_person_id(bad)


def test_person_id_folds_full_width_and_compares_without_case():
    assert check_person_id("Ｍ２０－１".replace("－", "-")) == "M20-1"
    assert id_key("R003") == id_key("r003")


def test_child_path_stays_inside(tmp_path: Path):
    assert child_path(tmp_path, "a", "b") == tmp_path.resolve() / "a" / "b"
    with pytest.raises(IdError):
        child_path(tmp_path, "..", "x")
    (tmp_path / "link").symlink_to("/etc")
    with pytest.raises(IdError):
        child_path(tmp_path, "link", "passwd")
