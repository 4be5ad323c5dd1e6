"""Read the bank's YAML files into :class:`Item` objects, collecting problems.

Every problem names the file, the item and the field, in Chinese; one bad
item never hides the others.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..yaml_files import safe_load
from .model import DEFAULT_MULTI_RULE, Blank, Item, RubricPoint
from .validation import BankProblem, check_item_mapping, check_items

__all__ = ["Bank", "load_bank", "item_from_mapping"]


@dataclass
class Bank:
    items: dict[str, Item] = field(default_factory=dict)
    problems: list[BankProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def item(self, item_id: str) -> Item:
        try:
            return self.items[item_id]
        except KeyError:
            raise KeyError(f"题库中没有题号为 {item_id} 的题目") from None


def _tuple(value) -> tuple:
    if value is None:
        return ()
    if isinstance(value, (list, tuple)):
        return tuple(value)
    return (value,)


def item_from_mapping(d: dict, file: str) -> Item:
    """Build an Item from an already shape-checked mapping."""
    tags = d.get("tags") or {}
    kind = str(d["type"])
    key = d.get("key")
    if kind == "多选":
        key_t = tuple(str(k).strip().upper() for k in _tuple(key))
    elif kind == "单选":
        key_t = (str(key).strip().upper(),) if key is not None else ()
    elif kind == "判断":
        key_t = (str(key).strip(),) if key is not None else ()
    else:
        key_t = ()
    blanks = tuple(Blank(tuple(str(a) for a in _tuple(b.get("accept"))), float(b.get("points", 0))) for b in d.get("blanks") or [])
    rubric = tuple(RubricPoint(str(r.get("point", "")), float(r.get("points", 0)),
                               tuple(str(k).strip() for k in r.get("keywords") or ())) for r in d.get("rubric") or [])
    points = sum(b.points for b in blanks) if kind == "填空" else float(d.get("points", 0) or 0)
    return Item(
        id=str(d["id"]), type=kind, stem=str(d.get("stem", "")), points=points,
        explanation=str(d.get("explanation", "") or ""), basis=str(d.get("basis", "") or ""),
        categories=tuple(str(c) for c in _tuple(tags.get("categories"))),
        topics=tuple(str(t) for t in _tuple(tags.get("topics"))),
        sources=tuple(str(s) for s in _tuple(tags.get("sources"))),
        case=str(tags.get("case", "") or ""),
        options=tuple((str(k).strip().upper(), str(v)) for k, v in (d.get("options") or {}).items()),
        key=key_t,
        accept_also=tuple(str(a).strip().upper() if kind == "单选" else str(a).strip() for a in _tuple(d.get("accept_also"))),
        scoring=str(d.get("scoring") or (DEFAULT_MULTI_RULE if kind == "多选" else "")),
        blanks=blanks,
        unordered=tuple(tuple(int(n) for n in g) for g in d.get("unordered") or []),
        rubric=rubric, reference=str(d.get("reference", "") or ""), file=file,
    )


def load_bank(bank_dir: Path, case_ids: set[str] | None = None) -> Bank:
    """Load every ``*.yaml`` under ``bank_dir``; ``case_ids`` checks ``tags.case`` references."""
    bank = Bank()
    if not bank_dir.is_dir():
        bank.problems.append(BankProblem(str(bank_dir), "", "", "题库文件夹不存在"))
        return bank
    for path in sorted(bank_dir.glob("*.yaml")):
        name = path.name
        try:
            data = safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as e:
            mark = getattr(e, "problem_mark", None)
            where = f"第 {mark.line + 1} 行" if mark else ""
            bank.problems.append(BankProblem(name, "", "", f"YAML 格式错误{where}：{getattr(e, 'problem', e)}"))
            continue
        if not isinstance(data, dict) or not isinstance(data.get("items"), list):
            bank.problems.append(BankProblem(name, "", "items", "文件应包含 schema_version 和 items 列表"))
            continue
        if data.get("schema_version") != 1:
            bank.problems.append(BankProblem(name, "", "schema_version", f"版本“{data.get('schema_version')}”不受支持，应为 1"))
        for n, raw in enumerate(data["items"], start=1):
            shape = check_item_mapping(raw, name, n)
            if shape:
                bank.problems.extend(shape)
                continue
            item = item_from_mapping(raw, name)
            if item.id in bank.items:
                bank.problems.append(BankProblem(name, item.id, "id", f"题号与 {bank.items[item.id].file} 中的题目重复"))
                continue
            bank.items[item.id] = item
    bank.problems.extend(check_items(list(bank.items.values()), case_ids))
    return bank
