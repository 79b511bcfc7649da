"""Freezing a timetable: the inputs and cells as JSON, packed for one DynamoDB item, and what changed
between two versions (pure, no I/O).

A published version keeps the inputs it was checked against (names, times, who leads what), so every
view derived from it (a child's day, an adult's or a venue's week) reads the same afterwards even when
a venue is renamed or an adult leaves. Packed documents are zlib-compressed JSON: a 60-class week is
about 900 cells, some 100 kB of JSON and about a tenth of that packed, far below DynamoDB's 400 kB item.
A key added later (an adult's ``max_periods``) reads as its default from an older document without it.

Example::

    >>> from chalicelib.timetable.samples import sample_school
    >>> inputs = sample_school(grades=1, classes_per_grade=1, adults=4)
    >>> inputs_from_json(inputs_to_json(inputs)) == inputs
    True
"""

from __future__ import annotations

import datetime as dt
import json
import zlib
from typing import Any, cast

from .inputs import (
    Activity,
    Adult,
    DaySchedule,
    FairnessMinimum,
    Period,
    SchoolClass,
    SchoolSettings,
    TimetableInputs,
    Venue,
)
from .timetable import Timetable
from .vocabulary import AdultKind, VenueType

PACK_LEVEL = 6


def pack(document: dict[str, Any]) -> bytes:
    return zlib.compress(json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode(), PACK_LEVEL)


def unpack(blob: bytes) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(zlib.decompress(blob).decode())
    return loaded


def _hhmm(t: dt.time) -> str:
    return t.strftime("%H:%M")


def _time(raw: str) -> dt.time:
    return dt.time.fromisoformat(raw)


def settings_to_json(s: SchoolSettings) -> dict[str, Any]:
    return {
        "days": [
            {
                "weekday": d.weekday,
                "periods": [
                    {"number": p.number, "starts_at": _hhmm(p.starts_at), "ends_at": _hhmm(p.ends_at)}
                    for p in d.periods
                ],
            }
            for d in s.days
        ],
        "working_day_ends_at": _hhmm(s.working_day_ends_at),
        "stagger_by_grade": s.stagger_by_grade,
    }


def settings_from_json(raw: dict[str, Any]) -> SchoolSettings:
    days = tuple(
        DaySchedule(
            int(d["weekday"]),
            tuple(Period(int(p["number"]), _time(p["starts_at"]), _time(p["ends_at"])) for p in d["periods"]),
        )
        for d in raw["days"]
    )
    return SchoolSettings(days, _time(raw["working_day_ends_at"]), bool(raw["stagger_by_grade"]))


def inputs_to_json(i: TimetableInputs) -> dict[str, Any]:
    return {
        "settings": settings_to_json(i.settings),
        "classes": [
            {"id": c.id, "name": c.name, "grade": c.grade, "size": c.size, "home_venue_id": c.home_venue_id}
            for c in i.classes
        ],
        "venues": [{"id": v.id, "name": v.name, "type": v.type, "capacity": v.capacity} for v in i.venues],
        "adults": [
            {
                "id": a.id,
                "name": a.name,
                "kind": a.kind,
                "skills": sorted(a.skills),
                "available": None if a.available is None else sorted([d, p] for d, p in a.available),
                "max_periods": a.max_periods,
            }
            for a in i.adults
        ],
        "activities": [
            {
                "id": a.id,
                "name": a.name,
                "category": a.category,
                "grades": sorted(a.grades),
                "venue_types": list(a.venue_types),
                "staff_ids": sorted(a.staff_ids),
                "weekdays": sorted(a.weekdays),
            }
            for a in i.activities
        ],
        "fairness": [{"grade": f.grade, "category": f.category, "times": f.times} for f in i.fairness],
    }


def inputs_from_json(raw: dict[str, Any]) -> TimetableInputs:
    return TimetableInputs(
        settings=settings_from_json(raw["settings"]),
        classes=tuple(
            SchoolClass(c["id"], c["name"], int(c["grade"]), int(c["size"]), c["home_venue_id"]) for c in raw["classes"]
        ),
        venues=tuple(Venue(v["id"], v["name"], cast(VenueType, v["type"]), int(v["capacity"])) for v in raw["venues"]),
        adults=tuple(
            Adult(
                a["id"],
                a["name"],
                cast(AdultKind, a["kind"]),
                frozenset(a["skills"]),
                None if a["available"] is None else frozenset((int(d), int(p)) for d, p in a["available"]),
                None if a.get("max_periods") is None else int(a["max_periods"]),
            )
            for a in raw["adults"]
        ),
        activities=tuple(
            Activity(
                a["id"],
                a["name"],
                a["category"],
                frozenset(int(g) for g in a["grades"]),
                tuple(cast(VenueType, t) for t in a["venue_types"]),
                frozenset(a["staff_ids"]),
                frozenset(int(d) for d in a["weekdays"]),
            )
            for a in raw["activities"]
        ),
        fairness=tuple(FairnessMinimum(int(f["grade"]), f["category"], int(f["times"])) for f in raw["fairness"]),
    )


def changed_days(before: Timetable | None, after: Timetable) -> dict[str, list[int]]:
    """Per class, the weekdays on which any of its cells differ (a class new or gone counts on every
    weekday it has cells). ``before`` None (the first version): every class, every weekday it has."""
    days: dict[str, set[int]] = {}
    old = {} if before is None else {c.key: c for c in before.cells}
    new = {c.key: c for c in after.cells}
    for key in old.keys() | new.keys():
        if old.get(key) != new.get(key):
            weekday, _, class_id = key
            days.setdefault(class_id, set()).add(weekday)
    return {class_id: sorted(ds) for class_id, ds in sorted(days.items())}
