"""The notifier Lambda's body: domain events that EventBridge put on an SQS queue, one message each.

In AWS an event travels: outbox item → table stream → ``outbox_dispatcher`` → the Kehou bus → a rule
(``source: kehou.enrollment``, and ``kehou.timetable`` with detail-type ``TimetablePublished``; see
``infra/stacks/notifier.py``) → the notify queue → this consumer → ``Container.handle_event``. Locally
the outbox dispatcher calls ``handle_event`` itself (DESIGN §6), so this module only runs in AWS and in
its tests.

A message is reported failed, in the SQS partial batch response (``ReportBatchItemFailures``), when

* its body is not an EventBridge event (no ``source``/``detail-type``/``detail`` object),
* the handler raises, or
* a channel the notice owes (e-mail, SMS) is not ``sent`` (nor ``skipped``) afterwards: ``failed``, or
  still ``pending``/``sending`` because another receiver of the same message holds the claim.

A ``TimetablePublished`` message notifies many guardians: it is failed when any of their notices owes a
channel, or some guardian's notice is not written yet (``inbox``: an error, or the fan-out's time
budget ran out).

Only those messages come back, after the queue's visibility timeout; after ``maxReceiveCount`` receives
SQS moves them to the dead-letter queue. Redelivery is safe: notify writes one notice per (event,
guardian) and sends only the channels not yet sent (``chalicelib/notify/delivery.py``). A claim left
by a receiver that died mid-send is taken over after ``SEND_LEASE``, so the queue's visibility timeout
× ``maxReceiveCount`` must exceed it (``infra/`` checks that).

Example::

    consumer = NotifyConsumer(container.handle_event)
    response = consumer.process(sqs_event)  # {"batchItemFailures": [{"itemIdentifier": "<message id>"}]}
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from chalicelib.core.deadline import invocation_deadline, lambda_deadline
from chalicelib.core.logging import logger

from .results import OWED, FanOutResult, HandleResult

# (source, detail_type, detail) -> whatever the consumer of that source returns; for kehou.enrollment
# that is notify's HandleResult, for kehou.timetable's TimetablePublished a FanOutResult (or None for
# events that notify nobody).
EventHandler = Callable[[str, str, dict[str, Any]], object]

__all__ = ["OWED", "BusEvent", "DeliveryIncomplete", "MalformedMessage", "NotifyConsumer", "owed_channels"]


class MalformedMessage(ValueError):
    """The message body is not an EventBridge event. Failed, so it ends in the DLQ for a look."""


class DeliveryIncomplete(RuntimeError):
    """The notice exists but some channel is not sent yet: redeliver the message later."""

    def __init__(self, channels: list[str]):
        super().__init__(f"channels not sent: {', '.join(channels)}")
        self.channels = channels


@dataclass(frozen=True)
class BusEvent:
    """What EventBridge delivers to an SQS target: the whole event, JSON, as the message body."""

    event_id: str
    source: str
    detail_type: str
    detail: dict[str, Any]

    @classmethod
    def parse(cls, body: str) -> BusEvent:
        try:
            event = json.loads(body)
        except (TypeError, ValueError) as exc:
            raise MalformedMessage("body is not JSON") from exc
        if not isinstance(event, dict):
            raise MalformedMessage("body is not a JSON object")
        source, detail_type, detail = event.get("source"), event.get("detail-type"), event.get("detail")
        if not (isinstance(source, str) and source and isinstance(detail_type, str) and detail_type):
            raise MalformedMessage("source and detail-type must be non-empty strings")
        if not isinstance(detail, dict):
            raise MalformedMessage("detail must be an object")
        return cls(str(event.get("id", "")), source, detail_type, detail)


def owed_channels(result: object) -> list[str]:
    """Channels a notice still owes after handling: anything but ``sent`` or ``skipped``.

    For a fan-out, the channels any of its guardians' notices owe, and ``inbox`` when some guardian's
    notice is not written yet (an error, or the time budget ran out before reaching them).
    """
    if isinstance(result, (HandleResult, FanOutResult)):
        return result.owed
    return []


class NotifyConsumer:
    """SQS batch → ``handle(source, detail_type, detail)`` per message, with per-message failures."""

    def __init__(self, handle: EventHandler):
        self._handle = handle

    def process(self, event: dict[str, Any], context: Any = None) -> dict[str, Any]:
        """The Lambda handler body. Never raises for a bad message: it is reported failed instead."""
        # A fresh processor per invocation (it keeps the batch's results); an all-failed batch is
        # answered with every message listed rather than an exception, which SQS treats the same.
        if not event.get("Records"):  # Lambda never sends an empty batch; Powertools would reject one
            return {"batchItemFailures": []}
        processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)
        # Long loops (a fan-out to every family of a school) stop before the invocation's time runs
        # out and leave the rest to the redelivery, rather than being killed mid-write.
        with invocation_deadline(lambda_deadline(context)):
            response = process_partial_response(event, self.handle_record, processor, context)
        return dict(response)

    def handle_record(self, record: SQSRecord) -> str:
        """Handle one message; raise to have it reported in ``batchItemFailures``."""
        log = {"message_id": record.message_id, "receive_count": _receive_count(record)}
        try:
            event = BusEvent.parse(record.body)
        except MalformedMessage as exc:
            logger.error("malformed notify message", extra={**log, "problem": str(exc)})
            raise
        log.update(event_id=event.event_id, source=event.source, detail_type=event.detail_type)
        try:
            result = self._handle(event.source, event.detail_type, event.detail)
        except Exception:
            logger.exception("notify handler failed; the message will be redelivered", extra=log)
            raise
        owed = owed_channels(result)
        if owed:
            logger.warning("notice channels not sent; the message will be redelivered", extra={**log, "owed": owed})
            raise DeliveryIncomplete(owed)
        return record.message_id


def _receive_count(record: SQSRecord) -> str:
    try:
        return str(record.attributes.approximate_receive_count)
    except (KeyError, AttributeError):
        return ""
