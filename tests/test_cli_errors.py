"""Every CLI error reaches the user in Chinese: click's own messages, domain errors and library errors."""
from __future__ import annotations

import errno
import os
import re
import sqlite3
import subprocess
import sys

import pytest
from click.testing import CliRunner

from qingfeng.cli.errors import chinese_error, has_chinese
from qingfeng.cli.main import LAZY_COMMANDS, cli

from .exam_course import copy_project

ENGLISH = re.compile(r"Usage:|Options:|Commands:|Error:|Show this message|Missing argument|No such|Traceback|is not a valid")


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


@pytest.mark.parametrize("args, expected", [
    (["nope"], "没有命令 'nope'"),
    (["exam", "grade"], "缺少参数 'EXAM_ID'"),
    (["exam", "build", "district-quarterly", "--id", "x1", "--seed", "abc"], "'abc' 不是有效的数字"),
    (["exam", "build", "district-quarterly", "--id", "x1", "--colour"], "没有选项 '--colour'"),
    (["exam", "grade", "2026-q4"], "请给出“考生编号 题号 得分”"),
])
def test_usage_errors_are_chinese(args, expected):
    r = run(*args)
    assert r.exit_code == 2 and expected in r.output, r.output
    assert "用法:" in r.output and "错误：" in r.output and not ENGLISH.search(r.output), r.output


def test_help_has_no_english_scaffolding():
    for args in (["--help"], ["exam", "--help"], ["exam", "grade", "--help"]):
        r = run(*args)
        assert r.exit_code == 0 and not ENGLISH.search(r.output), r.output
        assert "用法:" in r.output and "选项" in r.output


def test_lazy_help_lines_match_the_commands_own_help():
    from importlib import import_module

    for name, (module, attr, short) in LAZY_COMMANDS.items():
        cmd = getattr(import_module(module), attr)
        assert (cmd.help or "").strip().splitlines()[0] == short, name


def test_domain_errors_from_a_real_project_are_chinese(tmp_path):
    root = copy_project(tmp_path / "proj")
    for args in (["exam", "grade", "2026-q4", "c01", "YM-JD-01", "4"], ["exam", "export", "nope-1", str(tmp_path / "x.xlsx")],
                 ["exam", "assign", "nope-1"], ["stats", "nope-1", "--out", str(tmp_path / "o")],
                 ["exam", "build", "no-such-blueprint", "--id", "x1"], ["exam", "build", "district-quarterly", "--id", "BAD ID"]):
        r = run("--root", str(root), *args)
        assert r.exit_code != 0, (args, r.output)
        assert has_chinese(r.output) and not ENGLISH.search(r.output), (args, r.output)
        assert r.exception is None or isinstance(r.exception, SystemExit), (args, repr(r.exception))


def test_nbgraders_missing_entry_is_reworded():
    from nbgrader.api import MissingEntry

    line = chinese_error(MissingEntry("No such grade"))
    assert line.startswith("成绩库中没有这道题的成绩记录") and "No such" not in line


def test_library_errors_are_reworded():
    assert "被其他程序" in chinese_error(sqlite3.OperationalError("database is locked"))
    assert chinese_error(FileNotFoundError(errno.ENOENT, "No such file or directory", "/x/y.xlsx")) == "文件或文件夹不存在：/x/y.xlsx"
    assert chinese_error(PermissionError(errno.EACCES, "Permission denied", "/x")) == "没有权限：/x"
    assert chinese_error(KeyError("题库中没有 X")) == "题库中没有 X"
    assert chinese_error(RuntimeError("boom")).startswith("程序内部错误（RuntimeError）")


def test_the_installed_command_prints_chinese_without_a_traceback(tmp_path):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    proc = subprocess.run([sys.executable, "-m", "qingfeng", "exam", "grade", "2026-q4", "c01", "YM-JD-01", "x"],
                          cwd=tmp_path, env=env, capture_output=True, text=True)
    assert proc.returncode != 0 and "没有找到清风项目" in proc.stderr and "Traceback" not in proc.stderr, proc.stderr
