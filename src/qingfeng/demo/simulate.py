"""Simulated candidates typing answers into a paper, the way people really type.

``typed_answer`` turns a key entry into the text a candidate might type in
the answer cell: right, right-but-sloppy (lower case, 全角, 繁體, other
order, one string for several blanks), partly right, wrong, empty, broken
(unclosed quote), or edited into code that must never be run.
"""
from __future__ import annotations

import json
import random
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import opencc

from ..exam.keys import ExamKey
from ..exam.scoring import KeyEntry

__all__ = ["MODES", "typed_answer", "Candidate", "simulate_answers", "write_submission"]

MODES = ("right", "sloppy", "partial", "wrong", "empty", "broken", "code")
_FULLWIDTH = {chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)}


@lru_cache(maxsize=1)
def _s2t() -> opencc.OpenCC:
    return opencc.OpenCC("s2t")


def _q(value) -> str:
    return "作答 = " + json.dumps(value, ensure_ascii=False)


def typed_answer(e: KeyEntry, mode: str, rng: random.Random, marker: str = "/tmp/qingfeng-must-not-exist") -> str:
    if mode == "empty":
        return _q("" if e.type != "填空" or len(e.blanks) == 1 else [""] * len(e.blanks))
    if mode == "broken":
        return '作答 = "' + (e.key[0] if e.key else "甲")
    if mode == "code":
        return f'import os\nos.system("touch {marker}")\n' + _q(e.key[0] if e.key else "")
    if e.type == "判断":
        right = e.key[0]
        wrong = "错" if right == "对" else "对"
        variants = {"对": ["√", "正确", "對", "T", " 对"], "错": ["×", "错误", "錯", "F", "错 "]}
        if mode in ("right", "partial"):
            return _q(right)
        return _q(rng.choice(variants[right]) if mode == "sloppy" else wrong)
    if e.type in ("单选", "多选"):
        letters = "".join(e.key)
        others = [k for k, _ in e.options if k not in e.key]
        if mode == "right":
            return _q(letters)
        if mode == "sloppy":
            style = rng.randrange(3)
            text = ("、".join(letters) if style == 0 else letters.lower() if style == 1 else "".join(_FULLWIDTH[c] for c in letters))
            return _q(text)
        if mode == "partial" and e.type == "多选":
            return _q("".join(rng.sample(list(e.key), rng.randint(1, len(e.key) - 1))))
        return _q(rng.choice(others) + (letters[0] if e.type == "多选" else ""))
    # 填空
    right = [acc[0] for acc, _ in e.blanks]
    if mode == "right":
        return _q(right if len(right) > 1 else right[0])
    if mode == "sloppy":
        answer = list(right)
        for group in e.unordered:
            idx = [i - 1 for i in group]
            vals = [answer[i] for i in idx]
            rng.shuffle(vals)
            for i, v in zip(idx, vals):
                answer[i] = v
        answer = [_s2t().convert(a) for a in answer]
        return _q("、".join(answer) if len(answer) > 1 and rng.random() < 0.5 else (answer if len(answer) > 1 else answer[0]))
    if mode == "partial":
        answer = [a if rng.random() < 0.5 else "" for a in right]
        return _q(answer if len(answer) > 1 else answer[0])
    return _q(["不知道"] * len(right) if len(right) > 1 else "不知道")


@dataclass(frozen=True)
class Candidate:
    id: str
    ability: float  # 0..1: chance of a right answer
    sloppiness: float = 0.3


def simulate_answers(key: ExamKey, cand: Candidate, rng: random.Random, trouble: float = 0.02,
                     marker: str = "/tmp/qingfeng-must-not-exist") -> dict[str, str]:
    """item id -> what this candidate typed in the answer cell."""
    out: dict[str, str] = {}
    for k in key.items:
        e = k.entry
        if e.type in ("简答", "论述"):
            continue
        r = rng.random()
        if r < trouble:
            mode = rng.choice(("broken", "code", "empty"))
        elif r < trouble + cand.ability:
            mode = "sloppy" if rng.random() < cand.sloppiness else "right"
        else:
            mode = rng.choice(("partial", "wrong", "wrong", "empty")) if e.type in ("多选", "填空") else rng.choice(("wrong", "wrong", "empty"))
        out[e.item_id] = typed_answer(e, mode, rng, marker)
    return out


def write_submission(released: dict, exams_dir: Path, exam_id: str, student: str, answers: dict[str, str],
                     essays: dict[str, str] | None = None, timestamp: str = "2026-11-20 09:30:00.000000 UTC") -> Path:
    """Put a filled-in copy of the released notebook where ``nbgrader collect`` would (submitted/)."""
    cells = []
    for cell in released["cells"]:
        gid = ((cell.get("metadata") or {}).get("nbgrader") or {}).get("grade_id", "")
        item = gid[len("answer-"):] if gid.startswith("answer-") else None
        if item in answers:
            cell = {**cell, "source": answers[item]}
        elif item in (essays or {}):
            cell = {**cell, "source": essays[item]}
        cells.append(cell)
    folder = exams_dir / "submitted" / student / exam_id
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{exam_id}.ipynb").write_text(json.dumps({**released, "cells": cells}, ensure_ascii=False), encoding="utf-8")
    (folder / "timestamp.txt").write_text(timestamp, encoding="utf-8")
    return folder
