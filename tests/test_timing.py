"""The timed sitting's clock (qingfeng.exam.timing) with a fake clock: every time is passed in."""
import datetime as dt

import pytest

from qingfeng.exam.late_marks import extension_for, gradebook_fields, lateness_from_gradebook, penalty_for
from qingfeng.exam.schedule import SHANGHAI
from qingfeng.exam.timing import SittingWindow, clock_text, window_from_json

UTC = dt.timezone.utc


def bj(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SHANGHAI)


def window(late="refuse", per_minute=0.0, opens=bj(2026, 12, 10, 9, 0), closes=bj(2026, 12, 10, 11, 30), minutes=90, grace=0):
    return SittingWindow("2026-q4-a", opens, closes, minutes, late, per_minute, grace)


def test_before_opening_says_when_it_opens():
    s = window().status(bj(2026, 12, 10, 8, 59, 30))
    assert s.state == "未开始" and s.remaining_seconds == 0 and s.deadline is None
    assert "考试尚未开始" in s.text and "2026年12月10日 09:00（北京时间）" in s.text


def test_counted_from_the_candidates_own_start():
    w = window()
    start = bj(2026, 12, 10, 9, 12)
    assert w.deadline(start) == bj(2026, 12, 10, 10, 42)
    s = w.status(bj(2026, 12, 10, 10, 0), start)
    assert s.state == "进行中" and s.remaining_seconds == 42 * 60 and s.text == "剩余时间 42:00"
    assert w.status(bj(2026, 12, 10, 10, 41, 59, 500000), start).text == "剩余时间 00:01"
    assert w.status(bj(2026, 12, 10, 10, 42), start).state == "已截止"


def test_a_late_starter_gets_no_time_past_closing():
    w = window()
    start = bj(2026, 12, 10, 10, 45)
    assert w.deadline(start) == bj(2026, 12, 10, 11, 30)
    assert w.status(bj(2026, 12, 10, 11, 0), start).remaining_seconds == 30 * 60
    assert w.status(bj(2026, 12, 10, 11, 30, 1), start).state == "已截止"


def test_a_start_before_opening_counts_from_opening():
    w = window()
    assert w.deadline(bj(2026, 12, 10, 8, 0)) == bj(2026, 12, 10, 10, 30)


def test_without_a_recorded_start_the_clock_starts_now():
    w = window()
    s = w.status(bj(2026, 12, 10, 9, 30))
    assert s.remaining_seconds == 90 * 60 and s.deadline == bj(2026, 12, 10, 11, 0)
    assert w.deadline(None) == bj(2026, 12, 10, 10, 30)  # marking with no record: the earliest deadline anyone had


def test_across_midnight():
    w = window(opens=bj(2026, 12, 31, 23, 0), closes=bj(2027, 1, 1, 1, 0), minutes=90)
    start = bj(2026, 12, 31, 23, 50)
    assert w.deadline(start) == bj(2027, 1, 1, 1, 0)  # 01:20 would pass closing
    assert w.status(bj(2027, 1, 1, 0, 10), start).text == "剩余时间 50:00"
    late = w.lateness(bj(2027, 1, 1, 1, 0, 1), start)
    assert late.late and late.minutes_late == 1


def test_times_in_other_zones_are_the_same_instant():
    w = window()
    utc_start = dt.datetime(2026, 12, 10, 1, 12, tzinfo=UTC)  # 09:12 北京时间
    assert w.deadline(utc_start) == bj(2026, 12, 10, 10, 42)
    assert w.status(dt.datetime(2026, 12, 10, 2, 0, tzinfo=UTC), utc_start).text == "剩余时间 42:00"  # 10:00 北京时间
    assert w.status(dt.datetime(2026, 12, 10, 2, 0), utc_start).state == "未开始"  # naive: read as 北京时间 02:00


def test_per_variant_windows_are_independent():
    a = window()
    b = SittingWindow("2026-q4-b", a.opens, a.closes, 60, "flag", grace_seconds=0)
    start = bj(2026, 12, 10, 9, 0)
    assert a.deadline(start) == bj(2026, 12, 10, 10, 30) and b.deadline(start) == bj(2026, 12, 10, 10, 0)
    at = bj(2026, 12, 10, 10, 15)
    assert a.status(at, start).state == "进行中" and b.status(at, start).state == "已截止"


@pytest.mark.parametrize("seconds,minutes", [(0, 0), (-5, 0), (0.5, 1), (60, 1), (61, 2), (600, 10)])
def test_started_minutes_late(seconds, minutes):
    late = window("flag").lateness_by_seconds(seconds)
    assert late.minutes_late == minutes and late.late == (minutes > 0) and late.counted


def test_the_grace_after_the_deadline():
    w = window("flag", grace=60)
    assert not w.lateness_by_seconds(60).late  # the automatic submission a moment after zero
    late = w.lateness_by_seconds(61)
    assert late.late and late.minutes_late == 2  # counted from the deadline itself, not from the end of the grace
    assert SittingWindow("x", bj(2026, 12, 10, 9, 0), bj(2026, 12, 10, 11, 0), 90).grace_seconds == 60
    with pytest.raises(ValueError, match="交卷宽限"):
        window(grace=601)


def test_refuse_flag_deduct():
    start, due = bj(2026, 12, 10, 9, 0), bj(2026, 12, 10, 10, 30)
    on_time = window().lateness(due, start, 40)
    assert not on_time.late and on_time.label == "否"
    refused = window().lateness(due + dt.timedelta(minutes=3), start, 40)
    assert refused.late and not refused.counted and refused.label == "迟交未计分" and refused.deduction == 0
    flagged = window("flag").lateness(due + dt.timedelta(minutes=3), start, 40)
    assert flagged.counted and flagged.label == "是" and flagged.deduction == 0
    cut = window("deduct", 1.5).lateness(due + dt.timedelta(minutes=2, seconds=10), start, 40)
    assert cut.minutes_late == 3 and cut.deduction == 4.5 and cut.label == "是（已扣分）"
    capped = window("deduct", 1.5).lateness(due + dt.timedelta(minutes=59), start, 20)
    assert capped.deduction == 20  # never more than the paper scored


def test_nbgrader_penalty_values():
    due = bj(2026, 12, 10, 10, 30)
    assert penalty_for(window().lateness(due + dt.timedelta(seconds=1), bj(2026, 12, 10, 9, 0), 37.5), 37.5) == 37.5  # nbgrader "zero"
    assert penalty_for(window("flag").lateness(due + dt.timedelta(seconds=1), bj(2026, 12, 10, 9, 0), 37.5), 37.5) is None
    assert penalty_for(window("deduct", 2).lateness(due + dt.timedelta(seconds=61), bj(2026, 12, 10, 9, 0), 37.5), 37.5) == 4


def test_the_gradebook_round_trip_gives_the_same_lateness():
    """Extension + nbgrader's naive-UTC timestamp, read back as a report does."""
    w = window("deduct", 0.5)
    start = bj(2026, 12, 10, 9, 20)  # own deadline 10:50, 40 minutes before closing
    assert extension_for(w, start) == dt.timedelta(minutes=-40)
    stamp = dt.datetime(2026, 12, 10, 2, 57, 30)  # naive UTC = 10:57:30 北京时间, 7.5 minutes late
    ext, penalty, late = gradebook_fields(w, start, stamp, 30)
    assert late.minutes_late == 8 and penalty == 4.0
    assert lateness_from_gradebook(w, stamp, ext, 30) == late


@pytest.mark.parametrize("kwargs,words", [
    (dict(closes=bj(2026, 12, 10, 9, 0)), "不晚于开考时间"),
    (dict(minutes=200), "超出了开考到结束的时段"),
    (dict(minutes=0), "考试时长"),
    (dict(late="maybe"), "迟交处理“maybe”不认识"),
    (dict(late="deduct"), "--deduct-per-minute"),
    (dict(late="flag", per_minute=1.0), "只有迟交处理为 deduct 时才扣分"),
    (dict(grace=-1), "交卷宽限 -1 秒不合适"),
])
def test_bad_windows_are_refused_in_chinese(kwargs, words):
    with pytest.raises(ValueError, match=words) as e:
        window(**kwargs)
    assert "2026-q4-a" in str(e.value)


def test_json_round_trip_and_clock_text():
    w = window("deduct", 0.25)
    assert window_from_json(w.as_json()) == w
    assert clock_text(0) == "00:00" and clock_text(-3) == "00:00" and clock_text(5399.2) == "90:00" and clock_text(59) == "00:59"
    assert "限时 90 分钟" in w.describe() and "每迟交 1 分钟扣 0.25 分" in w.describe()


def test_the_candidate_servers_answer_by_a_fake_clock(tmp_path):
    """What /qingfeng/sitting returns: the start recorded once (first write wins), the countdown, the lock."""
    import json

    from qingfeng.exam.candidate_server import sitting_payload
    from qingfeng.exam.sitting_record import RECORD_FILE, started_at
    from qingfeng.exam.timed_sitting import CANDIDATE_FILE

    folder = tmp_path / "2026-q4-a"
    folder.mkdir()
    assert sitting_payload(folder, "open", bj(2026, 12, 10, 9, 0)) == {
        "timed": False, "submitted": False, "submitted_text": "", "server_time": bj(2026, 12, 10, 9, 0).isoformat()}
    (folder / CANDIDATE_FILE).write_text(json.dumps(window().as_json()), encoding="utf-8")
    early = sitting_payload(folder, "open", bj(2026, 12, 10, 8, 30))
    assert early["state"] == "未开始" and "考试尚未开始" in early["text"] and not (folder / RECORD_FILE).exists()
    first = sitting_payload(folder, "open", bj(2026, 12, 10, 9, 10))
    assert first["state"] == "进行中" and first["remaining_seconds"] == 90 * 60
    again = sitting_payload(folder, "open", bj(2026, 12, 10, 9, 40))  # reopening does not restart the clock
    assert again["remaining_seconds"] == 60 * 60 and started_at(folder) == bj(2026, 12, 10, 9, 10)
    assert again["deadline_text"] == "2026年12月10日 10:40（北京时间）"
    done = sitting_payload(folder, "submitted", bj(2026, 12, 10, 10, 0))
    assert done["submitted"] and done["submitted_text"] == "2026年12月10日 10:00（北京时间）"
    assert sitting_payload(folder, "", bj(2026, 12, 10, 10, 45))["state"] == "已截止"
    late = tmp_path / "2026-q4-b"
    late.mkdir()
    (late / CANDIDATE_FILE).write_text(json.dumps(window().as_json()), encoding="utf-8")
    assert sitting_payload(late, "open", bj(2026, 12, 10, 11, 31))["state"] == "已截止" and started_at(late) is None


def test_on_a_hub_the_countdown_runs_from_the_services_start_not_the_candidates_file(tmp_path):
    """A candidate who rewrites the local record to a later start gains nothing: the service's first start counts.
    A service that cannot be reached (None) leaves the local record in charge, and the candidate is not blocked."""
    import json

    from qingfeng.exam.candidate_server import sitting_payload
    from qingfeng.exam.sitting_record import RECORD_FILE
    from qingfeng.exam.timed_sitting import CANDIDATE_FILE

    folder = tmp_path / "2026-q4-a"
    folder.mkdir()
    (folder / CANDIDATE_FILE).write_text(json.dumps(window().as_json()), encoding="utf-8")
    calls, service_start, hand_ins = [], bj(2026, 12, 10, 9, 10), []

    def service(event, exam_id):
        calls.append((event, exam_id))
        if event == "submit":
            hand_ins.append(bj(2026, 12, 10, 10, 41))
        return service_start, list(hand_ins)

    first = sitting_payload(folder, "open", bj(2026, 12, 10, 9, 10), service=service)
    assert calls == [("start", "2026-q4-a")] and first["clock"] == "service" and first["remaining_seconds"] == 90 * 60
    record = json.loads((folder / RECORD_FILE).read_text(encoding="utf-8"))
    record["started"] = bj(2026, 12, 10, 9, 40).isoformat()          # the candidate edits their own file
    (folder / RECORD_FILE).write_text(json.dumps(record), encoding="utf-8")
    later = sitting_payload(folder, "", bj(2026, 12, 10, 10, 30), service=service)
    assert calls[-1] == ("", "2026-q4-a") and later["remaining_seconds"] == 10 * 60    # 9:10 + 90 min, not 9:40
    assert sitting_payload(folder, "", bj(2026, 12, 10, 10, 30), service=lambda e, x: None)["remaining_seconds"] == 40 * 60
    done = sitting_payload(folder, "submitted", bj(2026, 12, 10, 10, 41), service=service)
    assert calls[-1] == ("submit", "2026-q4-a") and done["submitted"]
    assert done["submitted_text"] == "2026年12月10日 10:41（北京时间）"


def test_nbgrader_timestamps_in_china_standard_time_are_read_as_beijing_time(tmp_path):
    """nbgrader submit with Exchange.timezone = Asia/Shanghai writes 'CST': 8 hours ahead of UTC, not US Central."""
    from qingfeng.exam.fast_marking import _timestamp

    (tmp_path / "timestamp.txt").write_text("2026-12-02 04:58:28.123456 CST", encoding="utf-8")
    assert _timestamp(tmp_path) == dt.datetime(2026, 12, 1, 20, 58, 28, 123456)
    (tmp_path / "timestamp.txt").write_text("2026-12-01 20:58:28.123456 UTC", encoding="utf-8")
    assert _timestamp(tmp_path) == dt.datetime(2026, 12, 1, 20, 58, 28, 123456)
