"""Timetable (课表): the 5+2 week of every class, who is where with whom, and why (R5-R9, R13).

The engine is pure domain, no I/O, no Chalice. Layout:

- :mod:`.inputs` what a timetable is built from (settings, classes, venues, adults, activities, minima);
- :mod:`.timetable` the week itself (cells), a value object;
- :mod:`.rules` the named rules and :func:`validate` / :func:`check_edit` (hand edits);
- :mod:`.messages` every sentence, zh-CN and English, and :class:`Violation`;
- :mod:`.options` the choices each cell has (per-cell rules turned into options);
- :mod:`.precheck` counting explanations of impossibility; :mod:`.explain` the solver's own (CP-SAT);
- :mod:`.model` / :mod:`.generator` the CP-SAT model and :func:`generate`;
- :mod:`.views` itineraries, adults' and venues' weeks, staff periods (R13);
- :mod:`.samples` a plausible school for tests, the bench and seed data.

Beside it, the stored inputs (PynamoDB, still no Chalice; imported only by the API's container):

- :mod:`.models` / :mod:`.schemas` / :mod:`.policy` / :mod:`.services` settings, venues and adults;
- :mod:`.periods` stored settings to the engine's :class:`SchoolSettings` (defaults, R5), pure;
- :mod:`.mapping` a school's records to :class:`TimetableInputs` with every problem listed, pure;
- :mod:`.assembler` reads the records (this context, roster, calendar, catalog) and runs the pre-checks.

Importing this package does not import OR-Tools (about half a second with pandas and numpy): the
request path validates edits and reads views; only the generation job pays for the solver, through
``generate`` / ``SolverOptions`` / ``Generation`` here, loaded on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .inputs import (
    Activity,
    Adult,
    DaySchedule,
    FairnessMinimum,
    Period,
    SchoolClass,
    SchoolSettings,
    Slot,
    TimetableInputs,
    Venue,
    is_activity_slot,
    minima,
    schedule_weekday,
)
from .messages import Violation
from .precheck import precheck
from .rules import RULE_BY_CODE, RULES, Rule, check_edit, validate
from .samples import sample_school
from .timetable import Cell, Timetable
from .views import (
    Balance,
    Entry,
    StaffLoad,
    adult_week,
    balance,
    class_day,
    class_week,
    itinerary,
    staff_periods,
    venue_week,
)

if TYPE_CHECKING:
    from .generator import Figures, Generation, GeneratorBug, SolverOptions, generate

__all__ = [
    "RULES",
    "RULE_BY_CODE",
    "Activity",
    "Adult",
    "Balance",
    "Cell",
    "DaySchedule",
    "Entry",
    "FairnessMinimum",
    "Figures",
    "Generation",
    "GeneratorBug",
    "Period",
    "Rule",
    "SchoolClass",
    "SchoolSettings",
    "Slot",
    "SolverOptions",
    "StaffLoad",
    "Timetable",
    "TimetableInputs",
    "Venue",
    "Violation",
    "adult_week",
    "balance",
    "check_edit",
    "class_day",
    "class_week",
    "generate",
    "is_activity_slot",
    "itinerary",
    "minima",
    "precheck",
    "sample_school",
    "schedule_weekday",
    "staff_periods",
    "validate",
    "venue_week",
]

_SOLVER_NAMES = frozenset({"Figures", "Generation", "GeneratorBug", "SolverOptions", "generate"})


def __getattr__(name: str) -> Any:
    if name in _SOLVER_NAMES:
        from . import generator

        return getattr(generator, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
