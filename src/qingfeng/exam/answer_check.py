"""What a candidate's paper says, item by item, before it is submitted (检查试卷).

Every objective answer cell of a rendered paper carries, in its metadata
under ``qingfeng``, what the candidate's form needs and nothing secret: the
item's id, label, type, printed options and blank count
(:func:`.notebook.answer_spec`).  :func:`check_notebook` reads each answer
cell with the very reader marking uses (:func:`.answers.read_answer`,
:func:`.answers.choice_letters`, :func:`.answers.judgement`,
:func:`.answers.blank_texts`) and says, in Chinese, whether it is answered,
unanswered, partly filled or cannot be read, and why.  The JupyterLab
extension shows this list; it never reads answers itself.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

from ..chinese_text import compact
from .answers import AnswerRead, blank_texts, choice_letters, judgement, read_answer

__all__ = ["ItemCheck", "check_cell", "check_notebook", "SPEC_KEY", "OBJECTIVE", "unchanged"]

SPEC_KEY = "qingfeng"
OBJECTIVE = ("单选", "多选", "判断", "填空")
ANSWERED, UNANSWERED, PARTIAL, UNREADABLE = "answered", "unanswered", "partial", "unreadable"


@dataclass(frozen=True)
class ItemCheck:
    item_id: str
    label: str  # 选择第 3 题
    type: str
    state: str  # answered | unanswered | partial | unreadable
    why: str = ""  # Chinese, for partial and unreadable
    value: object = None  # what the form shows: letters, 对/错, one text per blank, essay text
    cell_text: str = ""
    notes: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        return asdict(self)


_WHY = {
    "not_literal": "作答格被改成了程序代码，系统不会运行它，也读不出答案",
    "syntax_error": "作答格的格式被改坏了，读不出答案",
    "unclear": "作答格里写了两个不同的答案，系统无法确定以哪个为准",
}


def _source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else str(src or "")


def unchanged(cell: dict) -> bool:
    """nbgrader's own test: a solution cell whose checksum still matches the release was not answered."""
    from nbformat import NotebookNode
    from nbgrader.utils import compute_checksum

    nbg = (cell.get("metadata") or {}).get("nbgrader") or {}
    if not nbg.get("checksum"):
        return False
    node = NotebookNode(source=_source(cell), cell_type=cell.get("cell_type"),
                        metadata=NotebookNode(nbgrader=NotebookNode(nbg)))
    try:
        return compute_checksum(node) == nbg["checksum"]
    except Exception:
        return False


def check_cell(spec: dict, cell: dict | None) -> ItemCheck:
    """One item: ``spec`` is the answer cell's ``qingfeng`` metadata, ``cell`` the cell (None if deleted)."""
    kind, iid, label = spec.get("type", ""), spec.get("item", ""), spec.get("label", "")
    if cell is None:
        return ItemCheck(iid, label, kind, UNREADABLE, "本题的作答格被删除了")
    text = _source(cell)
    if kind not in OBJECTIVE:
        if unchanged(cell) or not compact(text):
            return ItemCheck(iid, label, kind, UNANSWERED, value="", cell_text=text)
        return ItemCheck(iid, label, kind, ANSWERED, value=text, cell_text=text)
    read = read_answer(text)
    notes = [read.note] if read.note else []
    if read.status == "empty":
        return ItemCheck(iid, label, kind, UNANSWERED, value=_empty(spec), cell_text=text)
    if not read.readable:
        return ItemCheck(iid, label, kind, UNREADABLE, _WHY.get(read.status, "读不出答案"), cell_text=text)
    return _objective(spec, read, text, notes)


def _empty(spec: dict):
    return [""] * int(spec.get("blanks", 1)) if spec.get("type") == "填空" else ""


def _objective(spec: dict, read: AnswerRead, text: str, notes: list[str]) -> ItemCheck:
    kind, iid, label = spec["type"], spec.get("item", ""), spec.get("label", "")
    if kind == "填空":
        n = int(spec.get("blanks", 1))
        blanks = blank_texts(read.value, n)
        missing = [str(i + 1) for i, b in enumerate(blanks) if not compact(b)]
        if len(missing) == n:
            return ItemCheck(iid, label, kind, UNANSWERED, value=blanks, cell_text=text)
        extra = _extra_blanks(read.value, n)
        if extra:
            return ItemCheck(iid, label, kind, UNREADABLE, f"写了 {extra} 个答案，但本题只有 {n} 个空",
                             value=blanks, cell_text=text, notes=notes)
        if missing:
            return ItemCheck(iid, label, kind, PARTIAL, f"第 {'、'.join(missing)} 空未填", value=blanks, cell_text=text,
                             notes=notes)
        return ItemCheck(iid, label, kind, ANSWERED, value=blanks, cell_text=text, notes=notes)
    if kind == "判断":
        said = judgement(read.value)
        if said is None:
            return ItemCheck(iid, label, kind, UNREADABLE, f"没有读出“对”或“错”（写的是：{_shown(read.value)}）",
                             cell_text=text)
        return ItemCheck(iid, label, kind, ANSWERED, value=said, cell_text=text, notes=notes)
    options = {letter: option for letter, option in spec.get("options", [])}
    letters = choice_letters(read.value, options)
    if letters is None:
        return ItemCheck(iid, label, kind, UNREADABLE,
                         f"没有读出有效的选项字母（本题选项为 {'、'.join(options)}；写的是：{_shown(read.value)}）", cell_text=text)
    chosen = "".join(sorted(letters))
    if kind == "单选" and len(letters) > 1:
        return ItemCheck(iid, label, kind, UNREADABLE, f"单选题只能选一个选项（选了 {chosen}）", value=chosen, cell_text=text)
    return ItemCheck(iid, label, kind, ANSWERED, value=chosen, cell_text=text, notes=notes)


def _extra_blanks(value, n: int) -> int:
    parts = value if isinstance(value, tuple) else None
    if parts is not None and len([p for p in parts if compact(p)]) > n:
        return len([p for p in parts if compact(p)])
    return 0


def _shown(value) -> str:
    text = "、".join(value) if isinstance(value, tuple) else str(value)
    return text if len(text) <= 40 else text[:40] + "……"


def check_notebook(nb: dict) -> list[ItemCheck]:
    """Every item of a paper in paper order; an item whose answer cell was deleted is reported too."""
    cells = [c for c in nb.get("cells", []) if isinstance(c, dict)]
    found: dict[str, tuple[dict, dict]] = {}
    for cell in cells:
        spec = (cell.get("metadata") or {}).get(SPEC_KEY)
        if isinstance(spec, dict) and spec.get("item"):
            found[spec["item"]] = (spec, cell)  # a duplicated cell: the last one counts, as in marking
    order = ((nb.get("metadata") or {}).get(SPEC_KEY) or {}).get("items") or []
    out = [check_cell(*found[i]) for i in found]
    for entry in order:  # items listed in the notebook's metadata whose cell is gone
        if isinstance(entry, dict) and entry.get("item") not in found:
            out.append(check_cell(entry, None))
    rank = {e.get("item"): n for n, e in enumerate(order) if isinstance(e, dict)}
    return sorted(out, key=lambda c: rank.get(c.item_id, len(rank)))
