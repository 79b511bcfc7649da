"""One decorator per operation: registers the Chalice route *and* its OpenAPI description.

The wrapper does the same five things for every route, so route functions stay a few lines:
authenticate, refuse suspended tenants, parse and validate the body/query with pydantic, call the
handler, and turn domain errors into ``{"error": {...}}`` JSON in the caller's language.
"""

from __future__ import annotations

import collections
import importlib
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from chalice import Blueprint, Response
from chalice.app import Request

from chalicelib.core import i18n
from chalicelib.core.errors import DomainError, NotFound, ValidationFailed
from chalicelib.core.identity import Principal
from chalicelib.core.logging import logger
from chalicelib.core.request_scope import request_scope
from chalicelib.core.scoped_access import is_access_denied

from . import container

if TYPE_CHECKING:
    from pydantic import BaseModel


@dataclass(frozen=True)
class LazyModel:
    """A pydantic model named by module and class, imported on first use.

    Building pydantic models (and importing pydantic, e-mail validation) costs a few hundred ms;
    naming them here keeps that out of the Lambda's import phase.
    """

    module: str
    name: str

    @cached_property
    def model(self) -> type[BaseModel]:
        cls: type[BaseModel] = getattr(importlib.import_module(self.module), self.name)
        return cls


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    operation_id: str
    summary: str
    tag: str
    body: LazyModel | None = None
    query: LazyModel | None = None
    response: LazyModel | None = None
    status: int = 200
    public: bool = False  # no token required
    headers: tuple[str, ...] = ()  # documented request headers the route requires, e.g. Idempotency-Key
    optional_headers: tuple[str, ...] = ()  # documented request headers a client may send
    errors: tuple[int, ...] = ()
    description: str = ""
    example: dict[str, Any] | None = None  # a valid request body: documented, and used by the isolation tests
    query_example: dict[str, str] | None = None  # valid query parameters, likewise (when some are required)


OPERATIONS: list[Operation] = []


@dataclass
class Call:
    """Everything a route function needs from the request, already checked."""

    request: Request
    principal: Principal
    locale: str
    body: Any = None
    query: Any = None
    headers: dict[str, str] = field(default_factory=dict)

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


Handler = Callable[..., Any]


def operation(bp: Blueprint, op: Operation) -> Callable[[Handler], Handler]:
    OPERATIONS.append(op)

    def decorate(fn: Handler) -> Handler:
        def view(**params: str) -> Response:
            with request_scope():
                return _handle(bp.current_request, op, fn, params)

        view.__name__ = fn.__name__
        bp.route(op.path, methods=[op.method])(view)
        return fn

    return decorate


def _handle(request: Request, op: Operation, fn: Handler, params: dict[str, str]) -> Response:
    started = time.perf_counter()
    headers = {k.lower(): v for k, v in (request.headers or {}).items()}
    locale = i18n.negotiate(headers.get("accept-language"))
    request_id = (request.context or {}).get("requestId", "local")
    logger.append_keys(request_id=request_id, tenant_id=None)
    try:
        c = container.get()
        principal = ANONYMOUS if op.public else c.auth.verify(headers.get("authorization"))
        logger.append_keys(tenant_id=principal.tenant or principal.district)
        c.scope_to(None if op.public else principal)
        if not op.public:
            c.tenants.ensure_tenant_active(principal)
        call = Call(request, principal, locale, headers=headers)
        if op.body is not None:
            call.body = _parse(op.body.model, _json_body(request), locale)
        if op.query is not None:
            call.query = _parse(op.query.model, dict(request.query_params or {}), locale)
        result = fn(call, **params)
        response = result if isinstance(result, Response) else json_response(result, op.status)
    except DomainError as err:
        response = error_response(err, locale)
    except Exception as exc:  # never leak internals; the log has the stack trace
        if is_access_denied(exc):
            # IAM refused a key outside the caller's tenant (scoped credentials): same as missing.
            logger.warning("tenant-scoped access denied", extra={"route": op.path})
            response = error_response(NotFound(), locale)
        else:
            logger.exception("unhandled error")
            response = error_response(DomainError(code="internal_error"), locale, status=500)
    logger.info(
        "request",
        extra={
            "method": op.method,
            "route": op.path,
            "status": response.status_code,
            "duration_ms": round((time.perf_counter() - started) * 1000, 1),
        },
    )
    return response


def _json_body(request: Request) -> Any:
    raw = request.raw_body
    if not raw:
        return {}
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValidationFailed(code="invalid_json") from exc


def _parse(model: type[BaseModel], data: Any, locale: str = i18n.DEFAULT_LOCALE) -> BaseModel:

    if not isinstance(data, dict):
        raise ValidationFailed([{"field": "", "message": "expected a JSON object"}])
    from pydantic import ValidationError

    try:
        return model.model_validate(data)
    except ValidationError as exc:
        details = [
            {"field": ".".join(str(p) for p in e["loc"]), "message": _field_message(e, locale), "type": e["type"]}
            for e in exc.errors(include_url=False, include_input=False)
        ]
        raise ValidationFailed(details) from exc


class _Context(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _field_message(error: Any, locale: str) -> str:
    """A pydantic error's message in the caller's language, for the common error types.

    ``type`` and ``field`` stay as pydantic gives them (clients branch on those); only ``message``
    is localised. ``value_error`` and our own error types (e.g. ``tutoring_not_allowed``) keep the
    message their validator wrote; unknown types keep pydantic's English text.
    """
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind == "string_too_short" and ctx.get("min_length") == 1:
        kind = "string_empty"
    key = f"validation.{kind}"
    if key not in i18n.MESSAGES:
        return str(error["msg"])
    joiner = ", " if locale == "en" else "、"
    values = _Context()
    for name, value in ctx.items():
        quoted = re.findall(r"'([^']*)'", value) if isinstance(value, str) else []
        values[name] = joiner.join(quoted) if len(quoted) > 1 else (quoted[0] if quoted else str(value))
    return i18n.message(key, locale).format_map(values)


def json_response(payload: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    if hasattr(payload, "model_dump"):
        payload = payload.model_dump(mode="json")
    return Response(
        body=json.dumps(payload, ensure_ascii=False),
        status_code=status,
        headers={"Content-Type": "application/json; charset=utf-8", **(headers or {})},
    )


def error_response(err: DomainError, locale: str, status: int | None = None) -> Response:
    body: dict[str, Any] = {"code": err.code, "message": _error_message(err, locale)}
    if err.details is not None:
        body["details"] = err.details
    extra = {"WWW-Authenticate": 'Bearer error="invalid_token"'} if err.status == 401 else None
    return json_response({"error": body}, status or err.status, extra)


def _error_message(err: DomainError, locale: str) -> str:
    """The code's message; ``{name}`` placeholders take the error's params, a param given per locale
    (``{"zh-CN": ..., "en": ...}``) in the caller's language (e.g. the broken timetable rule)."""
    text = i18n.message(err.code, locale)
    if not err.params:
        return text
    values = {k: v.get(locale, next(iter(v.values()))) if isinstance(v, dict) else v for k, v in err.params.items()}
    return text.format_map(collections.defaultdict(str, values))


ANONYMOUS = Principal(sub="anonymous")
