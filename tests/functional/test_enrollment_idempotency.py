"""Creating an application with an Idempotency-Key, and the names snapshot applications carry."""

from __future__ import annotations

import uuid
from typing import Any

from tests.functional.conftest import Api, World
from tests.functional.isolation_enrollment import (
    PHONE,
    app_path,
    application_body,
    consent,
    new_family,
    new_term,
)


def _create(api: Api, w: World, body: dict[str, Any], token: str, key: str | None = None, **headers: str) -> Any:
    h = dict(headers)
    if key is not None:
        h["Idempotency-Key"] = key
    return api.post(f"/schools/{w.school_id}/applications", body, as_=token, headers=h)


def test_same_key_and_body_answer_the_same_application(api: Api, world: World) -> None:
    term, fam = new_term(api, world), new_family(api, world)
    consent(api, world, fam)
    body = application_body(fam, term)
    key = uuid.uuid4().hex
    first = _create(api, world, body, fam.guardian, key)
    assert first.status_code == 201, first.body
    again = _create(api, world, body, fam.guardian, key)
    assert again.status_code == 200, again.body
    assert again.json == first.json
    mine = api.get(f"/schools/{world.school_id}/my/applications", as_=fam.guardian).json["items"]
    assert [a["id"] for a in mine] == [first.json["id"]]
    # a replay answers with the application as it is now
    api.post(app_path(world, first.json["id"], "/submit"), as_=fam.guardian)
    later = _create(api, world, body, fam.guardian, key)
    assert later.status_code == 200 and later.json["id"] == first.json["id"] and later.json["status"] == "submitted"


def test_same_key_with_another_body_is_refused(api: Api, world: World) -> None:
    term, fam = new_term(api, world), new_family(api, world)
    consent(api, world, fam)
    key = uuid.uuid4().hex
    assert _create(api, world, application_body(fam, term), fam.guardian, key).status_code == 201
    other = application_body(fam, term, lunch=False)
    r = _create(api, world, other, fam.guardian, key)
    assert r.status_code == 422 and r.json["error"]["code"] == "idempotency_key_reused"
    assert "幂等键" in r.json["error"]["message"]
    r = _create(api, world, other, fam.guardian, key, **{"Accept-Language": "en"})
    assert "Idempotency-Key" in r.json["error"]["message"]


def test_keys_belong_to_one_guardian_and_are_optional(api: Api, world: World) -> None:
    term, fam = new_term(api, world), new_family(api, world)
    consent(api, world, fam)
    body = application_body(fam, term)
    key = uuid.uuid4().hex
    assert _create(api, world, body, fam.guardian, key).status_code == 201
    # the child's other guardian (another account, the same phone) reusing the key is not a replay
    second = api.tokens("guardian", tenant=world.school_id, phone=PHONE)
    path = f"/schools/{world.school_id}/students/{fam.student_id}/consent"
    assert api.post(path, {"text_version": "v1"}, as_=second).status_code == 201
    r = _create(api, world, body, second, key)
    assert r.status_code == 409 and r.json["error"]["code"] == "application_exists"
    # without a key, a retry is still refused by the one-open-application rule
    r = _create(api, world, body, fam.guardian)
    assert r.status_code == 409 and r.json["error"]["code"] == "application_exists"


def test_bad_keys_and_refusals_come_before_any_replay(api: Api, world: World, other: World) -> None:
    term, fam = new_term(api, world), new_family(api, world)
    consent(api, world, fam)
    body = application_body(fam, term)
    r = _create(api, world, body, fam.guardian, "k" * 256)
    assert r.status_code == 400 and r.json["error"]["details"][0]["field"] == "Idempotency-Key"
    key = uuid.uuid4().hex
    assert _create(api, world, body, fam.guardian, key).status_code == 201
    # staff replaying a guardian's key are still staff (403), another school's guardian still 404
    assert _create(api, world, body, world.school_admin, key).status_code == 403
    outsider = api.tokens("guardian", tenant=other.school_id, phone=PHONE)
    assert _create(api, world, body, outsider, key).status_code == 404


def test_applications_carry_the_childs_and_class_names(api: Api, world: World) -> None:
    term, fam = new_term(api, world), new_family(api, world)
    consent(api, world, fam)
    sid = world.school_id
    r = _create(api, world, application_body(fam, term), fam.guardian)
    app = r.json
    klass = api.get(f"/schools/{sid}/classes/{fam.class_id}", as_=world.school_admin).json
    assert app["student_name"] == "王小明" and app["class_name"] == klass["name"]
    api.post(app_path(world, app["id"], "/submit"), as_=fam.guardian)
    queue = api.get(f"/schools/{sid}/classes/{fam.class_id}/applications", as_=fam.teacher).json["items"]
    assert [(a["student_name"], a["class_name"]) for a in queue] == [("王小明", klass["name"])]
    # a rename shows once the guardian edits the application again (a snapshot, refreshed on edit)
    student = api.get(f"/schools/{sid}/students/{fam.student_id}", as_=world.school_admin).json
    r = api.patch(
        f"/schools/{sid}/students/{fam.student_id}",
        {"name": "王晓明"},
        as_=world.school_admin,
        headers={"If-Match": f'"{student["version"]}"'},
    )
    assert r.status_code == 200, r.body
    api.post(app_path(world, app["id"], "/class-review"), {"decision": "return", "reason": "请改"}, as_=fam.teacher)
    assert api.get(app_path(world, app["id"]), as_=fam.guardian).json["student_name"] == "王小明"
    edit = {k: v for k, v in application_body(fam, term).items() if k not in ("student_id", "term_id")}
    current = api.get(app_path(world, app["id"]), as_=fam.guardian).json
    r = api.patch(app_path(world, app["id"]), edit, as_=fam.guardian, headers={"If-Match": f'"{current["version"]}"'})
    assert r.status_code == 200 and r.json["student_name"] == "王晓明"
