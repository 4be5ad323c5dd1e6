"""The case library on disk: one YAML file per case.

Reading collects problems instead of stopping at the first bad file.
Writing goes through :mod:`.transaction`, all files or none.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..yaml_files import safe_load
from .case_yaml import emit_case
from .import_journal import JOURNAL, interrupted_import
from .model import Case, case_from_dict
from .validation import Problem, check_duplicates, validate_case, validate_mapping

__all__ = ["LoadedLibrary", "load_library", "dump_case", "case_text", "case_path", "case_file_name"]


@dataclass
class LoadedLibrary:
    cases: list[Case] = field(default_factory=list)
    files: dict[str, Path] = field(default_factory=dict)  # case id -> file
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def by_id(self, case_id: str) -> Case:
        for c in self.cases:
            if c.id == case_id:
                return c
        raise KeyError(f"案例库中没有编号为 {case_id} 的案例")


def case_file_name(case_id: str) -> str:
    return f"{case_id}.yaml"


def case_path(cases_dir: Path, case_id: str) -> Path:
    return cases_dir / case_file_name(case_id)


def load_library(cases_dir: Path) -> LoadedLibrary:
    """Read and validate every ``*.yaml`` in ``cases_dir``."""
    lib = LoadedLibrary()
    if not cases_dir.is_dir():
        lib.problems.append(Problem(str(cases_dir), "(文件夹)", "案例库文件夹不存在"))
        return lib

    killed = interrupted_import(cases_dir)
    if killed is not None:
        left = sum((cases_dir / name).is_file() for name in killed["new"])
        lib.problems.append(Problem(JOURNAL, "(整个文件)", f"上次导入被中断，它写入的 {left} 个新案例文件还在库中；"
                                    "再次运行 qingfeng cases import（不加 --dry-run）会先撤销它们，再导入"))
    pairs: list[tuple[str, Case]] = []
    for path in sorted(cases_dir.glob("*.yaml")):
        name = path.name
        try:
            data = safe_load(path.read_text(encoding="utf-8"))
        except UnicodeDecodeError:
            lib.problems.append(Problem(name, "(整个文件)", "不是 UTF-8 编码的文本文件"))
            continue
        except yaml.YAMLError as e:
            mark = getattr(e, "problem_mark", None)
            where = f"第 {mark.line + 1} 行" if mark else ""
            lib.problems.append(Problem(name, "(整个文件)", f"YAML 格式错误{where}：{getattr(e, 'problem', e)}"))
            continue
        shape = validate_mapping(data, name)
        if shape:
            lib.problems.extend(shape)
            continue
        case = case_from_dict(data)
        if path.stem != case.id:
            lib.problems.append(Problem(name, "id", f"文件名应与编号一致：编号是 {case.id}，文件应命名为 {case.id}.yaml"))
        lib.problems.extend(validate_case(case, name))
        pairs.append((name, case))
        lib.cases.append(case)
        lib.files[case.id] = path
    lib.problems.extend(check_duplicates(pairs))
    return lib


class _Dumper(yaml.SafeDumper):
    pass


class _CDumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # libyaml's emitter, same representers
    pass  # keeps SafeDumper's aliases: a list shared between two ``extra`` keys gets PyYAML's &id001 / *id001


def _str_presenter(dumper: yaml.SafeDumper, value: str):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str_presenter)
_CDumper.add_representer(str, _str_presenter)

# Where libyaml's output can differ from PyYAML's: escapes and line folding in double-quoted
# scalars, and the "..." end marker after a trailing-newline block scalar.
_C_MAY_DIFFER = re.compile(r'(^|[:-] )"|^\.\.\.$', re.M)


def dump_case(case: Case) -> str:
    """The case file's text, byte for byte what pure PyYAML writes.

    First :func:`.case_yaml.emit_case` (direct string building, ~30 µs instead of ~250 µs), which
    declines any value it cannot prove it writes as PyYAML does; then libyaml's C emitter where it
    agrees with PyYAML; then PyYAML itself.
    """
    return case_text(case.to_dict())


def case_text(data: dict) -> str:
    """:func:`dump_case` from the case's mapping (what import workers are sent)."""
    text = emit_case(data)
    if text is not None:
        return text
    try:
        fast = yaml.dump(data, Dumper=_CDumper, allow_unicode=True, sort_keys=False, width=100)
    except UnicodeEncodeError:  # a lone surrogate: libyaml cannot encode it, PyYAML escapes it ("\\uD800")
        fast = None
    if fast is not None and "\\" not in fast and not _C_MAY_DIFFER.search(fast):
        return fast
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)
