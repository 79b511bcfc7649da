"""Object checks shared by the school-scoped contexts (roster, calendar, catalog, enrollment...).

The school comes from the verified token: a caller whose tenant is not this school gets 404 (as if
the school did not exist), a member whose role cannot do the action gets 403.
"""

from __future__ import annotations

from .errors import Forbidden, NotFound
from .identity import Principal, Role


def require_member(p: Principal, school_id: str, *roles: Role) -> None:
    """``p`` belongs to ``school_id`` and holds one of ``roles`` (any school role if none given)."""
    if not p.belongs_to_school(school_id):
        raise NotFound()
    if roles and not p.has(*roles):
        raise Forbidden()


def require_staff(p: Principal, school_id: str) -> None:
    require_member(p, school_id, Role.SCHOOL_ADMIN, Role.TEACHER, Role.PROVIDER_STAFF)


def require_school_admin(p: Principal, school_id: str) -> None:
    require_member(p, school_id, Role.SCHOOL_ADMIN)
