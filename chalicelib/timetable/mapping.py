"""From a school's records to the engine's :class:`TimetableInputs`: pure, no I/O.

The assembler (:mod:`.assembler`) reads the records; this module maps them and says what did not map,
as :class:`Problem` objects with a stable code and a message in zh-CN and English (never an exception
half-way), so a principal sees every problem at once:

- settings: the stored document (or the defaults) and the school's usual end of the working day;
- classes (花名册) with their own classroom: the classroom venue that lists the class in its home
  classes. Classes without one are listed in one error and left out of the inputs;
- venues and adults as stored; an adult's availability per weekday becomes the engine's slots, their
  maximum of periods a week the engine's ``max_periods``;
- activities of the term's published program (公示) that the timetable places, i.e. those of the
  activity categories (homework help belongs to the homework periods) on Tuesday to Friday (R9):
  the category maps as it is, the free-text venue (场地) to the type of the registered venue of that
  name, else to the category's usual types (:data:`.vocabulary.DEFAULT_VENUE_TYPES`); the staff names
  to the adults of those names; a provider's activity naming nobody to that provider's adults.

Errors keep a timetable from being generated; warnings say where the timetable will differ from what
the records say (an activity's Monday, an unknown staff name) and why.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from .inputs import MONDAY, Activity, Adult, SchoolClass, Slot, TimetableInputs, Venue
from .messages import Params, Violation, names
from .periods import fairness_minima, school_settings
from .vocabulary import ACTIVITY_CATEGORIES, DEFAULT_VENUE_TYPES, AdultKind, Locale, VenueType, name_key

Severity = Literal["error", "warning"]
Source = Literal["records", "precheck"]
SCHOOL = "school"  # the catalog's provider value for the school's own activities
ACTIVITY_WEEKDAYS = frozenset({2, 3, 4, 5})


@dataclass(frozen=True)
class ClassRecord:
    """A class of the roster as the timetable needs it."""

    id: str
    name: str
    grade: int
    size: int = 0


@dataclass(frozen=True)
class VenueRecord:
    id: str
    name: str
    type: VenueType
    capacity: int
    home_class_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class AdultRecord:
    id: str
    name: str
    kind: AdultKind
    skills: frozenset[str]
    availability: Mapping[int, Sequence[int]] | None = None  # weekday -> period numbers; None: every period
    provider_id: str | None = None
    max_periods: int | None = None  # the most periods a week (max_periods_per_week); None: no limit


@dataclass(frozen=True)
class Sources:
    """What the assembler read. ``activities`` None: the term has no published program."""

    settings: Mapping[str, Any]
    workday_end: str
    classes: Sequence[ClassRecord]
    venues: Sequence[VenueRecord]
    adults: Sequence[AdultRecord]
    activities: Sequence[Mapping[str, Any]] | None
    providers: Mapping[str, str] = field(default_factory=dict)  # provider id -> name (the program's snapshot)
    term_name: str = ""


@dataclass(frozen=True)
class Problem:
    """One thing that did not map (or, from :func:`.precheck.precheck`, makes a timetable impossible)."""

    violation: Violation
    severity: Severity = "error"
    source: Source = "records"
    activity_ids: tuple[str, ...] = ()

    @property
    def code(self) -> str:
        return self.violation.code

    def as_json(self, locale: Locale) -> dict[str, Any]:
        v = self.violation
        return {
            "code": v.code,
            "severity": self.severity,
            "source": self.source,
            "message": v.message(locale),
            "weekday": v.weekday,
            "period": v.period,
            "class_ids": list(v.class_ids),
            "venue_ids": list(v.venue_ids),
            "adult_ids": list(v.adult_ids),
            "activity_ids": list(self.activity_ids),
            "params": dict(v.params),
        }


@dataclass(frozen=True)
class Assembly:
    inputs: TimetableInputs
    problems: tuple[Problem, ...]

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "error")


def assemble(src: Sources) -> Assembly:
    """The engine's inputs and every problem found on the way (see the module docstring)."""
    problems: list[Problem] = []
    venues = tuple(Venue(v.id, v.name, v.type, v.capacity) for v in src.venues)
    classes = _classes(src, problems)
    adults = tuple(_adult(a) for a in src.adults)
    activities: tuple[Activity, ...] = ()
    if src.activities is None:
        problems.append(Problem(Violation("no_published_program", params={"term": src.term_name})))
    else:
        activities = tuple(_activities(src, problems))
    inputs = TimetableInputs(
        school_settings(src.settings, src.workday_end),
        classes,
        venues,
        adults,
        activities,
        fairness_minima(src.settings, (c.grade for c in classes)),
    )
    return Assembly(inputs, tuple(problems))


# -- classes and adults ----------------------------------------------------------------------------


def _classes(src: Sources, problems: list[Problem]) -> tuple[SchoolClass, ...]:
    if not src.classes:
        problems.append(Problem(Violation("no_classes")))
        return ()
    home = {class_id: v.id for v in src.venues if v.type == "classroom" for class_id in v.home_class_ids}
    roomless = [c for c in src.classes if c.id not in home]
    if roomless:
        params: Params = {"count": len(roomless), "classes": names([c.name for c in roomless])}
        ids = tuple(c.id for c in roomless)
        problems.append(Problem(Violation("class_without_classroom", class_ids=ids, params=params)))
    return tuple(SchoolClass(c.id, c.name, c.grade, c.size, home[c.id]) for c in src.classes if c.id in home)


def _adult(a: AdultRecord) -> Adult:
    available: frozenset[Slot] | None = None
    if a.availability is not None:
        available = frozenset((int(d), int(p)) for d, periods in a.availability.items() for p in periods)
    return Adult(a.id, a.name, a.kind, frozenset(a.skills), available, a.max_periods)


# -- activities ------------------------------------------------------------------------------------


def _activities(src: Sources, problems: list[Problem]) -> Iterator[Activity]:
    venues_by_name = {name_key(v.name): v for v in src.venues}
    adults_by_name: dict[str, list[AdultRecord]] = defaultdict(list)
    for a in src.adults:
        adults_by_name[name_key(a.name)].append(a)
    for raw in src.activities or ():
        if raw["category"] not in ACTIVITY_CATEGORIES:
            continue  # homework help is what the homework periods hold, not an activity to place
        weekdays = _weekdays(raw, problems)
        if not weekdays:
            continue
        venue = venues_by_name.get(name_key(str(raw.get("venue", ""))))
        venue_types = (venue.type,) if venue is not None else DEFAULT_VENUE_TYPES[raw["category"]]
        staff = _staff(raw, adults_by_name, src, problems)
        yield Activity(raw["id"], raw["name"], raw["category"], frozenset(raw["grades"]), venue_types, staff, weekdays)


def _note(code: str, raw: Mapping[str, Any], severity: Severity = "warning", **params: str | int) -> Problem:
    """A problem about one activity of the program, named in the message."""
    return Problem(Violation(code, params={"activity": raw["name"], **params}), severity, activity_ids=(raw["id"],))


def _weekdays(raw: Mapping[str, Any], problems: list[Problem]) -> frozenset[int]:
    """The program's days the activity period exists on (R9: not Monday), with what that changes."""
    offered = frozenset(int(d) for d in raw["weekdays"])
    kept = offered & ACTIVITY_WEEKDAYS
    if not kept:
        problems.append(_note("activity_monday_only", raw))
        return kept
    if MONDAY in offered:
        problems.append(_note("activity_monday", raw, days=",".join(str(d) for d in sorted(kept))))
    if int(raw.get("period", 2)) == 1:
        problems.append(_note("activity_period_one", raw))
    return kept


def _staff(
    raw: Mapping[str, Any], by_name: Mapping[str, list[AdultRecord]], src: Sources, problems: list[Problem]
) -> frozenset[str]:
    """Who may lead it: the adults the program names (by name), else a provider's own adults, else
    anyone able (empty)."""
    named = [str(n) for n in raw.get("staff") or []]
    if named:
        return _named_staff(raw, named, by_name, problems)
    provider = raw.get("provider", SCHOOL)
    if provider == SCHOOL:
        return frozenset()
    own = frozenset(a.id for a in src.adults if a.provider_id == provider)
    if not own:
        problems.append(_note("provider_without_adults", raw, "error", provider=src.providers.get(provider, provider)))
    return own


def _named_staff(
    raw: Mapping[str, Any], named: list[str], by_name: Mapping[str, list[AdultRecord]], problems: list[Problem]
) -> frozenset[str]:
    found: set[str] = set()
    unknown: list[str] = []
    for person in named:
        matches = by_name.get(name_key(person), [])
        if not matches:
            unknown.append(person)
        elif len(matches) > 1:
            problems.append(_note("staff_ambiguous", raw, name=person, count=len(matches)))
        found.update(a.id for a in matches)
    if unknown and not found:
        problems.append(_note("staff_none_known", raw, staff=names(unknown), category=raw["category"]))
    elif unknown:
        problems.append(_note("staff_unknown", raw, staff=names(unknown)))
    return frozenset(found)
