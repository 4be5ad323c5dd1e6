"""我的考试: nbgrader's listing as Chinese rows (title, deadline, status, files) and its errors in Chinese.

The listings below have the shape nbgrader's ``AssignmentList.list_assignments``
returns (nbgrader/server_extensions/assignment_list/handlers.py and
exchange/default/list.py): released/fetched entries, then one submitted entry
per assignment holding every submission.  The browser test
(tests/test_candidate_paper.py) drives the real thing.
"""
from __future__ import annotations

import datetime as dt
import json

import nbformat

from qingfeng.exam.candidate_papers import explain, paper_info, paper_rows
from qingfeng.exam.schedule import SHANGHAI

DUE = dt.datetime(2026, 12, 1, 17, 0, tzinfo=SHANGHAI)


def _paper(path, title="区廉政风险防控知识测试（季度卷）", deadline=DUE, header=None):
    nb = nbformat.v4.new_notebook()
    nb.metadata["qingfeng"] = {"exam_id": path.stem, **({"title": title} if title else {}),
                               "deadline": deadline.isoformat() if deadline else None}
    nb.cells = [nbformat.v4.new_markdown_cell(header or f"# {title}\n\n**试卷编号**：{path.stem}")]
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return str(path)


def _submitted(exam, *stamps, local=None, exchange=False, updated=False):
    subs = [{"course_id": "qingfeng", "student_id": "c01", "assignment_id": exam, "timestamp": t, "status": "submitted",
             "path": f"/cache/qingfeng/c01+{exam}+{t}", "notebooks": [{"notebook_id": exam, "path": "/nowhere.ipynb"}],
             "has_local_feedback": bool(local), "has_exchange_feedback": exchange, "feedback_updated": updated,
             "local_feedback_path": local} for t in stamps]
    return {"course_id": "qingfeng", "student_id": "c01", "assignment_id": exam, "status": "submitted", "submissions": subs}


def test_released_fetched_and_submitted_papers_are_named_dated_and_described_in_chinese(tmp_path):
    outbound = tmp_path / "exchange" / "qingfeng" / "outbound"
    home = tmp_path / "home"
    listing = [
        {"course_id": "qingfeng", "assignment_id": "2026-q4", "status": "released", "path": str(outbound / "2026-q4"),
         "notebooks": [{"notebook_id": "2026-q4", "path": _paper(outbound / "2026-q4" / "2026-q4.ipynb")}]},
        {"course_id": "qingfeng", "assignment_id": "yumin-sample", "status": "fetched", "path": "yumin-sample",
         "notebooks": [{"notebook_id": "yumin-sample", "path": "yumin-sample/yumin-sample.ipynb"}]},
        _submitted("yumin-sample", "2026-12-01 16:58:03.000001 CST", "2026-12-01 16:40:00.000001 CST",
                   local="yumin-sample/feedback/2026-12-01 16:58:03.000001 CST"),
    ]
    _paper(home / "yumin-sample" / "yumin-sample.ipynb", title=None, deadline=None,
           header="# 裕民县廉政风险防范管理工作理论试题\n\n正文")  # a paper built before titles were in the metadata
    released, taken = paper_rows(listing, home)
    assert (released.title, released.deadline, released.status, released.can_fetch, released.notebook) == (
        "区廉政风险防控知识测试（季度卷）", "2026年12月01日 17:00（北京时间）", "可领取", True, "")
    assert taken.title == "裕民县廉政风险防范管理工作理论试题" and taken.deadline == "未设定"
    assert taken.state == "submitted" and taken.status == "已提交 2 次" and taken.submissions == 2
    assert taken.last_submitted == "2026-12-01 16:58:03"  # the later one, whatever order nbgrader gave
    assert taken.fetched and not taken.can_fetch and taken.notebook == "yumin-sample/yumin-sample.ipynb"
    assert taken.feedback == "fetched"
    assert taken.feedback_file == "yumin-sample/feedback/2026-12-01 16:58:03.000001 CST/yumin-sample.html"
    json.dumps([released.as_json(), taken.as_json()], ensure_ascii=False)  # what the endpoint sends


def test_feedback_waiting_in_the_exchange_or_updated_there_is_offered_to_fetch(tmp_path):
    paper = {"course_id": "qingfeng", "assignment_id": "q1", "status": "fetched", "path": "q1",
             "notebooks": [{"notebook_id": "q1", "path": _paper(tmp_path / "q1" / "q1.ipynb")}]}
    (ready,) = paper_rows([paper, _submitted("q1", "2026-12-01 10:00:00.1 CST", exchange=True)], tmp_path)
    assert ready.feedback == "ready" and ready.feedback_file == ""
    (newer,) = paper_rows([paper, _submitted("q1", "2026-12-01 10:00:00.1 CST", local="q1/feedback/x",
                                             exchange=True, updated=True)], tmp_path)
    assert newer.feedback == "ready"  # the examiner returned feedback again: fetch the new one
    (none,) = paper_rows([paper], tmp_path)
    assert (none.status, none.feedback, none.submissions, none.last_submitted) == ("已领取，尚未提交", "none", 0, "")


def test_a_submitted_paper_no_longer_released_keeps_its_title_from_the_submission(tmp_path):
    sub = _submitted("q2", "2026-12-01 10:00:00.1 CST")
    sub["submissions"][0]["notebooks"][0]["path"] = _paper(tmp_path / "cache" / "q2.ipynb", title="第二季度测试")
    (row,) = paper_rows([sub], tmp_path)
    assert row.title == "第二季度测试" and not row.can_fetch and not row.fetched and row.status == "已提交 1 次"


def test_unreadable_paper_gives_no_title_and_the_id_is_the_last_resort(tmp_path):
    (tmp_path / "bad.ipynb").write_text("{not json", encoding="utf-8")
    assert paper_info(tmp_path / "bad.ipynb") == ("", "")
    (row,) = paper_rows([{"course_id": "qingfeng", "assignment_id": "bad", "status": "released", "path": "x",
                          "notebooks": [{"notebook_id": "bad", "path": str(tmp_path / "bad.ipynb")}]}], tmp_path)
    assert row.title == "bad"


def test_nbgrader_failures_are_explained_in_chinese_with_its_own_line_for_the_examiner():
    trace = ("Traceback (most recent call last):\n  File \"fetch_assignment.py\", line 37, in init_src\n"
             "nbgrader.exchange.abc.exchange.ExchangeError: Assignment not found at: /srv/exchange/qingfeng/outbound/q9\n")
    message, detail = explain(trace, "领取试卷")
    assert message == "领取试卷没有成功：这份试卷已不在发布目录中（考官可能已撤回），请点“刷新”后再看。"
    assert detail.endswith("Assignment not found at: /srv/exchange/qingfeng/outbound/q9")
    assert explain("ExchangeError: You do not have access to this course.", "领取试卷")[0] == (
        "领取试卷没有成功：你的账号不在这门课程的考生名单中，请联系考官。")
    assert explain("PermissionError: [Errno 13] Permission denied: '/home/c01/q1'", "领取反馈")[0].startswith("领取反馈没有成功：没有写入权限")
    assert explain("something nobody foresaw", "领取试卷")[0] == "领取试卷没有成功，请稍后再试；仍不成功请联系考官。"
    # nbgrader's log ends with advice; the examiner is shown the line with the error itself
    log = ("[FetchAssignmentApp | ERROR] You don't have read permissions for the directory: /srv/exchange/q1\n"
           "[FetchAssignmentApp | ERROR] Please see the documentation for instructions.")
    assert explain(log, "领取试卷")[1].endswith("read permissions for the directory: /srv/exchange/q1")
    assert explain("[X | ERROR] disk gone\nSee the docs for instructions.", "领取试卷")[1] == "[X | ERROR] disk gone"
