"""OpenAPI 3.1 document built from the registered operations and their pydantic models."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from .routing import OPERATIONS, LazyModel, Operation

if TYPE_CHECKING:
    from pydantic import BaseModel

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string", "description": "Stable machine-readable code"},
                "message": {"type": "string", "description": "Human text in the negotiated language"},
                "details": {"description": "Field-level details, when there are any"},
            },
        }
    },
}
STATUS_TEXT = {
    400: "Invalid input",
    401: "Missing or invalid token",
    403: "Not allowed",
    404: "Not found",
    409: "Conflict",
    422: "Idempotency key reused",
    428: "Version required",
}
HEADER_DOCS = {
    "Idempotency-Key": "Unique per intended operation; replays return the first result.",
    "If-Match": "The version (ETag) you read; required for optimistic locking.",
}


@lru_cache(maxsize=1)
def document() -> dict[str, Any]:
    from pydantic.json_schema import models_json_schema

    models = _models()
    _, defs = models_json_schema([(m, "validation") for m in models], ref_template="#/components/schemas/{model}")
    paths: dict[str, Any] = {}
    for op in OPERATIONS:
        paths.setdefault(op.path, {})[op.method.lower()] = _operation(op)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Kehou (课后) API",
            "version": "1.0.0",
            "description": "Multi-tenant after-school (5+2) service. Errors are "
            '`{"error": {"code", "message", "details"}}`; messages follow Accept-Language (zh-CN default, en).',
        },
        "paths": paths,
        "components": {
            "schemas": {**defs.get("$defs", {}), "Error": ERROR_SCHEMA},
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
        },
    }


def _models() -> list[type[BaseModel]]:
    seen: list[type[BaseModel]] = []
    for op in OPERATIONS:
        for ref in (op.body, op.response):
            if ref is not None and ref.model not in seen:
                seen.append(ref.model)
    return seen


def _ref(ref: LazyModel) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{ref.model.__name__}"}


def _operation(op: Operation) -> dict[str, Any]:
    params: list[dict[str, Any]] = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
        for name in re.findall(r"{(\w+)}", op.path)
    ]
    params += [
        {
            "name": h,
            "in": "header",
            "required": required,
            "description": HEADER_DOCS.get(h, ""),
            "schema": {"type": "string"},
        }
        for headers, required in ((op.headers, True), (op.optional_headers, False))
        for h in headers
    ]
    if op.query is not None:
        query = op.query.model
        properties = query.model_json_schema()["properties"]
        for name, f in query.model_fields.items():
            param = {"name": name, "in": "query", "required": f.is_required(), "schema": properties[name]}
            if op.query_example and name in op.query_example:
                param["example"] = op.query_example[name]
            params.append(param)
    responses: dict[str, Any] = {
        str(op.status): {
            "description": "Success",
            **({"content": {"application/json": {"schema": _ref(op.response)}}} if op.response else {}),
        },
    }
    codes = set(op.errors) | ({400} if op.body or op.query else set()) | (set() if op.public else {401})
    for code in sorted(codes):
        responses[str(code)] = {
            "description": STATUS_TEXT.get(code, "Error"),
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
        }
    out: dict[str, Any] = {
        "operationId": op.operation_id,
        "summary": op.summary,
        "tags": [op.tag],
        "parameters": params,
        "responses": responses,
    }
    if op.description:
        out["description"] = op.description
    if op.body is not None:
        media: dict[str, Any] = {"schema": _ref(op.body)}
        if op.example is not None:
            media["example"] = op.example
        out["requestBody"] = {"required": True, "content": {"application/json": media}}
    out["security"] = [] if op.public else [{"bearer": []}]
    return out
