"""Notify's pure parts: every event type renders in both languages; event parsing; opaque notice ids."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.core.ids import new_id
from chalicelib.notify import events, templates
from chalicelib.notify.models import NoticeClaim, decode_notice_id, encode_notice_id
from chalicelib.notify.services import HandleResult

CJK = re.compile(r"[\u4e00-\u9fff]")
SCHOOL = new_id()


def detail(**over: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "event_id": new_id(),
        "occurred_at": "2026-09-01T08:00:00.000000Z",
        "tenant_id": SCHOOL,
        "school_id": SCHOOL,
        "application_id": new_id(),
        "student_id": new_id(),
        "guardian_sub": "g-1",
        "term_id": new_id(),
        "from": "submitted",
        "to": "returned",
    }
    return {**base, **over}


@pytest.mark.parametrize("detail_type", sorted(events.CODES))
def test_every_event_type_renders_in_both_languages(detail_type: str) -> None:
    code = events.CODES[detail_type]
    zh = templates.render(code, {}, "zh-CN")
    en = templates.render(code, {}, "en")
    assert zh.title and zh.body and CJK.search(zh.title) and CJK.search(zh.body)
    assert en.title and en.body and not CJK.search(en.title + en.body)
    assert templates.render(code, {}, "fr") == zh  # anything else gets Chinese, zh-CN first
    subject, text = templates.email(code, {}, "en")
    assert subject == en.title and text.startswith(en.body)
    assert templates.sms_text(code, {}, "zh-CN") == "【课后服务】" + zh.body


def test_reason_and_position_are_appended_as_values() -> None:
    returned = templates.render("application_returned", {"reason": "缺少{监护人}签字 {position}"}, "zh-CN")
    assert returned.body.endswith("原因：缺少{监护人}签字 {position}")  # never interpreted as a format string
    assert templates.render("application_returned", {"reason": "missing form"}, "en").body.endswith(
        "Reason: missing form"
    )
    waitlisted = templates.render("waitlisted", {"position": 3}, "zh-CN")
    assert "候补第 3 位" in waitlisted.body
    assert "Place on the waiting list: 3." in templates.render("waitlisted", {"position": 3}, "en").body


def test_parse_keeps_ids_position_and_reason_only() -> None:
    d = detail(position=2, activity_id=new_id(), reason="  名额已满  ", name="王小明", phone="13800000000")
    event = events.parse("Waitlisted", d)
    assert event is not None
    assert event.code == "waitlisted" and event.guardian_sub == "g-1" and event.school_id == SCHOOL
    assert set(event.params) == {
        "application_id",
        "student_id",
        "term_id",
        "activity_id",
        "from",
        "to",
        "position",
        "reason",
    }
    assert event.params["reason"] == "名额已满" and event.params["position"] == 2
    long = events.parse("ApplicationRejected", detail(reason="x" * 2000))
    assert long is not None and len(long.params["reason"]) == templates.MAX_REASON


def test_unknown_types_are_ignored_and_malformed_details_refused() -> None:
    assert events.parse("SchoolProvisioned", detail()) is None
    for bad in (
        detail(tenant_id=new_id()),  # another tenant than the school
        detail(event_id="not-an-id"),
        detail(guardian_sub=""),
        detail(guardian_sub="a#b"),
        detail(occurred_at="yesterday"),
    ):
        with pytest.raises(events.BadEvent):
            events.parse("ApplicationApproved", bad)


def test_bogus_params_are_dropped() -> None:
    event = events.parse("Waitlisted", detail(position=True, application_id="../x", to="x;drop"))
    assert event is not None
    assert "position" not in event.params and "application_id" not in event.params and "to" not in event.params


def test_dedupe_key_is_per_event_and_guardian() -> None:
    eid = new_id()
    assert NoticeClaim.key(SCHOOL, eid, "g-1") == NoticeClaim.key(SCHOOL, eid, "g-1")
    assert NoticeClaim.key(SCHOOL, eid, "g-1") != NoticeClaim.key(SCHOOL, eid, "g-2")
    assert NoticeClaim.key(SCHOOL, eid, "g-1")[0] == f"T#{SCHOOL}#NOTICE#{eid}#g-1"


def test_handle_result_lists_failed_channels() -> None:
    assert HandleResult("n", False, {"email": "sent", "sms": "failed"}).failed == ["sms"]


@given(st.datetimes(timezones=st.none()))
def test_notice_ids_round_trip(ts: Any) -> None:
    sk = ts.strftime("%Y-%m-%dT%H:%M:%S.%fZ") + "#" + new_id()
    if not re.match(r"^\d{4}-", sk):
        return  # years before 1000 are not timestamps we store
    notice_id = encode_notice_id(sk)
    assert "#" not in notice_id and "=" not in notice_id
    assert decode_notice_id(notice_id) == sk


@pytest.mark.parametrize("garbage", ["", "!!", "Zm9v", encode_notice_id("T#x#INBOX#g-2"), "A" * 200])
def test_garbage_notice_ids_decode_to_nothing(garbage: str) -> None:
    assert decode_notice_id(garbage) is None
