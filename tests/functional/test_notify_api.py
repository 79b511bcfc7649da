"""Guardians' contact preferences and inbox over HTTP: sealing, masking, paging, read marks, access."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest

from chalicelib.api.container import Container
from chalicelib.notify.models import encode_notice_id
from tests.functional.conftest import Api, World
from tests.functional.isolation_notify import event_detail, guardian, put_contact


def _notices(container: Container, w: World, sub: str, count: int) -> list[str]:
    """``count`` notices for ``sub``, oldest first; returns their ids."""
    ids = []
    with container.data.unscoped():  # what the event consumer runs on, not a request's scoped credentials
        for i in range(count):
            result = container.notify.handle("ApplicationSubmitted", event_detail(w.school_id, sub, seconds=i))
            assert result is not None
            ids.append(result.notice_id)
    return ids


def _raw_contact(container: Container, w: World, sub: str) -> dict[str, Any]:
    s = container.settings
    ddb = boto3.client("dynamodb", region_name=s.region, endpoint_url=s.dynamodb_endpoint)
    key = {"pk": {"S": f"T#{w.school_id}#CONTACT#{sub}"}, "sk": {"S": "CONTACT"}}
    item: dict[str, Any] = ddb.get_item(TableName=s.main_table, Key=key, ConsistentRead=True)["Item"]
    return item


def test_contact_is_stored_sealed_and_returned_masked(api: Api, container: Container, world: World) -> None:
    token = guardian(api, world)
    empty = api.get(f"/schools/{world.school_id}/my/contact", as_=token)
    assert empty.status_code == 200 and empty.json["registered"] is False

    r = put_contact(api, world, token, email="parent@example.cn", email_enabled=True, sms=True, locale="en")
    assert r.status_code == 200, r.body
    assert r.json == {
        "registered": True,
        "email": "parent@example.cn",
        "email_enabled": True,
        "sms": True,
        "sms_number": "138****0000",
        "locale": "en",
        "updated_at": r.json["updated_at"],
    }
    got = api.get(f"/schools/{world.school_id}/my/contact", as_=token)
    assert got.json == r.json and "13800000000" not in got.body.decode()

    raw = json.dumps(_raw_contact(container, world, "g-1"))
    for clear in ("13800000000", "8613800000000", "parent@example.cn", "138****0000"):
        assert clear not in raw
    assert container.vault.open(world.school_id, _raw_contact(container, world, "g-1")["phone_sealed"]["S"]) == (
        "+8613800000000"
    )


def test_sms_off_stores_no_number(api: Api, container: Container, world: World) -> None:
    token = guardian(api, world)
    put_contact(api, world, token, sms=True)
    r = put_contact(api, world, token, sms=False, locale="zh-CN")
    assert r.status_code == 200 and r.json["sms_number"] is None and r.json["email"] is None
    assert "phone_sealed" not in _raw_contact(container, world, "g-1")


def test_contact_validation(api: Api, world: World) -> None:
    no_phone = guardian(api, world, sub="g-2", phone=None)
    r = put_contact(api, world, no_phone, sms=True)
    assert r.status_code == 403 and r.json["error"]["code"] == "sms_phone_not_verified"
    assert put_contact(api, world, no_phone, email="parent@example.cn", email_enabled=True).status_code == 200
    token = guardian(api, world)
    assert put_contact(api, world, token, email_enabled=True).status_code == 400  # no address
    assert put_contact(api, world, token, email="not-an-address").status_code == 400
    assert put_contact(api, world, token, locale="fr").status_code == 400
    assert put_contact(api, world, token, phone="13900000000").status_code == 400  # unknown field


def test_inbox_pages_newest_first_and_marks_read_once(api: Api, container: Container, world: World) -> None:
    token = guardian(api, world)
    ids = _notices(container, world, "g-1", 25)
    base = f"/schools/{world.school_id}/my/inbox"
    seen: list[str] = []
    cursor = None
    while True:
        page = api.get(base + "?limit=10" + (f"&cursor={cursor}" if cursor else ""), as_=token).json
        assert page["unread"] == 25 and len(page["items"]) <= 10
        seen += [n["id"] for n in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == list(reversed(ids))

    for _ in range(2):  # idempotent
        r = api.post(f"{base}/{ids[3]}/read", as_=token)
        assert r.status_code == 200 and r.json["read"] is True and r.json["id"] == ids[3]
    page = api.get(base + "?limit=100", as_=token).json
    assert page["unread"] == 24 and [n["id"] for n in page["items"] if n["read"]] == [ids[3]]

    assert api.post(f"{base}/not-a-notice/read", as_=token).status_code == 404
    assert api.get(base + "?cursor=garbage", as_=token).status_code == 400


def test_another_guardians_notice_is_not_found(api: Api, container: Container, world: World) -> None:
    mine = _notices(container, world, "g-1", 1)[0]
    other = guardian(api, world, sub="g-2", phone="+8613900000000")
    base = f"/schools/{world.school_id}/my/inbox"
    r = api.post(f"{base}/{mine}/read", as_=other)
    assert r.status_code == 404 and r.json["error"]["code"] == "not_found"
    assert api.get(base, as_=other).json["items"] == []
    # a well-formed id that exists nowhere is the same 404
    assert (
        api.post(
            f"{base}/{encode_notice_id('2026-01-01T00:00:00.000000Z#01K0SEED000000000000000D01')}/read", as_=other
        ).status_code
        == 404
    )
    assert api.get(base, as_=guardian(api, world)).json["unread"] == 1  # untouched


ROUTES = [
    ("GET", "/my/contact"),
    ("PUT", "/my/contact"),
    ("GET", "/my/inbox"),
    ("POST", "/my/inbox/{notice_id}/read"),
]
BODY = {"email": "x@example.cn", "email_enabled": True, "sms": False, "locale": "zh-CN"}


@pytest.mark.parametrize(("method", "route"), ROUTES)
def test_only_the_schools_guardians_get_in(
    api: Api, container: Container, world: World, other: World, method: str, route: str
) -> None:
    notice_id = _notices(container, world, "g-1", 1)[0]
    path = f"/schools/{world.school_id}" + route.replace("{notice_id}", notice_id)
    body = BODY if method == "PUT" else None
    staff = {
        "school_admin": world.school_admin,
        "teacher": world.teacher,
        "provider_staff": api.tokens("provider_staff", tenant=world.school_id),
    }
    for role, token in staff.items():
        r = api.call(method, path, body, as_=token)
        assert r.status_code == 403, (role, r.status_code)
    outsiders = {
        "other school's guardian": api.tokens("guardian", tenant=other.school_id, sub="g-1", phone="+8613800000000"),
        "other school's admin": other.school_admin,
        "district_admin": world.district_admin,
    }
    for who, token in outsiders.items():
        r = api.call(method, path, body, as_=token)
        assert r.status_code == 404, (who, r.status_code)
    assert api.call(method, path, body).status_code == 401
