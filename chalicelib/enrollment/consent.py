"""PIPL: a guardian's separate consent (单独同意) to processing the child's personal data.

Given before the first application, withdrawable at any time; every grant and withdrawal is kept
(:class:`ConsentChange`, append-only). Without a granted consent no application can be created or
submitted: 403 ``consent_required`` says why.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pynamodb.connection import Connection
from pynamodb.exceptions import TransactWriteError

from chalicelib.core.clock import Clock, iso
from chalicelib.core.errors import Forbidden, VersionConflict
from chalicelib.core.identity import Principal
from chalicelib.core.ids import new_id

from .access import Access
from .models import Consent, ConsentChange
from .states import InvalidTransition
from .tx import Transaction

GRANTED, WITHDRAWN = "granted", "withdrawn"


class ConsentRequired(Forbidden):
    code = "consent_required"


class ConsentBook:
    def __init__(self, connection: Callable[[], Connection], clock: Clock, access: Access):
        self._conn = connection
        self._clock = clock
        self._access = access

    def grant(self, p: Principal, school_id: str, student_id: str, text_version: str) -> dict[str, Any]:
        self._access.require_guardian(p, school_id, student_id)
        return self._change(p, school_id, student_id, GRANTED, text_version)

    def withdraw(self, p: Principal, school_id: str, student_id: str) -> dict[str, Any]:
        self._access.require_guardian(p, school_id, student_id)
        current = _load(school_id, student_id, p.sub)
        if current is None or current.status != GRANTED:
            raise InvalidTransition({"action": "withdraw_consent", "status": current.status if current else "none"})
        return self._change(p, school_id, student_id, WITHDRAWN, current.text_version)

    def state(self, p: Principal, school_id: str, student_id: str) -> dict[str, Any]:
        self._access.require_guardian(p, school_id, student_id)
        return _state(school_id, student_id, p.sub)

    def require(self, school_id: str, student_id: str, guardian_sub: str) -> None:
        current = _load(school_id, student_id, guardian_sub)
        if current is None or current.status != GRANTED:
            status = current.status if current else "none"
            raise ConsentRequired({"student_id": student_id, "consent": status})

    def _change(self, p: Principal, school_id: str, student_id: str, status: str, text_version: str) -> dict[str, Any]:
        now = iso(self._clock.now())
        current = _load(school_id, student_id, p.sub) or Consent(
            *Consent.key(school_id, student_id, p.sub),
            tenant_id=school_id,
            kind="Consent",
            student_id=student_id,
            guardian_sub=p.sub,
        )
        current.status, current.text_version, current.updated_at = status, text_version, now
        pk, sk = Consent.key(school_id, student_id, p.sub)
        change = ConsentChange(
            pk,
            f"{sk}#H#{new_id()}",
            tenant_id=school_id,
            kind="ConsentChange",
            status=status,
            text_version=text_version,
            at=now,
        )
        tx = Transaction(self._conn())
        try:
            with tx:
                tx.save("consent", current)
                tx.save("history", change, ConsentChange.pk.does_not_exist())
        except TransactWriteError as exc:
            raise VersionConflict() from exc
        return _state(school_id, student_id, p.sub)


def _load(school_id: str, student_id: str, sub: str) -> Consent | None:
    try:
        return Consent.get(*Consent.key(school_id, student_id, sub), consistent_read=True)
    except Consent.DoesNotExist:
        return None


def _state(school_id: str, student_id: str, sub: str) -> dict[str, Any]:
    current = _load(school_id, student_id, sub)
    pk, sk = Consent.key(school_id, student_id, sub)
    history = ConsentChange.query(pk, ConsentChange.sk.startswith(f"{sk}#H#"), consistent_read=True)
    return {
        "student_id": student_id,
        "status": current.status if current else "none",
        "text_version": current.text_version if current else None,
        "history": [h.as_json() for h in history],
    }
