"""An optional Idempotency-Key on term creation (POST /schools/{id}/terms): a retried request makes
no second term, and the key cannot be reused for another term."""

from __future__ import annotations

import uuid
from typing import Any

from pynamodb.connection import Connection

from chalicelib.api.container import Container
from chalicelib.roster.calendar import schemas
from chalicelib.roster.calendar.models import Term
from chalicelib.roster.calendar.services import CalendarService
from tests.conftest import EventTap
from tests.functional.conftest import Api, World
from tests.functional.test_calendar import AUTUMN, SPRING, admin, listed, terms_path


def create(api: Api, w: World, body: dict[str, Any], key: str | None, as_: str | None = None) -> Any:
    headers = {"Idempotency-Key": key} if key is not None else None
    return api.post(terms_path(w), body, as_=as_ or w.school_admin, headers=headers)


def test_the_same_key_and_body_return_the_first_term(api: Api, world: World, event_tap: EventTap) -> None:
    event_tap.drain()
    key = uuid.uuid4().hex
    first = create(api, world, AUTUMN, key)
    assert first.status_code == 201 and first.headers["ETag"] == '"1"'
    again = create(api, world, AUTUMN, key)
    assert again.status_code == 200 and again.json == first.json and again.headers["ETag"] == '"1"'
    assert [t["id"] for t in listed(api, world)] == [first.json["id"]]
    created = [m for m in event_tap.drain() if m["detail-type"] == "TermCreated"]
    assert len([m for m in created if m["detail"]["term_id"] == first.json["id"]]) == 1


def test_a_replay_returns_the_term_as_it_is_now(api: Api, world: World) -> None:
    key = uuid.uuid4().hex
    first = create(api, world, AUTUMN, key).json
    path = f"{terms_path(world)}/{first['id']}"
    renamed = api.patch(path, {"name": "改名"}, as_=world.school_admin, headers={"If-Match": '"1"'})
    assert renamed.status_code == 200
    again = create(api, world, AUTUMN, key)
    assert again.status_code == 200 and (again.json["id"], again.json["name"]) == (first["id"], "改名")


def test_another_body_with_the_same_key_is_refused(api: Api, world: World) -> None:
    key = uuid.uuid4().hex
    assert create(api, world, SPRING, key).status_code == 201
    for body in ({**SPRING, "name": "别的学期"}, AUTUMN):
        r = create(api, world, body, key)
        assert r.status_code == 422 and r.json["error"]["code"] == "idempotency_key_reused"
        assert r.json["error"]["message"] == "该幂等键已用于另一请求内容。"
    assert len(listed(api, world)) == 1


def test_keys_are_optional_checked_and_per_school(api: Api, world: World, other: World) -> None:
    assert create(api, world, SPRING, None).status_code == 201  # no key, as before
    dup = create(api, world, SPRING, None)  # without a key a retry is just another request
    assert dup.status_code == 409 and dup.json["error"]["code"] == "term_overlaps"
    key = uuid.uuid4().hex
    assert create(api, world, AUTUMN, key).status_code == 201
    assert create(api, other, AUTUMN, key).status_code == 201  # the key is per school
    too_long = create(api, world, AUTUMN, "k" * 256)
    assert too_long.status_code == 400 and too_long.json["error"]["details"][0]["field"] == "Idempotency-Key"
    # authorization before the key is looked at; bad bodies are refused before it is claimed
    assert create(api, other, AUTUMN, key, as_=world.school_admin).status_code == 404
    assert create(api, world, AUTUMN, key, as_=world.teacher).status_code == 403
    fresh = uuid.uuid4().hex
    bad = create(api, world, {**AUTUMN, "starts_on": "2026-13-01"}, fresh)
    assert bad.status_code == 400 and bad.json["error"]["details"][0]["field"] == "starts_on"
    overlapping = create(api, world, {**AUTUMN, "name": "重叠"}, fresh)
    assert overlapping.status_code == 409  # a refused request claims no key…
    later = {"name": "2027秋季学期", "starts_on": "2027-09-01", "ends_on": "2028-01-15"}
    assert create(api, world, later, fresh).status_code == 201  # …so it can be used for the corrected one


def test_a_create_that_loses_the_race_for_its_key_answers_as_a_replay(container: Container, world: World) -> None:
    """Deterministic race: a retry with the same key commits after our overlap check, before our commit."""
    key, cmd = uuid.uuid4().hex, schemas.TermCreate.model_validate(AUTUMN)
    rival_svc = CalendarService(container.data.connection, container.clock, lambda: None)
    rival: list[Term] = []

    def connection_with_rival_first() -> Connection:
        if not rival:
            rival.append(rival_svc.create_term_with_key(admin(world), world.school_id, cmd, key)[0])
        return container.data.connection()

    svc = CalendarService(connection_with_rival_first, container.clock, lambda: None)
    term, created = svc.create_term_with_key(admin(world), world.school_id, cmd, key)
    assert not created and term.term_id == rival[0].term_id
    assert [t.term_id for t in svc.list_terms(admin(world), world.school_id, 100).items] == [term.term_id]


def test_the_route_documents_the_optional_header(api: Api) -> None:
    op = api.get("/openapi.json").json["paths"]["/schools/{school_id}/terms"]["post"]
    header = next(p for p in op["parameters"] if p["name"] == "Idempotency-Key")
    assert header["in"] == "header" and "422" in op["responses"]
