"""The README's command examples name real commands and real options (docs kept honest by tests)."""
from __future__ import annotations

import re
import shlex
from pathlib import Path

import click
import pytest

from qingfeng.cli.main import cli

REPO = Path(__file__).resolve().parents[1]
DOCS = [REPO / "README.md", REPO / "risk_case_library" / "README.md", REPO / "grading" / "README.md", REPO / "courses" / "README.md"]


def examples() -> list[tuple[str, str]]:
    out = []
    for doc in DOCS:
        for block in re.findall(r"```bash\n(.*?)```", doc.read_text(encoding="utf-8"), flags=re.S):
            for line in block.splitlines():
                line = line.split("#", 1)[0].strip()
                if re.match(r"^(\.venv/bin/)?qingfeng\b", line):
                    out.append((doc.name, line))
    return out


EXAMPLES = examples()


def test_there_are_examples_to_check():
    assert len(EXAMPLES) >= 15


@pytest.mark.parametrize("doc,line", EXAMPLES, ids=[f"{d}:{l[:40]}" for d, l in EXAMPLES])
def test_example_command_and_options_exist(doc, line):
    words = shlex.split(line)[1:]
    command: click.Command = cli
    while isinstance(command, click.Group) and words and command.get_command(click.Context(command), words[0]):
        command = command.get_command(click.Context(command), words.pop(0))  # lazy commands load here
    assert not isinstance(command, click.Group), f"{doc}: “{line}” does not name a command"
    known = {opt for p in command.params for opt in getattr(p, "opts", [])} | {"--help", "--root"}
    used = {w.split("=", 1)[0] for w in words if w.startswith("--")}
    assert used <= known, f"{doc}: unknown options {used - known} in “{line}”"
