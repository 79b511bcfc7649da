"""Isolation matrix: every route in the OpenAPI document, called with another tenant's ids.

New routes join automatically: the test walks ``/openapi.json``. A route with a request body must
document an ``example`` body (so authorization, not validation, decides the answer), and a route
with a path parameter this test does not know how to fill fails the test until it is taught.
"""

from __future__ import annotations

import importlib
import re
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

import app  # noqa: F401  (registers every route before the matrix is built)
from chalicelib.api.openapi import document
from tests.functional.conftest import Api, World

# Routes with no tenant-owned object: what they return must still not mention the other tenant.
UNSCOPED = {("GET", "/health"), ("GET", "/openapi.json"), ("GET", "/docs"), ("GET", "/me"), ("POST", "/districts")}
# Routes that are public by design (e.g. a published program, 公示): anyone may read them.
PUBLIC: set[tuple[str, str]] = set()
# Each context teaches the matrix its path parameters in tests/functional/isolation_<context>.py:
# ``PARAMS = ("class_id", ...)`` names them, ``def objects(api, owner) -> dict[str, str]`` creates
# objects in ``owner``'s school (as its school_admin etc.) and returns {path parameter: id}; an
# optional ``PUBLIC`` set lists that context's public-by-design routes.
PROVIDERS = [
    importlib.import_module(f"tests.functional.{p.stem}") for p in sorted(Path(__file__).parent.glob("isolation_*.py"))
]
for _provider in PROVIDERS:
    PUBLIC |= set(getattr(_provider, "PUBLIC", set()))


def operations() -> list[tuple[str, str, dict[str, Any]]]:
    return [(m.upper(), path, op) for path, methods in document()["paths"].items() for m, op in methods.items()]


def _fill(path: str, other: World, api: Api) -> str:
    values = {"district_id": other.district_id, "school_id": other.school_id}
    for provider in PROVIDERS:
        if any("{" + name + "}" in path for name in getattr(provider, "PARAMS", ())):
            values.update(provider.objects(api, other))
    params = re.findall(r"{(\w+)}", path)
    missing = [p for p in params if p not in values]
    assert not missing, f"teach the isolation test how to fill {missing} in {path}"
    return re.sub(r"{(\w+)}", lambda m: values[m.group(1)], path)


def _query(op: dict[str, Any]) -> str:
    """Required query parameters from their documented examples, so authorization decides, not validation."""
    params = [p for p in op.get("parameters", []) if p["in"] == "query" and p["required"]]
    missing = [p["name"] for p in params if "example" not in p]
    assert not missing, f"{op['operationId']}: give required query parameters {missing} a query_example"
    return ("?" + urlencode({p["name"]: p["example"] for p in params})) if params else ""


def _body(op: dict[str, Any]) -> Any:
    if "requestBody" not in op:
        return None
    example = op["requestBody"]["content"]["application/json"].get("example")
    assert example is not None, f"{op['operationId']} needs an example body in its Operation"
    example = dict(example)
    if "code" in example:
        example["code"] = f"X{uuid.uuid4().hex[:8]}"
    return example


def _secrets(other: World, api: Api) -> list[str]:
    school = api.get(f"/schools/{other.school_id}", as_=other.platform).json
    return [other.district_id, other.school_id, school["name"] + "#" + school["code"], school["code"]]


@pytest.mark.parametrize(("method", "path", "op"), operations(), ids=lambda v: v if isinstance(v, str) else "")
def test_other_tenants_objects_answer_404_or_403(
    api: Api, world: World, other: World, method: str, path: str, op: dict[str, Any]
) -> None:
    actors = {
        "platform_admin": None,
        "district_admin": world.district_admin,
        "school_admin": world.school_admin,
        "teacher": world.teacher,
        "guardian": world.guardian,
        "provider_staff": api.tokens("provider_staff", tenant=world.school_id),
    }
    secrets = _secrets(other, api)
    before = api.get(f"/schools/{other.school_id}", as_=other.platform).json
    if (method, path) in PUBLIC:
        pytest.skip("public by design (公示); its own tests check what it shows")
    url = _fill(path, other, api) + _query(op)
    for role, token in actors.items():
        if token is None:
            continue  # platform admins legitimately see every tenant
        headers = {"Idempotency-Key": uuid.uuid4().hex, "If-Match": '"1"'}
        r = api.call(method, url, _body(op), as_=token, headers=headers)
        text = r.body.decode(errors="replace")
        if (method, path) in UNSCOPED:
            assert r.status_code in (200, 201, 403), (role, method, path, r.status_code)
        else:
            assert r.status_code in (403, 404), (role, method, path, r.status_code, text[:300])
        for secret in secrets:
            assert secret not in text, (role, method, path, "leaked", secret)
    after = api.get(f"/schools/{other.school_id}", as_=other.platform).json
    assert after == before, "the other tenant's school changed"
    staff = api.get(f"/schools/{other.school_id}/staff", as_=other.platform).json["items"]
    assert len(staff) == 1, "someone added staff to the other tenant"


def test_matrix_covers_every_documented_route() -> None:
    ops = operations()
    assert len(ops) >= 14
    scoped = [(m, p) for m, p, _ in ops if (m, p) not in UNSCOPED]
    assert all("{" in p for _, p in scoped), "a scoped route without ids: add it to UNSCOPED deliberately"


def test_lists_of_one_district_never_show_anothers_schools(api: Api, world: World, other: World) -> None:
    mine = api.get(f"/districts/{world.district_id}/schools", as_=world.district_admin).json["items"]
    assert [s["id"] for s in mine] == [world.school_id]
    cursor_from_other = api.get(f"/districts/{other.district_id}/schools?limit=1", as_=other.district_admin)
    assert cursor_from_other.status_code == 200
    # a cursor minted for another district's listing is refused, not followed
    forged = api.get(
        f"/districts/{world.district_id}/schools?limit=1&cursor=eyJnc2kxcGsiOnsiUyI6IlQjWCJ9fQ",
        as_=world.district_admin,
    )
    assert forged.status_code == 400 and forged.json["error"]["code"] == "invalid_cursor"
