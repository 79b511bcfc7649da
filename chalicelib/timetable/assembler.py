"""The assembler: reads what a term's timetable is built from and hands it to :mod:`.mapping`.

A domain service (no HTTP): the school's settings, venues and adults (this context, one Query), the
roster's classes (:class:`RosterService`, one Query per 100 classes), the term (calendar) and its
published program (公示, the catalog: one BatchGetItem and one GetItem). Nothing is scanned and
nothing read twice; the school item was already read by the request's suspended-tenant check.

:meth:`InputsAssembler.readiness` adds the engine's counting pre-checks (:func:`.precheck.precheck`,
which never imports OR-Tools) to the mapping's problems: "ready" means the generator may run.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from chalicelib.core.errors import NotFound
from chalicelib.core.identity import Principal

from . import periods
from .mapping import AdultRecord, Assembly, ClassRecord, Problem, Sources, VenueRecord, assemble
from .models import Adult, StoredInputs, Venue, read_inputs
from .precheck import precheck
from .vocabulary import AdultKind, Locale, VenueType

if TYPE_CHECKING:
    from chalicelib.enrollment.catalog.services import CatalogService
    from chalicelib.roster.calendar.services import CalendarService
    from chalicelib.roster.services import RosterService
    from chalicelib.tenants.services import TenantsService

CLASS_PAGE = 100
MAX_CLASS_PAGES = 50  # 5,000 classes: far beyond any school; only stops a runaway loop


@dataclass(frozen=True)
class Loaded:
    """An assembly and what it was made from."""

    term_id: str
    assembly: Assembly
    counts: dict[str, int]
    program_version: int | None


@dataclass(frozen=True)
class Readiness:
    term_id: str
    problems: tuple[Problem, ...]
    counts: dict[str, int]
    program_version: int | None

    @property
    def ready(self) -> bool:
        return not any(p.severity == "error" for p in self.problems)

    def as_json(self, locale: Locale) -> dict[str, Any]:
        return {
            "term_id": self.term_id,
            "ready": self.ready,
            "program_version": self.program_version,
            "problems": [p.as_json(locale) for p in self.problems],
            "counts": self.counts,
        }


class InputsAssembler:
    def __init__(
        self, tenants: TenantsService, calendar: CalendarService, roster: RosterService, catalog: CatalogService
    ):
        self._tenants = tenants
        self._calendar = calendar
        self._roster = roster
        self._catalog = catalog

    def load(self, p: Principal, school_id: str, term_id: str) -> Loaded:
        """The term's inputs for a caller already authorized to read them (school staff)."""
        school = self._tenants.get_school(p, school_id)
        term = self._calendar.require_term(school_id, term_id)
        stored = read_inputs(school_id)
        classes = self._classes(p, school_id)
        content, version = self._program(school_id, term_id)
        settings = stored.settings.content() if stored.settings else periods.default_document(school.workday_end)
        sources = Sources(
            settings,
            school.workday_end,
            classes,
            [_venue(v) for v in stored.venues],
            [_adult(a) for a in stored.adults],
            content.get("activities") if content is not None else None,
            {pr["id"]: pr["name"] for pr in (content or {}).get("providers", [])},
            term.name,
        )
        assembly = assemble(sources)
        return Loaded(term_id, assembly, _counts(stored, classes, assembly), version)

    def readiness(self, p: Principal, school_id: str, term_id: str) -> Readiness:
        loaded = self.load(p, school_id, term_id)
        found = [Problem(v, "error", "precheck") for v in precheck(loaded.assembly.inputs)]
        problems = [*loaded.assembly.problems, *found]
        problems.sort(key=lambda pr: pr.severity != "error")  # errors first, each group in finding order
        return Readiness(term_id, tuple(problems), loaded.counts, loaded.program_version)

    def _classes(self, p: Principal, school_id: str) -> list[ClassRecord]:
        out: list[ClassRecord] = []
        cursor: str | None = None
        for _ in range(MAX_CLASS_PAGES):
            page = self._roster.list_classes(p, school_id, CLASS_PAGE, cursor)
            out.extend(ClassRecord(c.class_id, c.name, int(c.grade), int(c.student_count or 0)) for c in page.items)
            cursor = page.next_cursor
            if cursor is None:
                return out
        raise RuntimeError("more classes than the assembler reads")

    def _program(self, school_id: str, term_id: str) -> tuple[dict[str, Any] | None, int | None]:
        """The term's latest published program, or (None, None) when it has none."""
        try:
            public = self._catalog.public_program(school_id, term_id)
        except NotFound:
            return None, None
        return public.version.content(), int(public.version.number)


def _venue(v: Venue) -> VenueRecord:
    venue_type = cast(VenueType, v.venue_type)
    return VenueRecord(v.venue_id, v.name, venue_type, int(v.capacity), tuple(v.home_class_ids or ()))


def _adult(a: Adult) -> AdultRecord:
    return AdultRecord(
        a.adult_id,
        a.name,
        cast(AdultKind, a.adult_kind),
        frozenset(a.skills or ()),
        a.availability,
        a.provider_id,
        int(a.max_periods_per_week) if a.max_periods_per_week is not None else None,
    )


def _counts(stored: StoredInputs, classes: list[ClassRecord], assembly: Assembly) -> dict[str, int]:
    return {
        "classes": len(classes),
        "venues": len(stored.venues),
        "adults": len(stored.adults),
        "activities": len(assembly.inputs.activities),
    }
