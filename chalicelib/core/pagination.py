"""Opaque cursors for DynamoDB pagination.

A cursor is the query's LastEvaluatedKey, base64url-encoded. It is checked against the partition
being listed on the way back in, so a cursor from another tenant's listing cannot be replayed.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from .errors import ValidationFailed

T = TypeVar("T")
MAX_LIMIT = 100
DEFAULT_LIMIT = 20


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None


TABLE_KEY = ("pk", "sk")
GSI1_KEY = ("pk", "sk", "gsi1pk", "gsi1sk")


def query_page(
    query: Callable[..., Iterable[T]],
    partition: str,
    condition: Any = None,
    *,
    limit: int,
    cursor: str | None,
    index_key: tuple[str, ...] = TABLE_KEY,
) -> Page[T]:
    """One page of a PynamoDB ``Model.query`` or ``Index.query`` over ``partition``: one Query call.

    ``index_key`` names the key attributes of what is queried (the table's, or an index's with the
    table's); its third name, if any, is the index's partition attribute the cursor is checked against.
    """
    partition_attr = index_key[2] if len(index_key) > 2 else index_key[0]
    start = decode_cursor(cursor, partition_attr=partition_attr, partition_value=partition)
    result = query(partition, condition, limit=limit + 1, last_evaluated_key=start, page_size=limit + 1)
    return page_of(list(result), limit, index_key)


def page_of(items: list[T], limit: int, key_attrs: tuple[str, ...]) -> Page[T]:
    """Cut a result fetched with ``limit + 1`` into a page and a cursor.

    Reading one item more than asked tells us whether another page exists, so a full last page
    never hands out a cursor that leads to an empty page.
    """
    if len(items) <= limit:
        return Page(items, None)
    last = items[limit - 1]
    return Page(items[:limit], encode_cursor({a: {"S": getattr(last, a)} for a in key_attrs}))


def encode_cursor(last_key: dict[str, Any] | None) -> str | None:
    if not last_key:
        return None
    raw = json.dumps(last_key, sort_keys=True, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None, *, partition_attr: str, partition_value: str) -> dict[str, Any] | None:
    if not cursor:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        key = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if not isinstance(key, dict):
            raise ValueError("not an object")
        if key.get(partition_attr) != {"S": partition_value}:
            raise ValueError("cursor belongs to another listing")
        for value in key.values():
            if not (isinstance(value, dict) and set(value) == {"S"} and isinstance(value["S"], str)):
                raise ValueError("unexpected key shape")
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise ValidationFailed([{"field": "cursor", "message": "invalid"}], code="invalid_cursor") from exc
    return key
