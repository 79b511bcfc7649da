"""Notices to guardians in AWS (DESIGN.md section 5): a bus rule → an SQS queue with a DLQ → the notifier.

``chalicelib/notify/consumer.py`` (function ``notify_consumer`` in ``app.py``) reads the queue and hands
each event to ``Container.handle_event``; locally the outbox dispatcher calls that function itself.

* The rule matches ``source: kehou.enrollment``, the source ``Container.handle_event`` routes to the
  notify context; change both together.
* The queue's visibility timeout is at least six times the function's timeout (AWS's advice for an SQS
  event source, so a batch still being retried by Lambda is not handed out again), and a message is
  moved to the DLQ after ``MAX_RECEIVE_COUNT`` receives. The consumer reports failures per message
  (``ReportBatchItemFailures``), so only the failed messages of a batch come back.
* Messages EventBridge itself cannot deliver to the queue also go to that DLQ. Either way a DLQ message
  body is the EventBridge event, so one redrive (``StartMessageMoveTask``) sends both kinds back.
"""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_sqs as sqs
from constructs import Construct

NOTIFY_SOURCES = ("kehou.enrollment",)
MAX_RECEIVE_COUNT = 5
VISIBILITY_TIMEOUT_FACTOR = 6
DLQ_RETENTION = Duration.days(14)
QUEUE_RETENTION = Duration.days(4)


def visibility_timeout(function_timeout_seconds: int, batching_window_seconds: int = 0) -> Duration:
    """Six times the function timeout, plus the event source's batching window."""
    return Duration.seconds(VISIBILITY_TIMEOUT_FACTOR * function_timeout_seconds + batching_window_seconds)


class NotifyQueue(Construct):
    """``Rule`` (enrolment events on the Kehou bus) → ``Queue`` (SSE, TLS only) → ``Dlq``."""

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

        self.dlq = sqs.Queue(
            self,
            "Dlq",
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            retention_period=DLQ_RETENTION,
        )
        self.queue = sqs.Queue(
            self,
            "Queue",
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            retention_period=QUEUE_RETENTION,
            visibility_timeout=visibility_timeout(function_timeout_seconds, batching_window_seconds),
            dead_letter_queue=sqs.DeadLetterQueue(max_receive_count=MAX_RECEIVE_COUNT, queue=self.dlq),
        )
        # The target adds the queue policies: events.amazonaws.com may send, only for this rule.
        self.rule = events.Rule(
            self,
            "EnrollmentEvents",
            event_bus=bus,
            description="Enrolment events to the notifier's queue (guardian notices: inbox, e-mail, SMS)",
            event_pattern=events.EventPattern(source=list(NOTIFY_SOURCES)),
            targets=[targets.SqsQueue(self.queue, dead_letter_queue=self.dlq)],
        )
