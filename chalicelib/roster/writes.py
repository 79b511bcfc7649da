"""Single writes of the roster: one DynamoDB transaction per change (item + claims + index items + event).

Items are named as they are added (see :class:`chalicelib.core.tx.Transaction`), so when DynamoDB
cancels the transaction the service can say *which* condition failed (a taken 学号, a missing class,
a stale version).
"""

from __future__ import annotations

from chalicelib.core import tx as core_tx
from chalicelib.core.versioning import expected_version

SOURCE = "kehou.roster"

__all__ = ["SOURCE", "Transaction", "expected_version"]


class Transaction(core_tx.Transaction):
    source = SOURCE
