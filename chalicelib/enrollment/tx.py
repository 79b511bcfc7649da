"""One DynamoDB transaction per transition: the application, its history entry, its event(s) and any
seat or waiting-list items commit together or not at all (DESIGN §3, §5).

Items are named as they are added (see :class:`chalicelib.core.tx.Transaction`) so a cancelled
transaction tells which condition failed (a stale application version, a full activity); a lost race
with a concurrent transaction counts as a failure too, so the caller re-reads and retries.
"""

from __future__ import annotations

from datetime import datetime

from chalicelib.core import idempotency
from chalicelib.core import tx as core_tx
from chalicelib.core.tx import RACE_CODES

SOURCE = "kehou.enrollment"

__all__ = ["RACE_CODES", "SOURCE", "Transaction"]


class Transaction(core_tx.Transaction):
    source = SOURCE
    failure_codes = RACE_CODES

    def remember(self, name: str, req: idempotency.IdempotentRequest, resource_id: str, now: datetime) -> None:
        """Claim an Idempotency-Key in this transaction (its own table), named like every other item."""
        self._puts.append(name)
        idempotency.remember(self._tx, req, resource_id, now)
