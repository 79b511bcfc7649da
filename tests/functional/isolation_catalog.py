"""Teaches the cross-tenant matrix the catalog's path parameters (see test_cross_tenant.PROVIDERS)."""

from __future__ import annotations

import random

from tests.functional.conftest import Api, World

PARAMS = ("provider_id", "term_id", "version")
# The published program is public by design (公示); test_catalog checks what it shows and hides.
PUBLIC = {("GET", "/public/schools/{school_id}/program"), ("GET", "/public/schools/{school_id}/program/page")}


def objects(api: Api, owner: World) -> dict[str, str]:
    """An approved provider and a term with a published program (v1) in ``owner``'s school."""
    sid, admin = owner.school_id, owner.school_admin
    term_id = _term(api, owner)
    r = api.post(
        f"/schools/{sid}/providers",
        {
            "name": "隔离测试机构",
            "licence_number": "91110101MA01ISOL0X",
            "contact_name": "张",
            "contact_phone": "13800000000",
        },
        as_=admin,
    )
    assert r.status_code == 201, r.body
    provider_id = r.json["id"]
    r = api.post(f"/schools/{sid}/providers/{provider_id}/status", {"status": "approved", "reason": "ok"}, as_=admin)
    assert r.status_code == 200, r.body
    activity = {
        "name": "围棋",
        "category": "traditional_culture",
        "provider": provider_id,
        "grades": [3],
        "weekdays": [3],
        "period": 2,
        "venue": "活动室",
        "capacity": 20,
        "fee_fen": 20000,
        "fee_basis": "per_term",
    }
    body = {"services": [{"kind": "care", "fee_fen": 0, "fee_basis": "free"}], "activities": [activity]}
    path = f"/schools/{sid}/terms/{term_id}/program"
    r = api.call("PUT", path, body, as_=admin, headers={"If-Match": '"0"'})
    assert r.status_code == 200, r.body
    r = api.post(f"{path}/publish", as_=admin)
    assert r.status_code == 201, r.body
    return {"provider_id": provider_id, "term_id": term_id, "version": str(r.json["version"])}


def _term(api: Api, owner: World) -> str:
    """Other contexts create terms in the same school too: pick a far-future year that is free."""
    for _ in range(10):
        year = random.randint(3000, 3900)
        body = {"name": f"{year}春季学期", "starts_on": f"{year}-02-20", "ends_on": f"{year}-07-10"}
        r = api.post(f"/schools/{owner.school_id}/terms", body, as_=owner.school_admin)
        if r.status_code == 201:
            return str(r.json["id"])
        assert r.status_code == 409, r.body
    raise AssertionError("could not create a term for the isolation matrix")
