"""One DynamoDB transaction per transition: the application, its history entry, its event(s) and any
seat or waiting-list items commit together or not at all (DESIGN §3, §5).

Items are named as they are added so a cancelled transaction tells which condition failed (a stale
application version, a full activity). PynamoDB sends condition checks, deletes, puts then updates,
and DynamoDB's cancellation reasons follow the order sent; the names are kept in that order.
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

from chalicelib.core import outbox

SOURCE = "kehou.enrollment"
RACE_CODES = frozenset({"ConditionalCheckFailed", "TransactionConflict"})


class Transaction:
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
        """An outbox event of enrolment: ids and statuses only, never names or phones."""
        self._puts.append("event")
        outbox.record(self._tx, outbox.DomainEvent(SOURCE, detail_type, school_id, detail), now)

    def failed(self, exc: TransactWriteError) -> set[str]:
        """Names of the items whose condition failed (or that lost a race with another transaction)."""
        reasons = exc.cancellation_reasons or []
        names = self._checks + self._deletes + self._puts + self._updates
        return {name for name, r in zip(names, reasons, strict=False) if r is not None and r.code in RACE_CODES}
