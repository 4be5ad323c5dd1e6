"""Ids, rebuilds, deadlines, unknown exams, interrupted runs, backups: each failure the review found, fixed."""
from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from qingfeng.demo.simulate import write_submission
from qingfeng.exam import course
from qingfeng.exam.gradebook_writer import backups
from qingfeng.exam.staging import PREFIX
from qingfeng.project import find_project

from .exam_course import copy_project
from .test_marking_security import FUTURE, grades, qingfeng, released, sha

pytestmark = pytest.mark.slow
EXAM = "yumin-sample"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    project = find_project(copy_project(tmp_path_factory.mktemp("robust") / "proj"))
    course.build_exam(project, EXAM, EXAM, deadline=FUTURE)
    course.generate(project, EXAM)
    return project


@pytest.fixture
def fresh(built, tmp_path):
    """A copy of the built course for a test that changes it."""
    return find_project(shutil.copytree(built.root, tmp_path / "copy"))


def _sheet(path: Path, rows: list[str], project=None) -> Path:
    """An answer sheet with every column of the paper; only 编号 and 姓名 filled in."""
    from qingfeng.exam.answer_sheets import sheet_columns
    from qingfeng.exam.keys import read_key

    exams = (project or find_project(path.parent / "copy")).exams_dir
    heads = ["编号", "姓名"] + [c.header for c in sheet_columns(read_key(exams, EXAM))]
    path.write_text(",".join(heads) + "\n" + "".join(r + "," * (len(heads) - 2) + "\n" for r in rows), encoding="utf-8")
    return path


def test_roster_id_dotdot_is_refused_and_the_gradebook_stays_put(fresh, tmp_path):
    roster = tmp_path / "名单.csv"
    roster.write_text("编号,姓名,单位\n..,某甲,交通局\n", encoding="utf-8")
    r = qingfeng(fresh.root, "exam", "roster", str(roster))
    assert r.returncode != 0 and "编号“..”不合适" in r.stderr and "第 2 行" in r.stderr
    before = grades(fresh)
    r = qingfeng(fresh.root, "mark", EXAM, "--sheets", str(_sheet(tmp_path / "卡.csv", ["..,某甲"])))
    assert r.returncode != 0 and "不合适" in r.stderr and "Errno" not in r.stderr
    assert (fresh.exams_dir / "gradebook.db").stat().st_size > 0 and grades(fresh) == before
    assert not (fresh.exams_dir / EXAM / "gradebook.db").exists()


def test_sheet_id_path_escape_writes_nothing_outside_the_project(fresh, tmp_path):
    bad = "../../../../x"
    # every folder a candidate's 编号 is joined to (autograded/<id>/…, submitted/<id>/…, a staging folder's <id>/, …):
    # where the id would land from each, resolved (under tmp_path.parent, not under tmp_path)
    joined = [fresh.exams_dir / d for d in ("autograded", "submitted", "feedback", "answer_sheets", "outside_roster",
                                            f"{PREFIX}0-stage")]
    landing = {(folder / bad).resolve() for folder in joined}
    assert not any(fresh.root in p.parents for p in landing)  # the id really points outside the project
    assert not [p for p in landing if p.exists()]
    r = qingfeng(fresh.root, "mark", EXAM, "--sheets", str(_sheet(tmp_path / "卡.csv", [f"{bad},某甲"])))
    assert [p for p in landing if p.exists()] == []
    assert r.returncode != 0 and "不合适" in r.stderr


def test_case_insensitive_duplicate_ids_are_flagged_in_roster_and_sheets(fresh, tmp_path):
    roster = tmp_path / "名单.csv"
    roster.write_text("编号,姓名,单位\nR003,某甲,交通局\nr003,某乙,交通局\n", encoding="utf-8")
    r = qingfeng(fresh.root, "exam", "roster", str(roster))
    assert r.returncode != 0 and "只差大小写" in r.stderr and "第 3 行" in r.stderr
    r = qingfeng(fresh.root, "mark", EXAM, "--sheets", str(_sheet(tmp_path / "卡.csv", ["R003,某甲", "r003,某乙"])))
    assert r.returncode != 0 and "只差大小写" in r.stderr


def test_exam_id_with_trailing_newline_is_refused(fresh):
    r = qingfeng(fresh.root, "exam", "build", EXAM, "--id", "t8\n")
    assert r.returncode != 0 and "试卷编号't8\\n'不合适" in r.stderr
    assert not (fresh.exams_dir / "source" / "t8\n").exists() and not (fresh.exams_dir / "source" / "t8").exists()
    for args in (("mark", "t8\n"), ("exam", "collect", "t8\n")):
        r = qingfeng(fresh.root, *args)
        assert r.returncode != 0 and "不合适" in r.stderr and "Traceback" not in r.stderr


def test_submitted_folder_with_a_bad_name_is_reported_not_marked(fresh):
    rel = released(fresh)
    write_submission(rel, fresh.exams_dir, EXAM, "ok1", {"YM-XZ-01": '作答 = "A"'})
    write_submission(rel, fresh.exams_dir, EXAM, "bad name", {"YM-XZ-01": '作答 = "A"'})
    r = qingfeng(fresh.root, "mark", EXAM)
    assert r.returncode == 1 and "考生 bad name" in r.stderr and "不合适" in r.stderr
    assert {s for s, _ in grades(fresh)} == {"ok1"}


def test_rebuilding_a_released_and_marked_exam_needs_force_and_archives_the_old_key(fresh):
    write_submission(released(fresh), fresh.exams_dir, EXAM, "c1", {"YM-XZ-01": '作答 = "A"'})
    assert qingfeng(fresh.root, "mark", EXAM).returncode == 0
    key = fresh.exams_dir / "keys" / f"{EXAM}.json"
    old_sha, old_grades = sha(key), grades(fresh)
    r = qingfeng(fresh.root, "exam", "build", EXAM, "--id", EXAM, "--seed", "5")
    assert r.returncode != 0 and "--force" in r.stderr and "已有 1 份答卷记入成绩库" in r.stderr
    assert sha(key) == old_sha
    with course.open_gradebook(fresh) as gb:
        due = gb.find_assignment(EXAM).duedate
    assert due is not None
    r = qingfeng(fresh.root, "exam", "build", EXAM, "--id", EXAM, "--seed", "5", "--force")
    assert r.returncode == 0, r.stderr
    archived = list((fresh.exams_dir / "keys" / "archive").glob(f"{EXAM}-*.json"))
    assert len(archived) == 1 and sha(archived[0]) == old_sha
    assert list((fresh.exams_dir / "keys" / "archive").glob(f"{EXAM}-*.ipynb"))
    with course.open_gradebook(fresh) as gb:
        assert gb.find_assignment(EXAM).duedate == due  # the deadline is kept
    # the old paper is not silently re-marked against the new key
    r = qingfeng(fresh.root, "mark", EXAM)
    assert r.returncode == 1 and "重新组卷之前的旧版本" in r.stderr
    assert grades(fresh) == old_grades


def test_deadline_in_year_0001_is_refused_before_anything_is_written(fresh):
    r = qingfeng(fresh.root, "exam", "build", EXAM, "--id", "y0001", "--deadline", "0001-01-01 00:00")
    assert r.returncode != 0 and "年份 1 不合适" in r.stderr and "OverflowError" not in r.stderr
    assert not (fresh.exams_dir / "source" / "y0001").exists() and not (fresh.exams_dir / "keys" / "y0001.json").exists()


def test_past_deadline_is_refused_unless_forced(fresh):
    r = qingfeng(fresh.root, "exam", "build", EXAM, "--id", "past", "--deadline", "2020-01-01 17:00")
    assert r.returncode != 0 and "已经过去" in r.stderr and "--reveal" in r.stderr and "--force" in r.stderr
    assert not (fresh.exams_dir / "keys" / "past.json").exists()
    assert qingfeng(fresh.root, "exam", "build", EXAM, "--id", "past", "--deadline", "2020-01-01 17:00", "--force").returncode == 0


@pytest.mark.parametrize("args", [("exam", "collect", "no-such"), ("exam", "feedback", "no-such", "--reveal"),
                                  ("exam", "autograde", "no-such"), ("mark", "no-such"),
                                  ("exam", "grade", "no-such", "c1", "YM-JD-01", "3")])
def test_unknown_exam_fails_in_chinese_with_non_zero_exit(fresh, args):
    r = qingfeng(fresh.root, *args)
    assert r.returncode != 0 and "没有试卷“no-such”" in r.stderr and "Traceback" not in r.stderr


def test_grade_of_an_unknown_candidate_fails_in_chinese(fresh):
    r = qingfeng(fresh.root, "exam", "grade", EXAM, "nobody", "YM-JD-01", "3")
    assert r.returncode != 0 and "没有考生“nobody”" in r.stderr and "No such" not in r.stderr


def test_stale_staging_folders_are_removed_at_the_next_start(fresh):
    dead = subprocess.Popen(["true"])
    dead.wait()
    stale = fresh.exams_dir / f"{PREFIX}{dead.pid}-abc"
    (stale / "s1").mkdir(parents=True)
    write_submission(released(fresh), fresh.exams_dir, EXAM, "c1", {})
    r = qingfeng(fresh.root, "mark", EXAM)
    assert r.returncode == 0 and not stale.exists() and stale.name in r.stderr


_SLOW_MARK = """
import sys, time
from qingfeng.exam import fast_marking
from qingfeng.project import find_project
real = fast_marking.mark_one
def slow(*a, **k):
    time.sleep(0.2)
    return real(*a, **k)
fast_marking.mark_one = slow
fast_marking.mark_exam(find_project(sys.argv[1]), "yumin-sample", workers=2)
"""


def _children(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    return [int(p) for p in out]


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL])
def test_killed_mark_leaves_no_workers_and_no_staging_folder(fresh, sig):
    rel = released(fresh)
    for n in range(60):
        write_submission(rel, fresh.exams_dir, EXAM, f"k{n:02d}", {"YM-XZ-01": '作答 = "A"'})
    proc = subprocess.Popen([sys.executable, "-c", _SLOW_MARK, str(fresh.root)])
    deadline = time.time() + 60
    while time.time() < deadline and len(_children(proc.pid)) < 2:
        time.sleep(0.2)
    workers = _children(proc.pid)
    assert len(workers) >= 2 and list(fresh.exams_dir.glob(f"{PREFIX}*"))
    proc.send_signal(sig)
    proc.wait(timeout=30)
    time.sleep(1)
    assert [w for w in workers if _alive(w)] == []
    if sig == signal.SIGTERM:
        assert not list(fresh.exams_dir.glob(f"{PREFIX}*"))
    r = qingfeng(fresh.root, "mark", EXAM)  # the next run cleans what SIGKILL left
    assert r.returncode == 0 and not list(fresh.exams_dir.glob(f"{PREFIX}*"))


def test_backups_keep_the_last_n_and_the_run_says_where(fresh):
    fresh.config_file.write_text("[paths]\nshared = \"../shared\"\n\n[marking]\nkeep_backups = 2\n", encoding="utf-8")
    write_submission(released(fresh), fresh.exams_dir, EXAM, "c1", {})
    outs = [qingfeng(fresh.root, "mark", EXAM) for _ in range(4)]
    kept = backups(fresh.exams_dir / "gradebook.db")
    assert len(kept) == 2
    assert f"成绩库已先备份到 {kept[-1]}" in outs[-1].stdout


def test_a_bad_keep_backups_setting_is_a_chinese_error(fresh):
    fresh.config_file.write_text("[marking]\nkeep_backups = \"many\"\n", encoding="utf-8")
    write_submission(released(fresh), fresh.exams_dir, EXAM, "c1", {})
    r = qingfeng(fresh.root, "mark", EXAM)
    assert r.returncode != 0 and "keep_backups" in r.stderr and "正整数" in r.stderr


def test_a_linked_submission_is_not_marked(fresh):
    rel = released(fresh)
    write_submission(rel, fresh.exams_dir, EXAM, "own", {"YM-XZ-01": '作答 = "A"'})
    (fresh.exams_dir / "submitted" / "copycat").symlink_to(fresh.exams_dir / "submitted" / "own")
    thief = fresh.exams_dir / "submitted" / "thief" / EXAM
    thief.mkdir(parents=True)
    (thief / f"{EXAM}.ipynb").symlink_to(fresh.exams_dir / "submitted" / "own" / EXAM / f"{EXAM}.ipynb")
    r = qingfeng(fresh.root, "mark", EXAM)
    assert r.returncode == 1 and "考生 copycat" in r.stderr and "考生 thief" in r.stderr and "链接" in r.stderr
    assert {s for s, _ in grades(fresh)} == {"own"}


def test_submission_folders_differing_only_in_case_are_reported_and_one_is_not_marked_over_the_other(fresh):
    rel = released(fresh)
    write_submission(rel, fresh.exams_dir, EXAM, "R003", {"YM-XZ-01": '作答 = "A"'})  # right
    write_submission(rel, fresh.exams_dir, EXAM, "r003", {"YM-XZ-01": '作答 = "B"'})  # wrong
    r = qingfeng(fresh.root, "mark", EXAM)
    # folders are taken in sorted order: R003 is marked, r003 is a problem naming both, and the run fails
    assert r.returncode == 1
    assert "未评分：考生 r003：与考生 R003 的编号只差大小写，疑似重复提交，未评分" in r.stderr
    assert "已评分 1 份，未评分 1 份" in r.stdout
    marked = grades(fresh)
    assert {s for s, _ in marked} == {"R003"}
    assert marked[("R003", "test-YM-XZ-01")][0] > 0  # R003's own answer, not r003's
    assert not (fresh.exams_dir / "autograded" / "r003").exists()


@pytest.fixture(scope="module")
def examiners_group():
    """A throwaway system group for `[marking] examiners_group`, deleted afterwards (needs root)."""
    if os.geteuid() != 0 or not shutil.which("groupadd"):
        pytest.skip("creating a group needs root and groupadd")
    name = f"qfexam{os.getpid()}"
    subprocess.run(["groupadd", name], check=True, capture_output=True)
    try:
        yield name
    finally:
        subprocess.run(["groupdel", name], check=True, capture_output=True)


def _group_private(paths: list[Path], gid: int, file_mode: int = 0o640, folder_mode: int = 0o750) -> list[str]:
    """Every path that is not in the examiners' group with the group mode (empty when all are)."""
    wrong = []
    for p in paths:
        st = p.stat()
        want = folder_mode if p.is_dir() else file_mode
        if stat.S_IMODE(st.st_mode) != want or st.st_gid != gid:
            wrong.append(f"{p}: {oct(stat.S_IMODE(st.st_mode))} gid {st.st_gid}")
    return wrong


def test_examiners_group_makes_keys_source_gradebook_backups_autograded_and_archive_0640_in_that_group(examiners_group, tmp_path):
    import grp

    gid = grp.getgrnam(examiners_group).gr_gid
    root = copy_project(tmp_path / "proj")
    config = root / "qingfeng.toml"
    text = config.read_text(encoding="utf-8")
    assert "\n[marking]\n" in text
    config.write_text(text.replace("\n[marking]\n", f"\n[marking]\nexaminers_group = \"{examiners_group}\"\n"), encoding="utf-8")
    project = find_project(root)
    course.build_exam(project, EXAM, EXAM, deadline=FUTURE)
    course.generate(project, EXAM)
    (project.exams_dir / "exchange").mkdir(mode=0o777)
    course.release(project, EXAM)
    write_submission(released(project), project.exams_dir, EXAM, "c1", {"YM-XZ-01": '作答 = "A"'})
    r = qingfeng(root, "mark", EXAM)
    assert r.returncode == 0, r.stderr
    ex = project.exams_dir
    files = [ex / "keys" / f"{EXAM}.json", ex / "keys" / f"{EXAM}.sha256", ex / "source" / EXAM / f"{EXAM}.ipynb",
             ex / "gradebook.db", *ex.glob("gradebook.db.bak-*"), ex / "autograded" / "c1" / EXAM / f"{EXAM}.ipynb"]
    assert len(files) == 6
    assert _group_private(files + [ex / "keys", ex / "source", ex / "source" / EXAM], gid) == []
    # rebuilding the released, marked exam archives the old key, checksum and source: in the group too
    r = qingfeng(root, "exam", "build", EXAM, "--id", EXAM, "--seed", "5", "--force")
    assert r.returncode == 0, r.stderr
    archive = ex / "keys" / "archive"
    archived = sorted(archive.glob(f"{EXAM}-*"))
    assert sorted(p.suffix for p in archived) == [".ipynb", ".json", ".sha256"]
    assert _group_private([archive, *archived, ex / "keys" / f"{EXAM}.json", ex / "keys" / f"{EXAM}.sha256"], gid) == []


@pytest.mark.parametrize("value,message", [(512, "太小：至少 1024"), (0, "应为正整数"), (2048, None)])
def test_a_sandbox_memory_limit_no_kernel_could_start_under_is_a_chinese_error(value, message):
    """Below about 1 GB of address space no kernel starts in the sandbox, and nbgrader would only say 'exit code 1'."""
    from types import SimpleNamespace

    from qingfeng.exam.settings import marking_settings

    project = SimpleNamespace(config=lambda: {"marking": {"sandbox_memory_mb": value}}, config_file=Path("qingfeng.toml"))
    if message is None:
        assert marking_settings(project).sandbox_memory_mb == value
        return
    with pytest.raises(ValueError, match=message) as e:
        marking_settings(project)
    assert "sandbox_memory_mb" in str(e.value) and "qingfeng.toml" in str(e.value)
