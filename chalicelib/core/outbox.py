"""Transactional outbox (DESIGN §5).

A state change and the event describing it are written in one DynamoDB transaction, so an event
exists if and only if the change happened. A dispatcher then publishes pending events to the
EventBridge bus and marks them published. In AWS the dispatcher is fed by the main table's stream;
locally and in tests it drains the sparse ``outbox_pending`` index in-process. Either way an event
whose publication fails stays pending and is retried, never lost.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import UpdateError
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.transactions import TransactWrite

from .clock import SystemClock, iso
from .ids import new_id
from .store import MainTableModel, table, tenant_pk

PENDING = "PENDING"


class PendingIndex(GlobalSecondaryIndex[Any]):
    """Sparse index: only events not yet published carry ``op_pk``."""

    class Meta:
        index_name = "outbox_pending"
        projection = AllProjection()

    op_pk = UnicodeAttribute(hash_key=True)
    op_sk = UnicodeAttribute(range_key=True)


@table("main")
class OutboxEvent(MainTableModel):
    source = UnicodeAttribute()
    detail_type = UnicodeAttribute()
    detail = UnicodeAttribute()  # JSON text, exactly what is published
    created_at = UnicodeAttribute()
    published_at = UnicodeAttribute(null=True)
    attempts = NumberAttribute(default=0)
    op_pk = UnicodeAttribute(null=True)
    op_sk = UnicodeAttribute(null=True)
    pending = PendingIndex()

    @property
    def event_id(self) -> str:
        return self.sk


@dataclass(frozen=True)
class DomainEvent:
    """What a context wants the world to know. ``detail`` must be JSON-serialisable."""

    source: str  # e.g. "kehou.tenants"
    detail_type: str  # e.g. "SchoolProvisioned"
    tenant_id: str
    detail: dict[str, Any]


def record(tx: TransactWrite, event: DomainEvent, now: datetime) -> OutboxEvent:
    """Add the event to ``tx``; it is stored only if the whole transaction commits."""
    event_id = new_id()
    body = {**event.detail, "event_id": event_id, "tenant_id": event.tenant_id, "occurred_at": iso(now)}
    item = OutboxEvent(
        tenant_pk(event.tenant_id, "OUTBOX"),
        event_id,
        tenant_id=event.tenant_id,
        kind="OutboxEvent",
        source=event.source,
        detail_type=event.detail_type,
        detail=json.dumps(body, ensure_ascii=False, sort_keys=True),
        created_at=iso(now),
        op_pk=PENDING,
        op_sk=f"{event.tenant_id}#{event_id}",  # per-tenant drains are one Query (begins_with)
    )
    tx.save(item, condition=OutboxEvent.pk.does_not_exist())
    return item


class EventPublisher(Protocol):
    def publish(self, events: list[OutboxEvent]) -> None:
        """Publish all or raise; partial failure must raise too."""


class PublishFailed(Exception):
    pass


class EventBridgePublisher:
    def __init__(self, client: Any, bus_name: str):
        self._client = client
        self._bus = bus_name

    def publish(self, events: list[OutboxEvent]) -> None:
        for start in range(0, len(events), 10):  # PutEvents takes at most 10 entries
            chunk = events[start : start + 10]
            resp = self._client.put_events(
                Entries=[
                    {"EventBusName": self._bus, "Source": e.source, "DetailType": e.detail_type, "Detail": e.detail}
                    for e in chunk
                ]
            )
            if resp.get("FailedEntryCount", 0):
                raise PublishFailed(f"{resp['FailedEntryCount']} of {len(chunk)} events rejected")


EventHandler = Callable[[str, str, dict[str, Any]], None]  # (source, detail_type, detail)


class OutboxDispatcher:
    def __init__(self, publisher: EventPublisher, deliver_locally: EventHandler | None = None):
        self._publisher = publisher
        # Locally there is no EventBridge rule → SQS → Lambda path: after publishing, the dispatcher
        # hands each event to the same handler those Lambdas call (DESIGN §6).
        self._deliver_locally = deliver_locally

    def drain(self, limit: int = 100, tenant_id: str | None = None) -> int:
        """Publish up to ``limit`` pending events (of one tenant, if given); return how many were published.

        Events are published one by one so a failure leaves only the failed one and its successors
        pending. At-least-once: a crash between publish and mark re-publishes; consumers dedupe on
        ``event_id``.
        """
        published = 0
        condition = OutboxEvent.op_sk.startswith(f"{tenant_id}#") if tenant_id else None
        for event in OutboxEvent.pending.query(PENDING, condition, limit=limit):
            try:
                self._publisher.publish([event])
            except Exception:
                _count_attempt(event)
                raise
            _mark_published(event)
            published += 1
            if self._deliver_locally is not None:
                self._deliver(event)
        return published

    def _deliver(self, event: OutboxEvent) -> None:
        """A failing consumer must not hold up publishing (in AWS its queue retries and dead-letters)."""
        assert self._deliver_locally is not None
        try:
            self._deliver_locally(event.source, event.detail_type, json.loads(event.detail))
        except Exception:
            from .logging import logger

            logger.exception("local event consumer failed", extra={"detail_type": event.detail_type})

    def dispatch_stream(self, records: Iterable[dict[str, Any]]) -> int:
        """Lambda handler body for the main table's stream: publish newly inserted outbox items."""
        published = 0
        for rec in records:
            image = (rec.get("dynamodb") or {}).get("NewImage") or {}
            if rec.get("eventName") != "INSERT" or image.get("kind", {}).get("S") != "OutboxEvent":
                continue
            event = OutboxEvent.from_raw_data(image)
            self._publisher.publish([event])  # raising makes Lambda retry (bisect + DLQ in infra)
            _mark_published(event)
            published += 1
        return published


def _mark_published(event: OutboxEvent) -> None:
    try:
        event.update(
            actions=[
                OutboxEvent.published_at.set(iso(SystemClock().now())),
                OutboxEvent.op_pk.remove(),
                OutboxEvent.op_sk.remove(),
            ],
            condition=OutboxEvent.op_pk.exists(),
        )
    except UpdateError:
        pass  # already marked by a concurrent dispatcher: nothing to do


def _count_attempt(event: OutboxEvent) -> None:
    event.update(actions=[OutboxEvent.attempts.add(1)])
