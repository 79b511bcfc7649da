"""Catalog routes: providers and their approval, the term's program draft, publishing (公示), published
versions, and the public program as JSON and as a page."""

from __future__ import annotations

import copy
import json
import random
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from pynamodb.connection import Connection

from chalicelib.api.container import Container
from chalicelib.core.errors import VersionConflict
from chalicelib.core.identity import Principal, Role
from chalicelib.core.ids import new_id
from chalicelib.enrollment.catalog.services import CatalogService
from devstack.stack import LocalStack
from tests.conftest import EventTap
from tests.functional.conftest import Api, World

PHONE = "13812340000"
PROVIDER: dict[str, Any] = {
    "name": "青苗体育培训中心",
    "licence_number": "91110101MA01ABCD3X",
    "contact_name": "张经理",
    "contact_phone": PHONE,
}
FOOTBALL: dict[str, Any] = {
    "name": "校园足球",
    "category": "sports",
    "provider": "school",
    "grades": [3, 4],
    "weekdays": [2, 4],
    "period": 2,
    "venue": "操场",
    "capacity": 30,
    "fee_fen": 0,
    "fee_basis": "free",
    "staff": ["刘老师"],
    "description": "基本功与分组对抗",
}
CARE: dict[str, Any] = {"kind": "care", "fee_fen": 0, "fee_basis": "free", "description": "放学后看管与自主作业"}
LUNCH: dict[str, Any] = {"kind": "lunch", "price_per_day_fen": 1500, "description": "营养午餐"}


# -- helpers -----------------------------------------------------------------------------------------


def term(api: Api, w: World, year: int | None = None, season: str = "autumn") -> str:
    year = year or random.randint(2030, 2090)
    dates = ("09-01", "01-15", year + 1) if season == "autumn" else ("02-20", "07-10", year)
    body = {"name": f"{year}学期", "starts_on": f"{year}-{dates[0]}", "ends_on": f"{dates[2]}-{dates[1]}"}
    r = api.post(f"/schools/{w.school_id}/terms", body, as_=w.school_admin)
    assert r.status_code == 201, r.body
    return str(r.json["id"])


def provider(api: Api, w: World, status: str | None = None, **over: Any) -> str:
    r = api.post(f"/schools/{w.school_id}/providers", {**PROVIDER, **over}, as_=w.school_admin)
    assert r.status_code == 201, r.body
    if status:
        assert set_status(api, w, r.json["id"], "approved").status_code == 200
    if status == "suspended":
        assert set_status(api, w, r.json["id"], "suspended").status_code == 200
    return str(r.json["id"])


def set_status(api: Api, w: World, provider_id: str, status: str, as_: str | None = None) -> Any:
    body = {"status": status, "reason": f"{status} 原因"}
    return api.post(f"/schools/{w.school_id}/providers/{provider_id}/status", body, as_=as_ or w.school_admin)


def program_path(w: World, term_id: str) -> str:
    return f"/schools/{w.school_id}/terms/{term_id}/program"


def put(api: Api, w: World, term_id: str, body: dict[str, Any], version: int | None, as_: str | None = None) -> Any:
    headers = {"If-Match": f'"{version}"'} if version is not None else None
    return api.call("PUT", program_path(w, term_id), body, as_=as_ or w.school_admin, headers=headers)


def program(*activities: dict[str, Any], services: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {
        "services": copy.deepcopy([CARE, LUNCH] if services is None else services),
        "activities": copy.deepcopy(list(activities)),
        "safety_measures": "专人看管，按时清点人数。",
    }


def paid(provider_id: str, **over: Any) -> dict[str, Any]:
    return {**FOOTBALL, "provider": provider_id, "fee_fen": 30000, "fee_basis": "per_term", **over}


def publish(api: Api, w: World, term_id: str, as_: str | None = None) -> Any:
    return api.post(program_path(w, term_id) + "/publish", as_=as_ or w.school_admin)


def published(api: Api, w: World, *activities: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    term_id = term(api, w)
    assert put(api, w, term_id, program(*activities), 0).status_code == 200
    r = publish(api, w, term_id)
    assert r.status_code == 201, r.body
    return term_id, r.json


def public(api: Api, school_id: str, query: str = "", **kw: Any) -> Any:
    return api.get(f"/public/schools/{school_id}/program{query}", **kw)


def fields(r: Any) -> set[tuple[str, str]]:
    return {(d["field"], d["type"]) for d in r.json["error"]["details"]}


def events_of(event_tap: EventTap, school_id: str) -> list[dict[str, Any]]:
    return [m for m in event_tap.drain() if m["detail"].get("tenant_id") == school_id]


# -- providers -----------------------------------------------------------------------------------------


def test_register_provider_pending_with_phone_for_admin_only(api: Api, world: World) -> None:
    r = api.post(f"/schools/{world.school_id}/providers", PROVIDER, as_=world.school_admin)
    assert r.status_code == 201 and r.headers["ETag"] == '"1"'
    body = r.json
    assert (body["status"], body["contact_phone"], body["history"], body["version"]) == ("pending", PHONE, [], 1)
    assert body["contact_phone_masked"] is False
    path = f"/schools/{world.school_id}/providers/{body['id']}"
    full = api.get(path, as_=world.school_admin).json
    assert (full["contact_phone"], full["contact_phone_masked"]) == (PHONE, False)
    # A listing masks the phone for everyone, the school_admin included: one deliberate read shows it.
    listed = api.get(f"/schools/{world.school_id}/providers", as_=world.school_admin)
    assert [(p["contact_phone"], p["contact_phone_masked"]) for p in listed.json["items"]] == [("138****0000", True)]
    assert PHONE not in listed.body.decode()
    for staff in (world.teacher, api.tokens("provider_staff", tenant=world.school_id)):
        one = api.get(path, as_=staff)
        assert one.status_code == 200 and one.json["contact_phone"] == "138****0000"
        assert one.json["contact_phone_masked"] is True
        listed = api.get(f"/schools/{world.school_id}/providers", as_=staff)
        assert [p["contact_phone"] for p in listed.json["items"]] == ["138****0000"]
        assert PHONE not in one.body.decode() and PHONE not in listed.body.decode()


def _raw_provider(stack: LocalStack, school_id: str, provider_id: str) -> dict[str, Any]:
    key = {"pk": {"S": f"T#{school_id}"}, "sk": {"S": f"PROVIDER#{provider_id}"}}
    item: dict[str, Any] = stack.dynamodb_client().get_item(TableName=stack.settings.main_table, Key=key)["Item"]
    return item


def test_provider_phone_is_sealed_at_rest(api: Api, world: World, stack: LocalStack) -> None:
    pid = provider(api, world, "approved")
    item = _raw_provider(stack, world.school_id, pid)
    text = json.dumps(item, ensure_ascii=False)
    assert PROVIDER["name"] in text  # the right item
    assert "contact_phone" not in item and item["contact_phone_sealed"]["S"].startswith("v1.")
    assert PHONE not in text and "138****" not in text and "12340000" not in text
    path = f"/schools/{world.school_id}/providers/{pid}"
    r = api.patch(path, {"contact_phone": "13900000000", "version": 2}, as_=world.school_admin)
    assert r.status_code == 200 and r.json["contact_phone"] == "13900000000"
    text = json.dumps(_raw_provider(stack, world.school_id, pid), ensure_ascii=False)
    assert "13900000000" not in text and PHONE not in text
    assert api.get(path, as_=world.school_admin).json["contact_phone"] == "13900000000"
    assert api.get(path, as_=world.teacher).json["contact_phone"] == "139****0000"


def test_a_legacy_clear_phone_is_read_then_sealed_on_the_next_write(api: Api, world: World, stack: LocalStack) -> None:
    """Providers stored before sealing (a seeded dev database) still read; the next write seals them."""
    pid = provider(api, world)
    item = _raw_provider(stack, world.school_id, pid)
    del item["contact_phone_sealed"]
    item["contact_phone"] = {"S": "010-12345678"}
    stack.dynamodb_client().put_item(TableName=stack.settings.main_table, Item=item)
    path, listing = f"/schools/{world.school_id}/providers/{pid}", f"/schools/{world.school_id}/providers"
    assert api.get(path, as_=world.school_admin).json["contact_phone"] == "010-12345678"
    assert api.get(path, as_=world.teacher).json["contact_phone"] == "010****5678"
    assert [p["contact_phone"] for p in api.get(listing, as_=world.school_admin).json["items"]] == ["010****5678"]
    assert set_status(api, world, pid, "approved").status_code == 200  # any write of the provider
    after = _raw_provider(stack, world.school_id, pid)
    assert "contact_phone" not in after and after["contact_phone_sealed"]["S"].startswith("v1.")
    assert "12345678" not in json.dumps(after)
    assert api.get(path, as_=world.school_admin).json["contact_phone"] == "010-12345678"


def test_provider_routes_refuse_other_roles(api: Api, world: World) -> None:
    pid = provider(api, world)
    base = f"/schools/{world.school_id}/providers"
    assert api.post(base, PROVIDER, as_=world.teacher).status_code == 403
    assert api.get(base, as_=world.guardian).status_code == 403
    assert api.get(f"{base}/{pid}", as_=world.guardian).status_code == 403
    assert api.patch(f"{base}/{pid}", {"name": "x"}, as_=world.teacher, headers={"If-Match": '"1"'}).status_code == 403
    assert set_status(api, world, pid, "approved", as_=world.teacher).status_code == 403
    assert api.get(base, as_=world.district_admin).status_code == 404  # not a member of the school
    assert api.get(f"{base}/{pid}", as_=world.school_admin).json["status"] == "pending"


def test_other_schools_admin_gets_404(api: Api, world: World, other: World) -> None:
    pid = provider(api, world)
    base = f"/schools/{world.school_id}/providers"
    assert api.get(base, as_=other.school_admin).status_code == 404
    assert api.get(f"{base}/{pid}", as_=other.school_admin).status_code == 404
    assert set_status(api, world, pid, "approved", as_=other.school_admin).status_code == 404
    # another school's provider id under my own school is just as unknown
    assert api.get(f"/schools/{other.school_id}/providers/{pid}", as_=other.school_admin).status_code == 404


def test_status_changes_keep_history_and_publish_events(api: Api, world: World, event_tap: EventTap) -> None:
    event_tap.drain()
    pid = provider(api, world)
    for status in ("approved", "suspended", "approved"):
        r = set_status(api, world, pid, status)
        assert r.status_code == 200 and r.json["status"] == status and r.json["status_reason"] == f"{status} 原因"
    history = r.json["history"]
    assert [(h["from_status"], h["to_status"]) for h in history] == [
        ("pending", "approved"),
        ("approved", "suspended"),
        ("suspended", "approved"),
    ]
    assert all(h["reason"] and h["by"] and h["at"] for h in history)
    seen = events_of(event_tap, world.school_id)
    assert [(m["source"], m["detail-type"]) for m in seen] == [
        ("kehou.enrollment", "ProviderRegistered"),
        ("kehou.enrollment", "ProviderApproved"),
        ("kehou.enrollment", "ProviderSuspended"),
        ("kehou.enrollment", "ProviderApproved"),
    ]
    text = json.dumps(seen, ensure_ascii=False)
    assert PHONE not in text and PROVIDER["contact_name"] not in text and "原因" not in text
    assert seen[1]["detail"]["provider_id"] == pid


@pytest.mark.parametrize(("path", "target"), [((), "suspended"), (("approved",), "approved")])
def test_refused_transitions_change_nothing(api: Api, world: World, path: tuple[str, ...], target: str) -> None:
    pid = provider(api, world)
    for status in path:
        set_status(api, world, pid, status)
    r = set_status(api, world, pid, target)
    assert r.status_code == 409 and r.json["error"]["code"] == "invalid_status_transition"
    assert r.json["error"]["details"]["to"] == target
    after = api.get(f"/schools/{world.school_id}/providers/{pid}", as_=world.school_admin).json
    assert len(after["history"]) == len(path)


def test_status_change_input_is_checked(api: Api, world: World) -> None:
    pid = provider(api, world)
    path = f"/schools/{world.school_id}/providers/{pid}/status"
    r = api.post(path, {"status": "pending", "reason": ""}, as_=world.school_admin)
    assert r.status_code == 400 and {f for f, _ in fields(r)} == {"status", "reason"}
    assert api.post(path, {"status": "approved"}, as_=world.school_admin).status_code == 400
    assert api.get(f"/schools/{world.school_id}/providers/{pid}", as_=world.school_admin).json["status"] == "pending"


def test_bad_provider_input_lists_fields_and_writes_nothing(api: Api, world: World) -> None:
    bad = {**PROVIDER, "name": "", "contact_phone": "12345", "licence_number": "1", "website": "x"}
    r = api.post(f"/schools/{world.school_id}/providers", bad, as_=world.school_admin)
    assert r.status_code == 400 and r.json["error"]["code"] == "validation_error"
    assert {f for f, _ in fields(r)} == {"name", "contact_phone", "licence_number", "website"}
    assert api.get(f"/schools/{world.school_id}/providers", as_=world.school_admin).json["items"] == []


def test_update_provider_with_optimistic_locking(api: Api, world: World) -> None:
    pid = provider(api, world)
    path = f"/schools/{world.school_id}/providers/{pid}"
    change = {"contact_name": "李经理", "contact_phone": "13900000000"}
    r = api.patch(path, change, as_=world.school_admin)
    assert r.status_code == 428 and r.json["error"]["code"] == "precondition_required"
    r = api.patch(path, change, as_=world.school_admin, headers={"If-Match": '"1"'})
    assert r.status_code == 200 and r.json["contact_name"] == "李经理" and r.headers["ETag"] == '"2"'
    assert r.json["name"] == PROVIDER["name"]  # fields left out keep their value
    stale = api.patch(path, {"name": "改名"}, as_=world.school_admin, headers={"If-Match": '"1"'})
    assert stale.status_code == 409 and stale.json["error"]["code"] == "version_conflict"
    assert api.patch(path, {"name": "改名", "version": 2}, as_=world.school_admin).status_code == 200
    bad = api.patch(path, {"contact_phone": "abc", "version": 3}, as_=world.school_admin)
    assert bad.status_code == 400 and fields(bad) == {("contact_phone", "string_pattern_mismatch")}


def test_list_providers_pages(api: Api, world: World) -> None:
    ids = [provider(api, world, name=f"机构{i}") for i in range(3)]
    base = f"/schools/{world.school_id}/providers"
    first = api.get(f"{base}?limit=2", as_=world.school_admin).json
    assert len(first["items"]) == 2 and first["next_cursor"]
    rest = api.get(f"{base}?limit=2&cursor={first['next_cursor']}", as_=world.school_admin).json
    assert [p["id"] for p in first["items"] + rest["items"]] == ids and rest["next_cursor"] is None


def test_unknown_provider_is_404(api: Api, world: World) -> None:
    base = f"/schools/{world.school_id}/providers"
    assert api.get(f"{base}/{new_id()}", as_=world.school_admin).status_code == 404
    assert api.get(f"{base}/not-an-id", as_=world.school_admin).status_code == 404
    assert set_status(api, world, new_id(), "approved").status_code == 404


# -- the program draft ------------------------------------------------------------------------------------


def test_draft_starts_empty_then_saves_with_version_and_ids(api: Api, world: World) -> None:
    term_id = term(api, world)
    empty = api.get(program_path(world, term_id), as_=world.school_admin)
    assert empty.status_code == 200 and empty.headers["ETag"] == '"0"'
    assert (empty.json["version"], empty.json["services"], empty.json["activities"]) == (0, [], [])
    assert empty.json["currency"] == "CNY" and empty.json["latest_published_version"] is None

    r = put(api, world, term_id, program(FOOTBALL, {**FOOTBALL, "name": "篮球"}), 0)
    assert r.status_code == 200 and r.json["version"] == 1 and r.headers["ETag"] == '"1"'
    ids = [a["id"] for a in r.json["activities"]]
    assert len(set(ids)) == 2 and all(len(i) == 26 for i in ids)
    assert r.json["unpublished_changes"] is True

    kept = r.json["activities"][1]
    again = put(api, world, term_id, program(kept, FOOTBALL), 1)
    assert again.status_code == 200 and again.json["version"] == 2
    assert again.json["activities"][0]["id"] == kept["id"] and again.json["activities"][1]["id"] not in ids
    assert api.get(program_path(world, term_id), as_=world.teacher).json == again.json


def test_draft_optimistic_locking(api: Api, world: World) -> None:
    term_id = term(api, world)
    assert put(api, world, term_id, program(FOOTBALL), None).status_code == 428
    assert put(api, world, term_id, program(FOOTBALL), 0).status_code == 200
    stale = put(api, world, term_id, program(), 0)
    assert stale.status_code == 409 and stale.json["error"]["code"] == "version_conflict"
    assert stale.json["error"]["details"] == {"current_version": 1}
    body = {**program(), "version": 1}
    assert api.call("PUT", program_path(world, term_id), body, as_=world.school_admin).status_code == 200
    r = api.call("PUT", program_path(world, term_id), program(), as_=world.school_admin, headers={"If-Match": "x"})
    assert r.status_code == 428


def test_bad_program_lists_every_field_and_writes_nothing(api: Api, world: World) -> None:
    term_id = term(api, world)
    assert put(api, world, term_id, program(FOOTBALL), 0).status_code == 200
    bad = program(
        {**FOOTBALL, "category": "group_tutoring"},
        {**FOOTBALL, "name": "奥数培优班"},
        {**FOOTBALL, "fee_fen": 30000, "fee_basis": "free"},
        {**FOOTBALL, "weekdays": [6], "period": 3, "grades": [10], "capacity": 0},
        {**FOOTBALL, "fee_fen": 99.5, "fee_basis": "per_term"},
        services=[CARE, {**LUNCH, "price_per_day_fen": "15"}],
    )
    r = put(api, world, term_id, bad, 1)
    assert r.status_code == 400 and r.json["error"]["code"] == "validation_error"
    assert {
        ("activities.0.category", "literal_error"),
        ("activities.1.name", "tutoring_not_allowed"),
        ("activities.2.fee_basis", "fee_basis_mismatch"),
        ("activities.3.weekdays.0", "less_than_equal"),
        ("activities.3.period", "less_than_equal"),
        ("activities.3.grades.0", "less_than_equal"),
        ("activities.3.capacity", "greater_than_equal"),
        ("activities.4.fee_fen", "int_type"),
        ("services.1.lunch.price_per_day_fen", "int_type"),
    } <= fields(r)
    current = api.get(program_path(world, term_id), as_=world.school_admin).json
    assert current["version"] == 1 and [a["name"] for a in current["activities"]] == ["校园足球"]


def test_draft_refuses_unknown_providers_and_activity_ids(api: Api, world: World, other: World) -> None:
    term_id = term(api, world)
    foreign = provider(api, other, "approved")
    r = put(api, world, term_id, program(paid(foreign), {**FOOTBALL, "id": new_id()}), 0)
    assert r.status_code == 400
    assert fields(r) == {("activities.0.provider", "unknown_provider"), ("activities.1.id", "unknown_activity")}
    assert api.get(program_path(world, term_id), as_=world.school_admin).json["version"] == 0


def test_draft_needs_a_known_term(api: Api, world: World, other: World) -> None:
    assert api.get(program_path(world, new_id()), as_=world.school_admin).status_code == 404
    assert put(api, world, new_id(), program(), 0).status_code == 404
    theirs = term(api, other)
    assert api.get(program_path(world, theirs), as_=world.school_admin).status_code == 404
    assert put(api, world, "not-a-term", program(), 0).status_code == 404


def test_draft_roles(api: Api, world: World, other: World) -> None:
    term_id = term(api, world)
    assert put(api, world, term_id, program(), 0, as_=world.teacher).status_code == 403
    assert put(api, world, term_id, program(), 0, as_=world.guardian).status_code == 403
    assert api.get(program_path(world, term_id), as_=world.guardian).status_code == 403
    assert api.get(program_path(world, term_id), as_=world.teacher).status_code == 200
    provider_staff = api.tokens("provider_staff", tenant=world.school_id)
    assert api.get(program_path(world, term_id), as_=provider_staff).status_code == 200
    assert api.get(program_path(world, term_id), as_=other.school_admin).status_code == 404
    assert put(api, world, term_id, program(), 0, as_=other.school_admin).status_code == 404
    assert publish(api, world, term_id, as_=world.teacher).status_code == 403
    assert publish(api, world, term_id, as_=other.school_admin).status_code == 404


# -- publishing ---------------------------------------------------------------------------------------------


def test_publish_freezes_versions_and_republishing_makes_new_ones(api: Api, world: World, event_tap: EventTap) -> None:
    pid = provider(api, world, "approved")
    term_id = term(api, world)
    draft = put(api, world, term_id, program(FOOTBALL, paid(pid, name="机器人编程", category="science_technology")), 0)
    event_tap.drain()
    v1 = publish(api, world, term_id)
    assert v1.status_code == 201, v1.body
    body = v1.json
    assert (body["version"], body["term_id"], body["currency"]) == (1, term_id, "CNY")
    assert body["term"]["id"] == term_id and body["term"]["starts_on"].endswith("-09-01")
    assert body["activities"] == draft.json["activities"]
    assert body["providers"] == [{"id": pid, "name": PROVIDER["name"], "licence_number": PROVIDER["licence_number"]}]
    assert PHONE not in v1.body.decode()
    seen = events_of(event_tap, world.school_id)
    assert [m["detail-type"] for m in seen] == ["ProgramPublished"]
    assert seen[0]["detail"]["term_id"] == term_id and seen[0]["detail"]["version"] == 1

    again = publish(api, world, term_id)  # unchanged draft: the same version, no copy, no event
    assert again.status_code == 200 and again.json == body
    assert events_of(event_tap, world.school_id) == []
    state = api.get(program_path(world, term_id), as_=world.school_admin).json
    assert state["latest_published_version"] == 1 and state["unpublished_changes"] is False

    edited = program(FOOTBALL, services=[CARE])
    assert put(api, world, term_id, edited, 1).status_code == 200
    v2 = publish(api, world, term_id)
    assert v2.status_code == 201 and v2.json["version"] == 2 and len(v2.json["activities"]) == 1
    versions = f"{program_path(world, term_id)}/versions"
    assert api.get(f"{versions}/1", as_=world.teacher).json == body  # v1 never changes
    assert api.get(f"{versions}/2", as_=world.guardian).json == v2.json  # guardians read published versions
    for missing in ("3", "0", "abc", "1000000"):
        assert api.get(f"{versions}/{missing}", as_=world.school_admin).status_code == 404
    assert api.get(f"{versions}/1", as_=other_school_admin(api)).status_code == 404
    assert public(api, world.school_id).json["version"] == 2


def other_school_admin(api: Api) -> str:
    return api.tokens("school_admin", tenant=new_id())


def test_publish_refused_with_every_problem_listed(api: Api, world: World) -> None:
    pending = provider(api, world)
    suspended = provider(api, world, "suspended", name="已暂停机构")
    term_id = term(api, world)
    assert put(api, world, term_id, program(paid(pending), paid(suspended), services=[]), 0).status_code == 200
    r = publish(api, world, term_id)
    assert r.status_code == 409 and r.json["error"]["code"] == "program_not_publishable"
    assert fields(r) == {
        ("services", "no_services"),
        ("activities.0.provider", "provider_not_approved"),
        ("activities.1.provider", "provider_not_approved"),
    }
    assert [d.get("status") for d in r.json["error"]["details"]] == [None, "pending", "suspended"]
    assert api.get(f"{program_path(world, term_id)}/versions/1", as_=world.school_admin).status_code == 404
    assert public(api, world.school_id).status_code == 404


def test_publishing_an_empty_or_unknown_term_is_refused(api: Api, world: World) -> None:
    term_id = term(api, world)
    r = publish(api, world, term_id)
    assert r.status_code == 409 and fields(r) == {("services", "no_services")}
    assert publish(api, world, new_id()).status_code == 404


def test_suspending_a_provider_blocks_the_next_publication(api: Api, world: World) -> None:
    pid = provider(api, world, "approved")
    term_id, _ = published(api, world, paid(pid))
    set_status(api, world, pid, "suspended")
    assert put(api, world, term_id, program(paid(pid, capacity=40)), 1).status_code == 200
    r = publish(api, world, term_id)
    assert r.status_code == 409 and fields(r) == {("activities.0.provider", "provider_not_approved")}
    assert public(api, world.school_id).json["version"] == 1  # what was published stays published


# -- the public program (公示) ------------------------------------------------------------------------------


def test_public_program_shows_what_families_need_and_nothing_personal(api: Api, world: World) -> None:
    pid = provider(api, world, "approved")
    chess = paid(pid, name="围棋", category="traditional_culture", fee_fen=20000)
    term_id, version = published(api, world, FOOTBALL, chess)
    r = public(api, world.school_id)  # no token
    assert r.status_code == 200 and r.headers["Cache-Control"].startswith("public")
    view = r.json
    assert view["school"] == {"id": world.school_id, "name": "测试小学"}
    assert view["term"]["id"] == term_id and view["version"] == 1
    lunch = next(s for s in view["services"] if s["kind"] == "lunch")
    assert (lunch["fee"], lunch["fee_fen"], lunch["collected_on_behalf"]) == ("¥15.00/天", 1500, True)
    assert next(s for s in view["services"] if s["kind"] == "care")["fee"] == "免费"
    football, go = view["activities"]
    assert (football["category_label"], football["provider"], football["fee"]) == (
        "体育",
        {"id": "school", "name": "测试小学"},
        "免费",
    )
    assert (go["category_label"], go["fee"], go["provider"]["licence_number"]) == (
        "传统文化",
        "¥200.00/学期",
        PROVIDER["licence_number"],
    )
    assert view["providers"] == version["providers"]
    # 公示 names a provider and its licence; the contact and the phone stay inside the school.
    assert view["providers"] == [{"id": pid, "name": PROVIDER["name"], "licence_number": PROVIDER["licence_number"]}]
    assert [s["label"] for s in view["procedure"]] == [
        "服务内容公示",
        "学生选择",
        "家长申请",
        "班级审核",
        "校长审定",
        "学校组织实施",
        "签订协议",
    ]
    text = r.body.decode()
    assert PHONE not in text and "138****" not in text and "刘老师" not in text and "staff" not in football
    assert "contact" not in text and PROVIDER["contact_name"] not in text
    english = public(api, world.school_id, headers={"Accept-Language": "en"}).json
    assert english["activities"][1]["category_label"] == "Traditional culture"
    assert english["procedure"][-1]["label"].startswith("School and guardian sign")
    assert public(api, world.school_id, f"?term_id={term_id}&from=singlemessage").json == view


def test_public_program_404s(api: Api, world: World, other: World) -> None:
    assert public(api, world.school_id).status_code == 404  # nothing published yet
    assert public(api, new_id()).status_code == 404  # unknown school
    assert public(api, "not-a-school").status_code == 404
    term_id, _ = published(api, world, FOOTBALL)
    other_term, _ = published(api, other, FOOTBALL)
    assert public(api, world.school_id, f"?term_id={other_term}").status_code == 404  # another school's term
    assert public(api, world.school_id, f"?term_id={new_id()}").status_code == 404
    assert public(api, world.school_id, "?term_id=bad").status_code == 404
    assert public(api, world.school_id, f"?term_id={term_id}").status_code == 200
    api.post(f"/schools/{world.school_id}/suspend", {"reason": "检查"}, as_=world.district_admin)
    assert public(api, world.school_id).status_code == 404  # a suspended school shows nothing
    assert api.get(f"/public/schools/{world.school_id}/program/page").status_code == 404


def test_default_public_program_is_the_latest_starting_term(api: Api, world: World) -> None:
    later = term(api, world, 2080)
    assert put(api, world, later, program(FOOTBALL), 0).status_code == 200
    assert publish(api, world, later).status_code == 201
    earlier = term(api, world, 2079, season="spring")
    assert put(api, world, earlier, program(FOOTBALL, services=[CARE]), 0).status_code == 200
    assert publish(api, world, earlier).status_code == 201  # published after, but starts before
    assert public(api, world.school_id).json["term"]["id"] == later
    assert public(api, world.school_id, f"?term_id={earlier}").json["term"]["id"] == earlier
    assert put(api, world, later, program(FOOTBALL, services=[LUNCH]), 1).status_code == 200
    assert publish(api, world, later).json["version"] == 2
    assert public(api, world.school_id).json["version"] == 2


def test_public_page_is_escaped_html_for_phones(api: Api, world: World) -> None:
    evil = "<script>alert('x')</script>"
    pid = provider(api, world, "approved", name=evil)
    published(api, world, FOOTBALL, paid(pid, name=f"足球{evil}", description=evil))
    r = api.get(f"/public/schools/{world.school_id}/program/page?from=timeline")
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/html")
    assert "default-src 'none'" in r.headers["Content-Security-Policy"]
    html = r.body.decode()
    assert "<script" not in html and "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert "name='viewport'" in html and "<link" not in html and "src=" not in html
    for text in ("测试小学", "课后服务内容公示", "校园足球", "¥300.00/学期", "¥15.00/天", "签订协议", "自愿"):
        assert text in html
    assert PHONE not in html and "刘老师" not in html


def test_public_page_404_is_a_page(api: Api, world: World) -> None:
    r = api.get(f"/public/schools/{world.school_id}/program/page")
    assert r.status_code == 404 and r.headers["Content-Type"].startswith("text/html")
    assert "未找到课后服务公示" in r.body.decode()


# -- races ---------------------------------------------------------------------------------------------------


def admin(w: World) -> Principal:
    return Principal("sa", frozenset({Role.SCHOOL_ADMIN}), tenant=w.school_id)


def test_an_edit_between_validation_and_commit_fails_the_publication(
    api: Api, container: Container, world: World
) -> None:
    """Deterministic race: the draft changes after publish validated it, before it commits."""
    term_id = term(api, world)
    assert put(api, world, term_id, program(FOOTBALL), 0).status_code == 200
    fired: list[bool] = []

    def connection_with_rival_edit_first() -> Connection:
        if not fired:
            fired.append(True)
            assert put(api, world, term_id, program(FOOTBALL, services=[CARE]), 1).status_code == 200
        return container.data.connection()

    svc = CatalogService(
        connection_with_rival_edit_first,
        container.clock,
        lambda: None,
        container.calendar,
        container.tenants,
        container.vault,
    )
    with pytest.raises(VersionConflict):
        svc.publish(admin(world), world.school_id, term_id)
    assert api.get(f"{program_path(world, term_id)}/versions/1", as_=world.school_admin).status_code == 404
    assert public(api, world.school_id).status_code == 404
    r = publish(api, world, term_id)  # the retry publishes what the draft now says
    assert r.status_code == 201 and [s["kind"] for s in r.json["services"]] == ["care"]


def test_concurrent_publications_make_one_version(api: Api, container: Container, world: World) -> None:
    term_id = term(api, world)
    assert put(api, world, term_id, program(FOOTBALL), 0).status_code == 200
    svc = CatalogService(
        container.data.connection, container.clock, lambda: None, container.calendar, container.tenants, container.vault
    )

    def attempt(_: int) -> str:
        try:
            version, created = svc.publish(admin(world), world.school_id, term_id)
            return f"v{int(version.number)}{'+' if created else '='}"
        except VersionConflict as exc:
            return exc.code

    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(attempt, range(6)))
    assert results.count("v1+") == 1, results
    assert set(results) <= {"v1+", "v1=", "version_conflict"}
    versions = f"{program_path(world, term_id)}/versions"
    assert api.get(f"{versions}/2", as_=world.school_admin).status_code == 404
    assert public(api, world.school_id).json["version"] == 1
