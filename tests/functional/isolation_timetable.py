"""Teaches the cross-tenant matrix the timetable's path parameters (see test_cross_tenant.PROVIDERS),
and helpers the timetable tests share."""

from __future__ import annotations

import uuid
from typing import Any

from tests.functional.conftest import Api, World

PARAMS = ("venue_id", "adult_id", "generation_id", "weekday", "period")


def new_venue(api: Api, w: World, **over: Any) -> dict[str, Any]:
    body = {"name": f"场地{uuid.uuid4().hex[:6]}", "type": "playground", "capacity": 2, **over}
    r = api.post(f"/schools/{w.school_id}/timetable/venues", body, as_=w.school_admin)
    assert r.status_code == 201, r.body
    return dict(r.json)


def new_adult(api: Api, w: World, **over: Any) -> dict[str, Any]:
    body = {"name": f"王老师{uuid.uuid4().hex[:4]}", "kind": "teacher", "skills": ["homework", "reading"], **over}
    r = api.post(f"/schools/{w.school_id}/timetable/adults", body, as_=w.school_admin)
    assert r.status_code == 201, r.body
    return dict(r.json)


def objects(api: Api, owner: World) -> dict[str, str]:
    """A venue and an adult in ``owner``'s school, created by its school_admin; a generation id and a
    cell's weekday and period (the school's path decides the answer: another school's term is 404)."""
    from chalicelib.core.ids import new_id

    return {
        "venue_id": new_venue(api, owner)["id"],
        "adult_id": new_adult(api, owner)["id"],
        "generation_id": new_id(),
        "weekday": "2",
        "period": "2",
    }
