"""The key file of a built exam: ``exams/keys/<exam>.json``.

Keys live outside nbgrader's ``source/`` folder on purpose: nbgrader copies
every non-notebook file in ``source/<exam>/`` into the candidates' release,
so a key kept there would leak.  The test cells in the paper carry no key;
they look it up here at marking time.
"""
from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

from .paper import Paper, PaperItem
from .scoring import KeyEntry

__all__ = ["ExamKey", "KeyedItem", "key_path", "write_key", "read_key", "answer_text", "item_labels"]


@dataclass(frozen=True)
class KeyedItem:
    entry: KeyEntry
    number: int
    section: str
    explanation: str
    answer_text: str
    rubric: tuple[tuple[str, float], ...] = ()
    categories: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()


@dataclass(frozen=True)
class ExamKey:
    exam_id: str
    title: str
    blueprint: str
    seed: int
    reveal_answers_after_close: bool
    hidden_answers: tuple[str, ...]
    items: tuple[KeyedItem, ...]

    def item(self, item_id: str) -> KeyedItem:
        for k in self.items:
            if k.entry.item_id == item_id:
                return k
        raise KeyError(f"试卷 {self.exam_id} 的答案文件中没有题目 {item_id}")

    @property
    def total(self) -> float:
        return sum(k.entry.points for k in self.items)


def answer_text(pi: PaperItem) -> str:
    it = pi.item
    also = f"（也接受：{'、'.join(pi.also)}）" if pi.also else ""
    if it.type in ("单选", "多选"):
        opts = dict(pi.options)
        return "；".join(f"{k}. {opts[k]}" for k in pi.key) + also
    if it.type == "判断":
        return pi.key[0] + also
    if it.type == "填空":
        return "；".join(f"（{n}）{' / '.join(b.accept)}" for n, b in enumerate(it.blanks, start=1))
    return it.reference or "；".join(r.point for r in it.rubric)


def key_path(exams_dir: Path, exam_id: str) -> Path:
    from ..ids import check_exam_id, child_path

    return child_path(Path(exams_dir) / "keys", f"{check_exam_id(exam_id)}.json")


def write_key(exams_dir: Path, exam_id: str, paper: Paper) -> Path:
    items = []
    for sec in paper.sections:
        for pi in sec.items:
            items.append(KeyedItem(
                entry=pi.key_entry(), number=pi.number, section=sec.heading, explanation=pi.item.explanation,
                answer_text=answer_text(pi), rubric=tuple((r.point, r.points) for r in pi.item.rubric),
                categories=pi.item.categories, topics=pi.item.topics,
            ))
    key = ExamKey(exam_id, paper.blueprint.title, paper.blueprint.name, paper.seed,
                  paper.blueprint.reveal_answers_after_close, paper.blueprint.hidden_answers, tuple(items))
    path = key_path(exams_dir, exam_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump({"schema_version": 1, **asdict(key)}, fh, ensure_ascii=False, indent=1)
    os.replace(tmp, path)
    read_key.cache_clear()
    return path


def _tuples(x):
    return tuple(_tuples(v) for v in x) if isinstance(x, list) else x


@lru_cache(maxsize=32)
def _read(path: str, mtime: float) -> ExamKey:
    d = json.loads(Path(path).read_text(encoding="utf-8"))
    items = []
    for k in d["items"]:
        e = {f: _tuples(v) for f, v in k["entry"].items()}
        items.append(KeyedItem(entry=KeyEntry(**e), number=k["number"], section=k["section"],
                               explanation=k["explanation"], answer_text=k["answer_text"],
                               rubric=_tuples(k.get("rubric", [])), categories=tuple(k.get("categories", [])),
                               topics=tuple(k.get("topics", []))))
    return ExamKey(d["exam_id"], d["title"], d["blueprint"], d["seed"], d["reveal_answers_after_close"],
                   tuple(d["hidden_answers"]), tuple(items))


def read_key(exams_dir: Path, exam_id: str) -> ExamKey:
    path = key_path(exams_dir, exam_id)
    if not path.is_file():
        raise FileNotFoundError(f"找不到试卷 {exam_id} 的答案文件 {path}：请先运行 qingfeng exam build")
    return _read(str(path), path.stat().st_mtime)


read_key.cache_clear = _read.cache_clear  # type: ignore[attr-defined]


_SHORT = {"填空": "填空", "单选": "选择", "多选": "多选", "判断": "判断", "简答": "简答", "论述": "论述"}


def item_labels(key: ExamKey) -> dict[str, str]:
    """How a person names an item: 选择3, 判断7 … (prefixed by the section numeral if a type repeats)."""
    labels = {k.entry.item_id: f"{_SHORT[k.entry.type]}{k.number}" for k in key.items}
    if len(set(labels.values())) != len(labels):
        labels = {k.entry.item_id: f"{k.section.split('、')[0]}{labels[k.entry.item_id]}" for k in key.items}
    return labels
