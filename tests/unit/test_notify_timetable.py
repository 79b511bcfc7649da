"""TimetablePublished as notices, the pure parts: parsing, one notice per guardian, texts, owed results."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.core.ids import new_id
from chalicelib.enrollment.recipients import ActiveEnrolment
from chalicelib.notify import templates, timetable
from chalicelib.notify.consumer import NotifyConsumer, owed_channels
from chalicelib.notify.events import BadEvent
from chalicelib.notify.results import FanOutResult, HandleResult
from tests.unit.test_notify_consumer import failures, record, sqs_event

CJK = re.compile(r"[\u4e00-\u9fff]")
SCHOOL, TERM = new_id(), new_id()
CLASS_A, CLASS_B, CLASS_C = new_id(), new_id(), new_id()


def detail(**over: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "event_id": new_id(),
        "occurred_at": "2026-09-01T08:00:00.000000Z",
        "tenant_id": SCHOOL,
        "school_id": SCHOOL,
        "term_id": TERM,
        "version": 3,
        "previous_version": 2,
        "changes": [{"class_id": CLASS_A, "weekdays": [4, 2]}],
    }
    return {**base, **over}


def enrolment(sub: str, class_id: str, student_id: str | None = None) -> ActiveEnrolment:
    return ActiveEnrolment(sub, student_id or new_id(), class_id, new_id())


# -- parsing -------------------------------------------------------------------------------------------


def test_a_change_keeps_ids_versions_and_sorted_weekdays() -> None:
    event = timetable.parse(detail(extra="ignored", class_name="三年级1班"))
    assert (event.school_id, event.term_id, event.version, event.previous_version) == (SCHOOL, TERM, 3, 2)
    assert event.changes == {CLASS_A: (2, 4)} and event.class_ids == [CLASS_A]
    assert event.code == "timetable_changed" and not event.first


def test_version_one_is_a_publication() -> None:
    every = [{"class_id": c, "weekdays": [1, 2, 3, 4, 5]} for c in (CLASS_A, CLASS_B)]
    event = timetable.parse(detail(version=1, previous_version=None, changes=every))
    assert event.first and event.code == "timetable_published"
    assert event.changes == {CLASS_A: (1, 2, 3, 4, 5), CLASS_B: (1, 2, 3, 4, 5)}


def test_a_class_named_twice_is_merged_and_one_without_days_dropped() -> None:
    changes = [
        {"class_id": CLASS_A, "weekdays": [2]},
        {"class_id": CLASS_A, "weekdays": [5, 2]},
        {"class_id": CLASS_B, "weekdays": []},
    ]
    assert timetable.parse(detail(changes=changes)).changes == {CLASS_A: (2, 5)}
    assert timetable.parse(detail(changes=[])).changes == {}


@pytest.mark.parametrize(
    "over",
    [
        {"tenant_id": new_id()},  # another tenant than the school
        {"event_id": "nope"},
        {"school_id": "../x"},
        {"term_id": None},
        {"occurred_at": "yesterday"},
        {"version": 0},
        {"version": "3"},
        {"version": True},
        {"previous_version": 3},  # not before this version
        {"previous_version": 0},
        {"previous_version": "2"},
        {"previous_version": None},  # only version 1 has none
        {"changes": None},
        {"changes": {"class_id": CLASS_A}},
        {"changes": [{"weekdays": [2]}]},
        {"changes": [{"class_id": "x", "weekdays": [2]}]},
        {"changes": [{"class_id": CLASS_A, "weekdays": [6]}]},  # Saturday: no service
        {"changes": [{"class_id": CLASS_A, "weekdays": [0]}]},
        {"changes": [{"class_id": CLASS_A, "weekdays": ["2"]}]},
        {"changes": [{"class_id": CLASS_A, "weekdays": [True]}]},
        {"changes": [{"class_id": CLASS_A}]},
        {"changes": [{"class_id": new_id(), "weekdays": [1]} for _ in range(timetable.MAX_CLASSES + 1)]},
    ],
)
def test_malformed_details_are_refused(over: dict[str, Any]) -> None:
    with pytest.raises(BadEvent):
        timetable.parse(detail(**over))


# -- one notice per guardian ---------------------------------------------------------------------------


def test_one_notice_per_guardian_naming_each_child_in_a_changed_class() -> None:
    changes = [{"class_id": CLASS_A, "weekdays": [2]}, {"class_id": CLASS_B, "weekdays": [4]}]
    event = timetable.parse(detail(changes=changes))
    kid_a, kid_b = sorted([new_id(), new_id()])
    notices = timetable.notices_for(
        event,
        [
            enrolment("g-two", CLASS_B, kid_b),
            enrolment("g-one", CLASS_A),
            enrolment("g-two", CLASS_A, kid_a),
            enrolment("g-unchanged", CLASS_C),  # the recipient read may return more: not notified
            enrolment("bad#sub", CLASS_A),  # never an inbox key built from a malformed sub
        ],
    )
    assert [n.guardian_sub for n in notices] == ["g-one", "g-two"]
    one, two = notices
    assert one.code == "timetable_changed" and one.detail_type == "TimetablePublished"
    assert one.event_id == event.event_id and one.occurred_at == event.occurred_at and one.school_id == SCHOOL
    assert one.params["student_id"] == one.params["children"][0]["student_id"]  # one child: a direct link
    assert one.params["weekdays"] == [2] and one.params["term_id"] == TERM and one.params["version"] == 3
    assert "student_id" not in two.params  # two children: each in params.children
    assert two.params["children"] == [
        {"student_id": kid_a, "class_id": CLASS_A, "weekdays": [2]},
        {"student_id": kid_b, "class_id": CLASS_B, "weekdays": [4]},
    ]
    assert two.params["weekdays"] == [2, 4]


def test_nobody_enrolled_means_no_notice() -> None:
    assert timetable.notices_for(timetable.parse(detail()), []) == []


@given(st.lists(st.tuples(st.sampled_from(["g-1", "g-2", "g-3"]), st.sampled_from([CLASS_A, CLASS_B]))))
def test_every_guardian_gets_exactly_one_notice(pairs: list[tuple[str, str]]) -> None:
    event = timetable.parse(detail(changes=[{"class_id": CLASS_A, "weekdays": [3]}]))
    notices = timetable.notices_for(event, [enrolment(sub, klass) for sub, klass in pairs])
    expected = sorted({sub for sub, klass in pairs if klass == CLASS_A})
    assert [n.guardian_sub for n in notices] == expected
    for n in notices:  # every enrolment here is another child: each is named once
        assert len(n.params["children"]) == sum(1 for s, k in pairs if s == n.guardian_sub and k == CLASS_A)


# -- texts ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["timetable_published", "timetable_changed"])
@pytest.mark.parametrize("children", [1, 2])
def test_texts_in_both_languages(code: str, children: int) -> None:
    params = {"children": [{"student_id": new_id()} for _ in range(children)], "weekdays": [2, 4]}
    zh, en = templates.render(code, params, "zh-CN"), templates.render(code, params, "en")
    assert CJK.search(zh.title) and CJK.search(zh.body) and not CJK.search(en.title + en.body)
    assert "{" not in zh.body + en.body
    assert templates.render(code, params, "fr") == zh
    assert templates.sms_text(code, params, "zh-CN") == "【课后服务】" + zh.body
    subject, text = templates.email(code, params, "en")
    assert subject == en.title and text.startswith(en.body)


def test_the_change_names_the_weekdays() -> None:
    one = {"children": [{"student_id": new_id()}], "weekdays": [2, 4]}
    assert templates.render("timetable_changed", one, "zh-CN") == templates.Rendered(
        "课表已更新", "课表已更新：您的孩子周二、周四的课后服务安排有变化，请查看孩子的课表。"
    )
    en = templates.render("timetable_changed", one, "en")
    assert en.title == "Timetable updated" and "your child has changed on Tuesday and Thursday" in en.body
    two = {"children": [{}, {}], "weekdays": [1, 2, 5]}
    assert "您的2个孩子周一、周二、周五" in templates.render("timetable_changed", two, "zh-CN").body
    en_two = templates.render("timetable_changed", two, "en").body
    assert "of your 2 children has changed on Monday, Tuesday and Friday" in en_two


def test_version_one_says_published() -> None:
    params = {"children": [{"student_id": new_id()}], "weekdays": [1, 2, 3, 4, 5]}
    zh = templates.render("timetable_published", params, "zh-CN")
    assert zh.title == "课表已发布" and zh.body.startswith("课表已发布：") and "变化" not in zh.body
    assert templates.render("timetable_published", params, "en").title == "Timetable published"


def test_weekday_words() -> None:
    assert templates.weekdays_text([3], "en") == "Wednesday"
    assert templates.weekdays_text([1, 5], "en") == "Monday and Friday"
    assert templates.weekdays_text([9, "2", None], "zh-CN") == ""  # only ISO weekdays become words
    assert templates.weekdays_text(None, "en") == ""


# -- what the notifier Lambda learns -------------------------------------------------------------------


def test_a_fan_out_owes_what_any_notice_owes_and_unwritten_notices() -> None:
    done = HandleResult("n-1", True, {"email": "sent", "sms": "skipped"})
    failed = HandleResult("n-2", False, {"email": "failed"})
    assert FanOutResult("e", (done,)).owed == [] and owed_channels(FanOutResult("e", (done,))) == []
    assert FanOutResult("e", (done, failed)).owed == ["email"] == FanOutResult("e", (done, failed)).failed
    assert FanOutResult("e", (done,), errors=1).owed == ["inbox"] == FanOutResult("e", (done,), errors=1).failed
    assert FanOutResult("e", (done,), deferred=3).owed == ["inbox"]  # not failed, but not finished either
    assert FanOutResult("e", (done,), deferred=3).failed == []
    assert FanOutResult("e", (done, failed)).created == 1


def test_the_consumer_redelivers_an_unfinished_fan_out() -> None:
    outcomes = {"m-done": FanOutResult("e"), "m-deferred": FanOutResult("e", deferred=2), "m-bad": None}

    def handle(source: str, detail_type: str, d: dict[str, Any]) -> object:
        assert (source, detail_type) == ("kehou.timetable", "TimetablePublished")
        return outcomes[d["message"]]

    records = [
        record({"source": "kehou.timetable", "detail-type": "TimetablePublished", "detail": {"message": m}}, m)
        for m in outcomes
    ]
    # a malformed detail (None: logged and dropped) must not come back, or it would loop until the DLQ
    assert failures(NotifyConsumer(handle).process(sqs_event(*records))) == ["m-deferred"]
