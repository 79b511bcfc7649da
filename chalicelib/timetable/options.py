"""Which activities, venues and adults could fill a cell: the per-cell rules turned into choices.

Pure (no solver), shared by the counting pre-checks (:mod:`.precheck`) and the CP-SAT model (:mod:`.model`).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from .inputs import Activity, Adult, SchoolClass, TimetableInputs, can_lead, is_activity_slot
from .rules import content_allowed
from .vocabulary import ACTIVITY_CATEGORIES, ACTIVITY_PERIOD


def eligible(activity: Activity, school_class: SchoolClass, weekday: int) -> bool:
    return (
        content_allowed(activity)
        and activity.category in ACTIVITY_CATEGORIES
        and school_class.grade in activity.grades
        and weekday in activity.weekdays
    )


def leaders(inputs: TimetableInputs, activity: Activity, weekday: int) -> list[str]:
    key = ("leaders", activity.id, weekday)
    if key not in inputs.memo:
        inputs.memo[key] = [
            p.id for p in inputs.adults if p.is_available(weekday, ACTIVITY_PERIOD) and can_lead(p, activity)
        ]
    found: list[str] = inputs.memo[key]
    return found


def _grade_options(
    inputs: TimetableInputs, school_class: SchoolClass, weekday: int
) -> list[tuple[Activity, list[str], bool, list[str]]]:
    """The options every class of the grade shares: (activity, shared venues, own classroom suits, adults).
    Classes of a grade differ only in their own classroom, so this is computed once per grade and day."""
    key = ("options", school_class.grade, weekday)
    if key not in inputs.memo:
        out = []
        for a in inputs.activities:
            adults = leaders(inputs, a, weekday) if eligible(a, school_class, weekday) else []
            if adults:
                shared = [v.id for v in inputs.venues if v.id not in inputs.home_venue_ids and v.type in a.venue_types]
                out.append((a, shared, "classroom" in a.venue_types, adults))
        inputs.memo[key] = out
    found: list[tuple[Activity, list[str], bool, list[str]]] = inputs.memo[key]
    return found


def activity_options(
    inputs: TimetableInputs, school_class: SchoolClass, weekday: int
) -> dict[str, tuple[Activity, list[str], list[str]]]:
    """Every activity the class can take that day, with the venues (its own classroom included when the
    activity suits a classroom; another class's never, see :func:`.inputs.venue_fits`) and adults it could
    have."""
    out: dict[str, tuple[Activity, list[str], list[str]]] = {}
    for a, shared, own_room, adults in _grade_options(inputs, school_class, weekday):
        venues = [school_class.home_venue_id, *shared] if own_room else shared
        if venues:
            out[a.id] = (a, venues, adults)
    return out


def homework_supervisors(inputs: TimetableInputs, weekday: int, period: int) -> list[Adult]:
    return [p for p in inputs.adults if p.is_available(weekday, period) and can_lead(p, None)]


def usable_slots(inputs: TimetableInputs, adult: Adult) -> int:
    """How many slots of the week the adult could fill at all: available, and able to supervise homework
    (a homework slot) or to lead some activity the program offers that day (an activity slot)."""
    return sum(
        1
        for d, p in inputs.settings.slots()
        if adult.is_available(d, p)
        and (
            any(can_lead(adult, a) and d in a.weekdays for a in inputs.activities)
            if is_activity_slot(d, p)
            else can_lead(adult, None)
        )
    )


def teams(inputs: TimetableInputs) -> list[tuple[Adult, ...]]:
    """Adults grouped by what makes them interchangeable (same skills, availability, weekly maximum, and
    named by the same activities' staff lists), in input order (first member first)."""
    named: dict[str, set[str]] = defaultdict(set)
    for a in inputs.activities:
        for adult_id in a.staff_ids:
            named[adult_id].add(a.id)
    out: dict[tuple[Any, ...], list[Adult]] = {}
    for p in inputs.adults:
        out.setdefault((p.skills, p.available, p.max_periods, frozenset(named[p.id])), []).append(p)
    return [tuple(members) for members in out.values()]
