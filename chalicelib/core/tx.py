"""A DynamoDB transaction whose items have names, so a cancellation says *which* condition failed.

One transaction per change: the item, its uniqueness claims and index items, and its outbox event
commit together or not at all (DESIGN §3, §5). PynamoDB sends condition checks first, then deletes,
puts and updates, whatever order they were added in, and DynamoDB's cancellation reasons follow the
order sent; the names are kept in that same order.
"""

from __future__ import annotations

from datetime import datetime
from types import TracebackType
from typing import Any

from pynamodb.connection import Connection
from pynamodb.exceptions import TransactWriteError
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from . import outbox

CONDITION_FAILED = frozenset({"ConditionalCheckFailed"})
# Also a lost race with a concurrent transaction on the same items: worth a re-read and a retry.
RACE_CODES = frozenset({"ConditionalCheckFailed", "TransactionConflict"})


class Transaction:
    """Subclass per context with its event ``source`` (and ``failure_codes`` if races count)."""

    source = "kehou"
    failure_codes: frozenset[str] = CONDITION_FAILED

    def __init__(self, connection: Connection):
        self._tx = TransactWrite(connection=connection)
        self._checks: list[str] = []
        self._deletes: list[str] = []
        self._puts: list[str] = []
        self._updates: list[str] = []

    def __enter__(self) -> Transaction:
        self._tx.__enter__()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._tx.__exit__(exc_type, exc, tb)

    def save(self, name: str, model: Model, condition: Condition | None = None) -> None:
        self._puts.append(name)
        self._tx.save(model, condition=condition)

    def delete(self, name: str, model: Model, condition: Condition | None = None) -> None:
        self._deletes.append(name)
        self._tx.delete(model, condition=condition)

    def update(self, name: str, model: Model, actions: list[Action], condition: Condition | None = None) -> None:
        self._updates.append(name)
        self._tx.update(model, actions=actions, condition=condition)

    def check(self, name: str, model_cls: type[Model], key: tuple[str, str], condition: Condition) -> None:
        self._checks.append(name)
        self._tx.condition_check(model_cls, *key, condition=condition)

    def event(self, detail_type: str, school_id: str, detail: dict[str, Any], now: datetime) -> None:
        """An outbox event: ids, statuses and counts only, never names or phones."""
        self._puts.append("event")
        outbox.record(self._tx, outbox.DomainEvent(self.source, detail_type, school_id, detail), now)

    def failed(self, exc: TransactWriteError) -> set[str]:
        """Names of the items whose condition failed (or, with RACE_CODES, that lost a race)."""
        reasons = exc.cancellation_reasons or []
        names = self._checks + self._deletes + self._puts + self._updates
        return {name for name, r in zip(names, reasons, strict=False) if r is not None and r.code in self.failure_codes}
