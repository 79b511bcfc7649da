"""Which enrollment events become notices, and what of their detail a notice keeps (pure).

Events carry ids only (no names, no phones); the notice keeps the ids a client may need to link to
the application, plus the waiting-list position and the school's reason, which the texts show.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from chalicelib.core.ids import is_id

from .templates import MAX_REASON

SOURCE = "kehou.enrollment"
CODES: dict[str, str] = {
    "ApplicationSubmitted": "application_submitted",
    "ApplicationReturned": "application_returned",
    "ApplicationRejected": "application_rejected",
    "ApplicationApprovedByTeacher": "application_approved_by_teacher",
    "ApplicationApproved": "application_approved",
    "AgreementSigned": "agreement_signed",
    "Waitlisted": "waitlisted",
    "PlaceOffered": "place_offered",
    "Withdrawn": "withdrawn",
    "ActivityDropped": "activity_dropped",
}
ID_PARAMS = ("application_id", "student_id", "term_id", "activity_id")
STATE_PARAMS = ("from", "to")
OCCURRED_AT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$")
SUB = re.compile(r"^[^\s#\x00-\x1f]{1,128}$")
STATE = re.compile(r"^[A-Za-z_]{1,40}$")


class BadEvent(ValueError):
    """A known event type whose detail cannot make a notice (logged, never retried)."""


@dataclass(frozen=True)
class NoticeEvent:
    event_id: str
    occurred_at: str
    school_id: str
    guardian_sub: str
    detail_type: str
    code: str
    params: dict[str, Any] = field(default_factory=dict)


def parse(detail_type: str, detail: dict[str, Any]) -> NoticeEvent | None:
    """The notice an event asks for; None for types that notify nobody; BadEvent when malformed."""
    code = CODES.get(detail_type)
    if code is None:
        return None
    event_id, school_id = str(detail.get("event_id", "")), str(detail.get("school_id", ""))
    occurred_at, sub = str(detail.get("occurred_at", "")), str(detail.get("guardian_sub", ""))
    if not (is_id(event_id) and is_id(school_id)):
        raise BadEvent("event_id and school_id must be ids")
    if detail.get("tenant_id") != school_id:
        raise BadEvent("tenant_id differs from school_id")
    if not OCCURRED_AT.match(occurred_at):
        raise BadEvent("occurred_at is not an ISO UTC timestamp")
    if not SUB.match(sub):
        raise BadEvent("guardian_sub missing or malformed")
    return NoticeEvent(event_id, occurred_at, school_id, sub, detail_type, code, _params(detail))


def _params(detail: dict[str, Any]) -> dict[str, Any]:
    params: dict[str, Any] = {k: detail[k] for k in ID_PARAMS if isinstance(detail.get(k), str) and is_id(detail[k])}
    params.update({k: detail[k] for k in STATE_PARAMS if isinstance(detail.get(k), str) and STATE.match(detail[k])})
    position = detail.get("position")
    if isinstance(position, int) and not isinstance(position, bool) and position > 0:
        params["position"] = position
    reason = detail.get("reason")
    if isinstance(reason, str) and reason.strip():
        params["reason"] = reason.strip()[:MAX_REASON]
    return params
