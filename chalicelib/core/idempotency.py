"""Idempotency keys for create operations.

The record is written in the same transaction as the resource it creates (a separate table,
one TransactWriteItems call), so "created" and "key remembered" happen together or not at all:
no window in which a retry could create a second resource.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from .clock import iso
from .errors import IdempotencyKeyReused, ValidationFailed
from .store import table, tenant_pk

RETENTION = timedelta(days=7)
MAX_KEY_LENGTH = 255


@table("idempotency")
class IdempotencyRecord(Model):
    class Meta:
        table_name = "kehou-idempotency"

    pk = UnicodeAttribute(hash_key=True)
    tenant_id = UnicodeAttribute()
    operation = UnicodeAttribute()
    request_hash = UnicodeAttribute()
    resource_id = UnicodeAttribute()
    created_at = UnicodeAttribute()
    expires_at = NumberAttribute()  # epoch seconds; DynamoDB TTL removes old records


@dataclass(frozen=True)
class IdempotentRequest:
    scope: str  # tenant or district id the key belongs to
    operation: str
    key: str
    request_hash: str

    @property
    def pk(self) -> str:
        return tenant_pk(self.scope, "IDEM", self.operation, self.key)


def request_hash(payload: Any) -> str:
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def make_request(scope: str, operation: str, key: str | None, payload: Any) -> IdempotentRequest:
    if not key or not key.strip():
        raise ValidationFailed([{"field": "Idempotency-Key", "message": "required"}], code="idempotency_key_required")
    if len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise ValidationFailed([{"field": "Idempotency-Key", "message": "at most 255 printable characters"}])
    return IdempotentRequest(scope, operation, key.strip(), request_hash(payload))


def find_previous(req: IdempotentRequest) -> str | None:
    """The resource id an earlier identical request created, or None if the key is new.

    Raises IdempotencyKeyReused when the key was used with a different body.
    """
    try:
        rec = IdempotencyRecord.get(req.pk, consistent_read=True)
    except IdempotencyRecord.DoesNotExist:
        return None
    if rec.request_hash != req.request_hash:
        raise IdempotencyKeyReused()
    return rec.resource_id


def remember(tx: TransactWrite, req: IdempotentRequest, resource_id: str, now: datetime) -> None:
    """Claim the key inside ``tx``; the transaction fails if a concurrent request claimed it first."""
    rec = IdempotencyRecord(
        req.pk,
        tenant_id=req.scope,
        operation=req.operation,
        request_hash=req.request_hash,
        resource_id=resource_id,
        created_at=iso(now),
        expires_at=int((now + RETENTION).timestamp()),
    )
    tx.save(rec, condition=IdempotencyRecord.pk.does_not_exist())
