"""Object-level authorization for the tenants context (OWASP API1: check the object, not the role).

Order of checks, on purpose: a caller whose role can never do the action gets 403 without the
object being looked at (so 403 reveals nothing); a caller whose role could, but whose scope does
not include the object, gets 404 exactly as if it did not exist.
"""

from __future__ import annotations

from chalicelib.core.errors import Forbidden, NotFound
from chalicelib.core.identity import STAFF_ROLES, Principal, Role

from .models import School

DISTRICT_ROLES = (Role.PLATFORM_ADMIN, Role.DISTRICT_ADMIN)
SCHOOL_MANAGERS = (Role.PLATFORM_ADMIN, Role.DISTRICT_ADMIN, Role.SCHOOL_ADMIN)


def require_role(p: Principal, *roles: Role) -> None:
    if not p.has(*roles):
        raise Forbidden()


def require_district_scope(p: Principal, district_id: str) -> None:
    """District-level actions: platform admins anywhere, district admins in their own district."""
    require_role(p, *DISTRICT_ROLES)
    if not (p.is_platform_admin or p.administers_district(district_id)):
        raise NotFound()


def can_see_school(p: Principal, school: School) -> bool:
    return p.is_platform_admin or p.administers_district(school.district_id) or p.belongs_to_school(school.school_id)


def require_school_visible(p: Principal, school: School) -> None:
    if not can_see_school(p, school):
        raise NotFound()


def require_school_manager(p: Principal, school: School) -> None:
    """Edit settings and staff: the school's own admin, its district, or the platform."""
    require_school_visible(p, school)
    if p.is_platform_admin or p.administers_district(school.district_id):
        return
    if Role.SCHOOL_ADMIN not in p.roles:
        raise Forbidden()


def require_school_supervisor(p: Principal, school: School) -> None:
    """Suspend/reactivate: only the district that owns the school (or the platform)."""
    require_school_visible(p, school)
    if not (p.is_platform_admin or p.administers_district(school.district_id)):
        raise Forbidden()


def is_school_member(p: Principal) -> bool:
    return p.tenant is not None and bool(p.roles & (STAFF_ROLES | {Role.GUARDIAN}))
