"""How long the current Lambda invocation may still work, for loops that stop in time and resume on
redelivery (the notifier's fan-out). Set per SQS record by the consumer from the Lambda context;
unset elsewhere (local drains, tests), where callers keep their own budget.

Example::

    with invocation_deadline(time.monotonic() + 30):
        remaining = seconds_left()   # about 30.0
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

SAFETY_SECONDS = 10.0  # left for the rest of the record and the batch response after a loop stops

_deadline: ContextVar[float | None] = ContextVar("kehou_invocation_deadline", default=None)


@contextmanager
def invocation_deadline(monotonic_deadline: float | None) -> Iterator[None]:
    token = _deadline.set(monotonic_deadline)
    try:
        yield
    finally:
        _deadline.reset(token)


def lambda_deadline(context: Any) -> float | None:
    """The monotonic time by which work must stop: the invocation's remaining time less a safety
    margin; None when ``context`` is not a Lambda context."""
    remaining = getattr(context, "get_remaining_time_in_millis", None)
    if not callable(remaining):
        return None
    return time.monotonic() + max(0.0, remaining() / 1000.0 - SAFETY_SECONDS)


def current() -> float | None:
    """The monotonic deadline of the current invocation, if one is set."""
    return _deadline.get()
