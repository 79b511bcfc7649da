"""Enrollment events become inbox notices, e-mails and SMS, once per (event, guardian).

SES and SNS are moto's; the clients are wrapped in :class:`Recording` (dependency injection) to see
what went out and to make the first sends fail.
"""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from pynamodb.transactions import TransactWrite

from chalicelib.api.container import Container
from chalicelib.core import outbox
from chalicelib.core.ids import new_id
from chalicelib.notify.events import CODES
from chalicelib.notify.services import NotifyService, SesMailer, SnsTexter
from tests.functional.conftest import Api, World
from tests.functional.isolation_notify import PHONE, Recording, event_detail, guardian, put_contact


def _client(container: Container, service: str) -> Any:
    s = container.settings
    region = s.mail_region if service == "ses" else s.region  # SES is not offered in the China regions
    return boto3.client(service, region_name=region, endpoint_url=s.notify_endpoint)


@pytest.fixture
def ses(container: Container) -> Recording:
    return Recording(_client(container, "ses"))


@pytest.fixture
def sns(container: Container) -> Recording:
    return Recording(_client(container, "sns"))


def _service(container: Container, ses: Recording, sns: Recording) -> NotifyService:
    mailer = SesMailer(ses, container.settings.mail_sender)
    return NotifyService(container.data.connection, container.clock, container.vault, mailer, SnsTexter(sns))


def _inbox(api: Api, w: World, token: str, query: str = "", **kw: Any) -> Any:
    r = api.get(f"/schools/{w.school_id}/my/inbox{query}", as_=token, **kw)
    assert r.status_code == 200, r.body
    return r.json


def _raw(container: Container, pk: str, sk: str) -> dict[str, Any]:
    ddb = boto3.client(
        "dynamodb", region_name=container.settings.region, endpoint_url=container.settings.dynamodb_endpoint
    )
    item: dict[str, Any] = ddb.get_item(
        TableName=container.settings.main_table, Key={"pk": {"S": pk}, "sk": {"S": sk}}, ConsistentRead=True
    ).get("Item", {})
    return item


def test_every_event_type_lands_in_the_inbox(
    api: Api, container: Container, world: World, ses: Recording, sns: Recording
) -> None:
    svc, token = _service(container, ses, sns), guardian(api, world)
    details = {t: event_detail(world.school_id, "g-1", seconds=i) for i, t in enumerate(sorted(CODES))}
    for detail_type, detail in details.items():
        result = svc.handle(detail_type, detail)
        assert result is not None and result.created and result.delivery == {}  # no contact: inbox only
    assert ses.attempts == [] and sns.attempts == []

    inbox = _inbox(api, world, token, "?limit=100")
    assert inbox["unread"] == len(CODES) and inbox["next_cursor"] is None
    assert [n["type"] for n in inbox["items"]] == list(reversed(list(details)))  # newest first
    assert all(n["title"] and n["locale"] == "zh-CN" and not n["read"] for n in inbox["items"])
    english = _inbox(api, world, token, headers={"Accept-Language": "en"})["items"][0]
    assert english["locale"] == "en" and english["body"].isascii()

    # the stored keys are the documented ones, tenant-prefixed
    d = details["ApplicationReturned"]
    item = _raw(container, f"T#{world.school_id}#INBOX#g-1", f"{d['occurred_at']}#{d['event_id']}")
    assert item["code"] == {"S": "application_returned"} and item["tenant_id"] == {"S": world.school_id}
    assert _raw(container, f"T#{world.school_id}#NOTICE#{d['event_id']}#g-1", "CLAIM")


def test_returned_application_shows_the_reason(api: Api, container: Container, world: World) -> None:
    detail = event_detail(world.school_id, "g-1", reason="请补充监护人签字")
    assert container.notify.handle("ApplicationReturned", detail) is not None
    notice = _inbox(api, world, guardian(api, world))["items"][0]
    assert notice["code"] == "application_returned" and notice["params"]["reason"] == "请补充监护人签字"
    assert notice["body"].endswith("原因：请补充监护人签字")


def test_duplicate_event_makes_one_notice_one_email_one_sms(
    api: Api, container: Container, world: World, ses: Recording, sns: Recording
) -> None:
    token = guardian(api, world)
    r = put_contact(api, world, token, email="parent@example.cn", email_enabled=True, sms=True, locale="en")
    assert r.status_code == 200, r.body
    svc = _service(container, ses, sns)
    detail = event_detail(world.school_id, "g-1", activity_id=new_id(), position=4)

    first = svc.handle("Waitlisted", detail)
    again = [svc.handle("Waitlisted", dict(detail)) for _ in range(3)]
    assert first is not None and first.created and first.delivery == {"email": "sent", "sms": "sent"}
    assert all(r is not None and not r.created and r.notice_id == first.notice_id for r in again)

    assert len(ses.sent) == 1 and len(sns.sent) == 1  # replays sent nothing again
    assert ses.sent[0]["Destination"] == {"ToAddresses": ["parent@example.cn"]}
    assert ses.sent[0]["Message"]["Subject"]["Data"] == "On the waiting list"  # the contact's locale
    assert sns.sent[0]["PhoneNumber"] == PHONE and sns.sent[0]["Message"].startswith("[Kehou] ")
    assert "Place on the waiting list: 4." in sns.sent[0]["Message"]
    inbox = _inbox(api, world, token)
    assert len(inbox["items"]) == 1 and inbox["unread"] == 1
    assert inbox["items"][0]["delivery"] == {"email": "sent", "sms": "sent"}


def test_failed_send_is_recorded_and_retried_by_a_replay(
    api: Api, container: Container, world: World, ses: Recording
) -> None:
    token = guardian(api, world)
    put_contact(api, world, token, email="parent@example.cn", email_enabled=True, sms=True, locale="zh-CN")
    flaky_sns = Recording(_client(container, "sns"), fail_first=1)
    svc = _service(container, ses, flaky_sns)
    detail = event_detail(world.school_id, "g-1")

    first = svc.handle("ApplicationApproved", detail)
    assert first is not None and first.delivery == {"email": "sent", "sms": "failed"} and first.failed == ["sms"]
    notice = _inbox(api, world, token)["items"][0]
    assert notice["delivery"] == {"email": "sent", "sms": "failed"}
    item = _raw(container, f"T#{world.school_id}#INBOX#g-1", f"{detail['occurred_at']}#{detail['event_id']}")
    assert item["sms_error"] == {"S": "Throttling"} and item["sms_attempts"] == {"N": "1"}
    assert "13800000000" not in json.dumps(item)  # the error message quoted the number: not stored

    replay = svc.handle("ApplicationApproved", detail)
    assert replay is not None and not replay.created and replay.delivery == {"email": "sent", "sms": "sent"}
    assert len(ses.sent) == 1  # the e-mail that went out is not sent again
    assert len(flaky_sns.attempts) == 2 and len(flaky_sns.sent) == 1
    assert flaky_sns.sent[0]["Message"].startswith("【课后服务】")

    svc.handle("ApplicationApproved", detail)
    assert len(ses.sent) == 1 and len(flaky_sns.attempts) == 2
    inbox = _inbox(api, world, token)
    assert len(inbox["items"]) == 1 and inbox["unread"] == 1


def test_unknown_and_malformed_events_are_ignored(
    api: Api, container: Container, world: World, ses: Recording, sns: Recording
) -> None:
    svc = _service(container, ses, sns)
    assert svc.handle("SchoolProvisioned", event_detail(world.school_id, "g-1")) is None
    assert svc.handle("ApplicationApproved", event_detail(world.school_id, "g-1", tenant_id="X")) is None
    assert _inbox(api, world, guardian(api, world)) == {"items": [], "next_cursor": None, "unread": 0}


def test_a_channel_switched_off_before_the_retry_is_skipped(
    api: Api, container: Container, world: World, ses: Recording
) -> None:
    token = guardian(api, world)
    put_contact(api, world, token, sms=True)
    failing = Recording(_client(container, "sns"), fail_first=5)
    svc = _service(container, ses, failing)
    detail = event_detail(world.school_id, "g-1")
    assert svc.handle("Withdrawn", detail).delivery == {"sms": "failed"}  # type: ignore[union-attr]
    put_contact(api, world, token, sms=False)
    assert svc.handle("Withdrawn", detail).delivery == {"sms": "skipped"}  # type: ignore[union-attr]
    assert failing.sent == [] and len(failing.attempts) == 1


def test_outbox_event_reaches_the_inbox_through_the_dispatcher(api: Api, container: Container, world: World) -> None:
    """The real path: outbox item in a transaction → dispatcher publishes → container.handle_event."""
    token = guardian(api, world)
    put_contact(api, world, token, email="parent@example.cn", email_enabled=True)
    ses = _client(container, "ses")
    sent_before = ses.get_send_quota()["SentLast24Hours"]
    detail = {k: v for k, v in event_detail(world.school_id, "g-1").items() if k not in ("event_id", "occurred_at")}
    with container.data.unscoped():
        with TransactWrite(connection=container.data.connection()) as tx:
            outbox.record(
                tx,
                outbox.DomainEvent("kehou.enrollment", "AgreementSigned", world.school_id, detail),
                container.clock.now(),
            )
        assert container.dispatcher.drain() >= 1
    items = _inbox(api, world, token)["items"]
    assert [n["code"] for n in items] == ["agreement_signed"]
    assert items[0]["delivery"] == {"email": "sent"}
    assert ses.get_send_quota()["SentLast24Hours"] == sent_before + 1


def test_the_same_event_handled_concurrently_sends_once(
    api: Api, container: Container, world: World, ses: Recording, sns: Recording
) -> None:
    """Two consumers got the same message (SQS is at-least-once): one notice, one e-mail, one SMS."""
    from concurrent.futures import ThreadPoolExecutor

    token = guardian(api, world)
    put_contact(api, world, token, email="parent@example.cn", email_enabled=True, sms=True)
    svc = _service(container, ses, sns)
    detail = event_detail(world.school_id, "g-1")
    with container.data.unscoped(), ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(lambda _: svc.handle("PlaceOffered", dict(detail)), range(6)))
    assert sum(1 for r in results if r is not None and r.created) == 1
    assert len({r.notice_id for r in results if r is not None}) == 1
    assert len(ses.sent) == 1 and len(sns.sent) == 1
    inbox = _inbox(api, world, token)
    assert len(inbox["items"]) == 1 and inbox["unread"] == 1
