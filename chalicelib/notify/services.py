"""Notify use cases: turn domain events into notices, keep contacts, serve the inbox.

``handle`` is what the notifier Lambda (and, locally, the outbox dispatcher) calls for every
``kehou.enrollment`` event, ``handle_timetable`` for ``kehou.timetable``'s ``TimetablePublished``
(one notice per guardian of the changed classes, :mod:`.fanout`). Both are idempotent per (event,
guardian): the notice is written once, and e-mail/SMS go out only for channels not yet sent, so
replaying an event retries what failed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from pynamodb.connection import Connection

from chalicelib.core import authz
from chalicelib.core.clock import Clock
from chalicelib.core.identity import Principal, Role
from chalicelib.core.logging import logger
from chalicelib.core.pagination import Page
from chalicelib.core.vault import PersonalDataVault

from . import events, timetable
from .channels import Mailer, SesMailer, SnsTexter, Texter
from .contacts import ContactBook
from .delivery import Deliverer
from .fanout import DEFAULT_BUDGET_SECONDS, RecipientFinder, TimetableFanOut
from .inbox import Inbox
from .models import Notice
from .results import FanOutResult, HandleResult
from .schemas import ContactUpdate

__all__ = ["FanOutResult", "HandleResult", "NotifyService", "SesMailer", "SnsTexter"]


class NotifyService:
    def __init__(
        self,
        connection: Callable[[], Connection],
        clock: Clock,
        vault: PersonalDataVault,
        mailer: Mailer,
        texter: Texter,
        recipients: RecipientFinder | None = None,
        fanout_budget_seconds: float = DEFAULT_BUDGET_SECONDS,
    ):
        """``recipients`` finds a term's active enrolments in some classes; by default the enrolment
        context's read (:func:`chalicelib.enrollment.recipients.guardians_of_active`)."""
        self._inbox = Inbox(connection, clock)
        self._contacts = ContactBook(clock, vault)
        self._deliverer = Deliverer(clock, vault, mailer, texter)
        self._timetable = TimetableFanOut(
            self._inbox, self._contacts, self._deliverer, recipients or _active_enrolments, fanout_budget_seconds
        )

    # -- events ------------------------------------------------------------------------------

    def handle(self, detail_type: str, detail: dict[str, Any]) -> HandleResult | None:
        """Write the guardian's notice for one enrollment event and send what is owed."""
        try:
            event = events.parse(detail_type, detail)
        except events.BadEvent as exc:
            logger.error("malformed event ignored", extra={"detail_type": detail_type, "problem": str(exc)})
            return None
        if event is None:
            logger.info("event type ignored by notify", extra={"detail_type": detail_type})
            return None
        contact = self._contacts.find(event.school_id, event.guardian_sub)
        notice, created = self._inbox.create(event, contact)
        delivery = self._deliverer.deliver(notice, contact)
        return HandleResult(notice.notice_id, created, delivery)

    def handle_timetable(self, detail_type: str, detail: dict[str, Any]) -> FanOutResult | None:
        """Notify the guardians whose children's days changed in a published timetable version.

        None for other timetable events (they notify nobody) and for a malformed detail (logged).
        """
        if detail_type != timetable.PUBLISHED:
            logger.info("event type ignored by notify", extra={"detail_type": detail_type})
            return None
        return self._timetable.handle(detail)

    # -- contacts ----------------------------------------------------------------------------

    def put_contact(self, p: Principal, school_id: str, cmd: ContactUpdate) -> dict[str, Any]:
        authz.require_member(p, school_id, Role.GUARDIAN)
        return self._contacts.view(school_id, self._contacts.put(p, school_id, cmd))

    def get_contact(self, p: Principal, school_id: str) -> dict[str, Any]:
        authz.require_member(p, school_id, Role.GUARDIAN)
        return self._contacts.view(school_id, self._contacts.find(school_id, p.sub))

    # -- inbox -------------------------------------------------------------------------------

    def inbox(self, p: Principal, school_id: str, limit: int, cursor: str | None) -> tuple[Page[Notice], int]:
        authz.require_member(p, school_id, Role.GUARDIAN)
        return self._inbox.page(school_id, p.sub, limit, cursor)

    def mark_read(self, p: Principal, school_id: str, notice_id: str) -> Notice:
        authz.require_member(p, school_id, Role.GUARDIAN)
        return self._inbox.mark_read(school_id, p.sub, notice_id)


def _active_enrolments(school_id: str, term_id: str, class_ids: Sequence[str]) -> Iterable[timetable.Enrolment]:
    # Imported on first use: the notifier needs the enrolment models only for timetable events.
    from chalicelib.enrollment.recipients import guardians_of_active

    return guardians_of_active(school_id, term_id, class_ids)
