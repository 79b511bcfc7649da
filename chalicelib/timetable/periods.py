"""The school's timetable settings as stored: the afternoon service periods (课时) per weekday, 错峰 by
grade, and the fairness minima. Pure: the default week, the engine's :class:`SchoolSettings` and
:class:`FairnessMinimum` from a stored document, and the R5 checks the engine's own rules make of it.

A settings document is the JSON the API validates (:class:`.schemas.TimetableSettingsWrite`)::

    {"days": [{"weekday": 1, "periods": [{"number": 1, "starts_at": "15:30", "ends_at": "16:20"}, ...]}, ...],
     "stagger_by_grade": true,
     "fairness": {"sports": 1, "reading": 1, "grades": [{"grade": 6, "sports": 2, "reading": 1}]}}

``fairness`` gives every grade the top-level minima, except the grades listed with their own.

Example::

    >>> [p["starts_at"] + "-" + p["ends_at"] for p in default_days("17:30")[0]["periods"]]
    ['16:10-17:00', '17:10-18:00']
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from .inputs import SERVICE_END_MARGIN, WEEKDAYS, DaySchedule, FairnessMinimum, Period, SchoolSettings, TimetableInputs
from .messages import Violation
from .rules import SETTINGS_RULES
from .timetable import Timetable

PERIOD_MINUTES = 50
BREAK_MINUTES = 10
USUAL_END = dt.time(17, 20)  # two periods 15:30-16:20 and 16:30-17:20 when work ends by 16:50
LATEST_END = 23 * 60 + 55  # minutes; a default never runs past midnight
ROUND_TO = 5  # minutes: a default ends on a round time (17:07 + 30 min -> 17:40)

Document = dict[str, Any]


def hhmm(value: str) -> dt.time:
    hours, minutes = value.split(":")
    return dt.time(int(hours), int(minutes))


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def default_days(workday_end: str) -> list[Document]:
    """Two periods on Monday to Friday, the last ending 30 minutes after the usual end of the working
    day (R5) at the earliest, and no earlier than 17:20."""
    work = hhmm(workday_end)
    earliest = work.hour * 60 + work.minute + int(SERVICE_END_MARGIN.total_seconds() // 60)
    end = max(USUAL_END.hour * 60 + USUAL_END.minute, -(-earliest // ROUND_TO) * ROUND_TO)
    end = min(end, LATEST_END)
    second = (end - PERIOD_MINUTES, end)
    first = (second[0] - BREAK_MINUTES - PERIOD_MINUTES, second[0] - BREAK_MINUTES)
    periods = [
        {"number": n, "starts_at": _clock(start), "ends_at": _clock(stop)}
        for n, (start, stop) in enumerate((first, second), 1)
    ]
    return [{"weekday": d, "periods": [dict(p) for p in periods]} for d in WEEKDAYS]


def default_document(workday_end: str) -> Document:
    """What a school's settings are before its school_admin saves any."""
    return {
        "days": default_days(workday_end),
        "stagger_by_grade": True,
        "fairness": {"sports": 1, "reading": 1, "grades": []},
    }


def school_settings(doc: Mapping[str, Any], workday_end: str) -> SchoolSettings:
    """The engine's view of a settings document and the school's usual end of the working day."""
    days = tuple(
        DaySchedule(
            int(day["weekday"]),
            tuple(Period(int(p["number"]), hhmm(p["starts_at"]), hhmm(p["ends_at"])) for p in day["periods"]),
        )
        for day in doc["days"]
    )
    return SchoolSettings(days, hhmm(workday_end), bool(doc.get("stagger_by_grade", True)))


def fairness_minima(doc: Mapping[str, Any], grades: Iterable[int]) -> tuple[FairnessMinimum, ...]:
    """The minima of every grade of the school: its own entry, else the school-wide one."""
    fairness = doc.get("fairness") or {}
    own = {int(g["grade"]): g for g in fairness.get("grades", [])}
    out = []
    for grade in sorted(set(grades)):
        entry = own.get(grade, fairness)
        for category in ("sports", "reading"):
            times = int(entry.get(category, 0))
            if times > 0:
                out.append(FairnessMinimum(grade, category, times))
    return tuple(out)


def rule_problems(doc: Mapping[str, Any], workday_end: str) -> list[Violation]:
    """The engine's settings rules (R5: five weekdays, two periods a day, the last ending 30 minutes
    after the working day) applied to a settings document."""
    inputs = TimetableInputs(school_settings(doc, workday_end), (), (), (), ())
    return [v for rule in SETTINGS_RULES for v in rule.check(Timetable(), inputs)]
