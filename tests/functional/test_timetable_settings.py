"""Timetable settings: service periods per weekday (R5), 错峰 by grade, fairness minima; defaults,
optimistic locking, the engine's R5 rules as refusals, and who may read and write."""

from __future__ import annotations

import copy
import json
from typing import Any

from chalicelib.core.outbox import OutboxEvent
from chalicelib.core.store import tenant_pk
from tests.functional.conftest import Api, World

PERIODS = [
    {"number": 1, "starts_at": "16:10", "ends_at": "17:00"},
    {"number": 2, "starts_at": "17:10", "ends_at": "18:00"},
]
BODY: dict[str, Any] = {
    "days": [{"weekday": d, "periods": PERIODS} for d in range(1, 6)],
    "stagger_by_grade": False,
    "fairness": {"sports": 2, "reading": 1, "grades": [{"grade": 1, "sports": 1, "reading": 2}]},
}


def _url(w: World) -> str:
    return f"/schools/{w.school_id}/timetable/settings"


def _put(api: Api, w: World, body: Any, version: str | None = '"0"', **kw: Any) -> Any:
    headers = {"If-Match": version} if version is not None else {}
    headers.update(kw.pop("headers", {}))
    return api.call("PUT", _url(w), body, as_=kw.pop("as_", w.school_admin), headers=headers)


def _events(school_id: str) -> list[tuple[str, dict[str, Any]]]:
    return [(e.detail_type, json.loads(e.detail)) for e in OutboxEvent.query(tenant_pk(school_id, "OUTBOX"))]


def test_defaults_follow_the_schools_working_day(api: Api, world: World) -> None:
    r = api.get(_url(world), as_=world.school_admin)
    assert r.status_code == 200 and r.headers["ETag"] == '"0"'
    s = r.json
    assert (s["version"], s["updated_at"], s["working_day_ends_at"]) == (0, None, "17:30")
    assert [d["weekday"] for d in s["days"]] == [1, 2, 3, 4, 5]
    assert s["days"][0]["periods"] == [  # the last ends 30 minutes after 17:30 (R5)
        {"number": 1, "starts_at": "16:10", "ends_at": "17:00"},
        {"number": 2, "starts_at": "17:10", "ends_at": "18:00"},
    ]
    assert s["stagger_by_grade"] is True and s["fairness"] == {"sports": 1, "reading": 1, "grades": []}
    school = f"/schools/{world.school_id}"
    moved = api.patch(school, {"workday_end": "16:30"}, as_=world.school_admin, headers={"If-Match": '"1"'})
    assert moved.status_code == 200
    early = api.get(_url(world), as_=world.school_admin).json["days"][4]["periods"]
    assert [(p["starts_at"], p["ends_at"]) for p in early] == [("15:30", "16:20"), ("16:30", "17:20")]


def test_staff_read_and_only_the_school_admin_writes(api: Api, world: World) -> None:
    provider = api.tokens("provider_staff", tenant=world.school_id)
    for who in (world.teacher, provider):
        assert api.get(_url(world), as_=who).status_code == 200
        assert _put(api, world, BODY, as_=who).status_code == 403
    assert api.get(_url(world), as_=world.guardian).status_code == 403
    assert _put(api, world, BODY, as_=world.guardian).status_code == 403
    assert _put(api, world, BODY, as_=world.district_admin).status_code in (403, 404)


def test_save_with_optimistic_locking(api: Api, world: World) -> None:
    assert _put(api, world, BODY, version=None).status_code == 428
    r = _put(api, world, BODY)
    assert r.status_code == 200 and r.headers["ETag"] == '"1"', r.body
    saved = r.json
    assert saved["version"] == 1 and saved["updated_at"] and saved["stagger_by_grade"] is False
    assert saved["fairness"]["grades"] == [{"grade": 1, "sports": 1, "reading": 2}]
    assert api.get(_url(world), as_=world.teacher).json == saved
    stale = _put(api, world, BODY)  # still "0"
    assert stale.status_code == 409 and stale.json["error"]["code"] == "version_conflict"
    again = _put(api, world, {**BODY, "stagger_by_grade": True, "version": 1}, version=None)
    assert again.status_code == 200 and again.json["version"] == 2
    changed = [(d["school_id"], d["version"]) for t, d in _events(world.school_id) if t == "TimetableSettingsChanged"]
    assert changed == [(world.school_id, 1), (world.school_id, 2)]


def test_r5_is_refused_with_the_engines_rules(api: Api, world: World) -> None:
    one_period = copy.deepcopy(BODY)
    one_period["days"][1]["periods"] = PERIODS[:1]
    r = _put(api, world, one_period)
    assert r.status_code == 400 and r.json["error"]["code"] == "service_times_invalid"
    few, early_end = r.json["error"]["details"]  # the one period left also ends too early
    assert (few["code"], few["field"], few["weekday"]) == ("two_afternoon_periods", "days.1.periods", 2)
    assert few["message"] == "周二只有 1 个下午课后服务课时，每天至少需要 2 个。"
    assert (early_end["code"], early_end["field"], early_end["weekday"]) == ("ends_after_work", "days.1.periods", 2)

    early = copy.deepcopy(BODY)
    early["days"][4]["periods"] = [PERIODS[0], {"number": 2, "starts_at": "17:05", "ends_at": "17:50"}]
    r = _put(api, world, early, headers={"Accept-Language": "en"})
    [detail] = r.json["error"]["details"]
    assert (detail["code"], detail["field"], detail["weekday"]) == ("ends_after_work", "days.4.periods", 5)
    assert detail["message"] == (
        "Friday: the service ends at 17:50, before 18:00 (30 minutes after the usual end of work, 17:30)."
    )
    assert r.json["error"]["message"].startswith("The service times break the rules")

    four_days = {**BODY, "days": BODY["days"][:4]}
    r = _put(api, world, four_days)
    codes = [(d["code"], d["field"], d["weekday"]) for d in r.json["error"]["details"]]
    assert codes == [("five_weekdays", "days", None), ("two_afternoon_periods", "days", 5)]  # Friday has none
    assert api.get(_url(world), as_=world.school_admin).json["version"] == 0  # nothing was saved


def test_bad_input_lists_each_field(api: Api, world: World) -> None:
    bad = copy.deepcopy(BODY)
    bad["days"][0]["periods"] = [
        {"number": 1, "starts_at": "25:00", "ends_at": "16:00"},
        {"number": 2, "starts_at": "17:00", "ends_at": "16:30"},
    ]
    bad["days"][1]["periods"] = [PERIODS[1], PERIODS[0]]
    bad["fairness"] = {"sports": 3, "reading": 2}
    bad["extra"] = True
    r = _put(api, world, bad)
    assert r.status_code == 400 and r.json["error"]["code"] == "validation_error"
    fields = {d["field"]: d["type"] for d in r.json["error"]["details"]}
    assert fields == {
        "days.0.periods.0.starts_at": "time_format",
        "days.0.periods.1.ends_at": "period_order",
        "days.1.periods": "period_numbers",
        "fairness": "minima_exceed_week",
        "extra": "extra_forbidden",
    }
    dup = {**BODY, "days": [BODY["days"][0], BODY["days"][0]]}
    assert _put(api, world, dup).json["error"]["details"][0]["type"] == "duplicate"


def test_other_schools_settings_are_not_found(api: Api, world: World, other: World) -> None:
    assert api.get(_url(other), as_=world.school_admin).status_code == 404
    assert _put(api, other, BODY, as_=world.school_admin).status_code == 404
    assert api.get(_url(other), as_=other.school_admin).json["version"] == 0
