"""Domain errors with stable machine-readable codes.

Every failure a client can see is one of these. The API layer turns them into
``{"error": {"code", "message", "details"}}`` with the HTTP status named here; the message is
looked up in :mod:`chalicelib.core.i18n` in the caller's language.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base for every error a client may receive."""

    status: int = 400
    code: str = "bad_request"

    def __init__(self, details: Any = None, *, code: str | None = None, params: dict[str, Any] | None = None):
        super().__init__(code or self.code)
        if code:
            self.code = code
        self.details = details
        self.params = params or {}


class ValidationFailed(DomainError):
    status, code = 400, "validation_error"


class Unauthorized(DomainError):
    status, code = 401, "unauthorized"


class Forbidden(DomainError):
    status, code = 403, "forbidden"


class TenantSuspended(DomainError):
    status, code = 403, "tenant_suspended"


class NotFound(DomainError):
    """Also used for objects of another tenant, so ids leak nothing (DESIGN §2)."""

    status, code = 404, "not_found"


class Conflict(DomainError):
    status, code = 409, "conflict"


class VersionConflict(Conflict):
    code = "version_conflict"


class IdempotencyKeyReused(DomainError):
    status, code = 422, "idempotency_key_reused"


class PreconditionRequired(DomainError):
    status, code = 428, "precondition_required"
