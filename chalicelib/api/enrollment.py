"""Enrolment routes (报名): consent, applications, 班级审核, 校长审定, 协议书, 候补 and 退出 (issue 3)."""

from __future__ import annotations

from functools import partial
from typing import Any

from chalice import Blueprint

from . import container
from .routing import Call, LazyModel, Operation, json_response, operation

schema = partial(LazyModel, "chalicelib.enrollment.schemas")

bp = Blueprint(__name__)
TAG = "enrollment"


def _svc() -> Any:
    return container.get().enrollment


def _source_ip(call: Call) -> str:
    identity = (call.request.context or {}).get("identity") or {}
    return str(identity.get("sourceIp") or "")


@operation(
    bp,
    Operation(
        "POST",
        "/schools/{school_id}/students/{student_id}/consent",
        "grantConsent",
        "Consent to processing the child's personal data (PIPL)",
        TAG,
        body=schema("ConsentGrant"),
        example={"text_version": "2025-01"},
        response=schema("ConsentState"),
        status=201,
        errors=(403, 404),
        description=(
            "A guardian of the child only (staff 403). Separate consent (单独同意) required before the "
            "first application; every grant and withdrawal is kept."
        ),
    ),
)
def grant_consent(call: Call, school_id: str, student_id: str) -> Any:
    return _svc().grant_consent(call.principal, school_id, student_id, call.body.text_version)


@operation(
    bp,
    Operation(
        "DELETE",
        "/schools/{school_id}/students/{student_id}/consent",
        "withdrawConsent",
        "Withdraw consent",
        TAG,
        response=schema("ConsentState"),
        errors=(403, 404, 409),
        description=(
            "A guardian of the child. Afterwards applications cannot be created or submitted (403 "
            "consent_required). 409 invalid_transition when no consent is in force."
        ),
    ),
)
def withdraw_consent(call: Call, school_id: str, student_id: str) -> Any:
    return _svc().withdraw_consent(call.principal, school_id, student_id)


@operation(
    bp,
    Operation(
        "GET",
        "/schools/{school_id}/students/{student_id}/consent",
        "getConsent",
        "The guardian's consent for the child, with its history",
        TAG,
        response=schema("ConsentState"),
        errors=(403, 404),
    ),
)
def get_consent(call: Call, school_id: str, student_id: str) -> Any:
    return _svc().consent_state(call.principal, school_id, student_id)


@operation(
    bp,
    Operation(
        "POST",
        "/schools/{school_id}/applications",
        "createApplication",
        "Apply for a child (家长申请)",
        TAG,
        body=schema("ApplicationCreate"),
        example={
            "student_id": "01K0SEED0000000000000STD01",
            "term_id": "01K0SEED0000000000000TRM01",
            "care_reason": {"pickup_by": "父亲", "pickup_time": "18:30", "note": "父母下班晚"},
            "services": ["care"],
            "activity_ids": [],
            "lunch": False,
        },
        response=schema("Application"),
        status=201,
        optional_headers=("Idempotency-Key",),
        errors=(400, 403, 404, 409, 422),
        description=(
            "A guardian of the child only (staff 403: nobody applies on a family's behalf; no bulk "
            "enrolment, R2). Requires consent (403 consent_required). Choices are checked against the "
            "term's published program (400 with field details). Creates a draft; one open application "
            "per child and term (409 application_exists). Optional Idempotency-Key (per guardian): "
            "replaying the same key and body answers 200 with the same application as it is now; the "
            "same key with another body answers 422 idempotency_key_reused."
        ),
    ),
)
def create_application(call: Call, school_id: str) -> Any:
    app, replayed = _svc().create(call.principal, school_id, call.body, call.header("idempotency-key"))
    return json_response(app, 200 if replayed else 201)


@operation(
    bp,
    Operation(
        "GET",
        "/schools/{school_id}/applications",
        "listSchoolApplications",
        "校长审定 queue: the school's applications in one status",
        TAG,
        query=schema("QueueQuery"),
        response=schema("ApplicationPage"),
        errors=(400, 403, 404),
        description="school_admin. `status` defaults to teacher_approved.",
    ),
)
def list_school_applications(call: Call, school_id: str) -> Any:
    return _svc().school_queue(call.principal, school_id, call.query)


@operation(
    bp,
    Operation(
        "GET",
        "/schools/{school_id}/my/applications",
        "listMyApplications",
        "A guardian's applications at this school",
        TAG,
        response=schema("MyApplications"),
        errors=(403, 404),
    ),
)
def list_my_applications(call: Call, school_id: str) -> Any:
    return {"items": _svc().mine(call.principal, school_id)}


@operation(
    bp,
    Operation(
        "GET",
        "/schools/{school_id}/applications/{application_id}",
        "getApplication",
        "Get an application",
        TAG,
        response=schema("Application"),
        errors=(403, 404),
        description=(
            "The child's guardians, the class's 班主任 and the school_admin. Waitlisted activities show "
            "their position (候补)."
        ),
    ),
)
def get_application(call: Call, school_id: str, application_id: str) -> Any:
    return _svc().get(call.principal, school_id, application_id)


@operation(
    bp,
    Operation(
        "PATCH",
        "/schools/{school_id}/applications/{application_id}",
        "updateApplication",
        "Edit an application (draft or returned)",
        TAG,
        body=schema("ApplicationUpdate"),
        example={
            "care_reason": {"pickup_by": "母亲", "pickup_time": "18:00"},
            "services": ["care"],
            "activity_ids": [],
            "lunch": True,
        },
        response=schema("Application"),
        headers=("If-Match",),
        errors=(400, 403, 404, 409, 428),
        description="A guardian of the child, while draft or returned. Optimistic locking: If-Match (or `version`).",
    ),
)
def update_application(call: Call, school_id: str, application_id: str) -> Any:
    return _svc().update(call.principal, school_id, application_id, call.body, call.header("if-match"))


@operation(
    bp,
    Operation(
        "POST",
        "/schools/{school_id}/applications/{application_id}/submit",
        "submitApplication",
        "Submit an application",
        TAG,
        response=schema("Application"),
        errors=(403, 404, 409),
        description="A guardian of the child: draft or returned → submitted (409 invalid_transition otherwise).",
    ),
)
def submit_application(call: Call, school_id: str, application_id: str) -> Any:
    return _svc().submit(call.principal, school_id, application_id)


@operation(
    bp,
    Operation(
        "GET",
        "/schools/{school_id}/applications/{application_id}/history",
        "getApplicationHistory",
        "An application's history (who, when, from, to, why)",
        TAG,
        response=schema("History"),
        errors=(403, 404),
    ),
)
def get_application_history(call: Call, school_id: str, application_id: str) -> Any:
    return {"items": _svc().history(call.principal, school_id, application_id)}


@operation(
    bp,
    Operation(
        "POST",
        "/schools/{school_id}/applications/{application_id}/class-review",
        "reviewApplication",
        "班级审核 by the 班主任",
        TAG,
        body=schema("ClassReview"),
        example={"decision": "return", "reason": "请补充接送时间"},
        response=schema("Application"),
        errors=(400, 403, 404, 409),
        description="The class's 班主任 only. submitted → teacher_approved | returned (reason) | rejected (reason). "
        "The answer (and every later read of the application) carries the decision in `class_review` "
        "(decision, by, by_name, at, reason).",
    ),
)
def review_application(call: Call, school_id: str, application_id: str) -> Any:
    return _svc().class_review(call.principal, school_id, application_id, call.body.decision, call.body.reason)


@operation(
    bp,
    Operation(
        "POST",
        "/schools/{school_id}/applications/{application_id}/decision",
        "decideApplication",
        "校长审定 by the principal",
        TAG,
        body=schema("FinalDecision"),
        example={"decision": "approve"},
        response=schema("Application"),
        errors=(400, 403, 404, 409),
        description=(
            "school_admin. teacher_approved → approved (each chosen activity takes a place if one is "
            "free, else joins its waiting list) | rejected (reason)."
        ),
    ),
)
def decide_application(call: Call, school_id: str, application_id: str) -> Any:
    return _svc().decide(call.principal, school_id, application_id, call.body.decision, call.body.reason)


@operation(
    bp,
    Operation(
        "POST",
        "/schools/{school_id}/application-decisions",
        "decideApplications",
        "校长审定 of many applications at once",
        TAG,
        body=schema("BatchDecision"),
        example={"application_ids": ["01K0SEED00000000000000APP1"], "decision": "approve"},
        response=schema("BatchResult"),
        errors=(400, 403, 404),
        description=(
            "school_admin. Each application is checked and decided on its own; each result is reported "
            "separately: decided ones with their status and activities (a waitlisted one with its position), "
            "refused ones with the error code, HTTP status, message (Accept-Language) and details (for "
            "409 invalid_transition, the status the application has now)."
        ),
    ),
)
def decide_applications(call: Call, school_id: str) -> Any:
    return {"results": _svc().decide_many(call.principal, school_id, call.body, call.locale)}


@operation(
    bp,
    Operation(
        "GET",
        "/schools/{school_id}/classes/{class_id}/applications",
        "listClassApplications",
        "班级审核 queue: a class's applications",
        TAG,
        query=schema("QueueQuery"),
        response=schema("ApplicationPage"),
        errors=(400, 403, 404),
        description="The class's 班主任 and the school_admin. `status` defaults to submitted.",
    ),
)
def list_class_applications(call: Call, school_id: str, class_id: str) -> Any:
    return _svc().class_queue(call.principal, school_id, class_id, call.query)


@operation(
    bp,
    Operation(
        "GET",
        "/schools/{school_id}/terms/{term_id}/agreement-template",
        "getAgreementTemplate",
        "The term's 协议书 template (current version)",
        TAG,
        response=schema("Template"),
        errors=(403, 404),
    ),
)
def get_agreement_template(call: Call, school_id: str, term_id: str) -> Any:
    return _svc().get_template(call.principal, school_id, term_id)


@operation(
    bp,
    Operation(
        "PUT",
        "/schools/{school_id}/terms/{term_id}/agreement-template",
        "putAgreementTemplate",
        "Save a new version of the term's 协议书 template",
        TAG,
        body=schema("TemplateWrite"),
        example={
            "text": (
                "{{school_name}}与{{guardian_name}}就{{student_name}}（{{class_name}}）参加{{term_name}}课后服务签订协议。"
                "项目：{{activities}}。费用：{{fees}}。"
            )
        },
        response=schema("Template"),
        errors=(400, 403, 404, 409),
        description=(
            "school_admin. Placeholders: {{student_name}}, {{class_name}}, {{guardian_name}}, "
            "{{school_name}}, {{term_name}}, {{activities}}, {{services}}, {{lunch}}, {{fees}}, "
            "{{signed_on}} (others 400). Each save is a new version; signed copies never change."
        ),
    ),
)
def put_agreement_template(call: Call, school_id: str, term_id: str) -> Any:
    return _svc().put_template(call.principal, school_id, term_id, call.body.text)


@operation(
    bp,
    Operation(
        "POST",
        "/schools/{school_id}/applications/{application_id}/agreement",
        "signAgreement",
        "Sign the 协议书",
        TAG,
        body=schema("Signature"),
        example={"template_version": 1, "agree": True},
        response=schema("SignedAgreement"),
        status=201,
        errors=(400, 403, 404, 409),
        description=(
            "A guardian of the child, once approved: stores the rendered text with its SHA-256, signer,"
            " time, IP and user agent; approved → active. 409 agreement_outdated when the template "
            "changed since it was read."
        ),
    ),
)
def sign_agreement(call: Call, school_id: str, application_id: str) -> Any:
    return _svc().sign(
        call.principal,
        school_id,
        application_id,
        call.body.template_version,
        _source_ip(call),
        call.header("user-agent") or "",
    )


@operation(
    bp,
    Operation(
        "GET",
        "/schools/{school_id}/applications/{application_id}/agreement/preview",
        "previewAgreement",
        "The 协议书 as signing would store it now",
        TAG,
        response=schema("AgreementPreview"),
        errors=(403, 404, 409),
        description=(
            "A guardian of the child (staff 403, other guardians 404), once approved (409 invalid_transition "
            "with the status otherwise; 404 agreement_template_missing without a template). The text is "
            "rendered exactly as signing renders it (zh-CN, a legal text); sign with its template_version."
        ),
    ),
)
def preview_agreement(call: Call, school_id: str, application_id: str) -> Any:
    return _svc().preview_agreement(call.principal, school_id, application_id)


@operation(
    bp,
    Operation(
        "GET",
        "/schools/{school_id}/terms/{term_id}/places",
        "listPlaces",
        "Places per activity of a term (名额, 候补)",
        TAG,
        response=schema("Places"),
        errors=(403, 404),
        description=(
            "The school's staff and guardians. For each activity of the term's published program: its "
            "capacity, the places taken and the children waiting; no child is named. 404 when the term "
            "has no published program. One Query for the counters."
        ),
    ),
)
def list_places(call: Call, school_id: str, term_id: str) -> Any:
    return {"items": _svc().places(call.principal, school_id, term_id)}


@operation(
    bp,
    Operation(
        "GET",
        "/schools/{school_id}/applications/{application_id}/agreement",
        "getAgreement",
        "The signed 协议书",
        TAG,
        response=schema("SignedAgreement"),
        errors=(403, 404),
    ),
)
def get_agreement(call: Call, school_id: str, application_id: str) -> Any:
    return _svc().signed_copy(call.principal, school_id, application_id)


@operation(
    bp,
    Operation(
        "POST",
        "/schools/{school_id}/applications/{application_id}/withdraw",
        "withdrawApplication",
        "Withdraw the child (退出)",
        TAG,
        body=schema("Withdrawal"),
        example={"effective_on": "2025-03-01", "reason": "家中老人可接送"},
        response=schema("Application"),
        errors=(400, 403, 404, 409),
        description=(
            "A guardian of the child, at any time (R2). Frees the child's places; each goes to the "
            "first on that activity's waiting list (PlaceOffered)."
        ),
    ),
)
def withdraw_application(call: Call, school_id: str, application_id: str) -> Any:
    return _svc().withdraw(call.principal, school_id, application_id, call.body.effective_on, call.body.reason)


@operation(
    bp,
    Operation(
        "POST",
        "/schools/{school_id}/applications/{application_id}/activities/{activity_id}/drop",
        "dropActivity",
        "Drop one activity",
        TAG,
        body=schema("Drop"),
        example={"effective_on": "2025-03-01"},
        response=schema("Application"),
        errors=(400, 403, 404, 409),
        description=(
            "A guardian of the child. Frees the place (or leaves the waiting list); a freed place is "
            "offered to the next waiting child: it is held for them at once and they keep it unless "
            "they drop it."
        ),
    ),
)
def drop_activity(call: Call, school_id: str, application_id: str, activity_id: str) -> Any:
    return _svc().drop(call.principal, school_id, application_id, activity_id, call.body.effective_on, call.body.reason)
