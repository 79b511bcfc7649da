"""Single writes of the timetable's inputs: one DynamoDB transaction per change (item, uniqueness
claims and the outbox event), its items named so a cancellation says which condition failed."""

from __future__ import annotations

from chalicelib.core import tx as core_tx
from chalicelib.core.versioning import expected_version

SOURCE = "kehou.timetable"

__all__ = ["SOURCE", "Transaction", "expected_version"]


class Transaction(core_tx.Transaction):
    source = SOURCE
