"""Single writes of the roster: one DynamoDB transaction per change (item + claims + index items + event).

:class:`Transaction` names each item as it is added, so when DynamoDB cancels the transaction the
service can say *which* condition failed (a taken 学号, a missing class, a stale version). PynamoDB
sends condition checks first, then deletes, then puts, whatever the order they were added in, and
DynamoDB's cancellation reasons follow the order sent; the names are kept in that same order.
"""

from __future__ import annotations

from datetime import datetime
from types import TracebackType
from typing import Any

from pynamodb.connection import Connection
from pynamodb.exceptions import TransactWriteError
from pynamodb.expressions.condition import Condition
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from chalicelib.core import outbox
from chalicelib.core.errors import PreconditionRequired

SOURCE = "kehou.roster"


class Transaction:
    def __init__(self, connection: Connection):
        self._tx = TransactWrite(connection=connection)
        self._checks: list[str] = []
        self._deletes: list[str] = []
        self._puts: list[str] = []

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

    def delete(self, name: str, model: Model) -> None:
        self._deletes.append(name)
        self._tx.delete(model)

    def check(self, name: str, model_cls: type[Model], key: tuple[str, str], condition: Condition) -> None:
        self._checks.append(name)
        self._tx.condition_check(model_cls, *key, condition=condition)

    def event(self, detail_type: str, school_id: str, detail: dict[str, Any], now: datetime) -> None:
        """An outbox event of the roster: ids and counts only, never names or phones."""
        self._puts.append("event")
        outbox.record(self._tx, outbox.DomainEvent(SOURCE, detail_type, school_id, detail), now)

    def failed(self, exc: TransactWriteError) -> set[str]:
        """Names of the items whose condition failed."""
        reasons = exc.cancellation_reasons or []
        return {
            name
            for name, r in zip(self._checks + self._deletes + self._puts, reasons, strict=False)
            if r is not None and r.code == "ConditionalCheckFailed"
        }


def expected_version(if_match: str | None, body_version: int | None) -> int:
    """The version the caller read: ``If-Match: "3"`` (or ``W/"3"``), else the body's ``version``."""
    if if_match:
        raw = if_match.strip().removeprefix("W/").strip('"')
        if raw.isdigit():
            return int(raw)
        raise PreconditionRequired({"field": "If-Match", "message": "expected a version number"})
    if body_version is not None:
        return body_version
    raise PreconditionRequired()
