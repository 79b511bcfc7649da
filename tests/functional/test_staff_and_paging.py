"""Staff invitations, and cursor pagination over more than 100 schools."""

from __future__ import annotations

import uuid

import pytest

from tests.functional.conftest import Api, World, school_body


def _invite(api: Api, w: World, as_: str, **over: str):
    body = {"name": "李老师", "email": f"{uuid.uuid4().hex[:8]}@school.cn", "role": "teacher", **over}
    return api.post(f"/schools/{w.school_id}/staff", body, as_=as_)


def test_school_admin_invites_staff_and_lists_them(api: Api, world: World) -> None:
    r = _invite(api, world, world.school_admin, role="provider_staff")
    assert r.status_code == 201
    assert r.json["role"] == "provider_staff" and r.json["status"] == "invited" and r.json["invitation_code"]
    listed = api.get(f"/schools/{world.school_id}/staff", as_=world.school_admin).json["items"]
    assert r.json["id"] in [m["id"] for m in listed] and len(listed) == 2


def test_duplicate_email_is_a_conflict(api: Api, world: World) -> None:
    email = f"{uuid.uuid4().hex[:8]}@school.cn"
    assert _invite(api, world, world.school_admin, email=email).status_code == 201
    dup = _invite(api, world, world.district_admin, email=email.upper())
    assert dup.status_code == 409 and dup.json["error"]["code"] == "staff_exists"
    assert dup.json["error"]["details"] == [{"field": "email", "message": "taken"}]


@pytest.mark.parametrize("role", ["guardian", "district_admin", "platform_admin", "principal"])
def test_only_staff_roles_can_be_invited(api: Api, world: World, role: str) -> None:
    r = _invite(api, world, world.school_admin, role=role)
    assert r.status_code == 400 and r.json["error"]["details"][0]["field"] == "role"


def test_teachers_and_guardians_cannot_manage_staff(api: Api, world: World) -> None:
    for who in (world.teacher, world.guardian):
        assert _invite(api, world, who).status_code == 403
        assert api.get(f"/schools/{world.school_id}/staff", as_=who).status_code == 403


def test_pagination_over_more_than_100_schools(api: Api, world: World) -> None:
    for _ in range(104):  # the world already has one: 105 in all
        r = api.post(
            f"/districts/{world.district_id}/schools",
            school_body(),
            as_=world.district_admin,
            headers={"Idempotency-Key": uuid.uuid4().hex},
        )
        assert r.status_code == 201
    base = f"/districts/{world.district_id}/schools"
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        r = api.get(base + "?limit=40" + (f"&cursor={cursor}" if cursor else ""), as_=world.district_admin)
        assert r.status_code == 200
        seen += [s["id"] for s in r.json["items"]]
        pages += 1
        cursor = r.json["next_cursor"]
        if not cursor:
            break
    assert len(seen) == len(set(seen)) == 105 and pages == 3
    assert seen == sorted(seen)  # creation order, stable across pages
    full = api.get(base + "?limit=100", as_=world.district_admin).json
    assert len(full["items"]) == 100 and full["next_cursor"]
    exact = api.get(base + "?limit=35", as_=world.district_admin).json  # 105 = 3 full pages
    for _ in range(2):
        exact = api.get(base + f"?limit=35&cursor={exact['next_cursor']}", as_=world.district_admin).json
    assert len(exact["items"]) == 35 and exact["next_cursor"] is None  # no cursor to an empty page


@pytest.mark.parametrize("query", ["limit=0", "limit=101", "limit=abc", "cursor=%%%", "cursor=bm90IGpzb24", "x=1"])
def test_bad_paging_input_is_400(api: Api, world: World, query: str) -> None:
    r = api.get(f"/districts/{world.district_id}/schools?{query}", as_=world.district_admin)
    assert r.status_code == 400, r.body
