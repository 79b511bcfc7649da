"""Optimistic locking: which version of an item the caller read (DESIGN §3)."""

from __future__ import annotations

from .errors import PreconditionRequired


def expected_version(if_match: str | None, body_version: int | None) -> int:
    """The version the caller read: ``If-Match`` (``"3"``, ``W/"3"`` or ``3``), else the body's ``version``.

    Neither given answers 428: an edit must say what it was based on.
    """
    if if_match:
        raw = if_match.strip().removeprefix("W/").strip('"')
        if raw.isdigit():
            return int(raw)
        raise PreconditionRequired({"field": "If-Match", "message": "expected a version number"})
    if body_version is not None:
        return body_version
    raise PreconditionRequired()
