"""The AWS path of notices: bus → rule (source kehou.enrollment) → SQS → notifier Lambda → handle_event.

moto plays EventBridge, SQS, SES and SNS; the rule and queue are made here as ``infra/`` makes them in
AWS, and the messages SQS hands out are turned into the event Lambda would pass to ``notify_consumer``.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

import app as app_module
from chalicelib.api import container as container_mod
from chalicelib.api.container import Container
from chalicelib.core.outbox import EventBridgePublisher, OutboxEvent
from chalicelib.core.store import tenant_pk
from chalicelib.notify.services import NotifyService, SesMailer, SnsTexter
from tests.functional.conftest import Api, World
from tests.functional.isolation_notify import PHONE, Recording, event_detail, guardian, put_contact


@pytest.fixture
def notify_queue(container: Container) -> Iterator[str]:
    """A queue behind a rule matching ``source: kehou.enrollment`` only, as in infra/."""
    s = container.settings
    sqs = boto3.client("sqs", region_name=s.region, endpoint_url=s.events_endpoint)
    events = boto3.client("events", region_name=s.region, endpoint_url=s.events_endpoint)
    name = f"notify-{uuid.uuid4().hex[:8]}"
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    events.put_rule(Name=name, EventBusName=s.event_bus, EventPattern=json.dumps({"source": ["kehou.enrollment"]}))
    events.put_targets(Rule=name, EventBusName=s.event_bus, Targets=[{"Id": "notify", "Arn": arn}])
    yield url
    events.remove_targets(Rule=name, EventBusName=s.event_bus, Ids=["notify"])
    events.delete_rule(Name=name, EventBusName=s.event_bus)
    sqs.delete_queue(QueueUrl=url)


def _publish(container: Container, school_id: str, source: str, detail_type: str, detail: dict[str, Any]) -> None:
    """Exactly what the outbox dispatcher puts on the bus for one outbox item."""
    item = OutboxEvent(
        tenant_pk(school_id, "OUTBOX"),
        detail["event_id"],
        source=source,
        detail_type=detail_type,
        detail=json.dumps(detail, ensure_ascii=False, sort_keys=True),
    )
    s = container.settings
    client = boto3.client("events", region_name=s.region, endpoint_url=s.events_endpoint)
    EventBridgePublisher(client, s.event_bus).publish([item])


def _lambda_event(container: Container, queue_url: str) -> dict[str, Any]:
    """Receive what is on the queue and shape it as Lambda's SQS event source mapping does."""
    s = container.settings
    sqs = boto3.client("sqs", region_name=s.region, endpoint_url=s.events_endpoint)
    arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    messages = sqs.receive_message(
        QueueUrl=queue_url, MaxNumberOfMessages=10, AttributeNames=["All"], WaitTimeSeconds=0
    ).get("Messages", [])
    return {
        "Records": [
            {
                "messageId": m["MessageId"],
                "receiptHandle": m["ReceiptHandle"],
                "body": m["Body"],
                "attributes": m.get("Attributes", {}),
                "messageAttributes": {},
                "md5OfBody": m["MD5OfBody"],
                "eventSource": "aws:sqs",
                "eventSourceARN": arn,
                "awsRegion": s.region,
            }
            for m in messages
        ]
    }


def _consumer_container(container: Container, flaky_sms: Recording) -> Container:
    """The notifier Lambda's container (no inline drain), with SNS wrapped to fail the first send."""
    s = container.settings
    ses = boto3.client("ses", region_name=s.mail_region, endpoint_url=s.notify_endpoint)
    c = Container(s, drain_inline=False, publisher=container.events, verifier=container.auth)
    c.notify = NotifyService(c.data.connection, c.clock, c.vault, SesMailer(ses, s.mail_sender), SnsTexter(flaky_sms))
    return c


def test_the_notifier_lambda_reports_only_messages_whose_channel_failed(
    api: Api, container: Container, world: World, notify_queue: str
) -> None:
    texting = guardian(api, world, sub="g-sms")
    put_contact(api, world, texting, email="parent@example.cn", email_enabled=True, sms=True)
    s = container.settings
    flaky_sns = Recording(boto3.client("sns", region_name=s.region, endpoint_url=s.notify_endpoint), fail_first=1)
    lambda_container = _consumer_container(container, flaky_sns)

    sms_detail = event_detail(world.school_id, "g-sms")
    inbox_detail = event_detail(world.school_id, "g-inbox-only")  # no contact: the inbox notice only
    _publish(container, world.school_id, "kehou.enrollment", "ApplicationApproved", sms_detail)
    _publish(container, world.school_id, "kehou.enrollment", "Waitlisted", {**inbox_detail, "position": 2})
    _publish(container, world.school_id, "kehou.tenants", "SchoolProvisioned", event_detail(world.school_id, "x"))

    event = _lambda_event(container, notify_queue)
    by_type = {json.loads(r["body"])["detail-type"]: r["messageId"] for r in event["Records"]}
    assert set(by_type) == {"ApplicationApproved", "Waitlisted"}  # the rule let only enrolment events through
    event["Records"].append({**event["Records"][0], "messageId": "m-malformed", "body": "{not json"})

    previous = container_mod._container
    container_mod.use(lambda_container)
    try:
        with lambda_container.data.unscoped():
            response = app_module.notify_consumer(event, None)
            assert sorted(f["itemIdentifier"] for f in response["batchItemFailures"]) == sorted(
                [by_type["ApplicationApproved"], "m-malformed"]
            )
            assert len(flaky_sns.attempts) == 1 and flaky_sns.sent == []

            # SQS redelivers only the failed message: the SMS goes out, the e-mail is not sent again
            redelivered = {"Records": [r for r in event["Records"] if r["messageId"] == by_type["ApplicationApproved"]]}
            assert app_module.notify_consumer(redelivered, None) == {"batchItemFailures": []}
    finally:
        container_mod.use(previous)  # type: ignore[arg-type]
    assert len(flaky_sns.sent) == 1 and flaky_sns.sent[0]["PhoneNumber"] == PHONE

    notices = api.get(f"/schools/{world.school_id}/my/inbox", as_=texting).json["items"]
    assert [(n["code"], n["delivery"]) for n in notices] == [("application_approved", {"email": "sent", "sms": "sent"})]
    other = guardian(api, world, sub="g-inbox-only")
    assert [n["code"] for n in api.get(f"/schools/{world.school_id}/my/inbox", as_=other).json["items"]] == [
        "waitlisted"
    ]
