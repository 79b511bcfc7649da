"""Functional fixtures: the Chalice app in-process (chalice.test.Client) against the local stack."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from chalice.test import Client

from chalicelib.api import container as container_mod
from chalicelib.api.container import Container
from devstack.stack import LocalStack
from tests.conftest import Tokens


@pytest.fixture(scope="session")
def container(stack: LocalStack) -> Container:
    c = Container(stack.settings, drain_inline=True)
    container_mod.use(c)
    return c


@dataclass
class Api:
    """chalice.test.Client with JSON in and out, and tokens by role."""

    client: Client
    tokens: Tokens

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        as_: str | dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
        raw: str | None = None,
    ) -> Any:
        h = dict(headers or {})
        if isinstance(as_, str):
            h["Authorization"] = f"Bearer {as_}"
        elif isinstance(as_, dict):
            h.update(as_)
        payload = raw if raw is not None else (json.dumps(body) if body is not None else None)
        if payload is not None:
            h.setdefault("Content-Type", "application/json")
        resp = self.client.http.request(method, path, headers=h, body=payload.encode() if payload else b"")
        is_json = resp.body and resp.headers.get("Content-Type", "").startswith("application/json")
        resp.json = json.loads(resp.body) if is_json else None  # type: ignore[attr-defined]
        return resp

    def get(self, path: str, **kw: Any) -> Any:
        return self.call("GET", path, **kw)

    def post(self, path: str, body: Any = None, **kw: Any) -> Any:
        return self.call("POST", path, body, **kw)

    def patch(self, path: str, body: Any = None, **kw: Any) -> Any:
        return self.call("PATCH", path, body, **kw)


@pytest.fixture(scope="session")
def api(container: Container, tokens: Tokens) -> Iterator[Api]:
    import app as app_module

    container_mod.use(container)
    with Client(app_module.app, stage_name="local") as client:
        yield Api(client, tokens)


@dataclass
class World:
    """A fresh district with one school, and tokens for the people in it."""

    district_id: str
    school_id: str
    platform: str
    district_admin: str
    school_admin: str
    teacher: str
    guardian: str


def school_body(**over: Any) -> dict[str, Any]:
    body = {
        "name": "测试小学",
        "code": f"C{uuid.uuid4().hex[:8]}",
        "address": "北京市东城区1号",
        "first_admin": {"name": "王校长", "email": f"p{uuid.uuid4().hex[:6]}@example.cn"},
    }
    body.update(over)
    return body


def make_world(api: Api) -> World:
    t = api.tokens
    platform = t("platform_admin")
    d = api.post("/districts", {"name": "测试区教育局"}, as_=platform)
    assert d.status_code == 201, d.body
    district_id = d.json["id"]
    da = t("district_admin", district=district_id)
    s = api.post(
        f"/districts/{district_id}/schools", school_body(), as_=da, headers={"Idempotency-Key": uuid.uuid4().hex}
    )
    assert s.status_code == 201, s.body
    school_id = s.json["school"]["id"]
    return World(
        district_id,
        school_id,
        platform,
        da,
        t("school_admin", tenant=school_id),
        t("teacher", tenant=school_id),
        t("guardian", tenant=school_id),
    )


@pytest.fixture
def world(api: Api) -> World:
    return make_world(api)


@pytest.fixture
def other(api: Api) -> World:
    """A second, unrelated district and school: the other tenant in isolation tests."""
    return make_world(api)
