"""Count DynamoDB requests and consumed capacity with botocore event hooks, without touching app code.

PynamoDB builds one botocore session per connection and thread (``Connection.session`` calls
``botocore.session.get_session``) and then a client from it. We wrap that ``get_session`` so each new
session gets our handlers before its client exists:

* ``provide-client-params.dynamodb.*``: record the call, and ask for ``ReturnConsumedCapacity: TOTAL``
  (PynamoDB already does by default; forcing it keeps the figures even if the app ever opts out);
* ``before-call.dynamodb.*``: the request is about to go on the wire;
* ``after-call.dynamodb.*``: sum ``ConsumedCapacity`` (a list for transactions and batches).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

READ_OPS = frozenset({"GetItem", "Query", "Scan", "BatchGetItem", "TransactGetItems"})
WRITE_OPS = frozenset({"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"})
MULTI_ITEM_OPS = frozenset({"TransactWriteItems", "TransactGetItems", "BatchWriteItem", "BatchGetItem"})
CAPACITY_OPS = READ_OPS | WRITE_OPS  # the operations that accept ReturnConsumedCapacity

ROUTE, DRAIN = "route", "drain"


@dataclass
class DynamoCall:
    operation: str
    phase: str  # ROUTE: the request path as it runs in AWS; DRAIN: the local in-process outbox drain
    table: str | None = None
    index: str | None = None
    key: str | None = None  # GetItem's table and key, to spot the same item read twice
    items: int = 1  # items written or read by a transaction or batch
    sent: bool = False
    status: int | None = None
    error: str | None = None
    read_cu: float = 0.0
    write_cu: float = 0.0


@dataclass
class Usage:
    """What a set of calls cost: counts by operation and capacity units."""

    by_operation: dict[str, int] = field(default_factory=dict)
    calls: int = 0
    read_cu: float = 0.0
    write_cu: float = 0.0
    repeated_reads: dict[str, int] = field(default_factory=dict)  # GetItem key -> times, when read twice or more
    indexes: list[str] = field(default_factory=list)
    multi_items: dict[str, int] = field(default_factory=dict)  # transaction/batch operation -> items in them

    @classmethod
    def of(cls, calls: list[DynamoCall]) -> Usage:
        ops = {c.operation for c in calls}
        keys = Counter(c.key for c in calls if c.operation == "GetItem" and c.key)
        return cls(
            by_operation=dict(sorted(Counter(c.operation for c in calls).items())),
            calls=len(calls),
            read_cu=round(sum(c.read_cu for c in calls), 2),
            write_cu=round(sum(c.write_cu for c in calls), 2),
            repeated_reads={k: n for k, n in sorted(keys.items()) if n > 1},
            indexes=sorted({f"{c.operation}:{c.index}" for c in calls if c.index}),
            multi_items={op: sum(c.items for c in calls if c.operation == op) for op in sorted(MULTI_ITEM_OPS & ops)},
        )

    def count(self, operation: str) -> int:
        return self.by_operation.get(operation, 0)

    def signature(self) -> tuple[Any, ...]:
        return (tuple(self.by_operation.items()), self.read_cu, self.write_cu)


class DynamoRecorder:
    def __init__(self) -> None:
        self.calls: list[DynamoCall] = []
        self.phase = ROUTE
        self.sessions = 0
        self._restore: Callable[[], None] | None = None

    # -- wiring ------------------------------------------------------------------------------------

    def install(self) -> None:
        """Hook every botocore session PynamoDB creates from now on."""
        from pynamodb.connection import base

        original = base.get_session

        def get_session(*args: Any, **kwargs: Any) -> Any:
            session = original(*args, **kwargs)
            self.attach(session)
            return session

        base.get_session = get_session

        def restore() -> None:
            base.get_session = original

        self._restore = restore

    def uninstall(self) -> None:
        if self._restore:
            self._restore()
            self._restore = None

    def attach(self, session: Any) -> None:
        session.register("provide-client-params.dynamodb", self._on_params)
        session.register("before-call.dynamodb", self._on_before_call)
        session.register("after-call.dynamodb", self._on_after_call)
        self.sessions += 1

    # -- windows -----------------------------------------------------------------------------------

    @contextmanager
    def window(self) -> Iterator[list[DynamoCall]]:
        """The calls made inside the ``with`` block (filled in when it exits)."""
        start = len(self.calls)
        out: list[DynamoCall] = []
        try:
            yield out
        finally:
            out.extend(self.calls[start:])

    @contextmanager
    def in_phase(self, phase: str) -> Iterator[None]:
        previous, self.phase = self.phase, phase
        try:
            yield
        finally:
            self.phase = previous

    # -- botocore handlers -------------------------------------------------------------------------

    def _on_params(self, params: dict[str, Any], model: Any, context: dict[str, Any], **_: Any) -> None:
        op = model.name
        call = DynamoCall(op, self.phase, table=params.get("TableName"), index=params.get("IndexName"))
        if op in ("TransactWriteItems", "TransactGetItems"):
            call.items = len(params.get("TransactItems") or [])
        elif op in ("BatchWriteItem", "BatchGetItem"):
            requests = (params.get("RequestItems") or {}).values()
            call.items = sum(len(r.get("Keys", [])) if isinstance(r, dict) else len(r) for r in requests)
        if op == "GetItem":
            call.key = f"{params.get('TableName')} {json.dumps(params.get('Key'), sort_keys=True)}"
        if op in CAPACITY_OPS and params.get("ReturnConsumedCapacity") != "INDEXES":
            params["ReturnConsumedCapacity"] = "TOTAL"
        context["bench_call"] = call
        self.calls.append(call)

    def _on_before_call(self, context: dict[str, Any], **_: Any) -> None:
        call = context.get("bench_call")
        if call is not None:
            call.sent = True

    def _on_after_call(self, http_response: Any, parsed: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
        call: DynamoCall | None = context.get("bench_call")
        if call is None:
            return
        call.status = getattr(http_response, "status_code", None)
        call.error = (parsed.get("Error") or {}).get("Code")
        consumed = parsed.get("ConsumedCapacity")
        entries = consumed if isinstance(consumed, list) else [consumed] if consumed else []
        for entry in entries:
            read, write = entry.get("ReadCapacityUnits"), entry.get("WriteCapacityUnits")
            if read is None and write is None:  # TOTAL: one figure; its kind follows from the operation
                units = float(entry.get("CapacityUnits", 0.0))
                read, write = (units, 0.0) if call.operation in READ_OPS else (0.0, units)
            call.read_cu += float(read or 0.0)
            call.write_cu += float(write or 0.0)
