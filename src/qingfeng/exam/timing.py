"""A timed sitting's clock, pure: no files, no server, the time is always passed in.

A :class:`SittingWindow` says when a paper opens, when it closes (北京时间),
how long each candidate has once they start (``duration_minutes``, counted
from the first time the paper is opened after it opens), and what happens to
a paper handed in after the candidate's own deadline (``late``):

* ``refuse`` — 拒收：the late paper is not counted (迟交未计分);
* ``flag``   — 照收并标记：counted as it is, marked 迟交;
* ``deduct`` — 照收并扣分：``deduct_per_minute`` points for every started
  minute late, never more than the paper scored (nbgrader's late-penalty
  plugin mechanism applies the same rule: :mod:`.late_marks`).

A paper handed in within ``grace_seconds`` (default 60) of the deadline is on
time: the countdown submits at zero, and saving and copying the paper takes
a moment, which must not make every automatic submission late.

A candidate's deadline is ``min(start + duration, closes)``: whoever starts
late does not get extra time past the closing time.  Times are aware
datetimes; naive ones are read as 北京时间.
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import asdict, dataclass

from .schedule import SHANGHAI, show

__all__ = ["LATE_POLICIES", "SittingWindow", "SittingStatus", "Lateness", "window_from_json", "clock_text"]

LATE_POLICIES = {"refuse": "拒收（迟交的试卷不计分）", "flag": "照收并标记迟交", "deduct": "照收并按迟交分钟扣分"}
NOT_STARTED, RUNNING, CLOSED = "未开始", "进行中", "已截止"
MAX_DURATION = 24 * 60


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=SHANGHAI)


def clock_text(seconds: float) -> str:
    """'89:59' (minutes may exceed 60); never negative."""
    s = max(0, int(math.ceil(seconds)))
    return f"{s // 60:02d}:{s % 60:02d}"


@dataclass(frozen=True)
class SittingStatus:
    state: str  # 未开始 / 进行中 / 已截止
    remaining_seconds: float  # until this candidate's deadline (0 unless running)
    deadline: dt.datetime | None  # this candidate's deadline (None before the paper opens)
    text: str  # what the candidate reads

    def as_json(self) -> dict:
        return {"state": self.state, "remaining_seconds": round(self.remaining_seconds, 3),
                "deadline": self.deadline.isoformat() if self.deadline else None,
                "deadline_text": show(self.deadline) if self.deadline else "", "text": self.text}


@dataclass(frozen=True)
class Lateness:
    late: bool
    minutes_late: int  # started minutes past the candidate's deadline (0 if on time)
    counted: bool  # False: refused (迟交未计分)
    deduction: float  # points taken off (deduct policy only)
    policy: str

    @property
    def label(self) -> str:
        """The 是否迟交 cell of every report."""
        if not self.late:
            return "否"
        return "迟交未计分" if not self.counted else ("是（已扣分）" if self.deduction else "是")


@dataclass(frozen=True)
class SittingWindow:
    exam_id: str
    opens: dt.datetime
    closes: dt.datetime
    duration_minutes: int
    late: str = "refuse"
    deduct_per_minute: float = 0.0
    grace_seconds: int = 60  # a paper this soon after the deadline is on time (auto-submission saves and copies first)

    def __post_init__(self):
        object.__setattr__(self, "opens", _aware(self.opens))
        object.__setattr__(self, "closes", _aware(self.closes))
        problems = []
        if self.closes <= self.opens:
            problems.append(f"结束时间 {show(self.closes)} 不晚于开考时间 {show(self.opens)}")
        if not isinstance(self.duration_minutes, int) or isinstance(self.duration_minutes, bool) \
                or not 1 <= self.duration_minutes <= MAX_DURATION:
            problems.append(f"考试时长 {self.duration_minutes!r} 分钟不合适：应为 1 至 {MAX_DURATION} 之间的整数")
        elif self.opens + dt.timedelta(minutes=self.duration_minutes) > self.closes:
            problems.append(f"考试时长 {self.duration_minutes} 分钟超出了开考到结束的时段（{show(self.opens)} 至 {show(self.closes)}）")
        if self.late not in LATE_POLICIES:
            problems.append(f"迟交处理“{self.late}”不认识：应为 {'、'.join(f'{k}（{v}）' for k, v in LATE_POLICIES.items())}")
        if self.late == "deduct" and not (isinstance(self.deduct_per_minute, (int, float)) and self.deduct_per_minute > 0):
            problems.append("迟交处理为 deduct（扣分）时须给出每迟交一分钟扣的分数（--deduct-per-minute，大于 0）")
        if not isinstance(self.grace_seconds, int) or not 0 <= self.grace_seconds <= 600:
            problems.append(f"交卷宽限 {self.grace_seconds!r} 秒不合适：应为 0 至 600 之间的整数")
        if self.late != "deduct" and self.deduct_per_minute:
            problems.append(f"只有迟交处理为 deduct 时才扣分；当前为 {self.late}，请去掉 --deduct-per-minute")
        if problems:
            raise ValueError(f"试卷 {self.exam_id} 的考试时间设置有误：" + "；".join(problems))

    # -- the candidate's clock -------------------------------------------------------------
    def deadline(self, start: dt.datetime | None) -> dt.datetime:
        """This candidate's deadline: start (never before opening) + duration, but no later than closing.

        No recorded start (the record was deleted, or the paper was never opened in JupyterLab): the
        earliest deadline anyone had, opening + duration — deleting the record never buys time.
        """
        if start is None:
            return min(self.opens + dt.timedelta(minutes=self.duration_minutes), self.closes)
        begun = max(_aware(start), self.opens)
        return min(begun + dt.timedelta(minutes=self.duration_minutes), self.closes)

    def may_start(self, now: dt.datetime) -> bool:
        now = _aware(now)
        return self.opens <= now < self.closes

    def status(self, now: dt.datetime, start: dt.datetime | None = None) -> SittingStatus:
        now = _aware(now)
        if now < self.opens:
            return SittingStatus(NOT_STARTED, 0.0, None, f"考试尚未开始：开考时间 {show(self.opens)}，考试时长 {self.duration_minutes} 分钟")
        due = self.deadline(start if start is not None else now)
        left = (due - now).total_seconds()
        if left <= 0:
            return SittingStatus(CLOSED, 0.0, due, f"考试已截止（{show(due)}）")
        return SittingStatus(RUNNING, left, due, f"剩余时间 {clock_text(left)}")

    # -- after the sitting -----------------------------------------------------------------
    def lateness(self, submitted: dt.datetime | None, start: dt.datetime | None, score: float = 0.0) -> Lateness:
        """How a paper handed in at ``submitted`` counts; ``score`` is what it scored (the deduction's ceiling)."""
        if submitted is None:
            return Lateness(False, 0, True, 0.0, self.late)
        seconds = (_aware(submitted) - self.deadline(start)).total_seconds()
        return self.lateness_by_seconds(seconds, score)

    def lateness_by_seconds(self, seconds_late: float, score: float = 0.0) -> Lateness:
        """Past the grace, late by every started minute since the deadline itself."""
        if seconds_late <= self.grace_seconds:
            return Lateness(False, 0, True, 0.0, self.late)
        minutes = int(math.ceil(seconds_late / 60))
        if self.late == "refuse":
            return Lateness(True, minutes, False, 0.0, self.late)
        if self.late == "flag":
            return Lateness(True, minutes, True, 0.0, self.late)
        return Lateness(True, minutes, True, round(min(max(score, 0.0), minutes * self.deduct_per_minute), 4), self.late)

    def describe(self) -> str:
        rule = LATE_POLICIES[self.late] + (f"，每迟交 1 分钟扣 {self.deduct_per_minute:g} 分" if self.late == "deduct" else "")
        return (f"开考 {show(self.opens)}，结束 {show(self.closes)}，每位考生自领取试卷起限时 {self.duration_minutes} 分钟"
                f"（最晚到结束时间）；迟交：{rule}" + (f"；截止后 {self.grace_seconds} 秒内交到的仍算按时" if self.grace_seconds else ""))

    def as_json(self) -> dict:
        d = asdict(self)
        d["opens"], d["closes"] = self.opens.isoformat(), self.closes.isoformat()
        return {"schema_version": 1, **d}


def window_from_json(d: dict) -> SittingWindow:
    return SittingWindow(d["exam_id"], dt.datetime.fromisoformat(d["opens"]), dt.datetime.fromisoformat(d["closes"]),
                         int(d["duration_minutes"]), d.get("late", "refuse"), float(d.get("deduct_per_minute", 0) or 0),
                         int(d.get("grace_seconds", 60)))
