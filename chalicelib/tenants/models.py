"""PynamoDB items of the tenants context, all in the main table (DESIGN §3).

Key layout (every partition key starts with the owning tenant's id):

=====================  ==========================  ======================  =========================
item                   pk                          sk                      gsi1 (pk / sk)
=====================  ==========================  ======================  =========================
District               T#<district>                DISTRICT
School                 T#<school>                  SCHOOL                  T#<district>#SCHOOLS / id
SchoolCodeClaim        T#<district>#SCHOOLCODE     <code>
StaffMember            T#<school>                  STAFF#<member id>
StaffEmailClaim        T#<school>                  CLAIM#EMAIL#<email>
=====================  ==========================  ======================  =========================
"""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import UnicodeAttribute, VersionAttribute

from chalicelib.core.errors import NotFound
from chalicelib.core.ids import is_id
from chalicelib.core.request_scope import memo
from chalicelib.core.store import Gsi1, MainTableModel, table, tenant_pk

SCHOOL_SK = "SCHOOL"
DISTRICT_SK = "DISTRICT"


@table("main")
class District(MainTableModel):
    name = UnicodeAttribute()
    region_code = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute()
    created_by = UnicodeAttribute()

    @property
    def district_id(self) -> str:
        return self.tenant_id

    @staticmethod
    def key(district_id: str) -> tuple[str, str]:
        return tenant_pk(district_id), DISTRICT_SK

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.district_id,
            "name": self.name,
            "region_code": self.region_code,
            "created_at": self.created_at,
        }


@table("main")
class School(MainTableModel):
    district_id = UnicodeAttribute()
    name = UnicodeAttribute()
    code = UnicodeAttribute()
    address = UnicodeAttribute()
    time_zone = UnicodeAttribute()
    locale = UnicodeAttribute()
    currency = UnicodeAttribute()
    workday_end = UnicodeAttribute()  # "HH:MM", the local usual end of the working day (R5)
    status = UnicodeAttribute()  # active | suspended
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    suspended_reason = UnicodeAttribute(null=True)
    version = VersionAttribute()
    gsi1pk = UnicodeAttribute()
    gsi1sk = UnicodeAttribute()
    by_district = Gsi1()

    @property
    def school_id(self) -> str:
        return self.tenant_id

    @staticmethod
    def key(school_id: str) -> tuple[str, str]:
        return tenant_pk(school_id), SCHOOL_SK

    @staticmethod
    def district_partition(district_id: str) -> str:
        return tenant_pk(district_id, "SCHOOLS")

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.school_id,
            "district_id": self.district_id,
            "name": self.name,
            "code": self.code,
            "address": self.address,
            "time_zone": self.time_zone,
            "locale": self.locale,
            "currency": self.currency,
            "workday_end": self.workday_end,
            "status": self.status,
            "suspended_reason": self.suspended_reason,
            "version": self.version,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
        }


@table("main")
class SchoolCodeClaim(MainTableModel):
    """Makes a school code unique within its district: claimed in the provisioning transaction."""

    school_id = UnicodeAttribute()


@table("main")
class StaffMember(MainTableModel):
    member_id = UnicodeAttribute()
    name = UnicodeAttribute()
    email = UnicodeAttribute()
    role = UnicodeAttribute()
    status = UnicodeAttribute()  # invited | active
    invited_by = UnicodeAttribute()
    invited_at = UnicodeAttribute()
    invitation_expires_at = UnicodeAttribute()
    invitation_hash = UnicodeAttribute()  # SHA-256 of the one-time code; the code itself is never stored

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.member_id,
            "school_id": self.tenant_id,
            "name": self.name,
            "email": self.email,
            "role": self.role,
            "status": self.status,
            "invited_at": self.invited_at,
            "invitation_expires_at": self.invitation_expires_at,
        }


@table("main")
class StaffEmailClaim(MainTableModel):
    member_id = UnicodeAttribute()


def load_school(school_id: str) -> School:
    """The school (404 when there is none), read once per request: the suspended-tenant check already
    read the caller's school, and every context asking for it again gets that item (same memo key)."""
    if not is_id(school_id):
        raise NotFound()
    return memo(("School", school_id), lambda: _read_school(school_id))


def _read_school(school_id: str) -> School:
    try:
        return School.get(*School.key(school_id), consistent_read=True)
    except School.DoesNotExist as exc:
        raise NotFound() from exc
