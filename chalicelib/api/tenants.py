"""Tenants routes: districts provision and supervise schools; schools invite staff."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

from chalice import Blueprint

from . import container
from .routing import Call, LazyModel, Operation, json_response, operation

if TYPE_CHECKING:
    from chalicelib.core.pagination import Page
    from chalicelib.tenants.services import Invitation

# Schemas are named, not imported: pydantic models are built on first use, keeping cold starts short.
schema = partial(LazyModel, "chalicelib.tenants.schemas")

bp = Blueprint(__name__)
TAG = "tenants"


def _svc() -> Any:
    return container.get().tenants


def _page(page: Page[Any]) -> dict[str, Any]:
    return {"items": [i.as_json() for i in page.items], "next_cursor": page.next_cursor}


def _invitation(inv: Invitation) -> dict[str, Any]:
    return {**inv.member.as_json(), "invitation_code": inv.code}


def _school(school: Any, status: int = 200) -> Any:
    return json_response(school.as_json(), status, {"ETag": f'"{school.version}"'})


@operation(
    bp,
    Operation(
        "POST",
        "/districts",
        "createDistrict",
        "Create a district (教育局)",
        TAG,
        body=schema("DistrictCreate"),
        example={"name": "东城区教育局", "region_code": "110101"},
        response=schema("District"),
        status=201,
        errors=(400, 403),
    ),
)
def create_district(call: Call) -> Any:
    return _svc().create_district(call.principal, call.body).as_json()


@operation(
    bp,
    Operation(
        "GET",
        "/districts/{district_id}",
        "getDistrict",
        "Get a district",
        TAG,
        response=schema("District"),
        errors=(403, 404),
    ),
)
def get_district(call: Call, district_id: str) -> Any:
    return _svc().get_district(call.principal, district_id).as_json()


@operation(
    bp,
    Operation(
        "POST",
        "/districts/{district_id}/schools",
        "provisionSchool",
        "Provision a school (tenant)",
        TAG,
        body=schema("SchoolCreate"),
        example={
            "name": "东城第一实验小学",
            "code": "DC-SY1",
            "address": "北京市东城区和平里1号",
            "time_zone": "Asia/Shanghai",
            "workday_end": "17:30",
            "first_admin": {"name": "王校长", "email": "principal@example.cn"},
        },
        response=schema("SchoolProvisioned"),
        status=201,
        headers=("Idempotency-Key",),
        errors=(400, 403, 404, 409, 422),
        description="Creates the school with default settings and an invitation for its first school_admin. "
        "Replaying the same Idempotency-Key and body returns the same school (200, no new invitation code); "
        "the same key with another body answers 422 idempotency_key_reused.",
    ),
)
def provision_school(call: Call, district_id: str) -> Any:
    school, invitation = _svc().provision_school(call.principal, district_id, call.body, call.header("idempotency-key"))
    body: dict[str, Any] = {
        "school": school.as_json(),
        "first_admin_invitation": _invitation(invitation) if invitation else None,
    }
    return json_response(body, 201 if invitation else 200, {"ETag": f'"{school.version}"'})


@operation(
    bp,
    Operation(
        "GET",
        "/districts/{district_id}/schools",
        "listSchools",
        "List a district's schools",
        TAG,
        query=schema("PageQuery"),
        response=schema("SchoolPage"),
        errors=(400, 403, 404),
    ),
)
def list_schools(call: Call, district_id: str) -> Any:
    return _page(_svc().list_schools(call.principal, district_id, call.query.limit, call.query.cursor))


@operation(
    bp,
    Operation(
        "GET",
        "/schools/{school_id}",
        "getSchool",
        "Get a school and its settings",
        TAG,
        response=schema("School"),
        errors=(403, 404),
    ),
)
def get_school(call: Call, school_id: str) -> Any:
    return _school(_svc().get_school(call.principal, school_id))


@operation(
    bp,
    Operation(
        "PATCH",
        "/schools/{school_id}",
        "updateSchool",
        "Change a school's settings",
        TAG,
        body=schema("SchoolUpdate"),
        example={"workday_end": "18:00"},
        response=schema("School"),
        headers=("If-Match",),
        errors=(400, 403, 404, 409, 428),
        description="Optimistic locking: send the version you read in If-Match (or as `version`); "
        "a stale version answers 409 version_conflict.",
    ),
)
def update_school(call: Call, school_id: str) -> Any:
    return _school(_svc().update_school(call.principal, school_id, call.body, call.header("if-match")))


@operation(
    bp,
    Operation(
        "POST",
        "/schools/{school_id}/suspend",
        "suspendSchool",
        "Suspend a school",
        TAG,
        body=schema("SuspendRequest"),
        example={"reason": "年检未通过"},
        response=schema("School"),
        errors=(400, 403, 404, 409),
        description="Its staff and guardians then get 403 tenant_suspended; nothing is deleted.",
    ),
)
def suspend_school(call: Call, school_id: str) -> Any:
    return _school(_svc().suspend_school(call.principal, school_id, call.body.reason))


@operation(
    bp,
    Operation(
        "POST",
        "/schools/{school_id}/reactivate",
        "reactivateSchool",
        "Reactivate a school",
        TAG,
        response=schema("School"),
        errors=(403, 404, 409),
    ),
)
def reactivate_school(call: Call, school_id: str) -> Any:
    return _school(_svc().reactivate_school(call.principal, school_id))


@operation(
    bp,
    Operation(
        "POST",
        "/schools/{school_id}/staff",
        "inviteStaff",
        "Invite a staff member",
        TAG,
        body=schema("StaffInvite"),
        example={"name": "李老师", "email": "li@example.cn", "role": "teacher"},
        response=schema("StaffInvitation"),
        status=201,
        errors=(400, 403, 404, 409),
    ),
)
def invite_staff(call: Call, school_id: str) -> Any:
    return _invitation(_svc().invite_staff(call.principal, school_id, call.body))


@operation(
    bp,
    Operation(
        "GET",
        "/schools/{school_id}/staff",
        "listStaff",
        "List a school's staff",
        TAG,
        query=schema("PageQuery"),
        response=schema("StaffPage"),
        errors=(400, 403, 404),
    ),
)
def list_staff(call: Call, school_id: str) -> Any:
    return _page(_svc().list_staff(call.principal, school_id, call.query.limit, call.query.cursor))
