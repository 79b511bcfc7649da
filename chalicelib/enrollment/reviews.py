"""班级审核 by the 班主任 and 校长审定 by the principal, one by one or many at once.

The principal's approval is where places are taken: for each chosen activity, a place if one is
free (``taken < capacity`` in the same transaction), else the activity's waiting list (候补), placed
by the R4 priority of the application's reason, then arrival. When two approvals race for the last
place, DynamoDB lets one win; the other re-reads and is waitlisted.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pynamodb.exceptions import TransactWriteError

from chalicelib.core import authz, i18n
from chalicelib.core.clock import iso
from chalicelib.core.errors import DomainError, ValidationFailed
from chalicelib.core.identity import Principal

from . import priority, seats, states
from .access import Access, actor_role, require_homeroom_teacher
from .applications import activities_json
from .flow import Flow, event_detail, load_application
from .models import Application, ApplicationClaim, Transition
from .tx import Transaction

TEACHER_ACTIONS = {"approve": "teacher_approve", "return": "return", "reject": "teacher_reject"}
SEAT_ATTEMPTS = 8


class Reviews:
    def __init__(self, flow: Flow, access: Access):
        self._flow = flow
        self._access = access

    def class_review(
        self, p: Principal, school_id: str, application_id: str, decision: str, reason: str | None
    ) -> Application:
        """班级审核: approve, return for changes (reason) or reject (reason).

        The decision is also kept on the application (``class_review``, see :func:`class_review_record`),
        in the same item write, so the principal's queue shows who decided without the history.
        """
        app = load_application(school_id, application_id)
        klass = require_homeroom_teacher(p, school_id, app.class_id)
        action = TEACHER_ACTIONS[decision]
        states.next_status(action, app.status)
        if decision != "approve" and not reason:
            raise ValidationFailed([{"field": "reason", "message": "a reason is required"}])

        def record(a: Application) -> None:
            a.class_review = class_review_record(decision, p.sub, klass.homeroom_teacher_name, a.updated_at, reason)

        extra = release_claim(app) if decision == "reject" else None
        return self._flow.transition(p, app, action, reason, extra=extra, mutate=record)

    def decide(
        self, p: Principal, school_id: str, application_id: str, decision: str, reason: str | None
    ) -> Application:
        """校长审定: approve (taking places or waitlisting) or reject (reason)."""
        authz.require_school_admin(p, school_id)
        if decision == "reject":
            if not reason:
                raise ValidationFailed([{"field": "reason", "message": "a reason is required"}])
            app = load_application(school_id, application_id)
            return self._flow.transition(p, app, "reject", reason, extra=release_claim(app))
        return self._approve(p, school_id, application_id, reason)

    def decide_many(
        self, p: Principal, school_id: str, ids: list[str], decision: str, reason: str | None, locale: str
    ) -> list[dict[str, Any]]:
        """Each application is checked and decided on its own; each result is reported separately.

        A decided one carries its activities (seated, or waitlisted with the position); a refused
        one its error code, HTTP status, message in ``locale`` and, when there are some, the
        details (for ``invalid_transition``, the status it has now).
        """
        authz.require_school_admin(p, school_id)
        if decision == "reject" and not reason:
            raise ValidationFailed([{"field": "reason", "message": "a reason is required"}])
        results: list[dict[str, Any]] = []
        for application_id in dict.fromkeys(ids):
            try:
                app = self.decide(p, school_id, application_id, decision, reason)
            except DomainError as err:
                refused: dict[str, Any] = {
                    "application_id": application_id,
                    "ok": False,
                    "error": err.code,
                    "status_code": err.status,
                    "message": i18n.message(err.code, locale),
                }
                if err.details is not None:
                    refused["details"] = err.details
                results.append(refused)
                continue
            results.append(
                {
                    "application_id": application_id,
                    "ok": True,
                    "status": app.status,
                    "activities": activities_json(app),
                }
            )
        return results

    def _approve(self, p: Principal, school_id: str, application_id: str, reason: str | None) -> Application:
        for _ in range(SEAT_ATTEMPTS):
            app = load_application(school_id, application_id)
            frm = app.status
            states.next_status("approve", frm)
            program = seats.load_program(school_id, app.term_id)  # once per request, like the counters
            wanted = [a["activity_id"] for a in app.activities if a["state"] == seats.REQUESTED]
            known = [aid for aid in wanted if program and aid in program.activities]
            views = {aid: seats.counter(school_id, app.term_id, aid) for aid in known}
            tx = Transaction(self._flow.conn())
            try:
                with tx:
                    changes = self._stage_approval(tx, p, app, frm, reason, program, views)
            except TransactWriteError as exc:
                failed = tx.failed(exc)
                if "app" in failed:
                    self._flow.raise_lost(tx, exc, app, "approve")
                # Lost the race for a place, found a place freed while we meant to waitlist, or a
                # transaction conflict: read the counters again and decide again.
                seats.forget(school_id, app.term_id, known)
                continue
            for aid, (taken, waiting) in changes.items():
                views[aid].committed(taken, waiting)
            self._flow.after_commit()
            return app
        raise DomainError(code="conflict")

    def _stage_approval(
        self,
        tx: Transaction,
        p: Principal,
        app: Application,
        frm: str,
        reason: str | None,
        program: seats.Program | None,
        views: dict[str, seats.CounterView],
    ) -> dict[str, tuple[int, int]]:
        """Stage the approval; returns the change to each counter (taken, waiting) if it commits."""
        now = self._flow.clock.now()
        situation = priority.situation_of(app.care_reason)  # R4: the reason sets the place on waiting lists
        activities: list[dict[str, Any]] = []
        waitlisted: list[tuple[str, int]] = []
        changes: dict[str, tuple[int, int]] = {}
        for a in app.activities:
            aid = a["activity_id"]
            if a["state"] != seats.REQUESTED:
                activities.append(a)
                continue
            if program is None or aid not in program.activities:
                activities.append({**a, "state": seats.UNAVAILABLE})  # no longer in the published program
                continue
            capacity = program.capacity(aid)
            if views[aid].free(capacity) > 0:
                seats.stage_take(tx, views[aid], capacity)
                activities.append({"activity_id": aid, "state": seats.SEATED})
                changes[aid] = (1, 0)
            else:
                sk = seats.stage_wait(tx, views[aid], capacity, app.application_id, situation, now)
                activities.append({"activity_id": aid, "state": seats.WAITLISTED, "wait_sk": sk})
                position = seats.ahead_of(app.tenant_id, app.term_id, aid, sk) + 1
                seats.remember_position(app.tenant_id, app.term_id, aid, sk, position)
                waitlisted.append((aid, position))
                changes[aid] = (0, 1)
        app.activities = activities
        app.file_under(states.APPROVED)
        app.status_reason = reason
        app.updated_at = iso(now)
        self._flow.stage(tx, app, p.sub, actor_role(p), "approve", frm, reason)
        for aid, position in waitlisted:
            entry = self._flow.history_entry(app, p.sub, actor_role(p), "waitlisted", frm, app.status, None, aid)
            tx.save(f"history:{aid}", entry, Transition.pk.does_not_exist())
            detail = event_detail(app, frm, app.status, None, activity_id=aid, position=position)
            tx.event("Waitlisted", app.tenant_id, detail, now)
        return changes


def class_review_record(
    decision: str, by: str, by_name: str | None, at: str, reason: str | None
) -> dict[str, str | None]:
    """What ``Application.class_review`` stores: the decision (approve, return, reject), the 班主任's
    account sub and name (the class's ``homeroom_teacher_name``, None if the roster has none), when
    (the transition's ``updated_at``) and the reason, only when one was given.

    >>> class_review_record("approve", "t-1", "李老师", "2026-09-01T08:00:00.000000Z", None)
    {'decision': 'approve', 'by': 't-1', 'by_name': '李老师', 'at': '2026-09-01T08:00:00.000000Z'}
    """
    record: dict[str, str | None] = {"decision": decision, "by": by, "by_name": by_name or None, "at": at}
    if reason:
        record["reason"] = reason
    return record


def release_claim(app: Application) -> Callable[[Transaction], None]:
    """A rejected application no longer blocks a new one for the same child and term."""

    def stage(tx: Transaction) -> None:
        tx.delete("claim", ApplicationClaim(*ApplicationClaim.key(app.tenant_id, app.term_id, app.student_id)))

    return stage
