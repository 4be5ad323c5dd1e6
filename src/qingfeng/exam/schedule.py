"""Deadlines: entered and shown in Asia/Shanghai time, stored as nbgrader wants (naive UTC)."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

__all__ = ["SHANGHAI", "parse_local", "to_nbgrader_utc", "from_nbgrader_utc", "show", "check_deadline"]

SHANGHAI = ZoneInfo("Asia/Shanghai")
_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y年%m月%d日 %H:%M", "%Y年%m月%d日%H:%M", "%Y-%m-%dT%H:%M")


def parse_local(text: str) -> dt.datetime:
    """Read '2026-12-01 17:00' (北京时间) as an aware datetime; with an explicit offset, keep it."""
    s = str(text).strip().replace("北京时间", "").strip()
    try:
        value = dt.datetime.fromisoformat(s)
    except ValueError:
        value = None
        for fmt in _FORMATS:
            try:
                value = dt.datetime.strptime(s, fmt)
                break
            except ValueError:
                continue
        if value is None:
            raise ValueError(f"截止时间“{text}”无法识别，请写成 2026-12-01 17:00（北京时间）") from None
    return value if value.tzinfo else value.replace(tzinfo=SHANGHAI)


def to_nbgrader_utc(value: dt.datetime) -> dt.datetime:
    """nbgrader's gradebook stores naive datetimes meaning UTC."""
    return value.astimezone(dt.timezone.utc).replace(tzinfo=None)


def from_nbgrader_utc(value: dt.datetime | None) -> dt.datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=dt.timezone.utc).astimezone(SHANGHAI)


def show(value: dt.datetime | None) -> str:
    """'2026年12月01日 17:00（北京时间）'."""
    if value is None:
        return "未设定"
    local = value.astimezone(SHANGHAI)
    return local.strftime("%Y年%m月%d日 %H:%M") + "（北京时间）"


EARLIEST, LATEST = 2000, 2199


def check_deadline(value: dt.datetime, now: dt.datetime | None = None, allow_past: bool = False) -> dt.datetime:
    """A deadline nbgrader can store and candidates can meet, checked before anything is written.

    Years outside 2000–2199 are refused (year 0001 cannot even be converted to
    UTC); a deadline already past is refused unless ``allow_past`` — it would
    let ``feedback --reveal`` publish the answers at once.
    """
    if not EARLIEST <= value.year <= LATEST:
        raise ValueError(f"截止时间“{value:%Y-%m-%d %H:%M}”的年份 {value.year} 不合适：应在 {EARLIEST} 至 {LATEST} 年之间")
    try:
        utc = value.astimezone(dt.timezone.utc)
    except (OverflowError, ValueError):
        raise ValueError(f"截止时间“{value:%Y-%m-%d %H:%M}”无法换算为 UTC") from None
    now = now or dt.datetime.now(dt.timezone.utc)
    if utc <= now and not allow_past:
        raise ValueError(f"截止时间 {show(value)} 已经过去：考生将无法按时提交，且考官可立即在反馈中公布答案（--reveal）。"
                         "如确需补录已结束的考试，请加 --force")
    return value
