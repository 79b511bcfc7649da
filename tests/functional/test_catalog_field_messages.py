"""Field-level validation details in the caller's language (api/routing.py): pydantic's common error
types get zh-CN or English messages, while each detail's ``field`` and ``type`` stay the same in
both, and messages our own validators wrote (``value_error``, ``tutoring_not_allowed``…) stay theirs."""

from __future__ import annotations

from typing import Any

from tests.functional.conftest import Api, World
from tests.functional.test_catalog import FOOTBALL, program, program_path, provider, term

EN = {"Accept-Language": "en"}


def details(r: Any) -> dict[str, tuple[str, str]]:
    """{field: (type, message)} of a 400 validation_error."""
    assert r.status_code == 400, r.body
    assert r.json["error"]["code"] == "validation_error"
    return {d["field"]: (d["type"], d["message"]) for d in r.json["error"]["details"]}


def both(api: Api, method: str, path: str, body: Any, as_: str) -> tuple[dict[str, Any], dict[str, Any]]:
    zh = details(api.call(method, path, body, as_=as_))
    en = details(api.call(method, path, body, as_=as_, headers=EN))
    assert {f: t for f, (t, _) in zh.items()} == {f: t for f, (t, _) in en.items()}  # field and type are stable
    return zh, en


def test_provider_body_messages_in_zh_and_en(api: Api, world: World) -> None:
    body = {"name": "x" * 121, "licence_number": "12", "contact_name": "", "contact_phone": "123", "fax": "1"}
    zh, en = both(api, "POST", f"/schools/{world.school_id}/providers", body, world.school_admin)
    assert zh == {
        "name": ("string_too_long", "内容过长（最多 120 个字符）。"),
        "licence_number": ("string_too_short", "至少 4 个字符。"),
        "contact_name": ("string_too_short", "此项不能为空。"),
        "contact_phone": ("string_pattern_mismatch", "格式不正确。"),
        "fax": ("extra_forbidden", "不支持该字段。"),
    }
    assert en == {
        "name": ("string_too_long", "Too long (at most 120 characters)."),
        "licence_number": ("string_too_short", "At least 4 characters."),
        "contact_name": ("string_too_short", "This field must not be empty."),
        "contact_phone": ("string_pattern_mismatch", "Not in the expected format."),
        "fax": ("extra_forbidden", "This field is not allowed."),
    }
    zh, en = both(api, "POST", f"/schools/{world.school_id}/providers", {}, world.school_admin)
    assert zh["name"] == ("missing", "此项必填。") and en["name"] == ("missing", "This field is required.")
    # the error's own message follows the language too
    r = api.post(f"/schools/{world.school_id}/providers", {}, as_=world.school_admin, headers=EN)
    assert r.json["error"]["message"] == "Some fields are not valid; see details."


def test_literal_and_union_choices_are_listed(api: Api, world: World) -> None:
    pid = provider(api, world)
    zh, en = both(
        api, "POST", f"/schools/{world.school_id}/providers/{pid}/status", {"status": "closed"}, world.school_admin
    )
    assert zh["status"] == ("literal_error", "取值无效，可选：approved、suspended。")
    assert en["status"] == ("literal_error", "Not a valid choice; use one of: approved, suspended.")
    assert zh["reason"] == ("missing", "此项必填。")
    body = {"services": [{"kind": "bus"}], "activities": []}
    zh, en = both(api, "PUT", program_path(world, term(api, world)), body, world.school_admin)
    assert zh["services.0"] == ("union_tag_invalid", "kind 取值无效，可选：care、lunch、nap。")
    assert en["services.0"] == ("union_tag_invalid", "Not a valid kind; use one of: care, lunch, nap.")


def test_numbers_dates_and_lists(api: Api, world: World) -> None:
    body = {
        "name": "学期",
        "starts_on": "2026-13-01",
        "ends_on": "2027-01-15",
        "make_up_days": [{"date": "2026-09-27", "runs_weekday": 6, "name": "调休"}],
        "holidays": [{"starts_on": "2026-10-01", "ends_on": "2026-10-02", "name": "节"}] * 61,
    }
    zh, en = both(api, "POST", f"/schools/{world.school_id}/terms", body, world.school_admin)
    assert zh["starts_on"] == ("date_from_datetime_parsing", "请按 YYYY-MM-DD 填写有效日期，如 2026-09-01。")
    assert en["starts_on"] == ("date_from_datetime_parsing", "Enter a valid date as YYYY-MM-DD, e.g. 2026-09-01.")
    assert zh["make_up_days.0.runs_weekday"] == ("less_than_equal", "不能大于 5。")
    assert en["make_up_days.0.runs_weekday"] == ("less_than_equal", "Must be at most 5.")
    assert zh["holidays"] == ("too_long", "最多 60 项。") and en["holidays"] == ("too_long", "At most 60 items.")
    zh, en = both(api, "GET", f"/schools/{world.school_id}/providers?limit=abc", None, world.school_admin)
    assert zh["limit"] == ("int_parsing", "请填写整数。") and en["limit"] == ("int_parsing", "Must be a whole number.")
    zh, en = both(api, "GET", f"/schools/{world.school_id}/classes?limit=0", None, world.school_admin)
    assert zh["limit"] == ("greater_than_equal", "不能小于 1。") and en["limit"] == (
        "greater_than_equal",
        "Must be at least 1.",
    )


def test_our_own_validators_keep_their_messages(api: Api, world: World) -> None:
    body = {"name": "学期", "starts_on": "2026-09-01T08:00:00", "ends_on": "2027-01-15"}
    zh, en = both(api, "POST", f"/schools/{world.school_id}/terms", body, world.school_admin)
    # the calendar's own date check (a date-time is not a date) is localised like pydantic's own
    assert zh["starts_on"][0] == en["starts_on"][0] == "date_parsing"
    assert "YYYY-MM-DD" in zh["starts_on"][1] and "YYYY-MM-DD" in en["starts_on"][1]
    assert zh["starts_on"][1] != en["starts_on"][1]
    tutoring = {**FOOTBALL, "name": "奥数培优"}
    zh, en = both(api, "PUT", program_path(world, term(api, world)), program(tutoring), world.school_admin)
    assert zh["activities.0.name"][0] == "tutoring_not_allowed" and zh == en
