"""Who is calling: the verified principal and its roles (DESIGN §2)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from .phone import InvalidPhone
from .phone import normalize as normalize_phone


class Role(StrEnum):
    PLATFORM_ADMIN = "platform_admin"
    DISTRICT_ADMIN = "district_admin"
    SCHOOL_ADMIN = "school_admin"
    TEACHER = "teacher"
    PROVIDER_STAFF = "provider_staff"
    GUARDIAN = "guardian"


SCHOOL_ROLES = frozenset({Role.SCHOOL_ADMIN, Role.TEACHER, Role.PROVIDER_STAFF, Role.GUARDIAN})
STAFF_ROLES = frozenset({Role.SCHOOL_ADMIN, Role.TEACHER, Role.PROVIDER_STAFF})


@dataclass(frozen=True)
class Principal:
    """The caller, built only from a verified token's claims, never from the URL or body."""

    sub: str
    roles: frozenset[Role] = field(default_factory=frozenset)
    tenant: str | None = None  # school id, for school staff and guardians
    district: str | None = None  # district id, for district admins
    phone: str | None = None  # E.164, only when the issuer verified it (guardians sign in by phone)

    def has(self, *roles: Role) -> bool:
        return any(r in self.roles for r in roles)

    @property
    def is_platform_admin(self) -> bool:
        return Role.PLATFORM_ADMIN in self.roles

    def administers_district(self, district_id: str) -> bool:
        return Role.DISTRICT_ADMIN in self.roles and self.district == district_id

    def belongs_to_school(self, school_id: str) -> bool:
        return self.tenant == school_id and bool(self.roles & SCHOOL_ROLES)

    def as_json(self) -> dict[str, Any]:
        return {
            "sub": self.sub,
            "roles": sorted(r.value for r in self.roles),
            "tenant": self.tenant,
            "district": self.district,
            "phone": self.phone,
        }


def principal_from_claims(claims: dict[str, Any]) -> Principal:
    """Read roles and scope from our claim names or Cognito's ``custom:`` attributes.

    Cognito ID tokens carry custom attributes as strings, so roles may come comma-separated.
    Unknown role names are ignored rather than trusted.
    """
    raw = claims.get("roles") or claims.get("custom:roles") or []
    names = raw.split(",") if isinstance(raw, str) else list(raw or [])
    roles = frozenset(Role(n.strip()) for n in names if n.strip() in Role._value2member_map_)
    tenant = claims.get("tenant", claims.get("custom:tenant")) or None
    district = claims.get("district", claims.get("custom:district")) or None
    phone = None
    if claims.get("phone_number") and claims.get("phone_number_verified") in (True, "true"):
        try:
            phone = normalize_phone(str(claims["phone_number"]))
        except InvalidPhone:
            phone = None  # an unusable number identifies nobody
    return Principal(sub=str(claims["sub"]), roles=roles, tenant=tenant, district=district, phone=phone)
