"""Per-request, tenant-scoped AWS credentials (DESIGN §3, defence in depth).

In AWS the API assumes ``TenantScopedDataRole`` with a ``tenant`` session tag taken from the
verified token; that role's DynamoDB access is conditioned on ``dynamodb:LeadingKeys`` matching
``T#<tenant>`` / ``T#<tenant>#*``. Requests of a school's own people then run on those
credentials, so even a bug in our authorization code cannot read another tenant's items: IAM
refuses, and the API answers 404 as for any object outside the caller's scope.

Locally DynamoDB Local ignores IAM, so the path runs (against moto's STS in tests) but cannot be
enforced; see infra/README.md for what the condition does and does not cover.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from .clock import Clock

TENANT_TAG = "tenant"
SESSION_SECONDS = 900  # the shortest STS allows; a Lambda container re-assumes as needed
REFRESH_MARGIN = timedelta(seconds=60)
MAX_CACHED_TENANTS = 64  # one warm Lambda container rarely serves more schools than this


@dataclass(frozen=True)
class Credentials:
    access_key_id: str
    secret_access_key: str
    session_token: str
    expires_at: datetime


class StsCredentialBroker:
    """Assumes the tenant-scoped role once per tenant and reuses it until shortly before expiry."""

    def __init__(self, sts_client: Any, role_arn: str, clock: Clock):
        self._sts = sts_client
        self._role_arn = role_arn
        self._clock = clock
        self._cache: dict[str, Credentials] = {}

    def credentials_for(self, tenant_id: str) -> Credentials:
        cached = self._cache.get(tenant_id)
        if cached and cached.expires_at - REFRESH_MARGIN > self._clock.now():
            return cached
        resp = self._sts.assume_role(
            RoleArn=self._role_arn,
            RoleSessionName=f"kehou-{tenant_id}"[:64],
            DurationSeconds=SESSION_SECONDS,
            Tags=[{"Key": TENANT_TAG, "Value": tenant_id}],
        )
        c = resp["Credentials"]
        creds = Credentials(c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"], c["Expiration"])
        if len(self._cache) >= MAX_CACHED_TENANTS:
            self._cache.pop(next(iter(self._cache)))  # oldest first: dicts keep insertion order
        self._cache[tenant_id] = creds
        return creds


def is_access_denied(exc: BaseException) -> bool:
    """True when ``exc`` (or what caused it) is AWS refusing the call, e.g. a LeadingKeys denial."""
    seen: BaseException | None = exc
    for _ in range(5):
        if seen is None:
            return False
        code = getattr(seen, "cause_response_code", None) or (getattr(seen, "response", None) or {}).get(
            "Error", {}
        ).get("Code")
        if code in {"AccessDeniedException", "AccessDenied"}:
            return True
        seen = getattr(seen, "cause", None) or seen.__cause__
    return False
