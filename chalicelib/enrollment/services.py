"""Enrolment (报名): the facade the API calls. 服务内容公示 → 学生选择 → 家长申请 → 班级审核 → 校长审定 → 协议书.

It only wires the smaller modules together:

- :mod:`.consent`      PIPL separate consent of a guardian to processing the child's data;
- :mod:`.applications` a guardian's application: create, edit, submit, read, the review queues;
- :mod:`.reviews`      班级审核 by the 班主任, 校长审定 by the principal (one or many), places taken here;
- :mod:`.agreements`   the per-term 协议书 template and the guardian's signature;
- :mod:`.departures`   withdrawal and dropping an activity, handing freed places to the waiting list (候补);
- :mod:`.places`       how many places each activity of a term has left, and how many children wait.

Every transition is one transaction with its history entry and its ``kehou.enrollment`` event.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from pynamodb.connection import Connection

from chalicelib.core.clock import Clock
from chalicelib.core.identity import Principal
from chalicelib.core.pagination import Page
from chalicelib.core.vault import PersonalDataVault

from . import schemas
from .access import Access
from .agreements import Agreements
from .applications import Applications, as_json
from .consent import ConsentBook
from .departures import Departures
from .flow import Flow
from .models import Application
from .places import Places
from .reviews import Reviews

if TYPE_CHECKING:
    from chalicelib.enrollment.catalog.services import CatalogService
    from chalicelib.roster.services import RosterService


class EnrollmentService:
    def __init__(
        self,
        connection: Callable[[], Connection],
        clock: Clock,
        after_commit: Callable[[], None],
        vault: PersonalDataVault,
        roster: RosterService,
        catalog: CatalogService,
    ):
        self._roster = roster
        self._catalog = catalog
        access = Access(vault)
        flow = Flow(connection, clock, after_commit)
        self.consent = ConsentBook(connection, clock, access)
        self.applications = Applications(flow, access, self.consent)
        self.reviews = Reviews(flow, access)
        self.departures = Departures(flow, access)
        self.agreements = Agreements(flow, access)
        self.places_book = Places()

    # -- consent -------------------------------------------------------------------------------------

    def grant_consent(self, p: Principal, school_id: str, student_id: str, text_version: str) -> dict[str, Any]:
        return self.consent.grant(p, school_id, student_id, text_version)

    def withdraw_consent(self, p: Principal, school_id: str, student_id: str) -> dict[str, Any]:
        return self.consent.withdraw(p, school_id, student_id)

    def consent_state(self, p: Principal, school_id: str, student_id: str) -> dict[str, Any]:
        return self.consent.state(p, school_id, student_id)

    # -- applications --------------------------------------------------------------------------------

    def create(
        self, p: Principal, school_id: str, cmd: schemas.ApplicationCreate, idempotency_key: str | None = None
    ) -> tuple[dict[str, Any], bool]:
        """The new draft, and whether this is a replay of an earlier request with the same key."""
        app, replayed = self.applications.create(p, school_id, cmd, idempotency_key)
        return as_json(app), replayed

    def update(
        self, p: Principal, school_id: str, application_id: str, cmd: schemas.ApplicationUpdate, if_match: str | None
    ) -> dict[str, Any]:
        return as_json(self.applications.update(p, school_id, application_id, cmd, if_match))

    def submit(self, p: Principal, school_id: str, application_id: str) -> dict[str, Any]:
        return as_json(self.applications.submit(p, school_id, application_id))

    def get(self, p: Principal, school_id: str, application_id: str) -> dict[str, Any]:
        return as_json(self.applications.get(p, school_id, application_id))

    def history(self, p: Principal, school_id: str, application_id: str) -> list[dict[str, Any]]:
        return self.applications.history(p, school_id, application_id)

    def mine(self, p: Principal, school_id: str) -> list[dict[str, Any]]:
        return [as_json(a) for a in self.applications.mine(p, school_id)]

    def class_queue(self, p: Principal, school_id: str, class_id: str, q: schemas.QueueQuery) -> dict[str, Any]:
        return _page(self.applications.class_queue(p, school_id, class_id, q))

    def school_queue(self, p: Principal, school_id: str, q: schemas.QueueQuery) -> dict[str, Any]:
        return _page(self.applications.school_queue(p, school_id, q))

    # -- reviews -------------------------------------------------------------------------------------

    def class_review(
        self, p: Principal, school_id: str, application_id: str, decision: str, reason: str | None
    ) -> dict[str, Any]:
        return as_json(self.reviews.class_review(p, school_id, application_id, decision, reason))

    def decide(
        self, p: Principal, school_id: str, application_id: str, decision: str, reason: str | None
    ) -> dict[str, Any]:
        return as_json(self.reviews.decide(p, school_id, application_id, decision, reason))

    def decide_many(
        self, p: Principal, school_id: str, cmd: schemas.BatchDecision, locale: str = "zh-CN"
    ) -> list[dict[str, Any]]:
        return self.reviews.decide_many(p, school_id, cmd.application_ids, cmd.decision, cmd.reason, locale)

    # -- places (名额) ---------------------------------------------------------------------------------

    def places(self, p: Principal, school_id: str, term_id: str) -> list[dict[str, Any]]:
        return self.places_book.places(p, school_id, term_id)

    # -- agreement (协议书) ----------------------------------------------------------------------------

    def get_template(self, p: Principal, school_id: str, term_id: str) -> dict[str, Any]:
        return self.agreements.get_template(p, school_id, term_id)

    def put_template(self, p: Principal, school_id: str, term_id: str, text: str) -> dict[str, Any]:
        return self.agreements.put_template(p, school_id, term_id, text)

    def sign(
        self, p: Principal, school_id: str, application_id: str, template_version: int, ip: str, user_agent: str
    ) -> dict[str, Any]:
        return self.agreements.sign(p, school_id, application_id, template_version, ip, user_agent)

    def preview_agreement(self, p: Principal, school_id: str, application_id: str) -> dict[str, Any]:
        return self.agreements.preview(p, school_id, application_id)

    def signed_copy(self, p: Principal, school_id: str, application_id: str) -> dict[str, Any]:
        return self.agreements.signed_copy(p, school_id, application_id)

    # -- leaving (退出) ---------------------------------------------------------------------------------

    def withdraw(
        self, p: Principal, school_id: str, application_id: str, effective_on: dt.date, reason: str
    ) -> dict[str, Any]:
        return as_json(self.departures.withdraw(p, school_id, application_id, effective_on, reason))

    def drop(
        self,
        p: Principal,
        school_id: str,
        application_id: str,
        activity_id: str,
        effective_on: dt.date,
        reason: str | None,
    ) -> dict[str, Any]:
        return as_json(self.departures.drop(p, school_id, application_id, activity_id, effective_on, reason))


def _page(page: Page[Application]) -> dict[str, Any]:
    return {"items": [as_json(a) for a in page.items], "next_cursor": page.next_cursor}
