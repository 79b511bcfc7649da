"""Health, identity, and the API's own description."""

from __future__ import annotations

from functools import partial
from typing import Any

from chalice import Blueprint, Response

from . import container, docs, openapi
from .routing import Call, LazyModel, Operation, json_response, operation

bp = Blueprint(__name__)
schema = partial(LazyModel, "chalicelib.tenants.schemas")
TAG = "system"


@operation(bp, Operation("GET", "/health", "health", "Liveness check", TAG, response=schema("Health"), public=True))
def health(call: Call) -> Any:
    return {"status": "ok", "stage": container.get().settings.stage}


@operation(bp, Operation("GET", "/me", "me", "The caller's identity, roles and tenant", TAG, response=schema("Me")))
def me(call: Call) -> Any:
    body = call.principal.as_json()
    school = container.get().tenants.ensure_tenant_active(call.principal)
    body["tenant_status"] = school.status if school else None
    return body


@operation(bp, Operation("GET", "/openapi.json", "openapi", "This OpenAPI 3.1 document", TAG, public=True))
def openapi_json(call: Call) -> Any:
    return json_response(openapi.document())


@operation(bp, Operation("GET", "/docs", "docs", "Readable API reference (HTML)", TAG, public=True))
def api_docs(call: Call) -> Any:
    return Response(
        body=docs.render(openapi.document()), status_code=200, headers={"Content-Type": "text/html; charset=utf-8"}
    )
