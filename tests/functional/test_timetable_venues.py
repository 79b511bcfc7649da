"""Venues (场地): register, read, list, change and delete; unique names and one classroom per class
(claims in the same transaction); optimistic locking; who may read and write."""

from __future__ import annotations

import json
from typing import Any

from chalicelib.core.outbox import OutboxEvent
from chalicelib.core.store import tenant_pk
from tests.functional.conftest import Api, World
from tests.functional.isolation_roster import new_class
from tests.functional.isolation_timetable import new_venue


def _venues(w: World) -> str:
    return f"/schools/{w.school_id}/timetable/venues"


def _create(api: Api, w: World, body: dict[str, Any], **kw: Any) -> Any:
    return api.post(_venues(w), body, as_=kw.pop("as_", w.school_admin), **kw)


def _events(school_id: str) -> list[tuple[str, dict[str, Any]]]:
    return [(e.detail_type, json.loads(e.detail)) for e in OutboxEvent.query(tenant_pk(school_id, "OUTBOX"))]


def test_school_admin_registers_a_classroom_and_staff_read_it(api: Api, world: World) -> None:
    klass = new_class(api, world, grade=3, name="三年级2班")
    body = {"name": "三年级2班教室", "type": "classroom", "capacity": 1, "home_class_ids": [klass["id"]]}
    r = _create(api, world, body)
    assert r.status_code == 201 and r.headers["ETag"] == '"1"', r.body
    venue = r.json
    assert (venue["name"], venue["type"], venue["capacity"], venue["home_class_ids"]) == (
        "三年级2班教室",
        "classroom",
        1,
        [klass["id"]],
    )
    provider = api.tokens("provider_staff", tenant=world.school_id)
    for who in (world.school_admin, world.teacher, provider):
        got = api.get(f"{_venues(world)}/{venue['id']}", as_=who)
        assert got.status_code == 200 and got.json == venue and got.headers["ETag"] == '"1"'
        assert api.get(_venues(world), as_=who).json == {"items": [venue], "next_cursor": None}
    created = [d for t, d in _events(world.school_id) if t == "VenueCreated"]
    assert [(d["venue_id"], d["type"]) for d in created] == [(venue["id"], "classroom")]
    assert "name" not in created[0]  # ids only in events


def test_only_the_school_admin_writes_and_guardians_do_not_read(api: Api, world: World) -> None:
    body = {"name": "操场", "type": "playground", "capacity": 4}
    provider = api.tokens("provider_staff", tenant=world.school_id)
    for who in (world.teacher, world.guardian, provider):
        assert _create(api, world, body, as_=who).status_code == 403
    venue = new_venue(api, world)
    url = f"{_venues(world)}/{venue['id']}"
    for who in (world.teacher, world.guardian, provider):
        assert api.patch(url, {"capacity": 3}, as_=who, headers={"If-Match": '"1"'}).status_code == 403
        assert api.call("DELETE", url, as_=who, headers={"If-Match": '"1"'}).status_code == 403
    assert api.get(_venues(world), as_=world.guardian).status_code == 403
    assert api.get(url, as_=world.guardian).status_code == 403


def test_names_are_unique_in_the_school(api: Api, world: World, other: World) -> None:
    first = new_venue(api, world, name="田径场", type="playground", capacity=6)
    for name in ("田径场", " 田径场 ", "田 径 场"):
        dup = _create(api, world, {"name": name, "type": "gym", "capacity": 1})
        assert dup.status_code == 409 and dup.json["error"]["code"] == "venue_name_taken", name
    assert new_venue(api, other, name="田径场")["name"] == "田径场"  # another school's names are its own
    url = f"{_venues(world)}/{first['id']}"
    renamed = api.patch(url, {"name": "东操场"}, as_=world.school_admin, headers={"If-Match": '"1"'})
    assert renamed.status_code == 200 and renamed.json["name"] == "东操场" and renamed.json["version"] == 2
    assert new_venue(api, world, name="田径场")["name"] == "田径场"  # the old name is free again
    clash = api.patch(url, {"name": "田径场"}, as_=world.school_admin, headers={"If-Match": '"2"'})
    assert clash.status_code == 409 and clash.json["error"]["code"] == "venue_name_taken"


def test_a_class_has_one_classroom(api: Api, world: World) -> None:
    a, b = new_class(api, world, grade=1, name="1班"), new_class(api, world, grade=1, name="2班")
    room = new_venue(api, world, name="101教室", type="classroom", capacity=1, home_class_ids=[a["id"]])
    taken = _create(api, world, {"name": "102教室", "type": "classroom", "capacity": 2, "home_class_ids": [a["id"]]})
    assert taken.status_code == 409 and taken.json["error"]["code"] == "class_has_classroom"
    assert taken.json["error"]["details"] == [
        {"field": "home_class_ids", "class_id": a["id"], "message": "the class already has its own classroom"}
    ]
    assert api.get(_venues(world), as_=world.school_admin).json["items"] == [room]  # nothing half-written
    url = f"{_venues(world)}/{room['id']}"
    moved = api.patch(url, {"home_class_ids": [b["id"]]}, as_=world.school_admin, headers={"If-Match": '"1"'})
    assert moved.status_code == 200 and moved.json["home_class_ids"] == [b["id"]]
    other_room = new_venue(api, world, name="102教室", type="classroom", capacity=1, home_class_ids=[a["id"]])
    assert other_room["home_class_ids"] == [a["id"]]  # a's claim was released by the move
    assert api.call("DELETE", url, as_=world.school_admin, headers={"If-Match": '"2"'}).status_code == 204
    freed = new_venue(api, world, name="103教室", type="classroom", capacity=1, home_class_ids=[b["id"]])
    assert freed["home_class_ids"] == [b["id"]]  # deleting a classroom releases its classes


def test_home_classes_are_checked(api: Api, world: World, other: World) -> None:
    mine, theirs = new_class(api, world), new_class(api, other)
    r = _create(api, world, {"name": "教室", "type": "classroom", "capacity": 2, "home_class_ids": [theirs["id"]]})
    assert r.status_code == 400 and r.json["error"]["details"] == [
        {"field": "home_class_ids.0", "message": "no such class in this school"}
    ]
    r = _create(api, world, {"name": "操场", "type": "playground", "capacity": 2, "home_class_ids": [mine["id"]]})
    assert r.status_code == 400 and r.json["error"]["details"][0]["type"] == "home_classes_classroom_only"
    two = [mine["id"], new_class(api, world)["id"]]
    r = _create(api, world, {"name": "小教室", "type": "classroom", "capacity": 1, "home_class_ids": two})
    assert r.status_code == 400
    assert [(d["field"], d["type"]) for d in r.json["error"]["details"]] == [
        ("home_class_ids", "home_classes_exceed_capacity")
    ]
    room = new_venue(api, world, name="大教室", type="classroom", capacity=2, home_class_ids=two)
    url = f"{_venues(world)}/{room['id']}"
    shrink = api.patch(url, {"capacity": 1}, as_=world.school_admin, headers={"If-Match": '"1"'})
    assert shrink.status_code == 400 and shrink.json["error"]["details"][0]["field"] == "home_class_ids"


def test_bad_bodies_list_each_field(api: Api, world: World) -> None:
    bad = {"name": "", "type": "swimming_pool", "capacity": 0, "home_class_ids": ["nope"], "colour": "red"}
    r = _create(api, world, bad)
    assert r.status_code == 400 and r.json["error"]["code"] == "validation_error"
    fields = {d["field"] for d in r.json["error"]["details"]}
    assert fields == {"name", "type", "capacity", "home_class_ids.0", "colour"}
    english = _create(api, world, {"name": "x", "type": "lab", "capacity": "2"}, headers={"Accept-Language": "en"})
    assert english.json["error"]["details"] == [
        {"field": "capacity", "message": "Must be a whole number.", "type": "int_type"}
    ]


def test_change_and_delete_with_optimistic_locking(api: Api, world: World) -> None:
    venue = new_venue(api, world, name="体育馆", type="gym", capacity=2)
    url = f"{_venues(world)}/{venue['id']}"
    assert api.patch(url, {"capacity": 3}, as_=world.school_admin).status_code == 428
    r = api.patch(url, {"capacity": 3, "version": 1}, as_=world.school_admin)
    assert r.status_code == 200 and r.headers["ETag"] == '"2"' and r.json["capacity"] == 3
    unchanged = api.patch(url, {"capacity": 3}, as_=world.school_admin, headers={"If-Match": '"2"'})
    assert unchanged.status_code == 200 and unchanged.json["version"] == 2  # nothing to write
    stale = api.patch(url, {"capacity": 4}, as_=world.school_admin, headers={"If-Match": '"1"'})
    assert stale.status_code == 409 and stale.json["error"]["code"] == "version_conflict"
    assert api.call("DELETE", url, as_=world.school_admin).status_code == 428
    assert api.call("DELETE", url, as_=world.school_admin, headers={"If-Match": '"1"'}).status_code == 409
    gone = api.call("DELETE", url, as_=world.school_admin, headers={"If-Match": '"2"'})
    assert gone.status_code == 204 and gone.body == b""
    assert api.get(url, as_=world.school_admin).status_code == 404
    assert new_venue(api, world, name="体育馆")["name"] == "体育馆"  # its name is free again
    kinds = [t for t, _ in _events(world.school_id) if t.startswith("Venue")]
    assert kinds == ["VenueCreated", "VenueChanged", "VenueDeleted", "VenueCreated"]


def test_listing_pages(api: Api, world: World) -> None:
    made = [new_venue(api, world)["id"] for _ in range(3)]
    first = api.get(f"{_venues(world)}?limit=2", as_=world.teacher).json
    assert len(first["items"]) == 2 and first["next_cursor"]
    rest = api.get(f"{_venues(world)}?limit=2&cursor={first['next_cursor']}", as_=world.teacher).json
    assert [v["id"] for v in first["items"] + rest["items"]] == made and rest["next_cursor"] is None


def test_other_schools_venues_are_not_found(api: Api, world: World, other: World) -> None:
    venue = new_venue(api, other)
    for school in (other, world):
        url = f"/schools/{school.school_id}/timetable/venues/{venue['id']}"
        assert api.get(url, as_=world.school_admin).status_code == 404
        assert api.patch(url, {"capacity": 1}, as_=world.school_admin, headers={"If-Match": '"1"'}).status_code == 404
        assert api.call("DELETE", url, as_=world.school_admin, headers={"If-Match": '"1"'}).status_code == 404
    assert api.get(_venues(other), as_=world.teacher).status_code == 404
    assert api.get(f"{_venues(world)}/not-an-id", as_=world.school_admin).status_code == 404
    assert api.get(f"/schools/{other.school_id}/timetable/venues/{venue['id']}", as_=other.teacher).json == venue
