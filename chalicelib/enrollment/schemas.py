"""Request and response bodies of enrolment (报名, 审核, 协议书, 候补, 退出)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from . import states
from .priority import Situation

ULID = r"^[0-9A-HJKMNP-TV-Z]{26}$"
Reason = str
StatusName = Literal[
    "draft", "submitted", "returned", "teacher_approved", "approved", "active", "rejected", "withdrawn"
]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ConsentGrant(Strict):
    text_version: str = Field(min_length=1, max_length=40, description="Version of the consent text shown (告知书)")


class CareReason(Strict):
    """R4 (四(一)): why the child needs the service; it can set priority when places are short."""

    pickup_by: str = Field(min_length=1, max_length=40, description="Who picks the child up, e.g. 父亲")
    pickup_time: str = Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$", description="When, HH:MM")
    note: str = Field(default="", max_length=300)
    situation: Situation = Field(
        default="other",
        description=(
            "Why nobody can pick the child up on time; sets the waiting-list priority (候补): "
            "no_one_available (1, first) > guardians_work_late (2) > single_guardian_or_guardian_away (3) "
            "> other (4, default); first come, first served within one rank"
        ),
    )


class ApplicationChoices(Strict):
    care_reason: CareReason
    services: list[Literal["care", "nap"]] = Field(default_factory=list, max_length=2)
    activity_ids: list[str] = Field(default_factory=list, max_length=10)
    lunch: bool = False


class ApplicationCreate(ApplicationChoices):
    student_id: str = Field(pattern=ULID)
    term_id: str = Field(pattern=ULID)


class ApplicationUpdate(ApplicationChoices):
    version: int | None = Field(default=None, ge=1, description="Alternative to If-Match")


class Decision(Strict):
    reason: str | None = Field(default=None, min_length=1, max_length=300)


class ReasonRequired(Strict):
    reason: str = Field(min_length=1, max_length=300)


class BatchDecision(Strict):
    application_ids: list[str] = Field(min_length=1, max_length=50)
    decision: Literal["approve", "reject"]
    reason: str | None = Field(default=None, min_length=1, max_length=300)


class QueueQuery(Strict):
    status: StatusName | None = None
    limit: int = Field(default=20, ge=1, le=100)
    cursor: str | None = Field(default=None, max_length=2048)


class TemplateWrite(Strict):
    text: str = Field(min_length=1, max_length=20000, description="协议书 text with {{placeholders}}")


class Signature(Strict):
    template_version: int = Field(ge=1, description="The template version the guardian read")
    agree: Literal[True]


class Withdrawal(Strict):
    effective_on: dt.date
    reason: str = Field(min_length=1, max_length=300)


class Drop(Strict):
    effective_on: dt.date
    reason: str | None = Field(default=None, max_length=300)


class ApplicationActivity(BaseModel):
    activity_id: str
    state: str
    position: int | None = None


class Priority(BaseModel):
    """R4: the rank the application's situation gives it on waiting lists (1 is served first)."""

    rank: int = Field(ge=1, le=4)
    situation: Situation
    labels: dict[str, str] = Field(description='{"zh-CN": ..., "en": ...}')


class ClassReviewRecord(BaseModel):
    """The 班主任's latest 班级审核 decision, as the application keeps it."""

    decision: Literal["approve", "return", "reject"]
    by: str = Field(description="The 班主任's account sub")
    by_name: str | None = Field(
        description="The 班主任's name as the class's roster entry had it at the decision; null if it had none"
    )
    at: str = Field(description="When, UTC ISO-8601")
    reason: str | None = Field(description="The reason given (always one to return or reject); null if none")


class Application(BaseModel):
    id: str
    school_id: str
    student_id: str
    student_name: str | None = Field(
        description="The child's name on the roster when the guardian created or last edited the application "
        "(a snapshot, so queues need no roster read; null on applications older than the snapshot)"
    )
    class_id: str
    class_name: str | None = Field(description="The class's name, a snapshot taken at the same time")
    term_id: str
    guardian_sub: str
    status: str
    status_reason: str | None
    care_reason: CareReason
    priority: Priority
    services: list[str]
    lunch: bool
    activities: list[ApplicationActivity]
    class_review: ClassReviewRecord | None = Field(
        description="The 班主任's latest 班级审核 decision (approve, return or reject: who, when, why), kept on the "
        "application so queues need no history read; null before the first review, and on applications reviewed "
        "before the field existed (GET …/history has the decision then)",
    )
    version: int
    created_at: str
    updated_at: str


class ApplicationPage(BaseModel):
    items: list[Application]
    next_cursor: str | None


class TransitionOut(BaseModel):
    at: str
    by: str
    role: str
    action: str
    from_: str = Field(alias="from")
    to: str
    reason: str | None
    activity_id: str | None


class History(BaseModel):
    items: list[TransitionOut]


class ConsentState(BaseModel):
    student_id: str
    status: str
    text_version: str | None
    history: list[dict[str, str]]


class BatchItemResult(BaseModel):
    """One application of a batch: decided (``ok``, its status and activities) or refused (why)."""

    application_id: str
    ok: bool
    status: str | None = Field(default=None, description="Decided: the status now (approved or rejected)")
    activities: list[ApplicationActivity] | None = Field(
        default=None, description="Decided: each activity's state, a waitlisted one with its position (候补)"
    )
    error: str | None = Field(default=None, description="Refused: the stable error code, e.g. invalid_transition")
    status_code: int | None = Field(default=None, description="Refused: the HTTP status a single decision gets")
    message: str | None = Field(default=None, description="Refused: the error message in the caller's language")
    details: object | None = Field(
        default=None, description="Refused, when known: e.g. the application's status now for invalid_transition"
    )


class BatchResult(BaseModel):
    results: list[BatchItemResult]


class AgreementPreview(BaseModel):
    """The 协议书 as signing would store it now (zh-CN, whatever the reader's language)."""

    template_version: int = Field(description="Send it back when signing (409 agreement_outdated if it changed)")
    text: str


class ActivityPlaces(BaseModel):
    activity_id: str
    capacity: int = Field(description="From the term's latest published program (公示)")
    taken: int
    waiting: int = Field(description="Children on the activity's waiting list (候补)")


class Places(BaseModel):
    items: list[ActivityPlaces]


class Template(BaseModel):
    term_id: str
    version: int
    text: str
    placeholders: list[str]


class SignedAgreement(BaseModel):
    application_id: str
    template_version: int
    text: str
    sha256: str
    signed_by: str
    signed_at: str
    ip: str
    user_agent: str


STATUSES = states.STATUSES


class ClassReview(Strict):
    """班级审核 by the 班主任: approve, return for changes (reason) or reject (reason)."""

    decision: Literal["approve", "return", "reject"]
    reason: str | None = Field(default=None, min_length=1, max_length=300)


class FinalDecision(Strict):
    """校长审定 by the principal: approve or reject (reason)."""

    decision: Literal["approve", "reject"]
    reason: str | None = Field(default=None, min_length=1, max_length=300)


class MyApplications(BaseModel):
    items: list[Application]


class Empty(Strict):
    pass
