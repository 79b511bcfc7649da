"""Who may see and change the timetable's inputs (OWASP API1: the school comes from the token).

The school_admin (校长/教务) writes settings, venues and adults; the school's staff (school_admin,
teachers, provider staff) read them and the readiness of a term. Guardians read none of it; another
school's caller gets 404 (:mod:`chalicelib.core.authz`).
"""

from __future__ import annotations

from chalicelib.core import authz
from chalicelib.core.identity import Principal


def require_writer(p: Principal, school_id: str) -> None:
    authz.require_school_admin(p, school_id)


def require_reader(p: Principal, school_id: str) -> None:
    authz.require_staff(p, school_id)
