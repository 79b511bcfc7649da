"""Domain events (DESIGN.md section 5): the custom EventBridge bus, its archive, and the outbox DLQ."""

from __future__ import annotations

from aws_cdk import Duration, Stack
from aws_cdk import aws_events as events
from aws_cdk import aws_sqs as sqs
from constructs import Construct

ARCHIVE_RETENTION = Duration.days(365)


def event_bus_name(stage: str) -> str:
    return f"kehou-events-{stage}"


class DomainEvents(Construct):
    """``kehou-events-<stage>`` plus everything needed to make publishing to it lossless."""

    def __init__(self, scope: Construct, construct_id: str, *, stage: str) -> None:
        super().__init__(scope, construct_id)

        self.bus = events.EventBus(self, "Bus", event_bus_name=event_bus_name(stage))
        # The archive lets an operator replay events into the bus after a consumer bug is fixed.
        self.archive = self.bus.archive(
            "Archive",
            archive_name=f"kehou-events-{stage}-archive",
            description=f"Every event published on {event_bus_name(stage)}",
            event_pattern=events.EventPattern(account=[Stack.of(self).account]),
            retention=ARCHIVE_RETENTION,
        )

        # On-failure destination of the outbox stream mapping. For a stream source Lambda sends
        # the *metadata* of a batch it gave up on (shard, sequence numbers), not the records; the
        # outbox items themselves stay in the sparse ``outbox_pending`` index until published.
        self.outbox_dlq = sqs.Queue(
            self,
            "OutboxDispatchDlq",
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            retention_period=Duration.days(14),
        )
