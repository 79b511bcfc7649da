"""Time as an injected collaborator, so tests control it without patching."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


def iso(ts: datetime) -> str:
    """UTC ISO-8601 with a trailing Z, the one timestamp format we store and return."""
    return ts.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
