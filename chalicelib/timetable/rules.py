"""The timetable's rules (R5-R9, R8): each a named object with a stable code, a title and a message
template a principal understands (zh-CN and English, in :mod:`.messages`), and a check.

``validate`` runs them all; the generator's output must pass it, and so must every hand edit
(:func:`check_edit`). A check returns :class:`Violation` objects, never raises, and tolerates any
timetable (unknown ids, missing cells), because hand edits and stored versions can hold anything.

Example::

    >>> from chalicelib.timetable.samples import sample_school
    >>> from chalicelib.timetable.timetable import Timetable
    >>> inputs = sample_school(grades=1, classes_per_grade=1, adults=4)
    >>> sorted({v.code for v in validate(Timetable(), inputs)})
    ['every_slot_filled', 'fairness_minimum']
    >>> validate(Timetable(), inputs)[0].message("en")
    'Monday period 1: 一年级（1）班 has no cell.'
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from chalicelib.enrollment.catalog.vocabulary import CATEGORIES, declared_tutoring

from .inputs import (
    MONDAY,
    SERVICE_END_MARGIN,
    WEEKDAYS,
    Activity,
    TimetableInputs,
    can_lead,
    is_activity_slot,
    venue_fits,
)
from .messages import MESSAGES, RULE_TITLES, Params, Violation, names
from .timetable import Cell, Timetable
from .vocabulary import ACTIVITY_CATEGORIES, HOMEWORK, Locale

Check = Callable[[Timetable, TimetableInputs], list[Violation]]


@dataclass(frozen=True)
class Rule:
    code: str
    requirement: str  # the MISSION.md requirement it enforces, e.g. "R9"
    check: Check

    def title(self, locale: Locale = "zh-CN") -> str:
        return RULE_TITLES[self.code][locale]

    def template(self, locale: Locale = "zh-CN") -> str:
        return MESSAGES[self.code][locale]


def _hhmm(t: dt.time) -> str:
    return t.strftime("%H:%M")


def _found(cell: Cell, inputs: TimetableInputs) -> str:
    if cell.activity_id is None:
        return HOMEWORK
    a = inputs.activity_by_id.get(cell.activity_id)
    return a.name if a else cell.activity_id


def _v(code: str, cell: Cell, inputs: TimetableInputs, **params: str | int) -> Violation:
    """A violation about one cell, with the class's name in the params."""
    return Violation(
        code,
        cell.weekday,
        cell.period,
        (cell.class_id,),
        (cell.venue_id,),
        cell.adult_ids,
        {"class": inputs.class_name(cell.class_id), **params},
    )


# -- R5: days and times --------------------------------------------------------------------------------


def five_weekdays(t: Timetable, inputs: TimetableInputs) -> list[Violation]:
    days = inputs.settings.weekdays()
    if days == WEEKDAYS:
        return []
    return [Violation("five_weekdays", params={"days": ",".join(str(d) for d in days)})]


def two_afternoon_periods(t: Timetable, inputs: TimetableInputs) -> list[Violation]:
    return [
        Violation("two_afternoon_periods", weekday=d, params={"count": len(inputs.settings.periods(d))})
        for d in WEEKDAYS
        if len(inputs.settings.periods(d)) < 2
    ]


def ends_after_work(t: Timetable, inputs: TimetableInputs) -> list[Violation]:
    work_end = inputs.settings.working_day_ends_at
    start = dt.datetime.combine(dt.date(2000, 1, 3), work_end)
    earliest_at = start + SERVICE_END_MARGIN
    earliest = earliest_at.time()
    out = []
    for d in inputs.settings.weekdays():
        periods = inputs.settings.periods(d)
        ends = max((p.ends_at for p in periods), default=None)
        # Compared as datetimes on one day: a working day ending after 23:30 leaves no time of that day late
        # enough (comparing times alone would wrap past midnight and let any end pass).
        if ends is not None and dt.datetime.combine(start.date(), ends) < earliest_at:
            params: Params = {"ends": _hhmm(ends), "work_end": _hhmm(work_end), "earliest": _hhmm(earliest)}
            out.append(Violation("ends_after_work", weekday=d, params=params))
    return out


# -- the grid is complete and names real things ---------------------------------------------------------


def every_slot_filled(t: Timetable, inputs: TimetableInputs) -> list[Violation]:
    slots = set(inputs.settings.slots())
    counts = Counter(c.key for c in t.cells)
    out = [
        Violation("every_slot_filled", d, p, (k.id,), params={"class": k.name, "problem": "missing"})
        for d, p in sorted(slots)
        for k in inputs.classes
        if counts[(d, p, k.id)] == 0
    ]
    for (d, p, class_id), n in sorted(counts.items()):
        problem = _slot_problem(inputs, slots, d, p, class_id, n)
        if problem:
            out.append(
                Violation("every_slot_filled", d, p, (class_id,), params={"class": class_id, "problem": problem})
            )
    return out


def _slot_problem(inputs: TimetableInputs, slots: set[tuple[int, int]], d: int, p: int, cls: str, n: int) -> str:
    if cls not in inputs.class_by_id:
        return "unknown_class"
    if (d, p) not in slots:
        return "extra"
    return "duplicate" if n > 1 else ""


def unknown_reference(t: Timetable, inputs: TimetableInputs) -> list[Violation]:
    return [v for c in t.cells for v in _unknown_in(c, inputs)]


def _unknown_in(cell: Cell, inputs: TimetableInputs) -> Iterator[Violation]:
    if cell.venue_id not in inputs.venue_by_id:
        yield _v("unknown_reference", cell, inputs, thing="venue", id=cell.venue_id)
    for a in cell.adult_ids:
        if a not in inputs.adult_by_id:
            yield _v("unknown_reference", cell, inputs, thing="adult", id=a)
    if cell.activity_id is not None and cell.activity_id not in inputs.activity_by_id:
        yield _v("unknown_reference", cell, inputs, thing="activity", id=cell.activity_id)


# -- R9: what each period holds -------------------------------------------------------------------------


def _homework_problem(code: str, cell: Cell, inputs: TimetableInputs) -> list[Violation]:
    """Supervised homework in the class's own classroom, or a violation of ``code``."""
    cls = inputs.class_by_id.get(cell.class_id)
    if cls is None or (cell.activity_id is None and cell.venue_id == cls.home_venue_id):
        return []
    return [
        _v(
            code,
            cell,
            inputs,
            home=inputs.venue_name(cls.home_venue_id),
            found=_found(cell, inputs),
            venue=inputs.venue_name(cell.venue_id),
        )
    ]


def period1_homework(t: Timetable, inputs: TimetableInputs) -> list[Violation]:
    """Period 1 every day (and any period after 2) is supervised homework in the class's own room."""
    return [v for c in t.cells if c.period != 2 for v in _homework_problem("period1_homework", c, inputs)]


def monday_homework(t: Timetable, inputs: TimetableInputs) -> list[Violation]:
    """R9 note 2: on Monday both periods are homework, so that teachers can meet."""
    return [
        v
        for c in t.cells
        if (c.weekday, c.period) == (MONDAY, 2)
        for v in _homework_problem("monday_homework", c, inputs)
    ]


def _activity_cells(t: Timetable, inputs: TimetableInputs) -> Iterator[tuple[Cell, Activity]]:
    """Cells of the Tuesday-Friday activity period holding a known activity, for a known class."""
    for c in t.cells:
        if is_activity_slot(c.weekday, c.period) and c.class_id in inputs.class_by_id and c.activity_id:
            activity = inputs.activity_by_id.get(c.activity_id)
            if activity is not None:
                yield c, activity


def activity_period(t: Timetable, inputs: TimetableInputs) -> list[Violation]:
    """R9 note 3: Tuesday-Friday period 2 holds specialty, reading or sports, never plain homework."""
    out = []
    for c in t.cells:
        if not is_activity_slot(c.weekday, c.period) or c.class_id not in inputs.class_by_id:
            continue
        activity = inputs.activity_by_id.get(c.activity_id) if c.activity_id else None
        if c.activity_id is None or (activity is not None and activity.category not in ACTIVITY_CATEGORIES):
            out.append(_v("activity_period", c, inputs, found=_found(c, inputs)))
    return out


def activity_eligible(t: Timetable, inputs: TimetableInputs) -> list[Violation]:
    out = []
    for c, a in _activity_cells(t, inputs):
        if inputs.class_by_id[c.class_id].grade not in a.grades or c.weekday not in a.weekdays:
            grades = ",".join(str(g) for g in sorted(a.grades))
            days = ",".join(str(d) for d in sorted(a.weekdays))
            out.append(_v("activity_eligible", c, inputs, activity=a.name, grades=grades, days=days))
    return out


def venue_suits(t: Timetable, inputs: TimetableInputs) -> list[Violation]:
    out = []
    for c, a in _activity_cells(t, inputs):
        venue = inputs.venue_by_id.get(c.venue_id)
        if venue is not None and not venue_fits(venue, a, inputs.class_by_id[c.class_id], inputs.home_venue_ids):
            params: Params = {"activity": a.name, "venue": venue.name, "venue_type": venue.type}
            out.append(_v("venue_suits", c, inputs, **params, venue_types=",".join(a.venue_types)))
    return out


def grade_stagger(t: Timetable, inputs: TimetableInputs) -> list[Violation]:
    """错峰 by grade: on an activity period, all classes of one grade take the same category."""
    if not inputs.settings.stagger_by_grade:
        return []
    kinds: dict[tuple[int, int, int], dict[str, str]] = defaultdict(dict)
    for c in t.cells:
        cls = inputs.class_by_id.get(c.class_id)
        if cls is not None and is_activity_slot(c.weekday, c.period):
            activity = inputs.activity_by_id.get(c.activity_id) if c.activity_id else None
            kinds[(c.weekday, c.period, cls.grade)][c.class_id] = activity.category if activity else HOMEWORK
    return [
        Violation(
            "grade_stagger",
            d,
            p,
            tuple(sorted(by_class)),
            params={"grade": g, "categories": ",".join(sorted(set(by_class.values())))},
        )
        for (d, p, g), by_class in sorted(kinds.items())
        if len(set(by_class.values())) > 1
    ]


# -- R6, R7: venues and adults ----------------------------------------------------------------------------


def venue_capacity(t: Timetable, inputs: TimetableInputs) -> list[Violation]:
    placed: dict[tuple[int, int, str], list[str]] = defaultdict(list)
    for c in t.cells:
        placed[(c.weekday, c.period, c.venue_id)].append(c.class_id)
    out = []
    for (d, p, venue_id), classes in sorted(placed.items()):
        venue = inputs.venue_by_id.get(venue_id)
        if venue is not None and len(classes) > venue.capacity:
            params: Params = {"venue": venue.name, "count": len(classes), "capacity": venue.capacity}
            out.append(Violation("venue_capacity", d, p, tuple(sorted(classes)), (venue_id,), params=params))
    return out


def adult_one_place(t: Timetable, inputs: TimetableInputs) -> list[Violation]:
    placed: dict[tuple[int, int, str], list[str]] = defaultdict(list)
    for c in t.cells:
        for a in set(c.adult_ids):
            placed[(c.weekday, c.period, a)].append(c.class_id)
    return [
        Violation(
            "adult_one_place",
            d,
            p,
            tuple(sorted(classes)),
            adult_ids=(adult_id,),
            params={
                "adult": inputs.adult_name(adult_id),
                "count": len(classes),
                "classes": names([inputs.class_name(k) for k in sorted(classes)]),
            },
        )
        for (d, p, adult_id), classes in sorted(placed.items())
        if len(classes) > 1
    ]


def adult_available(t: Timetable, inputs: TimetableInputs) -> list[Violation]:
    return [
        _v("adult_available", c, inputs, adult=adult.name)
        for c in t.cells
        for adult in (inputs.adult_by_id.get(a) for a in c.adult_ids)
        if adult is not None and not adult.is_available(c.weekday, c.period)
    ]


def adult_able(t: Timetable, inputs: TimetableInputs) -> list[Violation]:
    out = []
    for c in t.cells:
        activity = inputs.activity_by_id.get(c.activity_id) if c.activity_id else None
        if c.activity_id is not None and activity is None:
            continue  # an unknown activity is unknown_reference's to report
        for adult in (inputs.adult_by_id.get(a) for a in c.adult_ids):
            if adult is not None and not can_lead(adult, activity):
                out.append(_v("adult_able", c, inputs, adult=adult.name, found=_found(c, inputs)))
    return out


def adult_max_periods(t: Timetable, inputs: TimetableInputs) -> list[Violation]:
    """R7, R13: an adult's weekly load stays within the maximum set for them (``max_periods``). Each cell
    the adult is in counts one period, as in the staff-hours record (:func:`.views.staff_periods`)."""
    counts: Counter[str] = Counter(a for c in t.cells for a in set(c.adult_ids))
    return [
        Violation(
            "adult_max_periods",
            adult_ids=(adult.id,),
            params={"adult": adult.name, "max": adult.max_periods, "count": counts[adult.id]},
        )
        for adult in inputs.adults
        if adult.max_periods is not None and counts[adult.id] > adult.max_periods
    ]


def supervised(t: Timetable, inputs: TimetableInputs) -> list[Violation]:
    """R11: every class, every period, has an adult with it (看管)."""
    return [_v("supervised", c, inputs) for c in t.cells if not c.adult_ids]


# -- fairness and content ------------------------------------------------------------------------------


def fairness_minimum(t: Timetable, inputs: TimetableInputs) -> list[Violation]:
    counts: Counter[tuple[str, str]] = Counter()
    for c, a in _activity_cells(t, inputs):
        counts[(c.class_id, a.category)] += 1
    return [
        Violation(
            "fairness_minimum",
            class_ids=(k.id,),
            params={"class": k.name, "grade": k.grade, "category": f.category, "count": n, "times": f.times},
        )
        for k in inputs.classes
        for f in inputs.fairness
        if f.grade == k.grade and (n := counts[(k.id, f.category)]) < f.times
    ]


def content_allowed(activity: Activity) -> bool:
    """R8: a category of the catalog's closed list (none is tutoring) and no name declaring tutoring."""
    return activity.category in CATEGORIES and declared_tutoring(activity.name) is None


def allowed_content(t: Timetable, inputs: TimetableInputs) -> list[Violation]:
    out = []
    for c in t.cells:
        activity = inputs.activity_by_id.get(c.activity_id) if c.activity_id else None
        if activity is not None and not content_allowed(activity):
            out.append(_v("allowed_content", c, inputs, activity=activity.name))
    return out


RULES: tuple[Rule, ...] = (
    Rule("five_weekdays", "R5", five_weekdays),
    Rule("two_afternoon_periods", "R5", two_afternoon_periods),
    Rule("ends_after_work", "R5", ends_after_work),
    Rule("every_slot_filled", "R9", every_slot_filled),
    Rule("unknown_reference", "R9", unknown_reference),
    Rule("period1_homework", "R9", period1_homework),
    Rule("monday_homework", "R9", monday_homework),
    Rule("activity_period", "R9", activity_period),
    Rule("activity_eligible", "R9", activity_eligible),
    Rule("venue_suits", "R6", venue_suits),
    Rule("grade_stagger", "R9", grade_stagger),
    Rule("venue_capacity", "R6", venue_capacity),
    Rule("adult_one_place", "R7", adult_one_place),
    Rule("adult_available", "R7", adult_available),
    Rule("adult_able", "R7", adult_able),
    Rule("adult_max_periods", "R7", adult_max_periods),
    Rule("supervised", "R11", supervised),
    Rule("fairness_minimum", "R9", fairness_minimum),
    Rule("allowed_content", "R8", allowed_content),
)
RULE_BY_CODE: dict[str, Rule] = {r.code: r for r in RULES}
SETTINGS_RULES: tuple[Rule, ...] = RULES[:3]  # about the school's settings alone, not the cells


def validate(timetable: Timetable, inputs: TimetableInputs) -> list[Violation]:
    """Every rule's violations, in rule order (empty when the timetable is valid)."""
    return [v for rule in RULES for v in rule.check(timetable, inputs)]


def check_edit(timetable: Timetable, inputs: TimetableInputs, cell: Cell) -> tuple[Timetable, list[Violation]]:
    """A principal's hand edit of one cell: the edited timetable, and the violations the edit brings
    (ones the timetable did not already have). Refuse the edit when the list is not empty."""
    before = validate(timetable, inputs)
    edited = timetable.with_cell(cell)
    return edited, [v for v in validate(edited, inputs) if _brought(v, before)]


def _brought(v: Violation, before: list[Violation]) -> bool:
    """Whether the edit brought ``v``. A counted violation (a venue over capacity, an adult in several
    places or over their weekly maximum) that the draft already had at the same place has a new count,
    and new classes, after any edit touching it: only a higher count is new, so an edit that eases an
    old conflict (e.g. in a version made before the inputs changed) is not refused for what remains."""
    if v in before:
        return False
    count = v.params.get("count")
    if count is None:
        return True
    place = (v.code, v.weekday, v.period, v.venue_ids, v.adult_ids)
    return not any(
        (b.code, b.weekday, b.period, b.venue_ids, b.adult_ids) == place and int(b.params.get("count", 0)) >= int(count)
        for b in before
    )
