"""Import trainers' sheets into the case library, all or nothing.

The pipeline is a row of small named steps:

1. ``read_sheet``       — cells from xlsx/csv (:mod:`.sheets`)
2. ``map_headers``      — which column is which; missing required columns stop here
3. ``row_to_mapping``   — read cells: vocabulary folded (繁→简, 全角→半角, 风险 suffix, 1级/高 …),
                           ids width-folded, names and free text kept exactly as typed
4. ``complete``         — fill a blank level from the factors, a blank situation from the disposal kind and,
   for a 苗头预警, a blank warning from the level
5. ``validate_case``    — the same rules ``qingfeng cases validate`` applies
6. ``reconcile``        — new, update or unchanged; duplicates against the library and within the sheet
7. ``commit``           — write every file or none (:mod:`.transaction`)

Steps 3–5 run per row (:func:`check_row`); a long sheet shares them, and the
writing of step 7, between processes (:mod:`.row_workers`).

Any error in any row means nothing is written; every error names the row
and the column.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from ..chinese_text import as_typed, id_text, normalise
from ..spreadsheet import RowError, header_positions, named_cells
from ..spreadsheet.collector import collector_paused
from ..risk import (FACTOR_LABELS, Assessment, category, grade, parse_level, parse_rating, situation, situation_for_disposal,
                    warning_for)
from ..risk.grading import RATING_NAMES, parse_bool
from .columns import COLUMN_BY_HEADER, COLUMNS, Column, header_for
from .library import LoadedLibrary, dump_case, load_library
from .model import Case, case_from_dict
from .row_workers import RowWorkers
from .sheets import SheetError, read_sheet
from .import_journal import ImportInProgress, recover_interrupted
from .transaction import write_cases_atomically
from .validation import ID_PATTERN, validate_case

__all__ = ["RowError", "ImportReport", "import_sheet"]

_LIST_SPLIT = re.compile(r"[、,，;；/／\s]+")


@dataclass
class ImportReport:
    file: str
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    written: bool = False

    def lines(self) -> list[str]:
        if self.errors:
            return [f"{self.file}：{e}" for e in self.errors] + [
                f"{self.file}：共 {len(self.errors)} 处错误，案例库未做任何改动。请修改后重新导入。"]
        return self.notes + [f"{self.file}：新增 {len(self.added)} 个，更新 {len(self.updated)} 个，未变 {len(self.unchanged)} 个。"]


def map_headers(headers: list[str], report: ImportReport) -> dict[str, Column]:
    mapping: dict[str, Column] = {}
    seen: set[str] = set()
    for h in headers:
        key = normalise(h).replace(" ", "").replace("*", "").replace("(", "（").replace(")", "）")
        col = COLUMN_BY_HEADER.get(key)
        if col is None:
            if h:
                report.notes.append(f"{report.file}：提示：不认识的列“{h}”已忽略")
            continue
        if col.field in seen:
            report.errors.append(RowError(None, col.header, "这一列出现了两次"))
        seen.add(col.field)
        mapping[h] = col
    for col in COLUMNS:
        if col.required and col.field not in seen:
            report.errors.append(RowError(None, col.header, "缺少这一必填列（请用 qingfeng cases template 生成的模板）"))
    return mapping


def _set(d: dict, parts: tuple[str, ...], value: object) -> None:
    for p in parts[:-1]:
        d = d.setdefault(p, {})
    d[parts[-1]] = value


def reading_plan(columns: dict[str, Column]) -> list[tuple]:
    """Per column, once per sheet: (header, column, reader, parser or None for the text as typed,
    whether parsed values are kept by text, field path, required, the values kept)."""
    return [(header, col, _READ[col.reading], _parser(col), col.reading != "free", tuple(col.field.split(".")),
             col.required and col.field != "annotation.level", {}) for header, col in columns.items()]


def row_to_mapping(row_no: int, cells: dict[str, object], columns: dict[str, Column], errors: list[RowError],
                   plan: list[tuple] | None = None) -> dict:
    data: dict = {"schema_version": 1}
    for header, col, read, parse, repeats, parts, required, parsed in plan or reading_plan(columns):
        text = read(cells.get(header))
        if required and not text:
            errors.append(RowError(row_no, col.header, "必填，不能为空"))
            continue
        if parse is None:
            value = text
        else:
            value = parsed.get(text) if repeats else None
            if value is None:
                try:
                    value = parse(text)
                except (ValueError, KeyError) as e:
                    errors.append(RowError(row_no, col.header, str(e.args[0])))
                    continue
                if repeats and value is not None and len(parsed) < 4096:  # vocabulary (高/中/低, 业务流程…): once each
                    parsed[text] = tuple(value) if isinstance(value, list) else value
            if value.__class__ is tuple:
                value = list(value)  # each case its own list
        if value is not None:
            _set(data, parts, value)
    return data


_READ = {"vocabulary": normalise, "id": id_text, "free": as_typed}


def _amount(text: str) -> int | float | None:
    if not text:
        return None
    cleaned = text.replace(",", "").replace("元", "").replace("万", "")
    try:
        number = float(cleaned)
    except ValueError:
        raise ValueError(f"“{text}”不是数字（单位：元）") from None
    number *= 10000 if "万" in text else 1
    return int(number) if number.is_integer() else number


_PARSERS: dict[str, Callable[[str], object]] = {
    "amount_yuan": _amount,
    "annotation.categories": lambda text: [category(p if p.endswith("风险") else p).name
                                           for p in _LIST_SPLIT.split(text) if p] if text else [],
    "annotation.prevention_measures": lambda text: [p.upper() for p in _LIST_SPLIT.split(text) if p],
    "source.reprint": lambda text: text in ("是", "转载", "√", "Y", "y", "yes", "1", "true", "True"),
    "annotation.level": lambda text: parse_level(text).tier if text else "",
    "id": str.upper,
    "date": lambda text: text.replace("/", "-").replace(".", "-"),
}


def _parser(col: Column) -> Callable[[str], object] | None:
    """How a column's text becomes its value (None: the text itself)."""
    if col.field.startswith("annotation.factors."):
        return partial(_parse_factor, col)
    return _PARSERS.get(col.field)


def _parse_factor(col: Column, text: str) -> str:
    name = col.field.rsplit(".", 1)[1]
    label = FACTOR_LABELS[name]
    if name == "sanzhong_yida":
        return "是" if parse_bool(text, label) else "否"
    if name == "moral" and not text:
        return "低"  # 000 §九(三) “不常表现”, as the column's help says
    return RATING_NAMES[parse_rating(text, label)]


def complete(data: dict) -> None:
    """Blank level ← grading function; blank situation ← disposal kind; blank warning ← level for a 苗头 (001 第二十八条)."""
    ann = data.setdefault("annotation", {})
    if not ann.get("level"):
        try:
            ann["level"] = grade(Assessment.from_mapping(ann.get("factors", {}))).level.tier
        except ValueError:
            return  # the factor error itself is reported by validation
    if not ann.get("situation"):
        implied = situation_for_disposal(str(data.get("disposal_kind", "")))
        if implied is not None:
            ann["situation"] = implied.name
    try:
        warns = situation(str(ann.get("situation", ""))).warns
    except ValueError:
        return  # reported by validation
    if warns and not ann.get("warning"):
        try:
            ann["warning"] = warning_for(parse_level(ann["level"])).colour
        except ValueError:
            pass


def import_sheet(path: Path, cases_dir: Path, dry_run: bool = False) -> ImportReport:
    with collector_paused():
        return _import(path, cases_dir, dry_run)


def _import(path: Path, cases_dir: Path, dry_run: bool) -> ImportReport:
    report = ImportReport(path.name)
    try:
        sheet = read_sheet(path, positional=True)  # cells read by check_row, in the workers when shared out
    except SheetError as e:
        report.errors.append(RowError(None, "", str(e)))
        return report
    columns = map_headers(sheet.headers, report)
    if report.errors:
        return report
    if not dry_run:
        try:
            undone = recover_interrupted(cases_dir)
        except ImportInProgress as e:
            report.errors.append(RowError(None, "", str(e)))
            return report
        if undone:
            report.notes.append(f"{report.file}：上次导入被中断，已撤销它写入的 {undone} 个文件")
    library = load_library(cases_dir)
    if library.problems:
        report.errors.append(RowError(None, "", f"案例库本身有 {len(library.problems)} 处错误，请先运行 qingfeng cases validate 修正"))
        return report
    staged: list[tuple[int, Case]] = []
    check = partial(check_row, named=header_positions(sheet.headers), columns=columns, plan=reading_plan(columns),
                    file_name=path.name)
    with RowWorkers(check) as workers:
        for row_no, case, errors in workers.check(sheet.rows):
            report.errors.extend(errors)
            if case is not None:
                staged.append((row_no, case))
        report.errors += sheet.problems  # merged and formula cells, known once every row is read
        reconcile(staged, library, report)
        if report.errors or dry_run:
            return report
        wanted = {*report.added, *report.updated}  # a set: 50,000 ids looked up in a list took minutes
        write_cases_atomically(cases_dir, [c for _, c in staged if c.id in wanted], stage=workers.stage)
    report.written = True
    return report


def check_row(row_no: int, values: list, *, named: list[tuple[int, str]], columns: dict[str, Column], plan: list[tuple],
              file_name: str) -> tuple[Case | None, list[RowError]]:
    """Steps 3–5 for one row (``values`` as stored, ``named`` the sheet's header positions): its case
    (id ``QF-PENDING`` until reconciled) if it has no errors."""
    errors: list[RowError] = []
    data = row_to_mapping(row_no, named_cells(named, values), columns, errors, plan)
    complete(data)
    if data.get("id") and not ID_PATTERN.match(data["id"]):
        errors.append(RowError(row_no, "编号", f"编号“{data['id']}”格式不对：应为大写字母、数字和连字符，如 PG-012"))
    if errors:
        return None, errors
    case = case_from_dict(data)
    case.id = case.id or "QF-PENDING"
    for p in validate_case(case, file_name):
        if p.field == "id" and case.id == "QF-PENDING":
            continue
        errors.append(RowError(row_no, header_for(p.field), p.message))
    return (None if errors else case), errors


def reconcile(staged: list[tuple[int, Case]], library: LoadedLibrary, report: ImportReport) -> None:
    by_key = {c.dedup_key(): c for c in library.cases}
    ids = {c.id for c in library.cases}
    seen_rows: dict[tuple[str, str], int] = {}
    seen_ids: dict[str, int] = {}
    next_no = 1 + max((int(i[3:]) for i in ids if re.fullmatch(r"QF-\d+", i)), default=0)
    for row_no, case in staged:
        key = case.dedup_key()
        if key in seen_rows:
            report.errors.append(RowError(row_no, "来源", f"与第 {seen_rows[key]} 行是同一来源、同一岗位，重复"))
            continue
        seen_rows[key] = row_no
        existing = by_key.get(key)
        if case.id == "QF-PENDING":
            if existing is not None:
                report.errors.append(RowError(row_no, "来源", f"与已有案例 {existing.id} 是同一来源、同一岗位；如要更新它，请在“编号”列填 {existing.id}"))
                continue
            case.id = f"QF-{next_no:04d}"
            next_no += 1
        elif existing is not None and existing.id != case.id:
            report.errors.append(RowError(row_no, "编号", f"编号 {case.id} 与来源、岗位相同的已有案例 {existing.id} 不一致"))
            continue
        if case.id in seen_ids:
            report.errors.append(RowError(row_no, "编号", f"编号 {case.id} 与第 {seen_ids[case.id]} 行重复"))
            continue
        seen_ids[case.id] = row_no
        if case.id in ids:
            old = library.by_id(case.id)
            _keep_unset_optionals(case, old)
            (report.unchanged if dump_case(case) == dump_case(old) else report.updated).append(case.id)
        else:
            report.added.append(case.id)


def _keep_unset_optionals(new: Case, old: Case) -> None:
    """An update with blank optional cells keeps the library's values: nothing is lost."""
    for name in ("date", "region"):
        if not getattr(new, name):
            setattr(new, name, getattr(old, name))
    if new.amount_yuan is None:
        new.amount_yuan = old.amount_yuan
    for name in ("record", "passage"):
        if not getattr(new.source, name):
            setattr(new.source, name, getattr(old.source, name))
    new.extra = {**old.extra, **new.extra}
