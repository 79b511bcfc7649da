"""Notices to guardians in AWS (DESIGN.md section 5): a bus rule → an SQS queue with a DLQ → the notifier.

``chalicelib/notify/consumer.py`` (function ``notify_consumer`` in ``app.py``) reads the queue and hands
each event to ``Container.handle_event``; locally the outbox dispatcher calls that function itself.

* Two rules feed the one queue: ``EnrollmentEvents`` (``source: kehou.enrollment``) and
  ``TimetablePublished`` (``source: kehou.timetable`` *and* ``detail-type: TimetablePublished``: the
  timetable's other events, such as generation requests, are not notices). These are the events
  ``Container.handle_event`` routes to the notify context; change both together.
* The queue's visibility timeout is at least six times the function's timeout (AWS's advice for an SQS
  event source, so a batch still being retried by Lambda is not handed out again), and a message is
  moved to the DLQ after ``MAX_RECEIVE_COUNT`` receives. The consumer reports failures per message
  (``ReportBatchItemFailures``), so only the failed messages of a batch come back.
* Messages EventBridge itself cannot deliver to the queue also go to that DLQ. Either way a DLQ message
  body is the EventBridge event, so one redrive (``StartMessageMoveTask``) sends both kinds back.
"""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import Duration
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_sqs as sqs
from constructs import Construct


@dataclass(frozen=True)
class NotifyRule:
    """One bus rule feeding the notify queue: its construct id, what it matches and why."""

    construct_id: str
    source: str
    description: str
    detail_types: tuple[str, ...] = ()  # empty: every detail-type of the source

    def pattern(self) -> events.EventPattern:
        return events.EventPattern(source=[self.source], detail_type=list(self.detail_types) or None)


# One rule per (source, detail-types) combination: a single pattern cannot express "all of source A,
# or only detail-type X of source B" without `$or`, which CDK's typed EventPattern does not offer.
NOTIFY_RULES = (
    NotifyRule(
        "EnrollmentEvents",
        "kehou.enrollment",
        "Enrolment events to the notifier's queue (guardian notices: inbox, e-mail, SMS)",
    ),
    NotifyRule(
        "TimetablePublished",
        "kehou.timetable",
        "Timetable publications to the notifier's queue (timetable-change notices to guardians)",
        ("TimetablePublished",),
    ),
)
MAX_RECEIVE_COUNT = 5
VISIBILITY_TIMEOUT_FACTOR = 6
DLQ_RETENTION = Duration.days(14)
QUEUE_RETENTION = Duration.days(4)


def queue_with_dlq(scope: Construct, visibility: Duration, max_receive_count: int) -> tuple[sqs.Queue, sqs.Queue]:
    """A consumer's queue (``Queue``) and its dead-letter queue (``Dlq``) in ``scope``: SQS-managed
    encryption, TLS only, the DLQ kept longer than the queue so an operator has time to redrive."""
    dlq = sqs.Queue(
        scope,
        "Dlq",
        encryption=sqs.QueueEncryption.SQS_MANAGED,
        enforce_ssl=True,
        retention_period=DLQ_RETENTION,
    )
    queue = sqs.Queue(
        scope,
        "Queue",
        encryption=sqs.QueueEncryption.SQS_MANAGED,
        enforce_ssl=True,
        retention_period=QUEUE_RETENTION,
        visibility_timeout=visibility,
        dead_letter_queue=sqs.DeadLetterQueue(max_receive_count=max_receive_count, queue=dlq),
    )
    return queue, dlq


def visibility_timeout(function_timeout_seconds: int, batching_window_seconds: int = 0) -> Duration:
    """Six times the function timeout, plus the event source's batching window."""
    return Duration.seconds(VISIBILITY_TIMEOUT_FACTOR * function_timeout_seconds + batching_window_seconds)


class NotifyQueue(Construct):
    """``NOTIFY_RULES`` (on the Kehou bus) → ``Queue`` (SSE, TLS only) → ``Dlq``."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        bus: events.IEventBus,
        function_timeout_seconds: int,
        batching_window_seconds: int = 0,
    ) -> None:
        super().__init__(scope, construct_id)

        self.queue, self.dlq = queue_with_dlq(
            self, visibility_timeout(function_timeout_seconds, batching_window_seconds), MAX_RECEIVE_COUNT
        )
        # Each target adds to the queue policies: events.amazonaws.com may send, only for that rule.
        self.rules = {
            spec.construct_id: events.Rule(
                self,
                spec.construct_id,
                event_bus=bus,
                description=spec.description,
                event_pattern=spec.pattern(),
                targets=[targets.SqsQueue(self.queue, dead_letter_queue=self.dlq)],
            )
            for spec in NOTIFY_RULES
        }
