"""Event details carry ids and statuses only; the 协议书 renderer fills known placeholders."""

from __future__ import annotations

from chalicelib.enrollment.agreements import PLACEHOLDER, PLACEHOLDERS
from chalicelib.enrollment.flow import event_detail
from chalicelib.enrollment.models import Application


def _app() -> Application:
    app = Application(
        "T#S",
        "APP#A",
        tenant_id="S",
        kind="Application",
        application_id="A",
        student_id="ST",
        class_id="C",
        term_id="T",
        guardian_sub="g-1",
        care_reason={},
        services=[],
        lunch=False,
        activities=[],
        created_at="x",
        updated_at="x",
    )
    app.file_under("submitted")
    return app


def test_every_event_has_the_fields_notify_relies_on() -> None:
    d = event_detail(_app(), "teacher_approved", "approved", None, activity_id="X", position=2)
    assert d == {
        "school_id": "S",
        "application_id": "A",
        "student_id": "ST",
        "guardian_sub": "g-1",
        "term_id": "T",
        "from": "teacher_approved",
        "to": "approved",
        "activity_id": "X",
        "position": 2,
    }
    assert event_detail(_app(), "submitted", "returned", "补充材料")["reason"] == "补充材料"


def test_queue_key_follows_status() -> None:
    app = _app()
    assert app.gsi1pk == "T#S#APPS#submitted" and app.gsi1sk == "C#A"


def test_placeholders_are_recognised_with_spaces() -> None:
    assert PLACEHOLDER.findall("{{ student_name }} {{fees}}") == ["student_name", "fees"]
    assert {"student_name", "class_name", "guardian_name", "school_name", "term_name", "activities", "fees"} <= set(
        PLACEHOLDERS
    )
