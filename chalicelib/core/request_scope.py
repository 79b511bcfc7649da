"""Per-request memo of loaded items, so one request never reads the same item twice.

The API wrapper opens a scope per request; outside a scope (jobs, seeding) nothing is cached.
Only use it for reads whose result the request itself keeps consistent (it mutates the cached
object in place when it writes).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

T = TypeVar("T")
_cache: ContextVar[dict[Any, Any] | None] = ContextVar("kehou_request_cache", default=None)


@contextmanager
def request_scope() -> Iterator[None]:
    token = _cache.set({})
    try:
        yield
    finally:
        _cache.reset(token)


def memo(key: Any, load: Callable[[], T]) -> T:
    cache = _cache.get()
    if cache is None:
        return load()
    if key not in cache:
        cache[key] = load()
    value: T = cache[key]
    return value
