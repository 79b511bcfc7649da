"""The application's state machine (四(七)): which step leads where, and which are refused."""

from __future__ import annotations

import pytest

from chalicelib.enrollment import states
from chalicelib.enrollment.states import InvalidTransition, next_status


@pytest.mark.parametrize(
    ("action", "frm", "to"),
    [
        ("submit", "draft", "submitted"),
        ("submit", "returned", "submitted"),
        ("teacher_approve", "submitted", "teacher_approved"),
        ("return", "submitted", "returned"),
        ("teacher_reject", "submitted", "rejected"),
        ("approve", "teacher_approved", "approved"),
        ("reject", "teacher_approved", "rejected"),
        ("sign", "approved", "active"),
        ("withdraw", "active", "withdrawn"),
        ("withdraw", "draft", "withdrawn"),
        ("edit", "returned", "returned"),
        ("drop_activity", "active", "active"),
    ],
)
def test_allowed(action: str, frm: str, to: str) -> None:
    assert next_status(action, frm) == to


def test_every_other_step_is_refused() -> None:
    for action, (allowed, _) in states.TRANSITIONS.items():
        for status in set(states.STATUSES) - allowed:
            with pytest.raises(InvalidTransition) as err:
                next_status(action, status)
            assert err.value.status == 409 and err.value.code == "invalid_transition"


def test_final_statuses_have_no_way_out() -> None:
    for status in (states.REJECTED, states.WITHDRAWN):
        assert not any(status in allowed for allowed, _ in states.TRANSITIONS.values())


def test_principal_cannot_skip_the_class_review() -> None:
    with pytest.raises(InvalidTransition):
        next_status("approve", states.SUBMITTED)


def test_every_moving_action_has_its_event() -> None:
    for action in states.TRANSITIONS:
        if action != "edit":
            assert action in states.EVENTS


def test_the_class_review_record_and_its_json() -> None:
    """What the application keeps of 班级审核, and how an application without it (older) reads."""
    from chalicelib.enrollment.applications import class_review_json
    from chalicelib.enrollment.models import Application
    from chalicelib.enrollment.reviews import class_review_record

    at = "2026-09-01T08:00:00.000000Z"
    approved = class_review_record("approve", "t-1", "李老师", at, None)
    assert approved == {"decision": "approve", "by": "t-1", "by_name": "李老师", "at": at}  # no reason stored
    returned = class_review_record("return", "t-1", "", at, "请补充")
    assert returned == {"decision": "return", "by": "t-1", "by_name": None, "at": at, "reason": "请补充"}
    assert class_review_json(Application(class_review=approved)) == {**approved, "reason": None}
    assert class_review_json(Application(class_review=returned)) == returned
    assert class_review_json(Application()) is None  # written before applications kept it
