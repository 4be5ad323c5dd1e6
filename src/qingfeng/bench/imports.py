"""Import benchmark: every 50,000-row table the project imports.

The case sheet (dry run and real), the roster, the answer sheet and the table
of essay marks (``qingfeng exam grade --file``, for the candidates the answer
sheet just recorded).  ``qingfeng hub accounts`` creates Linux users and is
not measured here.

Each import runs in a fresh child process (``python -m qingfeng.bench.imports
KIND FILE PROJECT``) so its peak memory (``VmHWM``) is its own; the
parent prints time and peak memory for each next to the target (≤ 10 s and
≤ 500 MB).  The files are generated (模拟数据): cases with distinct sources,
candidates with simulated names and units, and an answer sheet for the
sample paper typed as a transcriber would (some blank cells, mixed width).
"""
from __future__ import annotations

import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from ..cases.columns import COLUMNS
from ..demo.district import UNITS
from ..exam import course
from ..exam.answer_sheets import sheet_columns
from ..exam.keys import item_labels, read_key
from ..project import Project, copy_project, find_project
from ..spreadsheet import write_xlsx
from .process_usage import TreeMemory, own_peak_kb

__all__ = ["ImportBench", "run_import_bench", "TARGET_SECONDS", "TARGET_MB"]

EXAM = "yumin-sample"
TARGET_SECONDS, TARGET_MB = 10.0, 500.0
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐許於乾"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国乾隆"


@dataclass
class Measured:
    """One import, run ``len(seconds)`` times, each on a fresh copy of the project."""

    name: str
    rows: int
    seconds: list[float]
    cpu_seconds: list[float]
    peak_mb: float  # the largest of the runs
    ok: bool
    reference: list[float]  # the fixed reference workload, timed just before each run
    note: str = ""

    @property
    def best(self) -> float:
        return min(self.seconds) if self.seconds else float("nan")

    def line(self) -> str:
        met = self.ok and self.best <= TARGET_SECONDS and self.peak_mb <= TARGET_MB
        i = self.seconds.index(self.best) if self.seconds else 0
        spread = f"{len(self.seconds)} 次 {min(self.seconds):.2f}～{max(self.seconds):.2f}" if self.seconds else "未运行"
        ref = f"；该次参考负载 {self.reference[i]:.2f} 秒" if self.reference else ""
        cpu = f"CPU {self.cpu_seconds[i]:.2f} 秒，含启动" if self.cpu_seconds else ""
        return (f"  {self.name:<10s}{self.rows} 行：最好用时 {self.best:6.2f} 秒（目标 ≤ {TARGET_SECONDS:g}；{spread}；"
                f"{cpu}{ref}），峰值内存 {self.peak_mb:6.0f} MB（目标 ≤ {TARGET_MB:g}）：{'达到' if met else '未达到'}{self.note}")


@dataclass
class ImportBench:
    results: list[Measured]

    def lines(self) -> list[str]:
        return ["导入基准（模拟数据；每项在独立子进程中、各用一份新的项目副本运行 "
                f"{REPEAT} 次，取最好一次的用时，峰值内存取各次最大（含工作进程：基准进程每 0.25 秒从外面采样各进程 PSS 之和，不低于主进程自身峰值 VmHWM）；参考负载是每次运行前计时的固定纯 Python 循环，"
                f"它变慢说明这台机器此刻变慢）"] + [r.line() for r in self.results]


def reference_seconds() -> float:
    """A fixed pure-Python workload (5 million additions): the machine's speed at the moment of a run."""
    t0 = time.perf_counter()
    total = 0
    for i in range(5_000_000):
        total += i
    return time.perf_counter() - t0


def case_rows(n: int, rng: random.Random) -> list[list[object]]:
    base = {"标题": "村会计一人经手集体资金收付", "日期": "2020-06", "地区或机关": "某县", "单位类型": "村", "岗位": "村会计",
            "事实经过": "村会计一人既管账又管钱，长期未与村务监督委员会对账，造成集体资金收付无人复核。",
            "处置结果": "受到党内警告处分", "处置类别": "党纪轻处分", "涉及金额（元）": 12000, "来源类型": "网页",
            "是否转载": "否", "风险类别": "业务流程、制度机制", "权力重要程度": "低", "资金关联程度": "高", "自由裁量权": "中",
            "发生可能性": "中", "危害程度": "中", "行使频率": "高", "涉及三重一大": "否", "风险等级": "",
            "评级理由": "不掌握审批等重要权力，但直接经手资金，发生几率和后果中等。", "风险点": "村集体资金收付由一人经手，缺少复核",
            "防控措施编号": "M18-1、M17-3", "预警颜色": ""}
    rows = []
    for i in range(n):
        r = dict(base, 来源=f"https://www.example.gov.cn/case/{i}.html", 岗位=rng.choice(("村会计", "村出纳", "村党支部书记")),
                 资金关联程度=rng.choice("高中低"), 危害程度=rng.choice("高中低"), **{"涉及金额（元）": rng.randrange(1000, 10 ** 6)})
        rows.append([r.get(c.header) for c in COLUMNS])
    return rows


def roster_rows(n: int, rng: random.Random) -> list[list[object]]:
    return [[f"c{i:05d}", rng.choice(_SURNAMES) + rng.choice(_GIVEN) + rng.choice(("", *_GIVEN)), rng.choice(UNITS),
             rng.choice(("办公室", "财务科", "审批科", "")), rng.choice(("科员", "科长", ""))] for i in range(n)]


def sheet_rows(project: Project, n: int, rng: random.Random) -> tuple[list[str], list[list[object]]]:
    key = read_key(project.exams_dir, EXAM)
    cols = sheet_columns(key)
    heads = ["编号", "姓名"] + [c.header for c in cols]
    rows = []
    for i in range(n):
        row: list[object] = [f"c{i:05d}", None]
        for c in cols:
            e = key.item(c.item_id).entry
            if rng.random() < 0.05:
                row.append(None)
            elif c.kind in ("简答", "论述"):
                row.append(rng.randint(0, int(c.max_points)))
            elif c.kind == "填空":
                row.append(rng.choice((e.blanks[c.blank - 1][0][0], "不知道")))
            elif c.kind == "判断":
                row.append(rng.choice(("√", "×", "对", "错")))
            else:
                letters = [k for k, _ in e.options]
                row.append(rng.choice(letters) if c.kind == "单选" else "".join(sorted(rng.sample(letters, 2))))
        rows.append(row)
    return heads, rows


def essay_rows(project: Project, n: int, rng: random.Random) -> tuple[list[str], list[list[object]]]:
    """编号 + one column per 简答/论述 item named as people name it (简答1), scores a marker gave."""
    key = read_key(project.exams_dir, EXAM)
    labels = item_labels(key)
    hand = [(labels[k.entry.item_id], k.entry.points) for k in key.items if k.entry.type in ("简答", "论述")]
    heads = ["编号"] + [label for label, _ in hand]
    return heads, [[f"c{i:05d}"] + [rng.randint(0, int(pts)) for _, pts in hand] for i in range(n)]


def _child(kind: str, file: str, root: str) -> dict:
    """Runs inside the child process: one import, timed; returns what it did."""
    from ..project import find_project as _find

    project = _find(Path(root))
    t0 = time.perf_counter()
    ok, note = _import(kind, file, project)
    seconds = time.perf_counter() - t0
    use, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    # worker processes (a long case sheet's, :mod:`qingfeng.cases.row_workers`; a sheet's forked reader) count
    # too: their CPU time here, their memory sampled by the bench from outside (:func:`_run_child`)
    return {"seconds": seconds, "cpu": use.ru_utime + use.ru_stime + kids.ru_utime + kids.ru_stime,
            "peak_kb": own_peak_kb(), "ok": ok, "note": note}


def _import(kind: str, file: str, project: Project) -> tuple[bool, str]:
    if kind in ("cases", "cases-dry"):
        from ..cases.importer import import_sheet

        r = import_sheet(Path(file), project.cases_dir, dry_run=kind == "cases-dry")
        ok, note = not r.errors, f"新增 {len(r.added)}" + ("" if not r.errors else f"；错误 {len(r.errors)}：{r.errors[0]}")
    elif kind == "roster":
        from ..exam.roster import import_roster

        cands, errors = import_roster(project, Path(file))
        ok, note = not errors, f"考生 {len(cands)}" + ("" if not errors else f"；错误：{errors[0]}")
    elif kind == "grades":
        from ..exam.manual_marks import read_marks_table, record_marks

        marks, errors = read_marks_table(Path(file))
        written, errors = record_marks(project, EXAM, marks) if not errors else (0, errors)
        ok, note = not errors, f"得分 {written}" + ("" if not errors else f"；错误：{errors[0]}")
    else:
        from ..exam.answer_sheets import mark_sheets

        report, errors = mark_sheets(project, EXAM, Path(file))
        ok, note = not errors, f"记入 {len(report.marked)}" + ("" if not errors else f"；错误：{errors[0]}")
    return ok, note


REPEAT = 3
SAMPLE_SECONDS = 0.25  # memory of an import and its workers, sampled from the bench's own process


def _run_child(kind: str, file: Path, root: Path) -> dict:
    """One import in a child process; its peak memory is the larger of its own (VmHWM) and the sampled
    PSS of it and its workers together (never counting a page they share twice)."""
    proc = subprocess.Popen([sys.executable, "-m", "qingfeng.bench.imports", kind, str(file), str(root)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    # every 0.25 s: reading smaps_rollup walks the process's page tables under its mmap lock, which its own
    # page faults wait for (sampled every 0.05 s it slowed a 6.3 s answer-sheet import by 0.5-0.9 s)
    with TreeMemory(proc.pid, interval=SAMPLE_SECONDS) as tree:
        out, err = proc.communicate()
    if proc.returncode != 0:
        raise RuntimeError(err.strip()[-300:])
    result = json.loads(out.strip().splitlines()[-1])
    result["peak_kb"] = max(result["peak_kb"], tree.peak_kb)
    return result


def _measure(name: str, kind: str, file: Path, base: Path, copies: Path, rows: int, repeat: int) -> tuple[Measured, Path | None]:
    """``repeat`` runs, each on its own copy of ``base`` (kept until the bench ends: deleting 50,000 case
    files just before the next run would slow the file system's inode allocation, not our code), each
    after ``sync`` (writing back 50,000 case files takes CPU from whatever runs next on two cores).
    Returns the result and the first run's project (the essay table is marked into the sheet's)."""
    seconds, cpu, peaks, refs, bare, first = [], [], [], [], [], None
    for n in range(repeat):
        root = copies / f"{kind}-{n}"
        shutil.copytree(base, root, symlinks=True)
        os.sync()  # untimed: the last run's files go to disk now, not as background work during this one
        refs.append(reference_seconds())
        try:
            out = _run_child(kind, file, root)
        except RuntimeError as e:
            return Measured(name, rows, seconds, cpu, max(peaks, default=float("nan")), False, refs, f"：失败 {e}"), first
        if not out["ok"]:
            return Measured(name, rows, seconds, cpu, out["peak_kb"] / 1024, False, refs, "：" + out["note"]), first
        seconds.append(out["seconds"])
        cpu.append(out["cpu"])
        peaks.append(out["peak_kb"] / 1024)
        first = first or root
        if kind == "cases":
            bare.append(file_creation_seconds(root / "risk_case_library" / "cases", copies / f"bare-{n}"))
    note = ""
    if bare:
        i = seconds.index(min(seconds))
        note = f"；其中文件系统本身：在同一磁盘上直接创建同样多、同样大小的文件用时 {bare[i]:.2f} 秒（各次 {min(bare):.2f}～{max(bare):.2f}）"
    return Measured(name, rows, seconds, cpu, max(peaks), True, refs, note), first


def file_creation_seconds(written: Path, folder: Path) -> float:
    """The file system's own share of a case import: create as many files, as large as ``written``'s
    case files, in a new ``folder`` on the same disk (open, write, close; nothing else)."""
    sizes = [e.stat().st_size for e in os.scandir(written) if e.name.endswith(".yaml")]
    folder.mkdir()
    data = b"x" * max(sizes, default=0)
    t0 = time.perf_counter()
    for k, size in enumerate(sizes):
        fd = os.open(folder / f"{k}.yaml", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        os.write(fd, data[:size])
        os.close(fd)
    return time.perf_counter() - t0


def run_import_bench(project: Project, n: int = 50_000, seed: int = 2026, progress=None, repeat: int = REPEAT) -> ImportBench:
    """Generate the files, then measure each import in its own child processes (``progress`` gets each line as measured)."""
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory(prefix="qingfeng-import-bench-") as tmp:
        work = copy_project(project, Path(tmp) / "proj")
        course.build_exam(work, EXAM, EXAM)
        course.generate(work, EXAM)
        files = Path(tmp) / "files"
        write_xlsx(files / "cases.xlsx", {"案例": ([c.header for c in COLUMNS], case_rows(n, rng))})
        write_xlsx(files / "roster.xlsx", {"名单": (["编号", "姓名", "单位", "部门", "岗位"], roster_rows(n, rng))})
        heads, rows = sheet_rows(work, n, rng)
        write_xlsx(files / "sheet.xlsx", {"答题卡": (heads, rows)})
        del rows
        write_xlsx(files / "essays.xlsx", {"评分": essay_rows(work, n, rng)})
        copies = Path(tmp) / "runs"
        copies.mkdir()
        results, marked = [], work.root
        for name, kind, file in (("案例导入（试运行）", "cases-dry", "cases.xlsx"), ("案例导入", "cases", "cases.xlsx"),
                                 ("考生名单导入", "roster", "roster.xlsx"), ("纸质答卷记分", "sheet", "sheet.xlsx"),
                                 ("简答论述评分表", "grades", "essays.xlsx")):
            measured, first = _measure(name, kind, files / file, marked if kind == "grades" else work.root, copies, n, repeat)
            if kind == "sheet" and first is not None:
                marked = first  # the essay marks go to the candidates this sheet recorded
            results.append(measured)
            if progress:
                progress(measured.line())
    return ImportBench(results)


if __name__ == "__main__":
    if len(sys.argv) == 4:
        print(json.dumps(_child(*sys.argv[1:]), ensure_ascii=False))
    else:
        print(ImportBench([]).lines()[0], flush=True)
        run_import_bench(find_project(), n=int(sys.argv[1]) if len(sys.argv) > 1 else 50_000, progress=lambda line: print(line, flush=True))
