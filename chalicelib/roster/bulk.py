"""Many items into the main table quickly: BatchWriteItem in chunks of 25, a few chunks at a time.

Used by the roster import (3,000 students are ~10,000 items of several kinds: classes, claims,
students, guardian-phone index items) and by the access log of a class listing. Why not PynamoDB's
``Model.batch_write()`` alone: it re-sends unprocessed items at once and gives up after three tries,
while DynamoDB asks for exponential backoff when it throttles, and it sends one chunk at a time. So
items are serialised by their own models (``Model.serialize()``), sent on the injected (tenant-scoped)
connection a few chunks at a time, and ``UnprocessedItems`` are re-sent with full-jitter backoff
until done or ``max_attempts``.

BatchWriteItem has no conditions: callers use it only where last-writer-wins is acceptable and
decide the item keys so no key appears twice in one call.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from pynamodb.connection import Connection

from chalicelib.core.store import MainTableModel

CHUNK = 25  # DynamoDB's limit per BatchWriteItem
WORKERS = 4  # in AWS each call is network-bound; a few in flight keep 3,000 rows well under 29 s
BASE_DELAY = 0.05
MAX_DELAY = 2.0


class BulkWriteFailed(Exception):
    """DynamoDB still had unprocessed items after every retry (sustained throttling)."""


class BatchWriter:
    def __init__(
        self,
        connection: Connection,
        table_name: str,
        *,
        workers: int = WORKERS,
        max_attempts: int = 10,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self._conn = connection
        self._table = table_name
        self._workers = workers
        self._max_attempts = max_attempts
        self._sleep = sleep

    def write(self, puts: Sequence[MainTableModel] = (), deletes: Sequence[MainTableModel] = ()) -> int:
        """Put ``puts`` and delete ``deletes`` (keys must all differ); return how many requests were sent."""
        requests: list[dict[str, Any]] = [{"DeleteRequest": {"Key": _key(m)}} for m in deletes]
        requests += [{"PutRequest": {"Item": m.serialize()}} for m in puts]
        chunks = [requests[i : i + CHUNK] for i in range(0, len(requests), CHUNK)]
        if not chunks:
            return 0
        # The first chunk goes alone: the connection builds its botocore client on first use, and
        # botocore sessions must not build clients from several threads at once.
        self._send(chunks[0])
        rest = chunks[1:]
        if self._workers <= 1 or len(rest) <= 1:
            for chunk in rest:
                self._send(chunk)
        elif rest:
            with ThreadPoolExecutor(max_workers=min(self._workers, len(rest))) as pool:
                list(pool.map(self._send, rest))  # list(): re-raises the first failure
        return len(requests)

    def _send(self, chunk: list[dict[str, Any]]) -> None:
        pending = chunk
        for attempt in range(self._max_attempts):
            # Items are already in DynamoDB's wire format (Model.serialize()), so the request goes out as is.
            data = self._conn.dispatch("BatchWriteItem", {"RequestItems": {self._table: pending}})
            pending = (data or {}).get("UnprocessedItems", {}).get(self._table) or []
            if not pending:
                return
            self._sleep(random.uniform(0, min(MAX_DELAY, BASE_DELAY * 2**attempt)))
        raise BulkWriteFailed(f"{len(pending)} items still unprocessed after {self._max_attempts} attempts")


def _key(model: MainTableModel) -> dict[str, Any]:
    return {"pk": {"S": model.pk}, "sk": {"S": model.sk}}  # every main-table item is keyed pk/sk
