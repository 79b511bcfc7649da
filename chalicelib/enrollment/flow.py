"""The common step of every transition: check it is allowed, then write the application, its history
entry (who, when, from, to, why) and its outbox event in one transaction.

A double click never acts twice: the second request either reads the new status (409
``invalid_transition``) or loses the version condition and is told the same after a re-read.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pynamodb.connection import Connection
from pynamodb.exceptions import TransactWriteError

from chalicelib.core.clock import Clock, iso
from chalicelib.core.errors import NotFound, VersionConflict
from chalicelib.core.identity import Principal
from chalicelib.core.ids import is_id, new_id

from . import states
from .access import actor_role
from .models import Application, Transition
from .tx import Transaction

Stage = Callable[[Transaction], None]


def load_application(school_id: str, application_id: str) -> Application:
    if not is_id(application_id):
        raise NotFound()
    try:
        return Application.get(*Application.key(school_id, application_id), consistent_read=True)
    except Application.DoesNotExist as exc:
        raise NotFound() from exc


def event_detail(app: Application, frm: str, to: str, reason: str | None = None, **extra: Any) -> dict[str, Any]:
    """What every enrolment event carries (the notify context relies on exactly these fields)."""
    detail: dict[str, Any] = {
        "school_id": app.tenant_id,
        "application_id": app.application_id,
        "student_id": app.student_id,
        "guardian_sub": app.guardian_sub,
        "term_id": app.term_id,
        "from": frm,
        "to": to,
    }
    if reason:
        detail["reason"] = reason
    detail.update(extra)
    return detail


class Flow:
    def __init__(self, connection: Callable[[], Connection], clock: Clock, after_commit: Callable[[], None]):
        self.conn = connection
        self.clock = clock
        self.after_commit = after_commit

    def history_entry(
        self,
        app: Application,
        actor_sub: str,
        role: str,
        action: str,
        frm: str,
        to: str,
        reason: str | None = None,
        activity_id: str | None = None,
    ) -> Transition:
        pk, sk = Application.key(app.tenant_id, app.application_id)
        return Transition(
            pk,
            f"{sk}#H#{new_id()}",
            tenant_id=app.tenant_id,
            kind="Transition",
            actor_sub=actor_sub,
            actor_role=role,
            at=iso(self.clock.now()),
            from_status=frm,
            to_status=to,
            action=action,
            reason=reason,
            activity_id=activity_id,
        )

    def stage(
        self,
        tx: Transaction,
        app: Application,
        actor_sub: str,
        role: str,
        action: str,
        frm: str,
        reason: str | None = None,
        *,
        event: bool = True,
        name: str = "app",
        **extra: Any,
    ) -> None:
        """Add the application (version-checked), its history entry and its event to ``tx``."""
        now = self.clock.now()
        tx.save(name, app)
        entry = self.history_entry(app, actor_sub, role, action, frm, app.status, reason, extra.get("activity_id"))
        tx.save(f"{name}:history", entry, Transition.pk.does_not_exist())
        if event:
            detail = event_detail(app, frm, app.status, reason, **extra)
            tx.event(states.EVENTS.get(action, action), app.tenant_id, detail, now)

    def transition(
        self,
        p: Principal,
        app: Application,
        action: str,
        reason: str | None = None,
        extra: Stage | None = None,
        mutate: Callable[[Application], None] | None = None,
    ) -> Application:
        """Move ``app`` by ``action`` in one transaction (plus whatever ``extra`` stages).

        ``mutate`` changes the application before it is saved, after ``updated_at`` is set.
        """
        frm = app.status
        to = states.next_status(action, frm)
        app.updated_at = iso(self.clock.now())  # before ``mutate``, which may stamp its change with it
        if mutate:
            mutate(app)
        app.file_under(to)
        if reason is not None or to in (states.SUBMITTED,):
            app.status_reason = reason
        tx = Transaction(self.conn())
        try:
            with tx:
                self.stage(tx, app, p.sub, actor_role(p), action, frm, reason)
                if extra:
                    extra(tx)
        except TransactWriteError as exc:
            self.raise_lost(tx, exc, app, action)
        self.after_commit()
        return app

    def raise_lost(self, tx: Transaction, exc: TransactWriteError, app: Application, action: str) -> None:
        """The application changed under us: say what it is now (409), else re-raise."""
        if "app" in tx.failed(exc):
            fresh = load_application(app.tenant_id, app.application_id)
            states.next_status(action, fresh.status)  # raises invalid_transition when it moved on
            raise VersionConflict({"current_version": fresh.version}) from exc
        raise exc
