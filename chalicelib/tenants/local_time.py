"""A school's local time (pure): its IANA time zone, Asia/Shanghai when missing or unknown (DESIGN §3).

Used wherever a date means the school's day: the access log's days, the 协议书's signing date, a
child's itinerary when no date is asked for.

>>> import datetime as dt
>>> school_date(dt.datetime(2026, 9, 1, 17, 0, tzinfo=dt.UTC), "Asia/Shanghai")
datetime.date(2026, 9, 2)
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

DEFAULT_ZONE = "Asia/Shanghai"


def school_zone(time_zone: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(time_zone or DEFAULT_ZONE)
    except (KeyError, ValueError):  # ZoneInfoNotFoundError is a KeyError
        return ZoneInfo(DEFAULT_ZONE)


def school_date(now: dt.datetime, time_zone: str | None) -> dt.date:
    """The date at the school at the instant ``now`` (aware)."""
    return now.astimezone(school_zone(time_zone)).date()
