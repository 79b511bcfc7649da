"""The notifier Lambda's body: SQS partial batch responses over EventBridge events (no AWS needed)."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from chalicelib.notify.consumer import BusEvent, MalformedMessage, NotifyConsumer, owed_channels
from chalicelib.notify.services import HandleResult

SOURCE = "kehou.enrollment"


def bus_event(detail_type: str = "ApplicationApproved", **detail: Any) -> dict[str, Any]:
    """An event as EventBridge hands it to an SQS target (the message body)."""
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": detail_type,
        "source": SOURCE,
        "account": "123456789012",
        "time": "2026-09-01T08:00:00Z",
        "region": "cn-north-1",
        "resources": [],
        "detail": {"event_id": "01K0SEED000000000000000001", "guardian_sub": "g-1", **detail},
    }


def record(body: Any, message_id: str | None = None) -> dict[str, Any]:
    """One record of the event Lambda builds from an SQS batch."""
    return {
        "messageId": message_id or str(uuid.uuid4()),
        "receiptHandle": "AQEB" + uuid.uuid4().hex,
        "body": body if isinstance(body, str) else json.dumps(body),
        "attributes": {
            "ApproximateReceiveCount": "1",
            "SentTimestamp": "1767225600000",
            "SenderId": "AIDAEVENTBRIDGE",
            "ApproximateFirstReceiveTimestamp": "1767225600001",
        },
        "messageAttributes": {},
        "md5OfBody": "0" * 32,
        "eventSource": "aws:sqs",
        "eventSourceARN": "arn:aws:sqs:cn-north-1:123456789012:kehou-notify",
        "awsRegion": "cn-north-1",
    }


def sqs_event(*records: dict[str, Any]) -> dict[str, Any]:
    return {"Records": list(records)}


class Handler:
    """Stands in for ``Container.handle_event``: answers per detail's ``outcome`` and remembers calls."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, dict[str, Any]]] = []

    def __call__(self, source: str, detail_type: str, detail: dict[str, Any]) -> object:
        self.calls.append((source, detail_type, detail))
        outcome = detail.get("outcome", "sent")
        if outcome == "raise":
            raise ConnectionError("DynamoDB unreachable")
        if outcome == "ignored":
            return None  # an event type notify does not turn into a notice
        delivery = {"email": "sent", "sms": outcome} if outcome != "inbox" else {}
        return HandleResult("n-1", created=True, delivery=delivery)


def failures(response: dict[str, Any]) -> list[str]:
    return [f["itemIdentifier"] for f in response["batchItemFailures"]]


def test_a_delivered_message_is_not_reported() -> None:
    handler = Handler()
    message = bus_event(position=2)
    response = NotifyConsumer(handler).process(sqs_event(record(message, "m-ok")))
    assert response == {"batchItemFailures": []}
    assert handler.calls == [(SOURCE, "ApplicationApproved", message["detail"])]


def test_only_the_message_whose_channel_failed_is_reported() -> None:
    handler = Handler()
    batch = sqs_event(
        record(bus_event(outcome="sent"), "m-sent"),
        record(bus_event(outcome="failed"), "m-sms-failed"),
        record(bus_event(outcome="skipped"), "m-skipped"),
        record(bus_event(outcome="inbox"), "m-inbox-only"),
        record(bus_event("SchoolProvisioned", outcome="ignored"), "m-ignored"),
    )
    assert failures(NotifyConsumer(handler).process(batch)) == ["m-sms-failed"]
    assert len(handler.calls) == 5  # one failure does not stop the rest of the batch


def test_a_channel_another_receiver_is_still_sending_is_redelivered() -> None:
    """SQS may hand the same message to two receivers: the one that lost the claim checks back later."""
    batch = sqs_event(record(bus_event(outcome="sending"), "m-sending"), record(bus_event(outcome="pending"), "m-p"))
    assert failures(NotifyConsumer(Handler()).process(batch)) == ["m-sending", "m-p"]


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        "[1, 2]",
        json.dumps({"source": SOURCE, "detail": {}}),  # no detail-type
        json.dumps({"source": "", "detail-type": "ApplicationApproved", "detail": {}}),
        json.dumps({"source": SOURCE, "detail-type": "ApplicationApproved", "detail": "{}"}),  # detail not an object
    ],
)
def test_a_malformed_message_is_a_failure_not_a_crash(body: str) -> None:
    handler = Handler()
    batch = sqs_event(record(body, "m-bad"), record(bus_event(), "m-good"))
    assert failures(NotifyConsumer(handler).process(batch)) == ["m-bad"]
    assert [c[1] for c in handler.calls] == ["ApplicationApproved"]  # the good one was handled


def test_a_raising_handler_fails_its_message_only_and_a_whole_failed_batch_does_not_raise() -> None:
    batch = sqs_event(record(bus_event(outcome="raise"), "m-1"), record("{", "m-2"))
    assert failures(NotifyConsumer(Handler()).process(batch)) == ["m-1", "m-2"]
    assert NotifyConsumer(Handler()).process(sqs_event()) == {"batchItemFailures": []}


def test_bus_event_parsing_and_owed_channels() -> None:
    message = bus_event("Waitlisted", position=3)
    parsed = BusEvent.parse(json.dumps(message))
    assert (parsed.event_id, parsed.source, parsed.detail_type) == (message["id"], SOURCE, "Waitlisted")
    assert parsed.detail["position"] == 3
    with pytest.raises(MalformedMessage):
        BusEvent.parse("null")
    result = HandleResult("n", False, {"email": "sent", "sms": "failed"})
    assert owed_channels(result) == ["sms"] and owed_channels(None) == [] and owed_channels("x") == []
    assert owed_channels(HandleResult("n", True, {"email": "skipped", "sms": "sent"})) == []
