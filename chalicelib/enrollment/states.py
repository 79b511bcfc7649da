"""The application's life (四(七)): 家长申请 → 班级审核 → 校长审定 → 协议书 → 学校组织实施.

Pure rules, no I/O: which action moves which status to which, and who may take it.

=====================  ==============================  =====================  ==================
action                 from                            to                     who
=====================  ==============================  =====================  ==================
submit                 draft, returned                 submitted              guardian
edit                   draft, returned                 (same)                 guardian
teacher_approve        submitted                       teacher_approved       班主任
return                 submitted                       returned               班主任
teacher_reject         submitted                       rejected               班主任
approve                teacher_approved                approved               校长 (school_admin)
reject                 teacher_approved                rejected               校长 (school_admin)
sign                   approved                        active                 guardian (协议书)
withdraw               any open status                 withdrawn              guardian
=====================  ==============================  =====================  ==================
"""

from __future__ import annotations

from chalicelib.core.errors import Conflict

DRAFT, SUBMITTED, RETURNED = "draft", "submitted", "returned"
TEACHER_APPROVED, APPROVED, ACTIVE = "teacher_approved", "approved", "active"
REJECTED, WITHDRAWN = "rejected", "withdrawn"
STATUSES = (DRAFT, SUBMITTED, RETURNED, TEACHER_APPROVED, APPROVED, ACTIVE, REJECTED, WITHDRAWN)
OPEN = frozenset({DRAFT, SUBMITTED, RETURNED, TEACHER_APPROVED, APPROVED, ACTIVE})
EDITABLE = frozenset({DRAFT, RETURNED})

TRANSITIONS: dict[str, tuple[frozenset[str], str | None]] = {
    "submit": (EDITABLE, SUBMITTED),
    "edit": (EDITABLE, None),
    "teacher_approve": (frozenset({SUBMITTED}), TEACHER_APPROVED),
    "return": (frozenset({SUBMITTED}), RETURNED),
    "teacher_reject": (frozenset({SUBMITTED}), REJECTED),
    "approve": (frozenset({TEACHER_APPROVED}), APPROVED),
    "reject": (frozenset({TEACHER_APPROVED}), REJECTED),
    "sign": (frozenset({APPROVED}), ACTIVE),
    "withdraw": (OPEN, WITHDRAWN),
    "drop_activity": (OPEN, None),
}

# The event each action emits (source kehou.enrollment).
EVENTS = {
    "submit": "ApplicationSubmitted",
    "teacher_approve": "ApplicationApprovedByTeacher",
    "return": "ApplicationReturned",
    "teacher_reject": "ApplicationRejected",
    "approve": "ApplicationApproved",
    "reject": "ApplicationRejected",
    "sign": "AgreementSigned",
    "withdraw": "Withdrawn",
    "drop_activity": "ActivityDropped",
}


class InvalidTransition(Conflict):
    code = "invalid_transition"


def next_status(action: str, current: str) -> str:
    """The status ``action`` leads to from ``current``; 409 invalid_transition when it may not."""
    allowed, target = TRANSITIONS[action]
    if current not in allowed:
        raise InvalidTransition({"action": action, "status": current, "allowed_from": sorted(allowed)})
    return target or current
