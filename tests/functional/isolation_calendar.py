"""Teaches the cross-tenant matrix the calendar's path parameters (see test_cross_tenant.PROVIDERS)."""

from __future__ import annotations

import random

from tests.functional.conftest import Api, World

PARAMS = ("term_id",)


def objects(api: Api, owner: World) -> dict[str, str]:
    """A 学期 in ``owner``'s school, created by its school_admin.

    Other contexts' providers may create terms in the same school, so pick a far-future year and
    try another one if it happens to overlap.
    """
    for _ in range(10):
        year = random.randint(2200, 2900)
        body = {"name": f"{year}秋季学期", "starts_on": f"{year}-09-01", "ends_on": f"{year + 1}-01-15"}
        r = api.post(f"/schools/{owner.school_id}/terms", body, as_=owner.school_admin)
        if r.status_code == 201:
            return {"term_id": r.json["id"]}
        assert r.status_code == 409, r.body
    raise AssertionError("could not create a term for the isolation matrix")
