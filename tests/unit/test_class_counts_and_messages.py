"""Pure pieces of the admin-page gaps: how an import corrects a class's student count, and how a
pydantic error becomes a localised field message."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.api.routing import _field_message
from chalicelib.roster.imports import ClassCount


@pytest.mark.parametrize(
    ("read", "after", "expected"),
    [(None, 0, ("SetAction", 0)), (None, 7, ("SetAction", 7)), (3, 5, ("AddAction", 2)), (5, 3, ("AddAction", -2))],
)
def test_class_count_corrections(read: int | None, after: int, expected: tuple[str, int]) -> None:
    action = ClassCount("C", read, after).action()
    assert action is not None
    kind, value = expected
    assert type(action).__name__ == kind
    assert action.values[1].value == {"N": str(value)}


def test_an_unchanged_count_needs_no_write() -> None:
    assert ClassCount("C", 4, 4).action() is None


@pytest.mark.parametrize(
    ("error", "zh", "en"),
    [
        ({"type": "missing", "msg": "Field required"}, "此项必填。", "This field is required."),
        (
            {"type": "string_too_short", "msg": "x", "ctx": {"min_length": 1}},
            "此项不能为空。",
            "This field must not be empty.",
        ),
        (
            {"type": "string_too_short", "msg": "x", "ctx": {"min_length": 4}},
            "至少 4 个字符。",
            "At least 4 characters.",
        ),
        (
            {"type": "literal_error", "msg": "x", "ctx": {"expected": "'a', 'b' or 'c'"}},
            "取值无效，可选：a、b、c。",
            "Not a valid choice; use one of: a, b, c.",
        ),
        (
            {"type": "literal_error", "msg": "x", "ctx": {"expected": "'a'"}},
            "取值无效，可选：a。",
            "Not a valid choice; use one of: a.",
        ),
        (
            {"type": "value_error", "msg": "Value error, use an ISO date", "ctx": {"error": ValueError()}},
            "Value error, use an ISO date",
            "Value error, use an ISO date",
        ),
        ({"type": "tutoring_not_allowed", "msg": "no tutoring (奥数)"}, "no tutoring (奥数)", "no tutoring (奥数)"),
        ({"type": "some_new_type", "msg": "English"}, "English", "English"),
        ({"type": "greater_than_equal", "msg": "x"}, "不能小于 {ge}。", "Must be at least {ge}."),
    ],
)
def test_field_messages(error: dict[str, Any], zh: str, en: str) -> None:
    assert _field_message(error, "zh-CN") == zh
    assert _field_message(error, "en") == en
