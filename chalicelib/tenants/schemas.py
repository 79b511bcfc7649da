"""Request and response shapes of the tenants API.

The same pydantic models validate requests and generate the OpenAPI document, so the document
cannot drift from what the API accepts. Unknown fields are rejected (``extra="forbid"``).
"""

from __future__ import annotations

import re
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, EmailStr, Field, field_validator

HHMM = re.compile(r"^(?:[01]\d|2[0-3]):[0-5]\d$")
Locale = Literal["zh-CN", "en"]
StaffRole = Literal["school_admin", "teacher", "provider_staff"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def _check_zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError("unknown IANA time zone") from exc
    return value


def _check_hhmm(value: str) -> str:
    if not HHMM.match(value):
        raise ValueError("use HH:MM, 24-hour clock")
    return value


class PageQuery(Strict):
    limit: int = Field(default=20, ge=1, le=100, description="Page size, at most 100")
    cursor: str | None = Field(default=None, max_length=2048, description="next_cursor of the previous page")


class DistrictCreate(Strict):
    name: str = Field(min_length=1, max_length=120, description="District name, e.g. 某某区教育局")
    region_code: str | None = Field(default=None, pattern=r"^\d{6}$", description="6-digit administrative code")


class District(BaseModel):
    id: str
    name: str
    region_code: str | None
    created_at: str


class Person(Strict):
    name: str = Field(min_length=1, max_length=80)
    email: EmailStr


class SchoolCreate(Strict):
    name: str = Field(min_length=1, max_length=120)
    code: str = Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_-]+$", description="Unique in the district")
    address: str = Field(min_length=1, max_length=300)
    time_zone: str = Field(default="Asia/Shanghai", description="IANA time zone")
    locale: Locale = "zh-CN"
    currency: str = Field(default="CNY", pattern=r"^[A-Z]{3}$", description="ISO 4217 code")
    workday_end: str = Field(default="17:30", description="Usual end of the local working day, HH:MM")
    first_admin: Person = Field(description="Receives the invitation to become the school's first school_admin")

    _zone = field_validator("time_zone")(_check_zone)
    _end = field_validator("workday_end")(_check_hhmm)


class SchoolUpdate(Strict):
    name: str | None = Field(default=None, min_length=1, max_length=120)
    address: str | None = Field(default=None, min_length=1, max_length=300)
    time_zone: str | None = None
    locale: Locale | None = None
    currency: str | None = Field(default=None, pattern=r"^[A-Z]{3}$")
    workday_end: str | None = None
    version: int | None = Field(default=None, ge=1, description="Alternative to the If-Match header")

    @field_validator("time_zone")
    @classmethod
    def _zone(cls, v: str | None) -> str | None:
        return None if v is None else _check_zone(v)

    @field_validator("workday_end")
    @classmethod
    def _end(cls, v: str | None) -> str | None:
        return None if v is None else _check_hhmm(v)


class SuspendRequest(Strict):
    reason: str = Field(min_length=1, max_length=500)


class School(BaseModel):
    id: str
    district_id: str
    name: str
    code: str
    address: str
    time_zone: str
    locale: str
    currency: str
    workday_end: str
    status: Literal["active", "suspended"]
    suspended_reason: str | None
    version: int
    created_at: str
    updated_at: str


class SchoolPage(BaseModel):
    items: list[School]
    next_cursor: str | None


class StaffInvite(Strict):
    name: str = Field(min_length=1, max_length=80)
    email: EmailStr
    role: StaffRole


class StaffMember(BaseModel):
    id: str
    school_id: str
    name: str
    email: str
    role: str
    status: Literal["invited", "active"]
    invited_at: str
    invitation_expires_at: str


class StaffInvitation(StaffMember):
    invitation_code: str = Field(description="One-time code, shown only in this response")


class StaffPage(BaseModel):
    items: list[StaffMember]
    next_cursor: str | None


class SchoolProvisioned(BaseModel):
    school: School
    first_admin_invitation: StaffInvitation | None = Field(
        description="Present on first creation only; an idempotent replay returns null (the code is shown once)"
    )


class Me(BaseModel):
    sub: str
    roles: list[str]
    tenant: str | None
    district: str | None
    phone: str | None = None
    tenant_status: str | None = None


class Health(BaseModel):
    status: Literal["ok"]
    stage: str
