"""Mobile numbers: one canonical form for matching (guardian sign-in ↔ roster rows) and masking."""

from __future__ import annotations

import re

_DIGITS = re.compile(r"\D")
_CN_MOBILE = re.compile(r"^1[3-9]\d{9}$")


class InvalidPhone(ValueError):
    pass


def normalize(raw: str) -> str:
    """E.164 form. Bare 11-digit mainland mobiles get +86; other numbers must carry their + prefix.

    >>> normalize("138-0000-0000"), normalize("+86 138 0000 0000"), normalize("0086 13800000000")
    ('+8613800000000', '+8613800000000', '+8613800000000')
    """
    text = (raw or "").strip()
    digits = _DIGITS.sub("", text)
    if text.startswith("+"):
        e164 = "+" + digits
    elif digits.startswith("00"):
        e164 = "+" + digits[2:]
    elif _CN_MOBILE.match(digits):
        e164 = "+86" + digits
    else:
        raise InvalidPhone(raw)
    if e164.startswith("+86") and not _CN_MOBILE.match(e164[3:]):
        raise InvalidPhone(raw)
    if not 8 <= len(e164) - 1 <= 15:
        raise InvalidPhone(raw)
    return e164


def mask(e164: str) -> str:
    """What staff who do not need the number see: ``+86 138****0000``."""
    local = e164[3:] if e164.startswith("+86") else e164.lstrip("+")
    if len(local) < 7:
        return "*" * len(local)
    return f"{local[:3]}****{local[-4:]}"
