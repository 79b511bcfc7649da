"""Districts provision, list, edit, suspend and reactivate schools."""

from __future__ import annotations

import uuid

from tests.functional.conftest import Api, World, school_body


def provision(api: Api, w: World, body: dict | None = None, key: str | None = None, as_: str | None = None):
    return api.post(
        f"/districts/{w.district_id}/schools",
        body or school_body(),
        as_=as_ or w.district_admin,
        headers={"Idempotency-Key": key or uuid.uuid4().hex},
    )


def test_provision_school_applies_defaults_and_invites_first_admin(api: Api, world: World) -> None:
    body = school_body()
    r = provision(api, world, body)
    assert r.status_code == 201
    school = r.json["school"]
    assert school["district_id"] == world.district_id
    assert (school["time_zone"], school["locale"], school["currency"], school["workday_end"]) == (
        "Asia/Shanghai",
        "zh-CN",
        "CNY",
        "17:30",
    )
    assert school["status"] == "active" and school["version"] == 1
    inv = r.json["first_admin_invitation"]
    assert inv["role"] == "school_admin" and inv["status"] == "invited"
    assert inv["email"] == body["first_admin"]["email"] and len(inv["invitation_code"]) >= 24
    sa = api.tokens("school_admin", tenant=school["id"])
    staff = api.get(f"/schools/{school['id']}/staff", as_=sa)
    assert [m["email"] for m in staff.json["items"]] == [body["first_admin"]["email"]]
    assert "invitation_code" not in staff.json["items"][0]


def test_platform_admin_can_provision_in_any_district(api: Api, world: World) -> None:
    assert provision(api, world, as_=world.platform).status_code == 201


def test_same_idempotency_key_and_body_returns_same_school(api: Api, world: World) -> None:
    body, key = school_body(), uuid.uuid4().hex
    first = provision(api, world, body, key)
    again = provision(api, world, body, key)
    assert first.status_code == 201 and again.status_code == 200
    assert again.json["school"]["id"] == first.json["school"]["id"]
    assert again.json["first_admin_invitation"] is None
    listing = api.get(f"/districts/{world.district_id}/schools", as_=world.district_admin)
    assert [s["id"] for s in listing.json["items"]].count(first.json["school"]["id"]) == 1
    assert len(listing.json["items"]) == 2  # the world's school + this one, not three


def test_same_idempotency_key_with_other_body_is_refused(api: Api, world: World) -> None:
    key = uuid.uuid4().hex
    assert provision(api, world, school_body(), key).status_code == 201
    r = provision(api, world, school_body(name="另一所学校"), key)
    assert r.status_code == 422 and r.json["error"]["code"] == "idempotency_key_reused"


def test_idempotency_key_is_required(api: Api, world: World) -> None:
    r = api.post(f"/districts/{world.district_id}/schools", school_body(), as_=world.district_admin)
    assert r.status_code == 400 and r.json["error"]["code"] == "idempotency_key_required"


def test_school_code_is_unique_in_district_and_nothing_is_half_written(api: Api, world: World) -> None:
    body = school_body()
    assert provision(api, world, body).status_code == 201
    dup = provision(api, world, school_body(code=body["code"]))
    assert dup.status_code == 409 and dup.json["error"]["code"] == "school_code_taken"
    listing = api.get(f"/districts/{world.district_id}/schools", as_=world.district_admin)
    assert len(listing.json["items"]) == 2


def test_validation_errors_are_field_level_and_write_nothing(api: Api, world: World) -> None:
    bad = school_body(time_zone="Mars/Olympus", workday_end="25:00", unexpected="x")
    bad["first_admin"] = {"name": "", "email": "not-an-email"}
    r = provision(api, world, bad)
    assert r.status_code == 400 and r.json["error"]["code"] == "validation_error"
    fields = {d["field"] for d in r.json["error"]["details"]}
    assert {"time_zone", "workday_end", "unexpected", "first_admin.name", "first_admin.email"} <= fields
    listing = api.get(f"/districts/{world.district_id}/schools", as_=world.district_admin)
    assert len(listing.json["items"]) == 1


def test_invalid_json_is_a_clear_error(api: Api, world: World) -> None:
    r = api.call(
        "POST",
        f"/districts/{world.district_id}/schools",
        raw="{not json",
        as_=world.district_admin,
        headers={"Idempotency-Key": "k"},
    )
    assert r.status_code == 400 and r.json["error"]["code"] == "invalid_json"


def test_messages_follow_accept_language(api: Api, world: World) -> None:
    zh = api.get("/schools/01K0NOPE000000000000000000", as_=world.platform)
    en = api.get("/schools/01K0NOPE000000000000000000", as_=world.platform, headers={"Accept-Language": "en-US"})
    assert zh.status_code == en.status_code == 404
    assert zh.json["error"]["message"] == "未找到该资源。"
    assert en.json["error"]["message"] == "Not found."


def test_school_is_visible_to_its_people(api: Api, world: World) -> None:
    for who in (world.platform, world.district_admin, world.school_admin, world.teacher, world.guardian):
        r = api.get(f"/schools/{world.school_id}", as_=who)
        assert r.status_code == 200 and r.json["id"] == world.school_id
        assert r.headers["ETag"] == '"1"'


def test_patch_with_optimistic_locking(api: Api, world: World) -> None:
    path = f"/schools/{world.school_id}"
    ok = api.patch(
        path, {"workday_end": "18:00", "name": "新名字"}, as_=world.school_admin, headers={"If-Match": '"1"'}
    )
    assert ok.status_code == 200 and ok.json["version"] == 2 and ok.json["workday_end"] == "18:00"
    stale = api.patch(path, {"name": "旧版本的修改"}, as_=world.district_admin, headers={"If-Match": '"1"'})
    assert stale.status_code == 409 and stale.json["error"]["code"] == "version_conflict"
    by_body = api.patch(path, {"name": "用版本号", "version": 2}, as_=world.district_admin)
    assert by_body.status_code == 200 and by_body.json["version"] == 3
    missing = api.patch(path, {"name": "x"}, as_=world.school_admin)
    assert missing.status_code == 428
    assert api.get(path, as_=world.school_admin).json["name"] == "用版本号"


def test_patch_rejects_unknown_and_readonly_fields(api: Api, world: World) -> None:
    r = api.patch(
        f"/schools/{world.school_id}", {"status": "suspended"}, as_=world.school_admin, headers={"If-Match": "1"}
    )
    assert r.status_code == 400
    assert api.get(f"/schools/{world.school_id}", as_=world.school_admin).json["status"] == "active"


def test_teacher_and_guardian_cannot_edit_settings(api: Api, world: World) -> None:
    for who in (world.teacher, world.guardian):
        r = api.patch(f"/schools/{world.school_id}", {"name": "x"}, as_=who, headers={"If-Match": "1"})
        assert r.status_code == 403


def test_suspend_blocks_school_people_and_reactivate_restores(api: Api, world: World) -> None:
    sid = world.school_id
    assert api.post(f"/schools/{sid}/suspend", {"reason": "x"}, as_=world.school_admin).status_code == 403
    r = api.post(f"/schools/{sid}/suspend", {"reason": "年检未通过"}, as_=world.district_admin)
    assert r.status_code == 200 and r.json["status"] == "suspended"
    for who in (world.school_admin, world.teacher, world.guardian):
        blocked = api.get(f"/schools/{sid}", as_=who)
        assert blocked.status_code == 403 and blocked.json["error"]["code"] == "tenant_suspended"
    again = api.post(f"/schools/{sid}/suspend", {"reason": "x"}, as_=world.district_admin)
    assert again.status_code == 409 and again.json["error"]["code"] == "already_suspended"
    # nothing deleted: the district still sees the school and its staff
    assert api.get(f"/schools/{sid}/staff", as_=world.district_admin).json["items"]
    back = api.post(f"/schools/{sid}/reactivate", as_=world.platform)
    assert back.status_code == 200 and back.json["status"] == "active"
    assert api.get(f"/schools/{sid}", as_=world.teacher).status_code == 200
    assert api.post(f"/schools/{sid}/reactivate", as_=world.platform).status_code == 409


def test_only_platform_admin_creates_districts(api: Api, world: World) -> None:
    for who in (world.district_admin, world.school_admin, world.guardian):
        assert api.post("/districts", {"name": "x"}, as_=who).status_code == 403
    assert api.get(f"/districts/{world.district_id}", as_=world.district_admin).json["name"] == "测试区教育局"
    assert api.get(f"/districts/{world.district_id}", as_=world.school_admin).status_code == 403


def test_unknown_district_answers_404_and_writes_nothing(api: Api, world: World) -> None:
    missing = "01K0N0D0000000000000000000"
    r = api.post(
        f"/districts/{missing}/schools",
        school_body(),
        as_=world.platform,
        headers={"Idempotency-Key": uuid.uuid4().hex},
    )
    assert r.status_code == 404
    assert api.get(f"/districts/{missing}/schools", as_=world.platform).status_code == 404
    assert api.get("/districts/not-an-id/schools", as_=world.platform).status_code == 404
