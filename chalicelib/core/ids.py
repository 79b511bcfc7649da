"""Opaque, fixed-length, time-sortable ids (ULID).

Fixed length means no id is a prefix of another, so tenant-prefixed keys never collide
(DESIGN §2). Sorting by id sorts by creation time, which gives stable pagination order.
"""

from __future__ import annotations

import os
import re
import time

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32
ULID_RE = re.compile(r"^[0-9A-HJKMNP-TV-Z]{26}$")


def _encode(value: int, length: int) -> str:
    chars = []
    for _ in range(length):
        value, rem = divmod(value, 32)
        chars.append(_ALPHABET[rem])
    return "".join(reversed(chars))


def new_id(now_ms: int | None = None) -> str:
    """A new ULID: 48-bit millisecond timestamp + 80 random bits, 26 characters."""
    ms = int(time.time() * 1000) if now_ms is None else now_ms
    return _encode(ms, 10) + _encode(int.from_bytes(os.urandom(10), "big"), 16)


def is_id(value: str) -> bool:
    return bool(ULID_RE.match(value or ""))
