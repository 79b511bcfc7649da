"""Use cases of the term calendar: keep a school's 学期 (with holidays and 调休) and answer, for any
date, whether the after-school service runs and on which weekday's schedule.

Two kinds of callers:

* the HTTP API, with a :class:`Principal`: any member of the school reads, its ``school_admin``
  writes; another school's caller gets 404 (``core.authz``);
* other contexts (catalog, timetable, attendance...) after their own authorization:
  :meth:`CalendarService.require_term`, :meth:`CalendarService.service_day` and
  :meth:`CalendarService.days`, which take no principal.

Every write is one transaction: the term, the school's :class:`TermsGuard` (so overlapping terms
cannot slip in through a race, see ``models``) and the outbox event.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from pynamodb.connection import Connection
from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.core import authz, i18n, idempotency, outbox
from chalicelib.core.clock import Clock, iso
from chalicelib.core.errors import Conflict, NotFound, ValidationFailed, VersionConflict
from chalicelib.core.identity import Principal
from chalicelib.core.ids import is_id, new_id
from chalicelib.core.pagination import DEFAULT_LIMIT, Page, query_page
from chalicelib.core.store import tenant_pk
from chalicelib.core.versioning import expected_version

from . import rules, schemas
from .models import TERM_PREFIX, Term, TermsGuard
from .rules import ServiceDay, TermRules

SOURCE = "kehou.roster"
GUARD_ATTEMPTS = 3  # re-check for overlaps this often when a concurrent term write wins the race


class CalendarService:
    def __init__(
        self,
        connection: Callable[[], Connection],
        clock: Clock,
        after_commit: Callable[[], None],
        ids: Callable[[], str] = new_id,
    ):
        self._conn = connection  # asked per transaction: credentials may be scoped per request
        self._clock = clock
        self._after_commit = after_commit
        self._ids = ids

    # -- for other contexts (already authorized by them) -----------------------------------------

    def require_term(self, school_id: str, term_id: str) -> Term:
        """The school's 学期 ``term_id``, or :class:`NotFound` (also for another school's term)."""
        if not (is_id(school_id) and is_id(term_id)):
            raise NotFound()
        try:
            return Term.get(*Term.key(school_id, term_id), consistent_read=True)
        except Term.DoesNotExist as exc:
            raise NotFound() from exc

    def service_day(self, school_id: str, day: dt.date) -> ServiceDay:
        """Is ``day`` a service day at this school, and whose weekday schedule runs (调休 included)?"""
        return self.days(school_id, day, day)[0]

    def days(self, school_id: str, start: dt.date, end: dt.date) -> list[ServiceDay]:
        """:meth:`service_day` for every date from ``start`` to ``end`` (both included), one Query."""
        return rules.service_days([t.rules() for t in self._terms(school_id)], start, end)

    # -- API use cases -----------------------------------------------------------------------------

    def create_term(
        self, p: Principal, school_id: str, cmd: schemas.TermCreate, locale: str = i18n.DEFAULT_LOCALE
    ) -> Term:
        """Create a 学期; see :meth:`create_term_with_key`."""
        return self.create_term_with_key(p, school_id, cmd, None, locale)[0]

    def create_term_with_key(
        self,
        p: Principal,
        school_id: str,
        cmd: schemas.TermCreate,
        idempotency_key: str | None,
        locale: str = i18n.DEFAULT_LOCALE,
    ) -> tuple[Term, bool]:
        """Create a 学期; ``(term, created)``.

        With an ``Idempotency-Key``, a retry with the same body returns the term the first request
        created (``created`` False; it is not checked for overlaps again) and a different body is
        refused (422). The key is claimed in the term's own transaction. A broken rule answers 400
        ``validation_error`` with one detail per problem (its ``code`` and a message in ``locale``);
        an overlap 409 ``term_overlaps``, its detail localised the same way.
        """
        authz.require_school_admin(p, school_id)
        req = None
        if idempotency_key is not None and idempotency_key.strip():
            req = idempotency.make_request(school_id, "create_term", idempotency_key, cmd.model_dump(mode="json"))
            previous = idempotency.find_previous(req)
            if previous:
                return self.require_term(school_id, previous), False
        term_id = self._ids()
        candidate = _validated(cmd.rules(), term_id, locale)
        now = iso(self._clock.now())
        pk, sk = Term.key(school_id, term_id)
        term = Term(pk, sk, tenant_id=school_id, kind="Term", term_id=term_id, name=cmd.name)
        term.set_rules(candidate)
        term.created_at = term.updated_at = now
        event = _event("TermCreated", term, {"name": term.name, "starts_on": term.starts_on, "ends_on": term.ends_on})
        try:
            self._write(
                candidate, lambda tx: tx.save(term, condition=Term.sk.does_not_exist()), term, event, req, locale
            )
        except _KeyClaimed as claimed:  # a concurrent request with the same key won: answer as a replay
            return self.require_term(school_id, claimed.resource_id), False
        return term, True

    def list_terms(
        self, p: Principal, school_id: str, limit: int = DEFAULT_LIMIT, cursor: str | None = None
    ) -> Page[Term]:
        """The school's 学期 in creation order."""
        authz.require_member(p, school_id)
        condition = Term.sk.startswith(TERM_PREFIX)
        return query_page(Term.query, tenant_pk(school_id), condition, limit=limit, cursor=cursor)

    def get_term(self, p: Principal, school_id: str, term_id: str) -> Term:
        authz.require_member(p, school_id)
        return self.require_term(school_id, term_id)

    def update_term(
        self,
        p: Principal,
        school_id: str,
        term_id: str,
        cmd: schemas.TermUpdate,
        if_match: str | None,
        locale: str = i18n.DEFAULT_LOCALE,
    ) -> Term:
        """Apply the changes, then validate the whole 学期 again (dates, holidays, 调休, overlaps);
        problems are reported as by :meth:`create_term_with_key`, in ``locale``."""
        authz.require_school_admin(p, school_id)
        term = self.require_term(school_id, term_id)
        _check_version(term, expected_version(if_match, cmd.version))
        candidate = _validated(cmd.applied_to(term.rules()), term_id, locale)
        changed = sorted(cmd.model_dump(exclude_unset=True, exclude={"version"}))
        if cmd.name is not None:
            term.name = cmd.name
        term.set_rules(candidate)
        term.updated_at = iso(self._clock.now())
        detail = {"fields": changed, "starts_on": term.starts_on, "ends_on": term.ends_on}
        self._write(candidate, lambda tx: tx.save(term), term, _event("TermChanged", term, detail), locale=locale)
        return term

    def delete_term(self, p: Principal, school_id: str, term_id: str, if_match: str | None) -> None:
        authz.require_school_admin(p, school_id)
        term = self.require_term(school_id, term_id)
        _check_version(term, expected_version(if_match, None))
        self._write(None, lambda tx: tx.delete(term), term, _event("TermDeleted", term, {}))

    def calendar(
        self, p: Principal, school_id: str, start: dt.date, end: dt.date, locale: str = i18n.DEFAULT_LOCALE
    ) -> list[ServiceDay]:
        """Service days from ``start`` to ``end`` (both included) for any member of the school."""
        authz.require_member(p, school_id)
        found = rules.range_problems(start, end, locale=locale)
        if found:
            raise ValidationFailed(found)
        return self.days(school_id, start, end)

    # -- helpers -----------------------------------------------------------------------------------

    @staticmethod
    def _terms(school_id: str) -> list[Term]:
        if not is_id(school_id):
            return []
        return list(Term.query(tenant_pk(school_id), Term.sk.startswith(TERM_PREFIX), consistent_read=True))

    def _write(
        self,
        candidate: TermRules | None,
        stage: Callable[[TransactWrite], None],
        term: Term,
        event: outbox.DomainEvent,
        req: idempotency.IdempotentRequest | None = None,
        locale: str = i18n.DEFAULT_LOCALE,
    ) -> None:
        """Commit the staged term write, the school's guard, ``event`` and the idempotency key
        ``req`` (if any) in one transaction.

        ``candidate`` is the term as it will be (None when deleting: removing a term cannot cause an
        overlap). If another term write of the school commits between our overlap check and our
        commit, the guard's version condition fails and we check again against the new terms.
        Raises :class:`_KeyClaimed` when a concurrent request claimed the same key first.
        """
        school_id = term.school_id
        for _ in range(GUARD_ATTEMPTS):
            guard = self._guard(school_id)  # read before the terms: any later term write bumps it
            if candidate is not None:
                _check_no_overlap(candidate, self._terms(school_id), locale)
            now = self._clock.now()
            guard.updated_at = iso(now)
            try:
                with self._tx() as tx:
                    stage(tx)  # first item: a Put or Delete, both come before the guard's Put
                    tx.save(guard)  # PynamoDB adds the version condition (or "must not exist yet")
                    outbox.record(tx, event, now)
                    if req is not None:
                        idempotency.remember(tx, req, term.term_id, now)
            except TransactWriteError as exc:
                failed = _failed_items(exc, ["term", "guard", "event", "idempotency"])
                if "idempotency" in failed and req is not None:
                    previous = idempotency.find_previous(req)
                    if previous:
                        raise _KeyClaimed(previous) from exc
                if "term" in failed:
                    raise self._stale(school_id, term.term_id) from exc
                if "guard" in failed:
                    continue
                raise
            self._after_commit()
            return
        raise Conflict(code="calendar_busy")

    def _stale(self, school_id: str, term_id: str) -> NotFound | VersionConflict:
        """Why our conditional write on a term failed: someone deleted it, or changed it first."""
        try:
            current = self.require_term(school_id, term_id)
        except NotFound as missing:
            return missing
        return VersionConflict({"current_version": current.version})

    def _tx(self) -> TransactWrite:
        return TransactWrite(connection=self._conn())

    def _guard(self, school_id: str) -> TermsGuard:
        try:
            return TermsGuard.get(*TermsGuard.key(school_id), consistent_read=True)
        except TermsGuard.DoesNotExist:
            pk, sk = TermsGuard.key(school_id)
            return TermsGuard(pk, sk, tenant_id=school_id, kind="TermsGuard", updated_at="")


class _KeyClaimed(Exception):
    """The Idempotency-Key was claimed by a concurrent request with the same body: replay its term."""

    def __init__(self, resource_id: str):
        super().__init__(resource_id)
        self.resource_id = resource_id


def _event(detail_type: str, term: Term, extra: dict[str, Any]) -> outbox.DomainEvent:
    """Ids and dates only: the outbox never carries personal data."""
    detail = {"school_id": term.school_id, "term_id": term.term_id, **extra}
    return outbox.DomainEvent(SOURCE, detail_type, term.school_id, detail)


def _failed_items(exc: TransactWriteError, names: list[str]) -> set[str]:
    """Names of the transaction items (in request order) whose condition failed."""
    reasons = exc.cancellation_reasons or []
    return {n for n, r in zip(names, reasons, strict=False) if r is not None and r.code == "ConditionalCheckFailed"}


def _validated(candidate: TermRules, term_id: str, locale: str) -> TermRules:
    found = rules.problems(candidate, locale)
    if found:
        raise ValidationFailed(found)
    return TermRules(candidate.starts_on, candidate.ends_on, candidate.holidays, candidate.make_up_days, term_id)


def _check_no_overlap(candidate: TermRules, terms: list[Term], locale: str) -> None:
    by_id = {t.term_id: t for t in terms}
    clash = rules.first_overlap(candidate, (t.rules() for t in terms))
    if clash is not None and clash.term_id is not None:
        other = by_id[clash.term_id]
        detail = {"term_id": other.term_id, "name": other.name, "starts_on": other.starts_on, "ends_on": other.ends_on}
        found = rules.Found("starts_on", "term_overlaps", dict(detail)).detail(locale)
        raise Conflict([{**found, "term": detail}], code="term_overlaps")


def _check_version(term: Term, expected: int) -> None:
    if expected != term.version:
        raise VersionConflict({"current_version": term.version})
