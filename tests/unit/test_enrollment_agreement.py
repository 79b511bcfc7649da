"""协议书 placeholders as a parent reads them: Chinese labels, fees with their basis, lunch as a sentence."""

from __future__ import annotations

from typing import Any

from chalicelib.enrollment.agreements import choices
from chalicelib.enrollment.models import Application
from chalicelib.enrollment.seats import Program


def _program(lunch_fen: int | None = 1500, currency: str = "CNY") -> Program:
    services: dict[str, dict[str, Any]] = {
        "care": {"kind": "care", "fee_fen": 0, "fee_basis": "free"},
        "nap": {"kind": "nap", "fee_fen": 20000, "fee_basis": "per_term"},
    }
    if lunch_fen is not None:
        services["lunch"] = {"kind": "lunch", "price_per_day_fen": lunch_fen}
    activities = {
        "A": {"id": "A", "name": "足球", "fee_fen": 30000, "fee_basis": "per_term", "capacity": 1},
        "B": {"id": "B", "name": "书法", "fee_fen": 5000, "fee_basis": "per_month", "capacity": 1},
        "C": {"id": "C", "name": "阅读", "fee_fen": 0, "fee_basis": "free", "capacity": 1},
    }
    return Program("测试小学", {}, currency, activities, services)


def _app(services: list[str], lunch: bool, states: dict[str, str]) -> Application:
    return Application(
        services=services, lunch=lunch, activities=[{"activity_id": a, "state": s} for a, s in states.items()]
    )


def test_codes_become_what_the_published_program_calls_them() -> None:
    app = _app(["care", "nap"], True, {"A": "seated", "B": "waitlisted", "C": "seated"})
    assert choices(app, _program()) == {
        "activities": "足球、阅读",
        "services": "看管服务、午休",
        "lunch": "参加午餐，餐费¥15.00/天，由学校代收代付",
        "fees": "足球：¥300.00/学期；阅读：免费；看管服务：免费；午休：¥200.00/学期；午餐（学校代收）：¥15.00/天",
    }


def test_nothing_chosen_and_lunch_variants() -> None:
    assert choices(_app([], False, {"B": "waitlisted"}), _program()) == {
        "activities": "无",
        "services": "无",
        "lunch": "不参加午餐",
        "fees": "无",
    }
    assert choices(_app([], True, {}), _program(lunch_fen=0))["lunch"] == "参加午餐，免费"
    assert choices(_app([], True, {}), _program(lunch_fen=0))["fees"] == "午餐（学校代收）：免费"
    # lunch chosen, then taken out of a newer published program
    assert choices(_app([], True, {}), _program(lunch_fen=None)) == {
        "activities": "无",
        "services": "无",
        "lunch": "参加午餐",
        "fees": "无",
    }


def test_other_currencies_keep_their_symbol_and_no_program_leaves_blanks() -> None:
    assert choices(_app([], True, {"A": "seated"}), _program(currency="HKD"))["fees"] == (
        "足球：HK$300.00/学期；午餐（学校代收）：HK$15.00/天"
    )
    assert set(choices(_app(["care"], True, {}), None).values()) == {""}


def test_signed_on_is_the_date_at_the_school() -> None:
    import datetime as dt

    from chalicelib.tenants.local_time import school_date

    evening = dt.datetime(2026, 9, 1, 17, 0, tzinfo=dt.UTC)
    assert school_date(evening, "Asia/Shanghai") == dt.date(2026, 9, 2)  # 01:00 on the 2nd in Beijing
    assert school_date(evening, "Asia/Urumqi") == dt.date(2026, 9, 1)  # 23:00 on the 1st
    assert school_date(dt.datetime(2026, 9, 1, 15, 59, tzinfo=dt.UTC), "Asia/Shanghai") == dt.date(2026, 9, 1)
    assert school_date(dt.datetime(2026, 9, 1, 16, 0, tzinfo=dt.UTC), "Asia/Shanghai") == dt.date(2026, 9, 2)
    # no zone, or one this Python does not know: Asia/Shanghai, as for the access log's days
    assert school_date(evening, None) == school_date(evening, "Nowhere/Atlantis") == dt.date(2026, 9, 2)
