"""Notify use cases: turn enrollment events into notices, keep contacts, serve the inbox.

``handle`` is what the notifier Lambda (and, locally, the outbox dispatcher) calls for every
``kehou.enrollment`` event. It is idempotent per (event, guardian): the notice is written once,
and e-mail/SMS go out only for channels not yet sent, so replaying an event retries what failed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pynamodb.connection import Connection

from chalicelib.core import authz
from chalicelib.core.clock import Clock
from chalicelib.core.identity import Principal, Role
from chalicelib.core.logging import logger
from chalicelib.core.pagination import Page
from chalicelib.core.vault import PersonalDataVault

from . import events
from .channels import Mailer, SesMailer, SnsTexter, Texter
from .contacts import ContactBook
from .delivery import Deliverer
from .inbox import Inbox
from .models import Notice
from .schemas import ContactUpdate

__all__ = ["HandleResult", "NotifyService", "SesMailer", "SnsTexter"]


@dataclass(frozen=True)
class HandleResult:
    notice_id: str
    created: bool  # False: a duplicate or replay, which only retried unsent channels
    delivery: dict[str, str] = field(default_factory=dict)

    @property
    def failed(self) -> list[str]:
        """Channels that failed: the notifier Lambda raises on these so SQS redelivers (a replay)."""
        return [c for c, s in self.delivery.items() if s == "failed"]


class NotifyService:
    def __init__(
        self,
        connection: Callable[[], Connection],
        clock: Clock,
        vault: PersonalDataVault,
        mailer: Mailer,
        texter: Texter,
    ):
        self._inbox = Inbox(connection, clock)
        self._contacts = ContactBook(clock, vault)
        self._deliverer = Deliverer(clock, vault, mailer, texter)

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
