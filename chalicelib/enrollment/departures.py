"""退出: a guardian withdraws the child, or drops one activity, at any time (R2: 自愿).

A freed place goes straight to the first on the activity's waiting list (候补) — the highest R4
priority, and the earliest arrival within it (:mod:`.priority`; the list's sort key keeps that
order, so "first" is the first item of one Query): the place is held for that child — their
activity becomes ``seated`` and a ``PlaceOffered`` event tells the guardian,
who keeps it by doing nothing or gives it back with the drop endpoint. The whole hand-over (seat
counter, waiting-list entries, both applications, both histories, all events) is one transaction,
which changes each activity's counter once: places given back and entries taken off the list.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pynamodb.exceptions import TransactWriteError

from chalicelib.core.clock import iso
from chalicelib.core.errors import DomainError, ValidationFailed
from chalicelib.core.identity import Principal

from . import seats, states
from .access import Access, actor_role
from .flow import Flow, event_detail, load_application
from .models import Application, ApplicationClaim, Transition
from .tx import Transaction

ATTEMPTS = 6
HOLDERS = frozenset({states.APPROVED, states.ACTIVE})


class Departures:
    def __init__(self, flow: Flow, access: Access):
        self._flow = flow
        self._access = access

    def withdraw(
        self, p: Principal, school_id: str, application_id: str, effective_on: dt.date, reason: str
    ) -> Application:
        return self._run(p, school_id, application_id, "withdraw", None, effective_on, reason)

    def drop(
        self,
        p: Principal,
        school_id: str,
        application_id: str,
        activity_id: str,
        effective_on: dt.date,
        reason: str | None,
    ) -> Application:
        return self._run(p, school_id, application_id, "drop_activity", activity_id, effective_on, reason)

    def _run(
        self,
        p: Principal,
        school_id: str,
        application_id: str,
        action: str,
        activity_id: str | None,
        effective_on: dt.date,
        reason: str | None,
    ) -> Application:
        for _ in range(ATTEMPTS):
            app = load_application(school_id, application_id)
            self._access.require_family(p, app)
            frm = app.status
            to = states.next_status(action, frm)
            freed = self._affected(app, activity_id)
            held = [a["activity_id"] for a in freed if a["state"] in (seats.SEATED, seats.WAITLISTED)]
            tx = Transaction(self._flow.conn())
            try:
                with tx:
                    changes = self._stage(tx, p, app, action, frm, to, freed, effective_on, reason, activity_id)
            except TransactWriteError as exc:
                if "app" in tx.failed(exc):
                    self._flow.raise_lost(tx, exc, app, action)
                seats.forget(school_id, app.term_id, held)
                continue  # a waiting-list neighbour changed meanwhile: re-read and hand over again
            for view, (taken, waiting) in changes:
                view.committed(taken, waiting)
            self._flow.after_commit()
            return app
        raise DomainError(code="conflict")

    @staticmethod
    def _affected(app: Application, activity_id: str | None) -> list[dict[str, Any]]:
        live = (seats.SEATED, seats.WAITLISTED, seats.REQUESTED)
        if activity_id is None:
            return [a for a in app.activities if a["state"] in live]
        found = [a for a in app.activities if a["activity_id"] == activity_id and a["state"] in live]
        if not found:
            raise ValidationFailed(
                [{"field": "activity_id", "message": "not chosen in this application"}], code="activity_not_chosen"
            )
        return found

    def _stage(
        self,
        tx: Transaction,
        p: Principal,
        app: Application,
        action: str,
        frm: str,
        to: str,
        freed: list[dict[str, Any]],
        effective_on: dt.date,
        reason: str | None,
        activity_id: str | None,
    ) -> list[tuple[seats.CounterView, tuple[int, int]]]:
        """Stage the departure; returns each counter's change (taken, waiting) for when it commits."""
        now = self._flow.clock.now()
        touched = {app.application_id}  # an item may appear only once in a transaction
        changes: list[tuple[seats.CounterView, tuple[int, int]]] = []
        for a in freed:
            aid = a["activity_id"]
            if a["state"] == seats.SEATED:
                view = seats.counter(app.tenant_id, app.term_id, aid)
                change = self._hand_over(tx, view, touched)
            elif a["state"] == seats.WAITLISTED and a.get("wait_sk"):
                view = seats.counter(app.tenant_id, app.term_id, aid)
                seats.stage_unwait(tx, app.tenant_id, app.term_id, aid, a["wait_sk"])
                change = (0, -1)
            else:
                continue
            seats.stage_counter_change(tx, view, *change)
            changes.append((view, change))
        gone = {a["activity_id"] for a in freed}
        app.activities = [
            {"activity_id": a["activity_id"], "state": seats.DROPPED} if a["activity_id"] in gone else a
            for a in app.activities
        ]
        app.file_under(to)
        app.updated_at = iso(now)
        if action == "withdraw":
            app.status_reason, app.effective_on = reason, effective_on.isoformat()
            claim = ApplicationClaim(*ApplicationClaim.key(app.tenant_id, app.term_id, app.student_id))
            tx.delete("claim", claim)
        extra: dict[str, Any] = {"effective_on": effective_on.isoformat()}
        if activity_id:
            extra["activity_id"] = activity_id
        self._flow.stage(tx, app, p.sub, actor_role(p), action, frm, reason, **extra)
        return changes

    def _hand_over(self, tx: Transaction, view: seats.CounterView, touched: set[str]) -> tuple[int, int]:
        """Offer the freed place to the first valid waiting child (by priority, then arrival); else give
        it back to the counter. Returns the counter's change: (taken, waiting), both zero or negative."""
        school_id, term_id, activity_id = view.school_id, view.term_id, view.activity_id
        off_the_list = 0
        for entry in seats.waiting(school_id, term_id, activity_id):
            if entry.application_id in touched:
                continue
            other = load_application(school_id, entry.application_id)
            mine = [a for a in other.activities if a["activity_id"] == activity_id and a.get("wait_sk") == entry.sk]
            seats.stage_unwait(tx, school_id, term_id, activity_id, entry.sk)
            off_the_list -= 1
            if other.status not in HOLDERS or not mine or mine[0]["state"] != seats.WAITLISTED:
                continue  # a stale entry: remove it and look further down the list
            touched.add(other.application_id)
            self._offer(tx, other, activity_id, entry.sk)
            return 0, off_the_list  # the place changes hands: taken stays as it is
        return -1, off_the_list

    def _offer(self, tx: Transaction, other: Application, activity_id: str, wait_sk: str) -> None:
        now = self._flow.clock.now()
        position = seats.count_position(other.tenant_id, other.term_id, activity_id, wait_sk)
        other.activities = [
            {"activity_id": activity_id, "state": seats.SEATED, "offered_at": iso(now)}
            if a["activity_id"] == activity_id
            else a
            for a in other.activities
        ]
        other.updated_at = iso(now)
        tx.save(f"offer:{activity_id}", other)
        entry = self._flow.history_entry(
            other, "system", "system", "place_offered", other.status, other.status, None, activity_id
        )
        tx.save(f"offer:{activity_id}:history", entry, Transition.pk.does_not_exist())
        detail = event_detail(other, other.status, other.status, None, activity_id=activity_id, position=position)
        tx.event("PlaceOffered", other.tenant_id, detail, now)
