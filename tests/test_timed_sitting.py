"""A timed A/B sitting through the real CLI: schedule (and its refusals), release, mark under each late policy, export, stats.

Six candidates on a 90-minute paper open 09:00–11:30 (北京时间), 60 s grace, numbers worked by hand:

====  ==  ===========  ===========  ==================  =================
编号  卷  started      own deadline submitted           late (started min)
====  ==  ===========  ===========  ==================  =================
c01   A   09:00        10:30        10:30:40            0 (within the 60 s grace)
c02   B   09:30        11:00        11:00:00            0 (exactly on time)
c03   A   09:20        10:50        10:57:30            8
c04   B   10:30        11:30 (cap)  11:31:05            2
c05   A   (no record)  10:30        10:31:30            2 (no record: the earliest deadline)
c06   B   09:05        10:35        10:00:00            0
====  ==  ===========  ===========  ==================  =================
"""
from __future__ import annotations

import datetime as dt
import json
import random
import sqlite3
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from qingfeng.cli.main import cli
from qingfeng.demo.simulate import typed_answer, write_submission
from qingfeng.exam.keys import read_key
from qingfeng.exam.schedule import SHANGHAI
from qingfeng.exam.sitting import read_sitting
from qingfeng.exam.sitting_record import RECORD_FILE
from qingfeng.project import find_project

from .exam_course import copy_project

pytestmark = pytest.mark.slow

EXAM = "2026-t1"
PEOPLE = [("c01", "张三", "区交通局"), ("c02", "李四", "区交通局"), ("c03", "王五", "区教育局"),
          ("c04", "赵六", "区教育局"), ("c05", "钱七", "区卫生局"), ("c06", "孙八", "区卫生局")]
DAY = (2026, 11, 20)
STARTS = {"c01": (9, 0, 0), "c02": (9, 30, 0), "c03": (9, 20, 0), "c04": (10, 30, 0), "c06": (9, 5, 0)}
SUBMITTED = {"c01": (10, 30, 40), "c02": (11, 0, 0), "c03": (10, 57, 30), "c04": (11, 31, 5), "c05": (10, 31, 30), "c06": (10, 0, 0)}
LATE_MINUTES = {"c01": 0, "c02": 0, "c03": 8, "c04": 2, "c05": 2, "c06": 0}
WINDOW = ["--opens", "2026-11-20 09:00", "--duration", "90", "--closes", "2026-11-20 11:30"]


def run(root: Path, *args: str, ok: bool = True):
    r = CliRunner().invoke(cli, ["--root", str(root), *args])
    if ok:
        assert r.exit_code == 0, r.output
    return r


def bj(hms) -> dt.datetime:
    return dt.datetime(*DAY, *hms, tzinfo=SHANGHAI)


@pytest.fixture(scope="module")
def sitting(tmp_path_factory):
    root = copy_project(tmp_path_factory.mktemp("timed") / "proj")
    run(root, "exam", "build", "district-quarterly", "--id", EXAM, "--variants", "2", "--seed", "5")
    roster = root / "名单.csv"
    roster.write_text("编号,姓名,单位,部门,岗位\n" + "".join(f"{i},{n},{u},办公室,科员\n" for i, n, u in PEOPLE), encoding="utf-8")
    run(root, "exam", "roster", str(roster))
    run(root, "exam", "assign", EXAM)
    project = find_project(root)
    return project, read_sitting(project, EXAM)


def test_schedule_refusals_are_chinese_and_write_nothing(sitting):
    project, _ = sitting
    root = project.root
    r = run(root, "exam", "schedule", EXAM, *WINDOW, ok=False)
    assert r.exit_code != 0 and "考试结束时间 2026年11月20日 11:30（北京时间） 已经过去" in r.output and "--force" in r.output
    future = dt.datetime.now(SHANGHAI) + dt.timedelta(days=3)
    opens, closes = future.strftime("%Y-%m-%d 09:00"), future.strftime("%Y-%m-%d 11:30")
    r = run(root, "exam", "schedule", EXAM, "--opens", closes, "--duration", "90", "--closes", opens, ok=False)
    assert "不晚于开考时间" in r.output
    r = run(root, "exam", "schedule", EXAM, "--opens", opens, "--duration", "200", "--closes", closes, ok=False)
    assert "考试时长 200 分钟超出了开考到结束的时段" in r.output
    r = run(root, "exam", "schedule", EXAM, "--opens", opens, "--duration", "90", "--closes", closes, "--late", "deduct", ok=False)
    assert "--deduct-per-minute" in r.output
    r = run(root, "exam", "schedule", EXAM, "--opens", "明天上午", "--duration", "90", "--closes", closes, ok=False)
    assert "--opens：时间“明天上午”无法识别，请写成 2026-12-01 17:00（北京时间）" in r.output
    r = run(root, "exam", "schedule", "2026-none", "--opens", opens, "--duration", "90", "--closes", closes, ok=False)
    assert "没有试卷“2026-none”" in r.output
    assert not (project.exams_dir / "timing").exists()


def test_schedule_release_and_the_refusal_after_release(sitting):
    project, s = sitting
    root = project.root
    out = run(root, "exam", "schedule", EXAM, *WINDOW, "--late", "refuse", "--force").output
    assert out.count("已设定试卷") == 2 and "限时 90 分钟" in out and "拒收" in out
    run(root, "exam", "release", EXAM)
    for vid in s.variants.values():
        outbound = project.exams_dir / "exchange" / "qingfeng" / "outbound" / vid / ".qingfeng-timing"
        assert json.loads(outbound.read_text(encoding="utf-8"))["duration_minutes"] == 90  # the candidates get the window
        con = sqlite3.connect(project.exams_dir / "gradebook.db")
        (due,) = con.execute("SELECT duedate FROM assignment WHERE name = ?", (vid,)).fetchone()
        con.close()
        assert due.startswith("2026-11-20 03:30")  # 11:30 北京时间 as nbgrader's naive UTC
    r = run(root, "exam", "schedule", EXAM, *WINDOW, "--duration", "60", "--force", ok=True)  # forced change is allowed
    r = run(root, "exam", "schedule", EXAM, "--opens", "2099-01-01 09:00", "--duration", "90", "--closes", "2099-01-01 11:30",
            ok=False)
    assert "已发布" in r.output and "已领取试卷的考生手中是原来的考试时间" in r.output and "--force" in r.output
    run(root, "exam", "schedule", EXAM, *WINDOW, "--force")  # back to 90 minutes for the marking tests


def _submit_all(project, s) -> dict[str, float]:
    """Every candidate answers every objective item right (essays left for the marker); returns each raw total."""
    rng = random.Random(3)
    raw = {}
    for label, vid in s.variants.items():
        released = json.loads((project.exams_dir / "release" / vid / f"{vid}.ipynb").read_text(encoding="utf-8"))
        key = read_key(project.exams_dir, vid)
        for sid in s.candidates(label):
            answers = {k.entry.item_id: typed_answer(k.entry, "right", rng) for k in key.items if k.entry.type not in ("简答", "论述")}
            stamp = bj(SUBMITTED[sid]).astimezone(dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f UTC")
            folder = write_submission(released, project.exams_dir, vid, sid, answers, {}, stamp)
            if sid in STARTS:
                (folder / RECORD_FILE).write_text(json.dumps({"exam_id": vid, "started": bj(STARTS[sid]).isoformat()}), encoding="utf-8")
            raw[sid] = float(sum(k.entry.points for k in key.items if k.entry.type not in ("简答", "论述")))
    return raw


def _gradebook(project, s) -> dict[str, tuple]:
    con = sqlite3.connect(project.exams_dir / "gradebook.db")
    out = {}
    for vid in s.variants.values():
        for sid, ext, pen in con.execute(
                """SELECT sa.student_id, sa.extension, sn.late_submission_penalty FROM submitted_assignment sa
                   JOIN assignment a ON a.id = sa.assignment_id JOIN submitted_notebook sn ON sn.assignment_id = sa.id
                   WHERE a.name = ?""", (vid,)):
            out[sid] = (ext, pen)
    con.close()
    return out


def _export(project, tmp_path) -> dict[str, dict]:
    path = tmp_path / "成绩.xlsx"
    run(project.root, "exam", "export", EXAM, str(path))
    ws = openpyxl.load_workbook(path)["成绩"]
    heads = [c.value for c in ws[1]]
    assert heads[-5:] == ["待评题数", "是否迟交", "迟交分钟", "扣分", "缺考"]
    return {r[0]: dict(zip(heads, r)) for r in ws.iter_rows(min_row=2, values_only=True)}


def test_marking_under_each_late_policy(sitting, tmp_path):
    project, s = sitting
    root = project.root
    raw = _submit_all(project, s)
    assert raw["c01"] > 0

    # refuse: c03, c04, c05 not counted
    out = run(root, "mark", EXAM).output
    assert "计时考试 2026-t1-a" in out and "迟交未计分：考生 c03 迟交 8 分钟" in out and "迟交未计分：考生 c05 迟交 2 分钟" in out
    assert "迟交未计分：考生 c04 迟交 2 分钟" in out and "迟交未计分：考生 c01" not in out and "c02 迟交" not in out
    gb = _gradebook(project, s)
    assert gb["c03"][1] == pytest.approx(raw["c03"]) and gb["c01"][1] is None and gb["c02"][1] is None  # nbgrader "zero"
    assert gb["c03"][0].startswith("1969-12-31 23:20")  # deadline 10:50 = closing 11:30 − 40 minutes
    rows = _export(project, tmp_path)
    for sid in ("c03", "c04", "c05"):
        assert rows[sid]["是否迟交"] == "迟交未计分" and rows[sid]["总分"] is None and rows[sid]["缺考"] == "否"
        assert rows[sid]["迟交分钟"] == LATE_MINUTES[sid]
    for sid in ("c01", "c02", "c06"):
        assert rows[sid]["是否迟交"] == "否" and rows[sid]["总分"] == pytest.approx(raw[sid]) and rows[sid]["迟交分钟"] == 0
    stats = tmp_path / "统计"
    printed = run(root, "stats", EXAM, "--out", str(stats)).output
    wb = openpyxl.load_workbook(stats / f"{EXAM}-统计.xlsx")
    summary = {r[0]: r[1] for r in wb["总体"].iter_rows(min_row=2, values_only=True)}
    assert summary["实考人数"] == 6 and summary["缺考人数"] == 0 and summary["逾期提交人数"] == 3
    notes = " ".join(str(r[0]) for r in wb["说明"].iter_rows(values_only=True))
    assert "迟交未计分 3 人" in notes + printed

    # flag: counted and flagged
    run(root, "exam", "schedule", EXAM, *WINDOW, "--late", "flag", "--force")
    out = run(root, "mark", EXAM).output
    assert "迟交（照收，已标记）：考生 c04 迟交 2 分钟" in out
    assert all(pen is None for _, pen in _gradebook(project, s).values())
    rows = _export(project, tmp_path)
    assert rows["c03"]["是否迟交"] == "是" and rows["c03"]["总分"] == pytest.approx(raw["c03"]) and rows["c03"]["扣分"] is None

    # deduct 0.5 per started minute: c03 −4, c04 −1, c05 −1
    run(root, "exam", "schedule", EXAM, *WINDOW, "--late", "deduct", "--deduct-per-minute", "0.5", "--force")
    out = run(root, "mark", EXAM).output
    assert "迟交扣分 4 分：考生 c03 迟交 8 分钟" in out and "迟交扣分 1 分：考生 c05 迟交 2 分钟" in out
    gb = _gradebook(project, s)
    assert gb["c03"][1] == 4.0 and gb["c04"][1] == 1.0 and gb["c05"][1] == 1.0 and gb["c01"][1] is None
    rows = _export(project, tmp_path)
    for sid, cut in (("c03", 4.0), ("c04", 1.0), ("c05", 1.0)):
        assert rows[sid]["是否迟交"] == "是（已扣分）" and rows[sid]["扣分"] == cut
        assert rows[sid]["总分"] == pytest.approx(raw[sid] - cut)
    assert rows["c06"]["扣分"] is None and rows["c06"]["总分"] == pytest.approx(raw["c06"])


def test_feedback_says_how_the_hand_in_time_counted(sitting):
    """After the deduct run above: the candidates' feedback pages state lateness and deduction."""
    project, s = sitting
    from qingfeng.exam import course

    vid = s.variants["A"]  # c01 (on time, in the grace), c03 (8 minutes), c05 (2 minutes, no start record)
    course.generate_feedback(project, vid)
    page = {sid: (project.exams_dir / "feedback" / sid / vid / f"{vid}.html").read_text(encoding="utf-8") for sid in ("c01", "c03", "c05")}
    assert "计时考试：按时交卷。" in page["c01"]
    assert "计时考试：迟交 8 分钟，按每分钟 0.5 分扣 4 分（得分已扣除）。" in page["c03"] and "逾期提交扣分" in page["c03"]
    assert "计时考试：迟交 2 分钟，按每分钟 0.5 分扣 1 分（得分已扣除）。" in page["c05"]


def test_nbgrader_autograde_with_the_late_penalty_plugin_gives_the_same_penalties(sitting):
    """Real nbgrader autograde (trusted simulated papers) with TimedSittingPenalty: same extension and penalty as qingfeng mark."""
    project, s = sitting
    from qingfeng.exam import course

    if not (project.exams_dir / "submitted" / "c03").is_dir():
        _submit_all(project, s)
    run(project.root, "exam", "schedule", EXAM, *WINDOW, "--late", "deduct", "--deduct-per-minute", "0.5", "--force")
    vid = s.variants["A"]
    con = sqlite3.connect(project.exams_dir / "gradebook.db")
    con.execute("UPDATE submitted_notebook SET late_submission_penalty = NULL")
    con.execute("UPDATE submitted_assignment SET extension = NULL")
    con.commit()
    con.close()
    log = course.nbgrader_autograde(project, vid)
    assert "Late submission penalty" in log
    gb = _gradebook(project, s)
    assert gb["c03"][1] == 4.0 and gb["c05"][1] == 1.0 and gb["c01"][1] is None  # c01, c03, c05 sit A
    assert gb["c03"][0].startswith("1969-12-31 23:20")


def test_marking_prefers_the_hub_clock_over_a_forged_local_record(sitting, monkeypatch):
    """On a Hub the service's times override the candidate's own files (a fake service answering ``api/sittings``).

    c03 forges a later start (09:40: deadline 11:10, on time); the service saw 09:20 → 10:57:30 is 8 minutes late, −4.
    c06's timestamp.txt says 10:00; the service recorded the hand-in at 10:37:30 → deadline 10:35, 3 started minutes, −1.5.
    Everyone else is not in the service: their local records count, as before (c04 −1, c05 −1).
    """
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    project, s = sitting
    utc = lambda hms: bj(hms).astimezone(dt.timezone.utc).isoformat()  # noqa: E731
    records = {"c03": (utc((9, 20, 0)), [utc((10, 57, 30))]), "c06": (utc((9, 5, 0)), [utc((10, 37, 30))])}
    seen = []

    class Fake(BaseHTTPRequestHandler):
        def do_GET(self):
            seen.append((self.path, self.headers.get("Authorization")))
            body = json.dumps({"sittings": [{"candidate": c, "started": st, "submitted": sub} for c, (st, sub) in records.items()]})
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body.encode())

        def log_message(self, *a):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Fake)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    vid_c03 = next(v for label, v in s.variants.items() if "c03" in s.candidates(label))
    forged = project.exams_dir / "submitted" / "c03" / vid_c03 / RECORD_FILE
    original = forged.read_text(encoding="utf-8")
    try:
        forged.write_text(json.dumps({"exam_id": vid_c03, "started": bj((9, 40, 0)).isoformat()}), encoding="utf-8")
        monkeypatch.setenv("QINGFENG_PROGRESS_URL", f"http://127.0.0.1:{server.server_port}/services/qingfeng-progress/")
        monkeypatch.setenv("QINGFENG_HUB_TOKEN", "examiner-token")
        out = run(project.root, "mark", EXAM).output     # the deduct 0.5 policy of the test above
        gb = _gradebook(project, s)
        assert gb["c03"][1] == 4.0 and gb["c06"][1] == 1.5 and gb["c04"][1] == 1.0 and gb["c01"][1] is None
        assert "迟交扣分 1.5 分：考生 c06 迟交 3 分钟" in out
        assert "开考和交卷时间：1 人取自 JupyterHub 进度服务的计时，2 人取自考生文件夹" in out  # per paper: c03 / c06 each in one
        assert all(p.startswith("/services/qingfeng-progress/api/sittings?exam=") and a == "token examiner-token" for p, a in seen)
        server.shutdown()
        r = run(project.root, "mark", EXAM, ok=False)      # a configured service that cannot be reached: refuse, don't guess
        assert r.exit_code != 0 and "无法从进度服务" in r.output
    finally:
        server.server_close()
        forged.write_text(original, encoding="utf-8")
