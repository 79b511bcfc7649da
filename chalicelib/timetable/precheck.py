"""Why no timetable can exist, seen by counting before any solving, in words a principal can act on
("周二第2课时：12 个班需要体育场地，而田径场、体育馆只能容纳 8 个班"), not just "infeasible".

:func:`precheck` looks at the settings' own rules (R5), adults per slot, classes with no possible
activity, each grade's minima against the days that can hold them, the demand for a category against
the places and leaders it has, per day and per week, and the week's cells against what the adults can
take under their weekly maxima. Every check compares a *lower bound* on what is needed with an *upper
bound* on what exists, so a finding is always a real impossibility. When the counts pass and the solver
still finds nothing, :mod:`.explain` asks the solver which rules conflict.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from typing import Any

from .inputs import SchoolClass, TimetableInputs, can_lead, is_activity_slot
from .messages import Params, Violation, names
from .options import activity_options, homework_supervisors, usable_slots
from .rules import SETTINGS_RULES
from .timetable import Timetable
from .vocabulary import ACTIVITY_PERIOD, ANY_ACTIVITY, HOMEWORK


def precheck(inputs: TimetableInputs) -> list[Violation]:
    """Everything that makes a timetable impossible and can be seen by counting (empty when none)."""
    settings = [v for rule in SETTINGS_RULES for v in rule.check(Timetable(), inputs)]
    if settings:
        return settings  # without valid days and periods the rest would only repeat the problem
    found = [*_duplicate_ids(inputs), *_home_rooms(inputs), *_adults_per_slot(inputs), *_no_option(inputs)]
    if found:
        return found
    return [*_fairness_reachable(inputs), *_places_and_leaders(inputs), *_adult_periods_week(inputs)]


def _duplicate_ids(inputs: TimetableInputs) -> Iterator[Violation]:
    """Ids name things in cells, so each must be unique (the loader should never let one through)."""
    groups: tuple[tuple[str, Sequence[Any]], ...] = (
        ("class", inputs.classes),
        ("venue", inputs.venues),
        ("adult", inputs.adults),
        ("activity", inputs.activities),
    )
    for thing, items in groups:
        for item_id, n in sorted(Counter(i.id for i in items).items()):
            if n > 1:
                yield Violation("duplicate_id", params={"thing": thing, "id": item_id, "count": n})
    for (d, p), n in sorted(Counter(inputs.settings.slots()).items()):
        if n > 1:
            yield Violation("duplicate_id", d, p, params={"thing": "period", "id": f"{d}/{p}", "count": n})


def _home_rooms(inputs: TimetableInputs) -> Iterator[Violation]:
    """Homework happens in each class's own classroom: it must exist and hold the classes it is home to."""
    by_room: dict[str, list[SchoolClass]] = defaultdict(list)
    params: Params
    for c in inputs.classes:
        by_room[c.home_venue_id].append(c)
    for room, classes in by_room.items():
        venue = inputs.venue_by_id.get(room)
        ids = tuple(c.id for c in classes)
        if venue is None:
            yield Violation(
                "home_missing", class_ids=ids, params={"classes": names([c.name for c in classes]), "id": room}
            )
        elif venue.type != "classroom":
            params = {"classes": names([c.name for c in classes]), "venue": venue.name, "venue_type": venue.type}
            yield Violation("home_not_classroom", class_ids=ids, venue_ids=(room,), params=params)
        elif len(classes) > venue.capacity:
            params = {"venue": venue.name, "count": len(classes), "capacity": venue.capacity}
            yield Violation("home_too_small", class_ids=ids, venue_ids=(room,), params=params)


def _adults_per_slot(inputs: TimetableInputs) -> Iterator[Violation]:
    n = len(inputs.classes)
    for d, p in inputs.settings.slots():
        if is_activity_slot(d, p):
            able: set[str] = set()
            for c in inputs.classes:
                for _, _, adults in activity_options(inputs, c, d).values():
                    able.update(adults)
            available, what = len(able), ANY_ACTIVITY
        else:
            available, what = len(homework_supervisors(inputs, d, p)), HOMEWORK
        if available < n:
            yield Violation("too_few_adults", d, p, params={"count": n, "available": available, "category": what})


def _adult_periods_week(inputs: TimetableInputs) -> Iterator[Violation]:
    """Every class needs one adult every period of the week; each adult can take at most the slots they
    could fill at all, and at most their weekly maximum (R7, R13)."""
    if all(a.max_periods is None for a in inputs.adults):
        return  # without maxima the count per slot (too_few_adults) already covers the week
    needed = len(inputs.classes) * len(inputs.settings.slots())
    usable = (usable_slots(inputs, a) for a in inputs.adults)
    available = sum(
        u if a.max_periods is None else max(0, min(u, a.max_periods))
        for a, u in zip(inputs.adults, usable, strict=True)
    )
    if needed > available:
        yield Violation("too_few_adult_periods", params={"count": needed, "available": available})


def _no_option(inputs: TimetableInputs) -> Iterator[Violation]:
    for d, p in inputs.activity_slots():
        for c in inputs.classes:
            if not activity_options(inputs, c, d):
                yield Violation("no_option", d, p, (c.id,), params={"class": c.name})


def _days_for(inputs: TimetableInputs, c: SchoolClass, category: str) -> list[int]:
    """The activity days on which the class could take ``category`` at all."""
    return [
        d
        for d, _ in inputs.activity_slots()
        if any(a.category == category for a, _, _ in activity_options(inputs, c, d).values())
    ]


def _fairness_reachable(inputs: TimetableInputs) -> Iterator[Violation]:
    days = len(inputs.activity_slots())
    for g, classes in inputs.grades.items():
        wanted = [f for f in inputs.fairness if f.grade == g and f.times > 0]
        for f in wanted:
            possible = min(len(_days_for(inputs, c, f.category)) for c in classes)
            if f.times > possible:
                params: Params = {"grade": g, "category": f.category, "times": f.times, "day_count": possible}
                yield Violation("fairness_unreachable", class_ids=tuple(c.id for c in classes), params=params)
        total = sum(inputs.minimum(g, k) for k in {f.category for f in wanted})
        if total > days:
            yield Violation(
                "fairness_total",
                class_ids=tuple(c.id for c in classes),
                params={"grade": g, "total": total, "day_count": days},
            )


def _places(inputs: TimetableInputs, category: str) -> tuple[list[str], int] | None:
    """The shared venues any activity of ``category`` can use and their total capacity; None when one
    can take place in the class's own classroom (then places never run out)."""
    activities = [a for a in inputs.activities if a.category == category]
    if any("classroom" in a.venue_types for a in activities):
        return None
    types = {t for a in activities for t in a.venue_types}
    venues = [v for v in inputs.venues if v.type in types and v.id not in inputs.home_venue_ids]
    return [v.name for v in venues], sum(v.capacity for v in venues)


def _forced(inputs: TimetableInputs) -> dict[tuple[int, str], list[SchoolClass]]:
    """(day, category) -> classes that must take the category that day: a class whose minimum equals
    the number of days it could take it has no choice."""
    out: dict[tuple[int, str], list[SchoolClass]] = defaultdict(list)
    for f in inputs.fairness:
        for c in inputs.grades.get(f.grade, ()):
            days = _days_for(inputs, c, f.category)
            if 0 < f.times == len(days):
                for d in days:
                    out[(d, f.category)].append(c)
    return out


def _places_and_leaders(inputs: TimetableInputs) -> Iterator[Violation]:
    categories = sorted({f.category for f in inputs.fairness if f.times > 0})
    places = {k: _places(inputs, k) for k in categories}
    for (d, k), classes in sorted(_forced(inputs).items()):
        yield from _day_shortage(inputs, d, k, classes, places[k])
    for k in categories:
        yield from _week_shortage(inputs, k, places[k])
        yield from _week_leaders(inputs, k)


def _day_shortage(
    inputs: TimetableInputs, d: int, category: str, classes: list[SchoolClass], places: tuple[list[str], int] | None
) -> Iterator[Violation]:
    ids = tuple(c.id for c in classes)
    if places is not None and len(classes) > places[1]:
        params: Params = {
            "count": len(classes),
            "category": category,
            "venues": names(places[0]),
            "capacity": places[1],
        }
        yield Violation("too_few_places", d, ACTIVITY_PERIOD, ids, params=params)
    leaders = _leaders_of(inputs, category, d)
    if len(leaders) < len(classes):
        found: Params = {"count": len(classes), "category": category, "available": len(leaders)}
        yield Violation("too_few_leaders", d, ACTIVITY_PERIOD, ids, params=found)


def _leaders_of(inputs: TimetableInputs, category: str, d: int) -> set[str]:
    return {
        p.id
        for p in inputs.adults
        if p.is_available(d, ACTIVITY_PERIOD)
        and any(a.category == category and d in a.weekdays and can_lead(p, a) for a in inputs.activities)
    }


def _week_leaders(inputs: TimetableInputs, category: str) -> Iterator[Violation]:
    needed = sum(inputs.minimum(c.grade, category) for c in inputs.classes)
    available = sum(len(_leaders_of(inputs, category, d)) for d, _ in inputs.activity_slots())
    if needed > available:
        yield Violation("too_few_leaders_week", params={"category": category, "count": needed, "available": available})


def _week_shortage(inputs: TimetableInputs, category: str, places: tuple[list[str], int] | None) -> Iterator[Violation]:
    if places is None:
        return
    venue_names, capacity = places
    venues = names(venue_names)
    if inputs.settings.stagger_by_grade:
        for g, classes in inputs.grades.items():
            if inputs.minimum(g, category) > 0 and len(classes) > capacity:
                params: Params = {
                    "grade": g,
                    "count": len(classes),
                    "category": category,
                    "venues": venues,
                    "capacity": capacity,
                }
                yield Violation("grade_too_big", class_ids=tuple(c.id for c in classes), params=params)
    needed = sum(inputs.minimum(c.grade, category) for c in inputs.classes)
    weekly = capacity * len(inputs.activity_slots())
    if needed > weekly:
        week: Params = {"category": category, "count": needed, "venues": venues, "capacity": weekly}
        yield Violation("too_few_places_week", params=week)
