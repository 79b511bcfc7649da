"""A term's week after generation: the draft the principal checks and edits by hand, publication of
frozen versions, and the views everybody reads off the published one (issue 4).

- The draft is checked against today's inputs (:class:`.assembler.InputsAssembler`): its violations
  are the conflicts the principal's grid highlights, and a hand edit goes through
  :func:`.rules.check_edit`, refused with the broken rule's message when it brings a new violation.
- Publishing requires a draft without violations that differs from the latest version. The version
  is written once (must not exist: two publishers cannot both be version n) with the inputs it was
  checked against and the classes whose days changed; ``TimetablePublished`` (ids only) lets the
  notifier tell those classes' guardians.
- Views (a class's, an adult's, a venue's week, a child's week and day, "my week", planned staff
  periods for R13) read the latest publication alone: one Query, names frozen with it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal

from pynamodb.connection import Connection
from pynamodb.exceptions import TransactWriteError

from chalicelib.core.clock import Clock, iso
from chalicelib.core.errors import Conflict, DomainError, NotFound, ValidationFailed, VersionConflict
from chalicelib.core.identity import Principal
from chalicelib.core.ids import is_id
from chalicelib.core.store import tenant_pk
from chalicelib.tenants.local_time import school_date

from . import policy, snapshot
from .generation_jobs import GenerationJobs, violation_json
from .inputs import TimetableInputs, schedule_weekday
from .models import adult_of_account
from .plan_models import (
    Draft,
    Publication,
    VersionSummary,
    latest_job,
    latest_publication,
    load_draft,
    summary_prefix,
)
from .plan_schemas import CellWrite
from .rules import check_edit, validate
from .timetable import Cell, Timetable
from .views import Entry, adult_week, class_week, itinerary, staff_periods, venue_week
from .vocabulary import Locale
from .writes import Transaction, expected_version

if TYPE_CHECKING:
    from chalicelib.roster.calendar.services import CalendarService
    from chalicelib.roster.services import RosterService
    from chalicelib.tenants.services import TenantsService

    from .assembler import InputsAssembler

Subject = Literal["class", "adult", "venue"]
PUBLISHED = "TimetablePublished"
VERSIONS_SHOWN = 50


class RuleBroken(DomainError):
    """A hand edit that breaks a rule: the message names the first broken rule, details list all."""

    status, code = 422, "timetable_rule_broken"


class TimetablePlans:
    def __init__(
        self,
        connection: Callable[[], Connection],
        clock: Clock,
        after_commit: Callable[[], None],
        assembler: InputsAssembler,
        jobs: GenerationJobs,
        roster: RosterService,
        calendar: CalendarService,
        tenants: TenantsService,
    ):
        self._conn = connection
        self._clock = clock
        self._after_commit = after_commit
        self._assembler = assembler
        self._jobs = jobs
        self._roster = roster
        self._calendar = calendar
        self._tenants = tenants

    # -- the draft --------------------------------------------------------------------------------

    def draft(self, p: Principal, school_id: str, term_id: str, locale: Locale) -> dict[str, Any]:
        """The draft with today's inputs, its conflicts and whether it may be published (version 0 and
        no entries before the first generation)."""
        policy.require_reader(p, school_id)
        inputs = self._assembler.load(p, school_id, term_id).assembly.inputs
        draft = load_draft(school_id, term_id)
        return self._draft_json(school_id, term_id, draft, inputs, locale)

    def edit_cell(
        self,
        p: Principal,
        school_id: str,
        term_id: str,
        slot: tuple[str, str, str],
        cmd: CellWrite,
        if_match: str | None,
        locale: Locale,
    ) -> dict[str, Any]:
        """Replace one cell (weekday, period, class) by hand. Refused with 422 ``timetable_rule_broken``
        when the edit brings a violation the draft did not have; nothing is saved then."""
        policy.require_writer(p, school_id)
        weekday, period, class_id = _slot(slot)
        expected = expected_version(if_match, None)
        loaded = self._assembler.load(p, school_id, term_id)
        draft = _draft_at(school_id, term_id, expected)
        timetable = draft.timetable()
        if timetable.cell(weekday, period, class_id) is None:
            raise NotFound(code="cell_not_found")
        cell = Cell(weekday, period, class_id, cmd.venue_id, tuple(cmd.adult_ids), cmd.activity_id)
        inputs = loaded.assembly.inputs
        edited, broken = check_edit(timetable, inputs, cell)
        if broken:
            first = {loc: broken[0].message(loc) for loc in ("zh-CN", "en")}
            raise RuleBroken([violation_json(v, locale) for v in broken], params={"rule": first})
        draft.cells = snapshot.pack(edited.as_json())
        draft.edits = int(draft.edits or 0) + 1
        draft.updated_at, draft.updated_by = iso(self._clock.now()), p.sub
        tx = Transaction(self._conn())
        try:
            with tx:
                tx.save("draft", draft)  # version condition: a concurrent edit makes this one 409
                detail = {"school_id": school_id, "term_id": term_id, "weekday": weekday, "period": period}
                tx.event("TimetableDraftEdited", school_id, {**detail, "class_id": class_id}, self._clock.now())
        except TransactWriteError as exc:
            if "draft" in tx.failed(exc):
                raise VersionConflict() from exc
            raise
        self._after_commit()
        return self._draft_json(school_id, term_id, draft, inputs, locale)

    def _draft_json(
        self, school_id: str, term_id: str, draft: Draft | None, inputs: TimetableInputs, locale: Locale
    ) -> dict[str, Any]:
        timetable = draft.timetable() if draft else Timetable()
        latest = latest_publication(school_id, term_id)
        violations = validate(timetable, inputs) if draft else []
        same = latest is not None and latest.timetable() == timetable
        job = latest_job(school_id, term_id)
        return {
            "term_id": term_id,
            "version": draft.version if draft else 0,
            "based_on_generation_id": draft.based_on_generation_id if draft else None,
            "edits": int(draft.edits or 0) if draft else 0,
            "updated_at": draft.updated_at if draft else None,
            "updated_by": draft.updated_by if draft else None,
            **grid_json(timetable, inputs),
            "violations": [violation_json(v, locale) for v in violations],
            "publishable": draft is not None and not violations and not same,
            "published_version": int(latest.number) if latest else None,
            "latest_generation": self._jobs.view(job, locale) if job else None,
        }

    # -- publication ------------------------------------------------------------------------------

    def publish(
        self, p: Principal, school_id: str, term_id: str, if_match: str | None, locale: Locale
    ) -> dict[str, Any]:
        """Freeze the draft as the next version (If-Match: the draft's version)."""
        policy.require_writer(p, school_id)
        expected = expected_version(if_match, None)
        loaded = self._assembler.load(p, school_id, term_id)
        draft = _draft_at(school_id, term_id, expected)
        inputs, timetable = loaded.assembly.inputs, draft.timetable()
        broken = validate(timetable, inputs)
        if broken:
            raise Conflict([violation_json(v, locale) for v in broken], code="timetable_invalid")
        latest = latest_publication(school_id, term_id)
        before = latest.timetable() if latest else None
        if before == timetable:
            raise Conflict({"version": int(latest.number) if latest else None}, code="nothing_to_publish")
        changes = snapshot.changed_days(before, timetable)
        number = int(latest.number) + 1 if latest else 1
        now = self._clock.now()
        publication = Publication(
            *Publication.key(school_id, term_id, number),
            tenant_id=school_id,
            kind="Publication",
            term_id=term_id,
            number=number,
            cells=draft.cells,
            inputs=snapshot.pack(snapshot.inputs_to_json(inputs)),
            changes=json.dumps(changes, separators=(",", ":")),
            draft_version=draft.version,
            published_at=iso(now),
            published_by=p.sub,
        )
        tx = Transaction(self._conn())
        try:
            with tx:
                tx.save("publication", publication, Publication.sk.does_not_exist())
                tx.save("summary", VersionSummary.of(publication), VersionSummary.sk.does_not_exist())
                tx.check("draft", Draft, Draft.key(school_id, term_id), Draft.version == draft.version)
                tx.event(PUBLISHED, school_id, _published_detail(school_id, term_id, number, changes), now)
        except TransactWriteError as exc:
            if tx.failed(exc) & {"publication", "summary", "draft"}:
                raise VersionConflict() from exc  # another publication or edit came first: re-read
            raise
        self._after_commit()
        return publication_json(publication, inputs)

    def published(self, p: Principal, school_id: str, term_id: str) -> dict[str, Any]:
        policy.require_reader(p, school_id)
        publication, inputs = _published(school_id, term_id)
        return {**publication_json(publication, inputs), **grid_json(publication.timetable(), inputs)}

    def versions(self, p: Principal, school_id: str, term_id: str) -> dict[str, Any]:
        """The latest versions, newest first: their summaries, not the frozen weeks (one small Query)."""
        policy.require_reader(p, school_id)
        found = VersionSummary.query(
            tenant_pk(school_id),
            VersionSummary.sk.startswith(summary_prefix(term_id)),
            scan_index_forward=False,
            limit=VERSIONS_SHOWN,
        )
        return {"items": [publication_json(pub, None) for pub in found]}

    # -- views of the published version -----------------------------------------------------------

    def week(self, p: Principal, school_id: str, term_id: str, subject: Subject, subject_id: str) -> dict[str, Any]:
        """A class's, an adult's or a venue's week (school staff)."""
        policy.require_reader(p, school_id)
        publication, inputs = _published(school_id, term_id)
        timetable = publication.timetable()
        if subject == "class" and subject_id in inputs.class_by_id:
            entries, name = class_week(timetable, inputs, subject_id), inputs.class_name(subject_id)
        elif subject == "adult" and subject_id in inputs.adult_by_id:
            entries, name = adult_week(timetable, inputs, subject_id), inputs.adult_name(subject_id)
        elif subject == "venue" and subject_id in inputs.venue_by_id:
            entries, name = venue_week(timetable, inputs, subject_id), inputs.venue_name(subject_id)
        else:
            raise NotFound()
        return _week_json(publication, inputs, subject, subject_id, name, entries)

    def my_week(self, p: Principal, school_id: str, term_id: str) -> dict[str, Any]:
        """The caller's own week: the adult whose account is the caller's (404 ``not_on_timetable``)."""
        policy.require_reader(p, school_id)
        adult_id = adult_of_account(school_id, p.sub)
        if adult_id is None:
            raise NotFound(code="not_on_timetable")
        publication, inputs = _published(school_id, term_id)
        if adult_id not in inputs.adult_by_id:  # linked after this version was published
            raise NotFound(code="not_on_timetable")
        entries = adult_week(publication.timetable(), inputs, adult_id)
        return _week_json(publication, inputs, "adult", adult_id, inputs.adult_name(adult_id), entries)

    def student_week(self, p: Principal, school_id: str, term_id: str, student_id: str) -> dict[str, Any]:
        """A child's week, for the child's guardian or the school's staff (the roster decides who)."""
        student = self._roster.get_student(p, school_id, student_id)
        publication, inputs = _published(school_id, term_id)
        class_id = str(student["class_id"])
        entries = class_week(publication.timetable(), inputs, class_id)
        week = _week_json(publication, inputs, "student", student_id, str(student.get("name", "")), entries)
        return {**week, "class": {"id": class_id, "name": inputs.class_name(class_id)}}

    def student_day(
        self, p: Principal, school_id: str, term_id: str, student_id: str, day: str | None
    ) -> dict[str, Any]:
        """A child's afternoon on a date (today at the school when none is given): a make-up day runs
        the weekday it stands for; a weekend or holiday has no service (``runs_weekday`` null)."""
        student = self._roster.get_student(p, school_id, student_id)
        if day:
            date = _date(day)
        else:  # the school was read by the request's suspended-tenant check: memoized, no extra call
            date = school_date(self._clock.now(), self._tenants.get_school(p, school_id).time_zone)
        publication, inputs = _published(school_id, term_id)
        term = self._calendar.require_term(school_id, term_id)
        class_id = str(student["class_id"])
        entries = itinerary(publication.timetable(), inputs, class_id, date, [term.rules()])
        return {
            "term_id": term_id,
            "version": int(publication.number),
            "date": date.isoformat(),
            "runs_weekday": schedule_weekday(date, [term.rules()]),
            "student": {"id": student_id, "name": student.get("name")},
            "class": {"id": class_id, "name": inputs.class_name(class_id)},
            "entries": [e.as_json() for e in entries],
        }

    def staff_periods(self, p: Principal, school_id: str, term_id: str) -> dict[str, Any]:
        """Planned periods and minutes per adult and week (R13's staff-hours record)."""
        policy.require_writer(p, school_id)
        publication, inputs = _published(school_id, term_id)
        loads = staff_periods(publication.timetable(), inputs)
        kinds = {a.id: a.kind for a in inputs.adults}
        return {
            "term_id": term_id,
            "version": int(publication.number),
            "items": [{**load.as_json(), "kind": kinds.get(load.adult_id)} for load in loads],
        }


def grid_json(timetable: Timetable, inputs: TimetableInputs) -> dict[str, Any]:
    """What a page needs to draw and edit the week: periods, classes (by grade), venues, adults,
    activities (as :mod:`.snapshot` writes them) and the cells with names and times."""
    from .views import entry

    document = snapshot.inputs_to_json(inputs)
    return {
        "days": document["settings"]["days"],
        "classes": sorted(document["classes"], key=lambda c: (c["grade"], c["name"])),
        "venues": document["venues"],
        "adults": document["adults"],
        "activities": document["activities"],
        "entries": [entry(c, inputs).as_json() for c in timetable.cells],
    }


def publication_json(pub: Publication | VersionSummary, inputs: TimetableInputs | None) -> dict[str, Any]:
    changes = pub.changes_json()
    name = inputs.class_name if inputs else (lambda class_id: None)
    return {
        "term_id": pub.term_id,
        "version": int(pub.number),
        "published_at": pub.published_at,
        "published_by": pub.published_by,
        "draft_version": int(pub.draft_version),
        "changes": [{"class_id": c, "class_name": name(c), "weekdays": days} for c, days in changes.items()],
    }


def _published_detail(school_id: str, term_id: str, number: int, changes: dict[str, list[int]]) -> dict[str, Any]:
    return {
        "school_id": school_id,
        "term_id": term_id,
        "version": number,
        "previous_version": number - 1 if number > 1 else None,
        "changes": [{"class_id": c, "weekdays": days} for c, days in changes.items()],
    }


def _week_json(
    pub: Publication, inputs: TimetableInputs, kind: str, subject_id: str, name: str, entries: list[Entry]
) -> dict[str, Any]:
    return {
        "term_id": pub.term_id,
        "version": int(pub.number),
        "subject": {"type": kind, "id": subject_id, "name": name},
        "days": snapshot.settings_to_json(inputs.settings)["days"],
        "entries": [e.as_json() for e in entries],
    }


def _published(school_id: str, term_id: str) -> tuple[Publication, TimetableInputs]:
    publication = latest_publication(school_id, term_id) if is_id(term_id) else None
    if publication is None:
        raise NotFound(code="not_published")
    return publication, snapshot.inputs_from_json(snapshot.unpack(publication.inputs))


def _slot(slot: tuple[str, str, str]) -> tuple[int, int, str]:
    weekday, period, class_id = slot
    if not (weekday.isdigit() and period.isdigit() and is_id(class_id)):
        raise NotFound(code="cell_not_found")
    return int(weekday), int(period), class_id


def _date(raw: str) -> dt.date:
    try:
        return dt.date.fromisoformat(raw)
    except ValueError as exc:
        raise ValidationFailed([{"field": "date", "message": "expected YYYY-MM-DD"}]) from exc


def _draft_at(school_id: str, term_id: str, expected: int) -> Draft:
    """The draft a change is based on: 404 ``no_draft``, 409 when the caller read another version."""
    draft = load_draft(school_id, term_id)
    if draft is None:
        raise NotFound(code="no_draft")
    if expected != draft.version:
        raise VersionConflict({"current_version": draft.version})
    return draft
