"""A simulated district (模拟数据) for the statistics demo: roster, papers, marks.

Units are the five pilot units that seed 003 names (交通局、教育局、卫生局、招标办、
勾山街道办事处); candidates, answers and essay marks are random.  Each unit gets
its own strength or weakness per risk category, so the unit × category view
has something to show.  The demo project's qingfeng.toml says ``simulated =
true`` and every output says so.
"""
from __future__ import annotations

import datetime as dt
import json
import random
import shutil
from pathlib import Path

from ..exam import course
from ..exam.fast_marking import mark_exam
from ..exam.gradebook_writer import MarkedSubmission, load_cell_map, write_marks
from ..exam.keys import read_key
from ..exam.roster import import_roster
from ..project import Project, copy_project
from ..risk import CATEGORY_NAMES
from .simulate import typed_answer, write_submission

__all__ = ["UNITS", "build_demo"]

UNITS = ("区交通局", "区教育局", "区卫生局", "区招标办", "勾山街道办事处")
DEPARTMENTS = ("办公室", "财务科", "业务科", "执法队", "综合科")
POSTS = ("科长", "副科长", "科员", "会计", "执法人员", "驾驶员")
EXAM = "demo-simulated"


def build_demo(source: Project, dest: Path, n: int = 600, seed: int = 2026, progress=None) -> Project:
    """Create a simulated project at ``dest`` with ``n`` candidates marked on the 60-item district paper."""
    rng = random.Random(seed)
    if dest.exists():
        shutil.rmtree(dest)
    demo = copy_project(source, dest, "# 模拟演示项目（由 qingfeng demo 生成，全部为模拟数据）\n[demo]\nsimulated = true\n")
    deadline = dt.datetime(2026, 11, 20, 17, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    course.build_exam(demo, "district-quarterly", EXAM, seed=seed, deadline=deadline, allow_past=True)  # a past exam, simulated
    course.generate(demo, EXAM)
    lines = ["编号,姓名,单位,部门,岗位"]
    people = []
    for i in range(1, n + 1):
        unit = rng.choice(UNITS)
        people.append((f"d{i:04d}", unit))
        lines.append(f"d{i:04d},模拟考生{i:04d},{unit},{rng.choice(DEPARTMENTS)},{rng.choice(POSTS)}")
    roster = demo.root / "模拟名单.csv"
    roster.write_text("\n".join(lines) + "\n", encoding="utf-8")
    import_roster(demo, roster)
    key = read_key(demo.exams_dir, EXAM)
    released = json.loads((demo.exams_dir / "release" / EXAM / f"{EXAM}.ipynb").read_text(encoding="utf-8"))
    strength = {u: {c: rng.uniform(-0.25, 0.2) for c in CATEGORY_NAMES} for u in UNITS}
    essays: dict[str, dict[str, float]] = {}  # hand marks; an answered essay left out here stays pending
    texts: dict[str, dict[str, str]] = {}
    for sid, unit in people:
        if rng.random() < 0.05:
            continue  # absent
        base = rng.uniform(0.35, 0.9)
        answers = {}
        for k in key.items:
            e = k.entry
            boost = sum(strength[unit][c] for c in k.categories) / len(k.categories) if k.categories else 0.0
            p = min(0.98, max(0.02, base + boost))
            if e.type in ("简答", "论述"):
                if rng.random() < 0.95:
                    texts.setdefault(sid, {})[e.item_id] = "（模拟作答）"
                    if rng.random() < 0.97:
                        raw = e.points * min(1.0, max(0.0, rng.gauss(p, 0.15)))
                        essays.setdefault(sid, {})[f"answer-{e.item_id}"] = round(raw * 2) / 2
                continue
            r = rng.random()
            mode = "right" if r < p * 0.75 else "sloppy" if r < p else rng.choice(("wrong", "wrong", "partial", "empty"))
            answers[e.item_id] = typed_answer(e, mode, rng)
        stamp = deadline + dt.timedelta(hours=rng.uniform(-72, -1) if rng.random() > 0.03 else rng.uniform(1, 12))
        write_submission(released, demo.exams_dir, EXAM, sid, answers, texts.get(sid, {}),
                         stamp.astimezone(dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f UTC"))
    mark_exam(demo, EXAM, progress=progress)
    cmap = load_cell_map(demo.exams_dir / "gradebook.db", EXAM, EXAM)
    write_marks(demo.exams_dir / "gradebook.db", cmap, [MarkedSubmission(s, None, {}, {}, m) for s, m in essays.items()])
    return demo
