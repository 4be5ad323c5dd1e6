"""Deadlines: entered and shown in Asia/Shanghai time, stored as nbgrader wants (naive UTC)."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

__all__ = ["SHANGHAI", "parse_local", "to_nbgrader_utc", "from_nbgrader_utc", "show"]

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
