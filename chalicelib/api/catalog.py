"""Catalog routes: third-party providers, each term's program (draft, publish, versions), and the
public program (服务内容公示) as JSON and as a phone-friendly HTML page."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

from chalice import Blueprint, Response

from chalicelib.core.errors import NotFound

from . import container
from .routing import Call, LazyModel, Operation, json_response, operation

if TYPE_CHECKING:
    from chalicelib.enrollment.catalog.models import Provider
    from chalicelib.enrollment.catalog.services import CatalogService
    from chalicelib.enrollment.catalog.vocabulary import Locale

schema = partial(LazyModel, "chalicelib.enrollment.catalog.schemas")

bp = Blueprint(__name__)
TAG = "catalog"
PUBLIC_CACHE = "public, max-age=60"  # a notice may be a minute old; spares the table on busy days
# The JSON's labels and fees follow Accept-Language: a shared cache must keep one copy per language.
# (The HTML page is always zh-CN, so it does not vary and carries no Vary.)
PUBLIC_JSON_HEADERS = {"Cache-Control": PUBLIC_CACHE, "Vary": "Accept-Language"}
PROVIDER_EXAMPLE = {
    "name": "青苗体育培训中心",
    "licence_number": "91110101MA01ABCD3X",
    "contact_name": "张经理",
    "contact_phone": "13800000000",
}
PROGRAM_EXAMPLE = {
    "services": [
        {"kind": "care", "fee_fen": 0, "fee_basis": "free", "description": "放学后看管与自主作业"},
        {"kind": "lunch", "price_per_day_fen": 1500, "description": "营养午餐，学校代收"},
    ],
    "activities": [
        {
            "name": "校园足球",
            "category": "sports",
            "provider": "school",
            "grades": [3, 4],
            "weekdays": [2, 4],
            "period": 2,
            "venue": "操场",
            "capacity": 30,
            "fee_fen": 0,
            "fee_basis": "free",
            "staff": ["刘老师"],
            "description": "基本功与分组对抗",
        }
    ],
    "safety_measures": "专人看管，按时清点人数，家长凭接送卡接孩子。",
}


def _svc() -> CatalogService:
    return container.get().catalog


def _locale(call: Call) -> Locale:
    return "en" if call.locale == "en" else "zh-CN"


def _provider(call: Call, provider: Provider, status: int = 200) -> Response:
    from chalicelib.enrollment.catalog.services import can_see_contact

    body = provider.as_json(reveal_contact=can_see_contact(call.principal))
    return json_response(body, status, {"ETag": f'"{provider.version}"'})


def _draft(draft: dict[str, Any]) -> Response:
    return json_response(draft, 200, {"ETag": f'"{draft["version"]}"'})


@operation(
    bp,
    Operation(
        "POST",
        "/schools/{school_id}/providers",
        "registerProvider",
        "Register a third-party provider (第三方机构)",
        TAG,
        body=schema("ProviderCreate"),
        example=PROVIDER_EXAMPLE,
        response=schema("Provider"),
        status=201,
        optional_headers=("Idempotency-Key",),
        errors=(400, 403, 404, 422),
        description="The provider starts `pending`; only approved providers' activities can be published. "
        "Idempotency-Key is optional: replaying the same key and body returns the provider the first request "
        "registered (200, nothing new is created); the same key with another body answers 422 "
        "idempotency_key_reused.",
    ),
)
def register_provider(call: Call, school_id: str) -> Any:
    svc = _svc()
    provider, created = svc.register_provider_with_key(
        call.principal, school_id, call.body, call.header("idempotency-key")
    )
    return _provider(call, provider, 201 if created else 200)


@operation(
    bp,
    Operation(
        "GET",
        "/schools/{school_id}/providers",
        "listProviders",
        "List the school's providers",
        TAG,
        query=schema("PageQuery"),
        response=schema("ProviderPage"),
        errors=(400, 403, 404),
        description="All staff. Contact phones are masked (138****0000) for everyone, the school_admin too; "
        "the school_admin sees the full number only by reading one provider (getProvider).",
    ),
)
def list_providers(call: Call, school_id: str) -> Any:
    from chalicelib.enrollment.catalog.services import can_see_contact

    page = _svc().list_providers(call.principal, school_id, call.query.limit, call.query.cursor)
    reveal = can_see_contact(call.principal)
    return {"items": [p.as_json(reveal_contact=reveal) for p in page.items], "next_cursor": page.next_cursor}


@operation(
    bp,
    Operation(
        "GET",
        "/schools/{school_id}/providers/{provider_id}",
        "getProvider",
        "Get a provider with its status history",
        TAG,
        response=schema("Provider"),
        errors=(403, 404),
        description="All staff; the contact phone in full for the school_admin, masked for other staff.",
    ),
)
def get_provider(call: Call, school_id: str, provider_id: str) -> Any:
    return _provider(call, _svc().get_provider(call.principal, school_id, provider_id))


@operation(
    bp,
    Operation(
        "PATCH",
        "/schools/{school_id}/providers/{provider_id}",
        "updateProvider",
        "Change a provider's details",
        TAG,
        body=schema("ProviderUpdate"),
        example={"contact_name": "李经理", "contact_phone": "13900000000"},
        response=schema("Provider"),
        headers=("If-Match",),
        errors=(400, 403, 404, 409, 428),
    ),
)
def update_provider(call: Call, school_id: str, provider_id: str) -> Any:
    svc = _svc()
    return _provider(
        call, svc.update_provider(call.principal, school_id, provider_id, call.body, call.header("if-match"))
    )


@operation(
    bp,
    Operation(
        "POST",
        "/schools/{school_id}/providers/{provider_id}/status",
        "changeProviderStatus",
        "Approve or suspend a provider",
        TAG,
        body=schema("ProviderStatusChange"),
        example={"status": "approved", "reason": "办学许可证及安全资质审核通过"},
        response=schema("Provider"),
        errors=(400, 403, 404, 409),
        description="pending → approved ↔ suspended; the change and its reason join the provider's history. "
        "Any other change answers 409 invalid_status_transition.",
    ),
)
def change_provider_status(call: Call, school_id: str, provider_id: str) -> Any:
    return _provider(call, _svc().change_provider_status(call.principal, school_id, provider_id, call.body))


@operation(
    bp,
    Operation(
        "GET",
        "/schools/{school_id}/terms/{term_id}/program",
        "getProgramDraft",
        "Get the term's program draft",
        TAG,
        response=schema("ProgramDraft"),
        errors=(403, 404),
        description="Staff only. Before the first save the draft is empty with version 0.",
    ),
)
def get_program_draft(call: Call, school_id: str, term_id: str) -> Any:
    return _draft(_svc().get_draft(call.principal, school_id, term_id))


@operation(
    bp,
    Operation(
        "PUT",
        "/schools/{school_id}/terms/{term_id}/program",
        "saveProgramDraft",
        "Replace the term's program draft",
        TAG,
        body=schema("ProgramDraftWrite"),
        example=PROGRAM_EXAMPLE,
        response=schema("ProgramDraft"),
        headers=("If-Match",),
        errors=(400, 403, 404, 409, 428),
        description="Services and activities as one document. Optimistic locking: send the version you read "
        '(If-Match: "0" creates the draft). New activities get ids; send an id back to keep it.',
    ),
)
def save_program_draft(call: Call, school_id: str, term_id: str) -> Any:
    return _draft(_svc().save_draft(call.principal, school_id, term_id, call.body, call.header("if-match")))


@operation(
    bp,
    Operation(
        "POST",
        "/schools/{school_id}/terms/{term_id}/program/publish",
        "publishProgram",
        "Publish the draft as the next version (公示)",
        TAG,
        response=schema("ProgramVersion"),
        status=201,
        errors=(403, 404, 409),
        description="Refused with 409 program_not_publishable (details list every problem) when the draft has "
        "no service, names a provider that is not approved, or declares tutoring. Publishing an unchanged "
        "draft again returns the existing version with 200.",
    ),
)
def publish_program(call: Call, school_id: str, term_id: str) -> Any:
    version, created = _svc().publish(call.principal, school_id, term_id)
    return json_response(version.as_json(), 201 if created else 200)


@operation(
    bp,
    Operation(
        "GET",
        "/schools/{school_id}/terms/{term_id}/program/versions",
        "listProgramVersions",
        "List the term's published versions",
        TAG,
        query=schema("PageQuery"),
        response=schema("ProgramVersionPage"),
        errors=(400, 403, 404),
        description="Staff only. Newest first: number, when and by whom (account `sub`) each version was "
        "published, and how many activities it has; read one with getProgramVersion. One Query; an empty "
        "list for a term with nothing published, 404 for an unknown term.",
    ),
)
def list_program_versions(call: Call, school_id: str, term_id: str) -> Any:
    page = _svc().list_versions(call.principal, school_id, term_id, call.query.limit, call.query.cursor)
    return {"items": [v.summary() for v in page.items], "next_cursor": page.next_cursor}


@operation(
    bp,
    Operation(
        "GET",
        "/schools/{school_id}/terms/{term_id}/program/versions/{version}",
        "getProgramVersion",
        "Get a published version",
        TAG,
        response=schema("ProgramVersion"),
        errors=(403, 404),
        description="Published versions never change. Any member of the school may read them, guardians too.",
    ),
)
def get_program_version(call: Call, school_id: str, term_id: str, version: str) -> Any:
    return _svc().get_version(call.principal, school_id, term_id, version).as_json()


@operation(
    bp,
    Operation(
        "GET",
        "/public/schools/{school_id}/program",
        "getPublicProgram",
        "The published program (公示), no sign-in",
        TAG,
        query=schema("PublicQuery"),
        response=schema("PublicProgram"),
        public=True,
        errors=(404,),
        description="The latest published version of `term_id`, or of the school's latest-starting published term. "
        "No phone numbers or staff names. 404 when nothing is published or the school is unknown or suspended.",
    ),
)
def get_public_program(call: Call, school_id: str) -> Any:
    program = _svc().public_program(school_id, call.query.term_id)
    return json_response(program.as_json(_locale(call)), 200, PUBLIC_JSON_HEADERS)


@operation(
    bp,
    Operation(
        "GET",
        "/public/schools/{school_id}/program/page",
        "publicProgramPage",
        "The published program as an HTML page, no sign-in",
        TAG,
        query=schema("PublicQuery"),
        public=True,
        errors=(404,),
        description="zh-CN whatever Accept-Language says (so no Vary), for phones: inline CSS, no JavaScript, "
        "no external assets.",
    ),
)
def public_program_page(call: Call, school_id: str) -> Any:
    from chalicelib.enrollment.catalog import page

    headers = {"Content-Type": "text/html; charset=utf-8", "Content-Security-Policy": page.CSP}
    headers["X-Content-Type-Options"] = "nosniff"
    try:
        program = _svc().public_program(school_id, call.query.term_id)
    except NotFound:
        return Response(body=page.not_found(), status_code=404, headers={**headers, "Cache-Control": "no-cache"})
    html = page.render(program.as_json("zh-CN"))
    return Response(body=html, status_code=200, headers={**headers, "Cache-Control": PUBLIC_CACHE})
