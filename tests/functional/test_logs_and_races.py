"""Structured logs carry request and tenant ids but no secrets; racing requests never double-create."""

from __future__ import annotations

import io
import json
import uuid
from concurrent.futures import ThreadPoolExecutor

from chalicelib.api.container import Container
from chalicelib.core.errors import Conflict
from chalicelib.core.identity import Principal, Role
from chalicelib.core.logging import logger
from chalicelib.tenants import schemas
from chalicelib.tenants.services import TenantsService
from tests.functional.conftest import Api, World, school_body


def test_request_logs_are_json_with_ids_and_no_personal_data(api: Api, world: World) -> None:
    body = school_body()
    buffer = io.StringIO()
    handler = logger.registered_handler
    previous = handler.setStream(buffer)  # type: ignore[attr-defined]
    try:
        api.post(
            f"/districts/{world.district_id}/schools",
            body,
            as_=world.district_admin,
            headers={"Idempotency-Key": uuid.uuid4().hex},
        )
    finally:
        handler.setStream(previous)  # type: ignore[attr-defined]
    out = buffer.getvalue()
    lines = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    request_logs = [entry for entry in lines if entry.get("message") == "request"]
    assert request_logs, out
    entry = request_logs[-1]
    assert entry["route"] == "/districts/{district_id}/schools" and entry["status"] == 201
    assert entry["tenant_id"] == world.district_id and "request_id" in entry and entry["service"] == "kehou"
    for secret in (world.district_admin, body["first_admin"]["email"], body["first_admin"]["name"], body["address"]):
        assert secret not in out


def test_concurrent_provisioning_with_one_key_creates_one_school(container: Container, world: World) -> None:
    svc = TenantsService(container.data.connection, container.clock)
    admin = Principal("da", frozenset({Role.DISTRICT_ADMIN}), district=world.district_id)
    cmd = schemas.SchoolCreate.model_validate(school_body())
    key = uuid.uuid4().hex

    def attempt(_: int) -> str:
        school, _inv = svc.provision_school(admin, world.district_id, cmd, key)
        return school.school_id

    with ThreadPoolExecutor(8) as pool:
        ids = list(pool.map(attempt, range(8)))
    assert len(set(ids)) == 1
    listed = svc.list_schools(admin, world.district_id, limit=100).items
    assert [s.school_id for s in listed].count(ids[0]) == 1 and len(listed) == 2


def test_concurrent_provisioning_of_one_code_lets_exactly_one_win(container: Container, world: World) -> None:
    svc = TenantsService(container.data.connection, container.clock)
    admin = Principal("da", frozenset({Role.DISTRICT_ADMIN}), district=world.district_id)
    code = f"R{uuid.uuid4().hex[:6]}"

    def attempt(i: int) -> str:
        cmd = schemas.SchoolCreate.model_validate(school_body(code=code, name=f"学校{i}"))
        try:
            return svc.provision_school(admin, world.district_id, cmd, uuid.uuid4().hex)[0].school_id
        except Conflict as exc:
            return exc.code

    with ThreadPoolExecutor(6) as pool:
        results = list(pool.map(attempt, range(6)))
    assert results.count("school_code_taken") == 5
