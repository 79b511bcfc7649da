"""Formatting amounts held as integer minor units (fen). No floats: DESIGN §3."""

from __future__ import annotations

from .vocabulary import FEE_BASES, Locale, label

SYMBOLS = {"CNY": "¥", "HKD": "HK$", "MOP": "MOP$"}


def format_minor(amount: int, currency: str) -> str:
    """``1250, "CNY"`` -> ``"¥12.50"``; other currencies keep their ISO code: ``"12.50 USD"``.

    Every currency the schools use has two minor digits (fen, cents); integer division keeps the
    value exact.
    """
    if not isinstance(amount, int) or isinstance(amount, bool):
        raise TypeError("amounts are integers in minor units")
    sign = "-" if amount < 0 else ""
    major, minor = divmod(abs(amount), 100)
    digits = f"{major:,}.{minor:02d}"
    symbol = SYMBOLS.get(currency)
    return f"{sign}{symbol}{digits}" if symbol else f"{sign}{digits} {currency}"


def format_fee(amount: int, basis: str, currency: str, locale: Locale) -> str:
    """``"¥300.00/学期"``, ``"¥12.00/天"``, or ``"免费"`` when the fee basis is ``free``."""
    if basis == "free":
        return label(FEE_BASES, "free", locale)
    return f"{format_minor(amount, currency)}/{label(FEE_BASES, basis, locale)}"
