"""TimetablePublished → one notice per guardian of a child actively enrolled in a changed class.

One school (built once for the module through the real API: roster, term, program, 协议书, applications
up to ``active``) with classes A and B; each test hands a new event to the notify service and reads
the guardians' inboxes through the API. SES and SNS are moto's, wrapped in :class:`Recording`.
"""

from __future__ import annotations

import io
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

import pytest

from chalicelib.api.container import Container
from chalicelib.core.clock import iso
from chalicelib.core.ids import new_id
from chalicelib.core.logging import logger
from chalicelib.enrollment.recipients import guardians_of_active
from chalicelib.notify.consumer import NotifyConsumer
from chalicelib.notify.contacts import ContactBook
from chalicelib.notify.delivery import Deliverer
from chalicelib.notify.fanout import TimetableFanOut
from chalicelib.notify.inbox import Inbox
from chalicelib.notify.models import decode_notice_id
from chalicelib.notify.results import FanOutResult
from chalicelib.notify.services import NotifyService, SesMailer, SnsTexter
from tests.functional.conftest import Api, World, make_world
from tests.functional.isolation_enrollment import Family, Term, app_path, approved, new_family, new_term
from tests.functional.isolation_notify import Recording, put_contact
from tests.functional.test_notify_delivery import _client
from tests.unit.test_notify_consumer import record, sqs_event

AGREEMENT = "{{school_name}}与{{guardian_name}}就{{student_name}}参加{{term_name}}签订协议。"
EVERY_DAY = [1, 2, 3, 4, 5]


@dataclass
class School:
    """Who is enrolled how, in classes A and B of ``term``."""

    world: World
    term: Term
    class_a: str
    class_b: str
    one_in_a: Family  # active in A; e-mail and SMS on
    two_kids: tuple[Family, Family]  # one guardian, active children in A and in B; e-mail on
    one_in_b: Family  # active in B; e-mail on
    submitted_in_a: Family  # applied in A, not approved yet
    withdrawn_in_a: Family  # was active in A, then withdrew
    other_term_in_a: Family  # active in A, but for another term


def _phone() -> str:
    return f"+86139{uuid.uuid4().int % 10**8:08d}"  # one per family: guardians see only their children


def _active(api: Api, w: World, f: Family, t: Term) -> str:
    app_id = str(approved(api, w, f, t)["id"])
    r = api.post(app_path(w, app_id, "/agreement"), {"template_version": 1, "agree": True}, as_=f.guardian)
    assert r.status_code == 201, r.body
    return app_id


def _term(api: Api, w: World) -> Term:
    term = new_term(api, w)
    path = f"/schools/{w.school_id}/terms/{term.term_id}/agreement-template"
    assert api.call("PUT", path, {"text": AGREEMENT}, as_=w.school_admin).status_code in (200, 201)
    return term


@pytest.fixture(scope="module")
def school(api: Api) -> School:
    w = make_world(api)
    term, earlier = _term(api, w), _term(api, w)
    one_in_a, one_in_b = new_family(api, w, phone=_phone()), new_family(api, w, phone=_phone())
    a, b = one_in_a.class_id, one_in_b.class_id

    def family(klass: Family, phone: str | None = None) -> Family:
        return new_family(api, w, phone=phone or _phone(), class_id=klass.class_id, teacher_sub=klass.teacher_sub)

    parent_phone = _phone()
    first = family(one_in_a, parent_phone)
    second = replace(family(one_in_b, parent_phone), guardian=first.guardian)  # the same account, two children
    submitted, withdrawn, other_term = family(one_in_a), family(one_in_a), family(one_in_a)

    for f in (one_in_a, first, second, one_in_b):
        _active(api, w, f, term)
    _active(api, w, other_term, earlier)
    gone = _active(api, w, withdrawn, term)
    body = {"effective_on": "3000-03-01", "reason": "搬家"}
    assert api.post(app_path(w, gone, "/withdraw"), body, as_=withdrawn.guardian).status_code == 200
    r = api.post(
        f"/schools/{w.school_id}/students/{submitted.student_id}/consent",
        {"text_version": "v1"},
        as_=submitted.guardian,
    )
    assert r.status_code == 201, r.body
    r = api.post(
        f"/schools/{w.school_id}/applications",
        {
            "student_id": submitted.student_id,
            "term_id": term.term_id,
            "care_reason": {"pickup_by": "母亲", "pickup_time": "18:00", "note": "加班"},
            "services": ["care"],
            "activity_ids": [],
            "lunch": False,
        },
        as_=submitted.guardian,
    )
    assert r.status_code == 201, r.body
    assert api.post(app_path(w, r.json["id"], "/submit"), as_=submitted.guardian).status_code == 200

    assert put_contact(api, w, one_in_a.guardian, email="a@example.cn", email_enabled=True, sms=True).status_code == 200
    assert (
        put_contact(api, w, first.guardian, email="ab@example.cn", email_enabled=True, locale="en").status_code == 200
    )
    assert put_contact(api, w, one_in_b.guardian, email="b@example.cn", email_enabled=True).status_code == 200
    return School(w, term, a, b, one_in_a, (first, second), one_in_b, submitted, withdrawn, other_term)


@pytest.fixture
def ses(container: Container) -> Recording:
    return Recording(_client(container, "ses"))


@pytest.fixture
def sns(container: Container) -> Recording:
    return Recording(_client(container, "sns"))


@pytest.fixture(autouse=True)
def system_credentials(container: Container) -> Iterator[None]:
    """The notifier runs on the function's own role, with no principal (as in AWS)."""
    with container.data.unscoped():
        yield


def _service(container: Container, ses: Recording, sns: Recording, **kw: Any) -> NotifyService:
    mailer = SesMailer(ses, container.settings.mail_sender)
    return NotifyService(container.data.connection, container.clock, container.vault, mailer, SnsTexter(sns), **kw)


def published(s: School, changes: list[tuple[str, list[int]]], version: int = 2, **over: Any) -> dict[str, Any]:
    """A TimetablePublished detail as the timetable context's outbox publishes it (ids only)."""
    detail: dict[str, Any] = {
        "event_id": new_id(),
        "occurred_at": iso(datetime.now(UTC)),
        "tenant_id": s.world.school_id,
        "school_id": s.world.school_id,
        "term_id": s.term.term_id,
        "version": version,
        "previous_version": version - 1 if version > 1 else None,
        "changes": [{"class_id": c, "weekdays": days} for c, days in changes],
    }
    return {**detail, **over}


def notices(api: Api, s: School, family: Family, event_id: str, locale: str = "zh-CN") -> list[dict[str, Any]]:
    """The guardian's notices for this event (the module's school sees many events)."""
    r = api.get(
        f"/schools/{s.world.school_id}/my/inbox?limit=100", as_=family.guardian, headers={"Accept-Language": locale}
    )
    assert r.status_code == 200, r.body
    return [n for n in r.json["items"] if (decode_notice_id(n["id"]) or "").endswith(f"#{event_id}")]


def nobody_else(api: Api, s: School, event_id: str) -> None:
    for f in (s.submitted_in_a, s.withdrawn_in_a, s.other_term_in_a):
        assert notices(api, s, f, event_id) == []


def test_recipients_are_the_terms_active_enrolments_of_the_classes(school: School) -> None:
    s, (first, second) = school, school.two_kids
    found = guardians_of_active(s.world.school_id, s.term.term_id, [s.class_a, s.class_b, s.class_a])
    assert sorted((e.student_id, e.class_id) for e in found) == sorted(
        (f.student_id, f.class_id) for f in (s.one_in_a, first, second, s.one_in_b)
    )
    assert {e.student_id for e in guardians_of_active(s.world.school_id, s.term.term_id, [s.class_b])} == {
        second.student_id,
        s.one_in_b.student_id,
    }
    assert guardians_of_active(s.world.school_id, s.term.term_id, ["nope", new_id()]) == []
    assert guardians_of_active(new_id(), s.term.term_id, [s.class_a]) == []  # another school's partition


def test_only_guardians_of_the_changed_class_get_one_notice_and_redelivery_adds_nothing(
    api: Api, container: Container, school: School, ses: Recording, sns: Recording
) -> None:
    s, svc = school, _service(container, ses, sns)
    detail = published(s, [(s.class_a, [2])])
    result = svc.handle_timetable("TimetablePublished", detail)
    assert isinstance(result, FanOutResult)
    assert (len(result.notices), result.created, result.owed, result.errors, result.deferred) == (2, 2, [], 0, 0)

    [mine] = notices(api, s, s.one_in_a, detail["event_id"])
    assert (mine["type"], mine["code"], mine["title"]) == ("TimetablePublished", "timetable_changed", "课表已更新")
    assert mine["body"] == "课表已更新：您的孩子周二的课后服务安排有变化，请查看孩子的课表。"
    assert mine["params"] == {
        "term_id": s.term.term_id,
        "version": 2,
        "weekdays": [2],
        "student_id": s.one_in_a.student_id,
        "children": [{"student_id": s.one_in_a.student_id, "class_id": s.class_a, "weekdays": [2]}],
    }
    assert mine["delivery"] == {"email": "sent", "sms": "sent"}
    first, second = s.two_kids
    [theirs] = notices(api, s, first, detail["event_id"], locale="en")
    assert theirs["params"]["children"] == [{"student_id": first.student_id, "class_id": s.class_a, "weekdays": [2]}]
    assert "Tuesday" in theirs["body"] and theirs["delivery"] == {"email": "sent"}
    assert notices(api, s, s.one_in_b, detail["event_id"]) == []  # class B did not change
    nobody_else(api, s, detail["event_id"])
    assert sorted(m["Destination"]["ToAddresses"][0] for m in ses.sent) == ["a@example.cn", "ab@example.cn"]
    assert [m["Message"]["Subject"]["Data"] for m in ses.sent if "ab@" in str(m)] == ["Timetable updated"]
    assert len(sns.sent) == 1 and sns.sent[0]["Message"].startswith("【课后服务】课表已更新")

    # SQS hands the whole message over again: nothing new is written or sent
    again = svc.handle_timetable("TimetablePublished", dict(detail))
    assert isinstance(again, FanOutResult) and again.created == 0 and again.owed == []
    assert {n.notice_id for n in again.notices} == {n.notice_id for n in result.notices}
    assert len(ses.attempts) == 2 and len(sns.attempts) == 1
    assert len(notices(api, s, s.one_in_a, detail["event_id"])) == 1
    assert len(notices(api, s, first, detail["event_id"])) == 1


def test_version_one_tells_every_enrolled_family_once(
    api: Api, container: Container, school: School, ses: Recording, sns: Recording
) -> None:
    s, (first, second) = school, school.two_kids
    detail = published(s, [(s.class_a, EVERY_DAY), (s.class_b, EVERY_DAY)], version=1)
    result = _service(container, ses, sns).handle_timetable("TimetablePublished", detail)
    assert isinstance(result, FanOutResult) and result.created == 3 and result.owed == []

    for family in (s.one_in_a, s.one_in_b):
        [n] = notices(api, s, family, detail["event_id"])
        assert (n["code"], n["title"], n["params"]["student_id"]) == (
            "timetable_published",
            "课表已发布",
            family.student_id,
        )
    [both] = notices(api, s, first, detail["event_id"])  # two children, one notice naming both
    assert both["code"] == "timetable_published" and "student_id" not in both["params"]
    assert sorted(c["student_id"] for c in both["params"]["children"]) == sorted([first.student_id, second.student_id])
    assert both["params"]["weekdays"] == EVERY_DAY
    nobody_else(api, s, detail["event_id"])
    assert len(ses.sent) == 3 and len(sns.sent) == 1  # one e-mail per family, however many children


def test_a_failed_sms_brings_the_message_back_and_the_replay_sends_only_that(
    api: Api, container: Container, school: School, ses: Recording
) -> None:
    s = school
    flaky = Recording(_client(container, "sns"), fail_first=1)
    consumer = NotifyConsumer(
        lambda source, detail_type, d: _service(container, ses, flaky).handle_timetable(detail_type, d)
    )
    detail = published(s, [(s.class_a, [3])], version=5)
    message = record({"source": "kehou.timetable", "detail-type": "TimetablePublished", "detail": detail}, "m-1")
    assert consumer.process(sqs_event(message)) == {"batchItemFailures": [{"itemIdentifier": "m-1"}]}
    assert len(flaky.sent) == 0 and len(ses.sent) == 2
    assert notices(api, s, s.one_in_a, detail["event_id"])[0]["delivery"] == {"email": "sent", "sms": "failed"}

    assert consumer.process(sqs_event(message)) == {"batchItemFailures": []}  # the redelivery
    assert len(flaky.sent) == 1 and len(ses.sent) == 2  # the SMS went out, no e-mail twice
    assert notices(api, s, s.one_in_a, detail["event_id"])[0]["delivery"] == {"email": "sent", "sms": "sent"}


def test_a_fan_out_out_of_time_carries_on_at_the_next_delivery(
    api: Api, container: Container, school: School, ses: Recording, sns: Recording
) -> None:
    s = school
    detail = published(s, [(s.class_a, [1]), (s.class_b, [1])], version=7)
    nothing = _service(container, ses, sns, fanout_budget_seconds=0).handle_timetable("TimetablePublished", detail)
    assert isinstance(nothing, FanOutResult) and nothing.deferred == 3 and nothing.owed == ["inbox"]
    assert notices(api, s, s.one_in_a, detail["event_id"]) == [] and ses.attempts == []

    ticks = iter(range(100))  # every guardian takes one second; the budget allows one
    mailer = SesMailer(ses, container.settings.mail_sender)
    deliverer = Deliverer(container.clock, container.vault, mailer, SnsTexter(sns))
    partial = TimetableFanOut(
        Inbox(container.data.connection, container.clock),
        ContactBook(container.clock, container.vault),
        deliverer,
        guardians_of_active,
        budget_seconds=2.5,
        monotonic=lambda: float(next(ticks)),
    ).handle(detail)
    assert isinstance(partial, FanOutResult) and (partial.created, partial.deferred) == (2, 1)
    assert partial.owed == ["inbox"]

    rest = _service(container, ses, sns).handle_timetable("TimetablePublished", detail)
    assert isinstance(rest, FanOutResult) and (rest.created, rest.deferred, rest.owed) == (1, 0, [])
    assert len(ses.sent) == 3 and len(sns.sent) == 1  # everyone once, across the three deliveries
    for family in (s.one_in_a, s.two_kids[0], s.one_in_b):
        assert len(notices(api, s, family, detail["event_id"])) == 1


@pytest.mark.parametrize(
    "over",
    [{"tenant_id": "01K0SEED000000000000000001"}, {"changes": [{"class_id": "x", "weekdays": [2]}]}, {"version": "2"}],
)
def test_a_malformed_event_is_logged_and_dropped(
    api: Api,
    container: Container,
    school: School,
    ses: Recording,
    sns: Recording,
    over: dict[str, Any],
) -> None:
    s = school
    detail = {**published(s, [(s.class_a, [2])]), **over}
    svc = _service(container, ses, sns)
    buffer = io.StringIO()
    previous = logger.registered_handler.setStream(buffer)  # type: ignore[attr-defined]
    try:
        assert svc.handle_timetable("TimetablePublished", detail) is None
    finally:
        logger.registered_handler.setStream(previous)  # type: ignore[attr-defined]
    logged = [json.loads(line) for line in buffer.getvalue().splitlines() if line.startswith("{")]
    assert [e["level"] for e in logged if e["message"] == "malformed timetable event ignored"] == ["ERROR"]
    consumer = NotifyConsumer(lambda source, detail_type, d: svc.handle_timetable(detail_type, d))
    message = record({"source": "kehou.timetable", "detail-type": "TimetablePublished", "detail": detail})
    assert consumer.process(sqs_event(message)) == {"batchItemFailures": []}  # no retry storm
    assert notices(api, s, s.one_in_a, detail["event_id"]) == [] and ses.attempts == [] and sns.attempts == []


def test_the_container_routes_the_publication_to_the_fan_out(
    api: Api, container: Container, school: School, ses: Recording, sns: Recording
) -> None:
    s = school
    c = Container(container.settings, drain_inline=False, publisher=container.events, verifier=container.auth)
    c.notify = _service(container, ses, sns)  # the notifier Lambda's container, with recorded edges
    detail = published(s, [(s.class_b, [4])], version=9)
    assert c.handle_event("kehou.timetable", "TimetableGenerationRequested", detail) is None
    assert c.handle_event("kehou.enrollment", "TimetablePublished", detail) is None  # not an enrolment event
    result = c.handle_event("kehou.timetable", "TimetablePublished", detail)
    assert isinstance(result, FanOutResult) and result.created == 2 and result.owed == []
    [n] = notices(api, s, s.one_in_b, detail["event_id"])
    assert n["code"] == "timetable_changed" and n["params"]["weekdays"] == [4]
    [family] = notices(api, s, s.two_kids[0], detail["event_id"])
    assert family["params"]["student_id"] == s.two_kids[1].student_id  # only the child in class B
    assert notices(api, s, s.one_in_a, detail["event_id"]) == []


def test_the_invocations_remaining_time_stops_a_fan_out_before_its_budget(
    api: Api, container: Container, school: School, ses: Recording, sns: Recording
) -> None:
    """In AWS the consumer sets the invocation's deadline from the Lambda context: a fan-out with a
    generous budget still stops in time (a second fan-out in the same batch cannot overrun)."""
    import time

    from chalicelib.core.deadline import invocation_deadline, lambda_deadline

    s = school
    detail = published(s, [(s.class_a, [2]), (s.class_b, [2])], version=8)
    generous = _service(container, ses, sns, fanout_budget_seconds=3600)
    with invocation_deadline(time.monotonic() - 1):  # the invocation's time is already up
        stopped = generous.handle_timetable("TimetablePublished", detail)
    assert isinstance(stopped, FanOutResult) and (stopped.created, stopped.deferred) == (0, 3)
    assert stopped.owed == ["inbox"]

    class LambdaContext:
        def get_remaining_time_in_millis(self) -> int:
            return 300_000

    deadline = lambda_deadline(LambdaContext())
    assert deadline is not None and 285 < deadline - time.monotonic() <= 290  # 5 minutes less the safety margin
    assert lambda_deadline(object()) is None  # not a Lambda context: no deadline
    with invocation_deadline(deadline):
        done = generous.handle_timetable("TimetablePublished", detail)
    assert isinstance(done, FanOutResult) and (done.created, done.deferred, done.owed) == (3, 0, [])
