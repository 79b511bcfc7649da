"""Events are written with the change and published even when the bus fails the first time."""

from __future__ import annotations

import uuid
from typing import Any

from chalicelib.api.container import Container
from chalicelib.core.identity import Principal, Role
from chalicelib.core.outbox import PENDING, EventPublisher, OutboxDispatcher, OutboxEvent
from chalicelib.tenants import schemas
from chalicelib.tenants.services import TenantsService
from tests.conftest import EventTap
from tests.functional.conftest import Api, World


class FailingOnce:
    """The real EventBridge publisher (moto), except the first call fails like a network error."""

    def __init__(self, inner: EventPublisher):
        self.inner, self.calls = inner, 0

    def publish(self, events: list[OutboxEvent]) -> None:
        self.calls += 1
        if self.calls == 1:
            raise ConnectionError("bus unreachable")
        self.inner.publish(events)


def _pending_for(tenant_id: str) -> list[OutboxEvent]:
    return [e for e in OutboxEvent.pending.query(PENDING) if e.tenant_id == tenant_id]


def test_event_is_not_lost_when_publishing_fails_first(container: Container, event_tap: EventTap, world: World) -> None:
    event_tap.drain()
    flaky = FailingOnce(container.events)
    dispatcher = OutboxDispatcher(flaky)
    svc = TenantsService(container.data.connection, container.clock)  # no inline drain: we drive it
    platform = Principal("p", frozenset({Role.PLATFORM_ADMIN}))
    district = svc.create_district(platform, schemas.DistrictCreate(name="事件测试区"))

    assert [e.detail_type for e in _pending_for(district.district_id)] == ["DistrictCreated"]
    try:
        dispatcher.drain(tenant_id=district.district_id)
    except ConnectionError:
        pass
    pending = _pending_for(district.district_id)
    assert len(pending) == 1 and pending[0].attempts == 1  # still there, attempt counted
    assert not [m for m in event_tap.drain() if m["detail"].get("tenant_id") == district.district_id]

    assert dispatcher.drain(tenant_id=district.district_id) == 1
    assert _pending_for(district.district_id) == []
    published = [m for m in event_tap.drain() if m["detail"].get("tenant_id") == district.district_id]
    assert [(m["source"], m["detail-type"]) for m in published] == [("kehou.tenants", "DistrictCreated")]
    assert published[0]["detail"]["district_id"] == district.district_id


def test_state_changes_publish_their_events(api: Api, event_tap: EventTap, world: World) -> None:
    event_tap.drain()
    sid = world.school_id
    api.post(f"/schools/{sid}/suspend", {"reason": "检查"}, as_=world.district_admin)
    api.post(f"/schools/{sid}/reactivate", as_=world.district_admin)
    api.post(
        f"/schools/{sid}/staff",
        {"name": "李老师", "email": f"{uuid.uuid4().hex[:6]}@s.cn", "role": "teacher"},
        as_=world.school_admin,
    )
    types = [m["detail-type"] for m in event_tap.drain() if m["detail"].get("tenant_id") == sid]
    assert types == ["SchoolSuspended", "SchoolReactivated", "StaffInvited"]


def test_failed_change_writes_no_event(api: Api, container: Container, world: World) -> None:
    before = _all_events(world.school_id)
    r = api.post(f"/schools/{world.school_id}/reactivate", as_=world.district_admin)  # not suspended: refused
    assert r.status_code == 409
    assert _all_events(world.school_id) == before


def test_stream_dispatch_publishes_inserted_outbox_items(container: Container, event_tap: EventTap) -> None:
    event_tap.drain()
    svc = TenantsService(container.data.connection, container.clock)
    district = svc.create_district(Principal("p", frozenset({Role.PLATFORM_ADMIN})), schemas.DistrictCreate(name="流"))
    item = _pending_for(district.district_id)[0]
    record: dict[str, Any] = {"eventName": "INSERT", "dynamodb": {"NewImage": item.serialize()}}
    modify = {"eventName": "MODIFY", "dynamodb": {"NewImage": item.serialize()}}
    assert OutboxDispatcher(container.events).dispatch_stream([record, modify]) == 1
    assert _pending_for(district.district_id) == []
    assert [m["detail-type"] for m in event_tap.drain() if m["detail"].get("tenant_id") == district.district_id] == [
        "DistrictCreated"
    ]


def _all_events(tenant_id: str) -> list[str]:
    return [e.sk for e in OutboxEvent.query(f"T#{tenant_id}#OUTBOX")]
