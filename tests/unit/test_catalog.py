"""Catalog rules without I/O: what a program may contain (R8), money as integer fen, provider
status transitions, what keeps a draft from being published, and the public page's escaping."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from chalicelib.core.phone import mask
from chalicelib.enrollment.catalog import page, rules
from chalicelib.enrollment.catalog.models import HIDDEN_PHONE, ContactView, Provider
from chalicelib.enrollment.catalog.money import format_fee, format_minor
from chalicelib.enrollment.catalog.schemas import ProgramDocument, ProviderCreate
from chalicelib.enrollment.catalog.vocabulary import CATEGORIES, TUTORING_TERMS, declared_tutoring

PROVIDER_ID = "01K0SEED0000000000000000P1"
ACTIVITY: dict[str, Any] = {
    "name": "校园足球",
    "category": "sports",
    "provider": "school",
    "grades": [3, 4],
    "weekdays": [2, 4],
    "period": 2,
    "venue": "操场",
    "capacity": 30,
    "fee_fen": 30000,
    "fee_basis": "per_term",
    "staff": ["刘老师"],
    "description": "基本功与分组对抗",
}
CARE: dict[str, Any] = {"kind": "care", "fee_fen": 0, "fee_basis": "free"}
LUNCH: dict[str, Any] = {"kind": "lunch", "price_per_day_fen": 1500}


def program(**activity: Any) -> dict[str, Any]:
    return {"services": [CARE, LUNCH], "activities": [{**copy.deepcopy(ACTIVITY), **activity}]}


def errors(data: dict[str, Any]) -> list[tuple[str, str]]:
    with pytest.raises(ValidationError) as exc:
        ProgramDocument.model_validate(data)
    return [(".".join(str(p) for p in e["loc"]), e["type"]) for e in exc.value.errors()]


def test_a_valid_program_parses_and_sorts_days_and_grades() -> None:
    doc = ProgramDocument.model_validate(program(weekdays=[4, 2], grades=[6, 1]))
    assert doc.activities[0].weekdays == [2, 4] and doc.activities[0].grades == [1, 6]
    assert [s.kind for s in doc.services] == ["care", "lunch"]


# -- categories (R8) ---------------------------------------------------------------------------------


@pytest.mark.parametrize("category", sorted(CATEGORIES))
def test_every_listed_category_is_accepted(category: str) -> None:
    fee = {"fee_fen": 0, "fee_basis": "free"} if category == "homework_help" else {}
    assert ProgramDocument.model_validate(program(category=category, **fee)).activities[0].category == category


@pytest.mark.parametrize("category", ["group_tutoring", "math", "curriculum", "Sports", "", "tutoring"])
def test_categories_outside_the_list_are_refused(category: str) -> None:
    assert errors(program(category=category)) == [("activities.0.category", "literal_error")]


def test_category_labels_exist_in_both_languages() -> None:
    assert CATEGORIES["science_technology"] == {"zh-CN": "科技", "en": "Science and technology"}
    assert all(set(v) == {"zh-CN", "en"} for v in CATEGORIES.values())


# -- the tutoring guard (R8, 五.3(2)) ---------------------------------------------------------------


@pytest.mark.parametrize("term", TUTORING_TERMS)
def test_names_declaring_tutoring_are_refused(term: str) -> None:
    assert errors(program(name=f"周三{term}班")) == [("activities.0.name", "tutoring_not_allowed")]


def test_descriptions_declaring_tutoring_are_refused() -> None:
    assert errors(program(description="数学培优，提高成绩")) == [("activities.0.description", "tutoring_not_allowed")]
    care = {**CARE, "description": "看管期间安排补课"}
    with pytest.raises(ValidationError) as exc:
        ProgramDocument.model_validate({"services": [care]})
    assert exc.value.errors()[0]["type"] == "tutoring_not_allowed"


def test_ordinary_activities_pass_the_guard() -> None:
    for name in ("校园足球", "书香校园·海量阅读", "机器人编程", "书法", "合唱团", "作业辅导"):
        assert declared_tutoring(name) is None


# -- fees: integer fen, basis consistent with amount --------------------------------------------------


@pytest.mark.parametrize("fee", [12.5, 1200.0, "1200", True, None, -1, 10_000_001])
def test_money_is_an_integer_number_of_fen(fee: Any) -> None:
    assert [f for f, _ in errors(program(fee_fen=fee))] == ["activities.0.fee_fen"]
    with pytest.raises(ValidationError):
        ProgramDocument.model_validate({"services": [{**LUNCH, "price_per_day_fen": fee}]})


@pytest.mark.parametrize(
    ("fee", "basis"), [(0, "per_term"), (0, "per_month"), (0, "per_session"), (100, "free"), (1, "free")]
)
def test_free_means_zero_and_zero_means_free(fee: int, basis: str) -> None:
    assert errors(program(fee_fen=fee, fee_basis=basis)) == [("activities.0.fee_basis", "fee_basis_mismatch")]


def test_fee_basis_must_be_known_and_services_follow_the_same_rule() -> None:
    assert errors(program(fee_basis="per_year")) == [("activities.0.fee_basis", "literal_error")]
    bad_care = {**CARE, "fee_fen": 500}
    assert errors({"services": [bad_care]}) == [("services.0.care.fee_basis", "fee_basis_mismatch")]


def test_homework_help_is_free() -> None:
    assert errors(program(category="homework_help")) == [("activities.0.fee_basis", "homework_help_is_free")]


# -- ranges ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("weekdays", [0]),
        ("weekdays", [6]),
        ("weekdays", []),
        ("weekdays", [2, 2]),
        ("grades", [0]),
        ("grades", [10]),
        ("grades", []),
        ("grades", [3, 3]),
        ("period", 0),
        ("period", 3),
        ("period", 1.0),
        ("capacity", 0),
        ("capacity", 2.0),
        ("provider", "not-an-id"),
        ("venue", ""),
    ],
)
def test_out_of_range_values_are_refused_field_by_field(field: str, value: Any) -> None:
    assert {f.split(".")[2] for f, _ in errors(program(**{field: value}))} == {field}


def test_service_kinds_are_unique_and_unknown_fields_refused() -> None:
    assert errors({"services": [CARE, CARE]}) == [("services", "duplicate")]
    assert ("activities.0.colour", "extra_forbidden") in errors(program(colour="red"))
    assert errors({"services": [{"kind": "tutoring"}]})[0][1] == "union_tag_invalid"


def test_provider_phone_and_licence_are_checked() -> None:
    ok = ProviderCreate(
        name="机构", licence_number="91110101MA01ABCD3X", contact_name="张", contact_phone="13800000000"
    )
    assert ok.contact_phone == "13800000000"
    with pytest.raises(ValidationError) as exc:
        ProviderCreate(name="机构", licence_number="1", contact_name="张", contact_phone="12345")
    assert {e["loc"][0] for e in exc.value.errors()} == {"licence_number", "contact_phone"}


# -- money formatting ---------------------------------------------------------------------------------


def test_amounts_are_formatted_from_fen() -> None:
    assert format_minor(0, "CNY") == "¥0.00"
    assert format_minor(1250, "CNY") == "¥12.50"
    assert format_minor(123456789, "CNY") == "¥1,234,567.89"
    assert format_minor(5, "USD") == "0.05 USD"
    assert format_fee(30000, "per_term", "CNY", "zh-CN") == "¥300.00/学期"
    assert format_fee(1500, "per_day", "CNY", "en") == "¥15.00/day"
    assert format_fee(0, "free", "CNY", "zh-CN") == "免费"
    with pytest.raises(TypeError):
        format_minor(12.5, "CNY")  # type: ignore[arg-type]


@given(st.integers(min_value=0, max_value=10**12))
def test_formatting_is_exact(fen: int) -> None:
    text = format_minor(fen, "CNY").removeprefix("¥").replace(",", "")
    major, minor = text.split(".")
    assert int(major) * 100 + int(minor) == fen


def test_phones_are_masked_for_staff() -> None:
    assert mask("13812340000") == "138****0000"
    assert mask("010-12345678") == "010****5678"


def _provider() -> Provider:
    return Provider(
        "T#S",
        "PROVIDER#P",
        tenant_id="S",
        provider_id="P",
        name="机构",
        licence_number="91110101MA01ABCD3X",
        contact_name="张",
        contact_phone_sealed="v1.sealed.text",
        status="pending",
        created_at="x",
        updated_at="x",
    )


def test_a_provider_shows_only_the_contact_view_its_service_prepared() -> None:
    listed = _provider()
    listed.show_contact(ContactView("138****0000"))  # a listing prepares the mask alone
    body = listed.as_json(reveal_contact=True)
    assert (body["contact_phone"], body["contact_phone_masked"]) == ("138****0000", True)
    one = _provider()
    one.show_contact(ContactView("138****0000", "13812340000"))
    assert one.as_json(reveal_contact=True)["contact_phone"] == "13812340000"
    assert one.as_json(reveal_contact=False)["contact_phone"] == "138****0000"
    unprepared = _provider().as_json(reveal_contact=True)
    assert (unprepared["contact_phone"], unprepared["contact_phone_masked"]) == (HIDDEN_PHONE, True)
    assert "v1.sealed.text" not in str(unprepared)


# -- provider status and publishing rules ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("current", "target", "allowed"),
    [
        ("pending", "approved", True),
        ("approved", "suspended", True),
        ("suspended", "approved", True),
        ("pending", "suspended", False),
        ("approved", "approved", False),
        ("suspended", "suspended", False),
    ],
)
def test_provider_status_transitions(current: str, target: str, allowed: bool) -> None:
    assert rules.can_transition(current, target) is allowed


def test_publishing_needs_a_service_and_approved_providers() -> None:
    doc = ProgramDocument.model_validate({"activities": [{**ACTIVITY, "provider": PROVIDER_ID}]})
    problems = rules.publish_problems(doc, {PROVIDER_ID: "suspended"})
    assert [(p["field"], p["type"]) for p in problems] == [
        ("services", "no_services"),
        ("activities.0.provider", "provider_not_approved"),
    ]
    assert problems[1]["status"] == "suspended"
    assert rules.publish_problems(doc, {})[1]["status"] == "unknown"
    approved = ProgramDocument.model_validate(
        {"services": [CARE], "activities": [{**ACTIVITY, "provider": PROVIDER_ID}]}
    )
    assert rules.publish_problems(approved, {PROVIDER_ID: "approved"}) == []


def test_stored_drafts_are_validated_again_and_ids_must_be_known() -> None:
    doc, problems = rules.parse_document({"services": [CARE], "activities": [{**ACTIVITY, "name": "奥数集训"}]})
    assert doc is None and problems[0]["type"] == "tutoring_not_allowed"
    doc, problems = rules.parse_document({"services": [CARE], "activities": [{**ACTIVITY, "id": PROVIDER_ID}]})
    assert doc is not None and problems == []
    assert rules.unknown_activity_problems(doc, set())[0]["field"] == "activities.0.id"
    assert rules.unknown_activity_problems(doc, {PROVIDER_ID}) == []


# -- the public page -----------------------------------------------------------------------------------


def test_page_escapes_everything_it_shows() -> None:
    evil = "<script>alert(1)</script>"
    view = {
        "school": {"id": "S", "name": evil},
        "term": {"id": "T", "name": "2026秋季学期", "starts_on": "2026-09-01", "ends_on": "2027-01-15"},
        "version": 1,
        "published_at": "2026-08-20T00:00:00.000000Z",
        "services": [{"label": "看管服务", "fee": "免费", "description": "'\"&"}],
        "activities": [
            {
                **ACTIVITY,
                "name": evil,
                "category_label": "体育",
                "fee": "¥300.00/学期",
                "provider": {"id": PROVIDER_ID, "name": evil, "licence_number": "L"},
            }
        ],
        "providers": [{"id": PROVIDER_ID, "name": evil, "licence_number": evil}],
        "safety_measures": evil,
        "procedure": [{"step": 1, "key": "publicity", "label": "服务内容公示"}],
    }
    html = page.render(view)
    assert "<script" not in html and "&lt;script&gt;" in html
    assert "&#x27;&quot;&amp;" in html
    assert "周二、周四 第2课时" in html and "三年级、四年级" in html
    assert "发布于 2026-08-20 00:00 UTC" in html
