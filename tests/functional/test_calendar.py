"""Term calendar routes: 学期 with holidays and 调休, optimistic locking, roles, and the service calendar."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from pynamodb.connection import Connection

from chalicelib.api.container import Container
from chalicelib.core.errors import Conflict, NotFound
from chalicelib.core.identity import Principal, Role
from chalicelib.roster.calendar import schemas
from chalicelib.roster.calendar.models import Term
from chalicelib.roster.calendar.services import CalendarService
from tests.conftest import EventTap
from tests.functional.conftest import Api, World

AUTUMN: dict[str, Any] = {
    "name": "2026秋季学期",
    "starts_on": "2026-09-01",
    "ends_on": "2027-01-15",
    "holidays": [{"starts_on": "2026-10-01", "ends_on": "2026-10-07", "name": "国庆节"}],
    "make_up_days": [{"date": "2026-09-27", "runs_weekday": 3, "name": "国庆调休"}],
}
SPRING: dict[str, Any] = {"name": "2027春季学期", "starts_on": "2027-02-22", "ends_on": "2027-07-02"}


def terms_path(w: World) -> str:
    return f"/schools/{w.school_id}/terms"


def create(api: Api, w: World, body: dict[str, Any] | None = None, as_: str | None = None) -> Any:
    return api.post(terms_path(w), body or AUTUMN, as_=as_ or w.school_admin)


def listed(api: Api, w: World) -> list[dict[str, Any]]:
    r = api.get(terms_path(w) + "?limit=100", as_=w.school_admin)
    assert r.status_code == 200
    return list(r.json["items"])


def delete(api: Api, path: str, as_: str, if_match: str | None = None) -> Any:
    return api.call("DELETE", path, as_=as_, headers={"If-Match": if_match} if if_match else None)


def admin(w: World) -> Principal:
    return Principal("sa", frozenset({Role.SCHOOL_ADMIN}), tenant=w.school_id)


# -- create, read, list ------------------------------------------------------------------------------


def test_create_and_read_a_term(api: Api, world: World) -> None:
    r = create(api, world)
    assert r.status_code == 201, r.body
    term = r.json
    assert r.headers["ETag"] == '"1"' and term["version"] == 1
    assert term["school_id"] == world.school_id and len(term["id"]) == 26
    for field in ("name", "starts_on", "ends_on", "holidays", "make_up_days"):
        assert term[field] == AUTUMN[field]
    assert term["created_at"] == term["updated_at"] and term["created_at"].endswith("Z")
    for who in (
        world.school_admin,
        world.teacher,
        world.guardian,
        api.tokens("provider_staff", tenant=world.school_id),
    ):
        got = api.get(f"{terms_path(world)}/{term['id']}", as_=who)
        assert got.status_code == 200 and got.json == term and got.headers["ETag"] == '"1"'
        assert api.get(terms_path(world), as_=who).json == {"items": [term], "next_cursor": None}


def test_holidays_and_make_up_days_are_optional(api: Api, world: World) -> None:
    r = create(api, world, SPRING)
    assert r.status_code == 201 and r.json["holidays"] == [] and r.json["make_up_days"] == []


def test_terms_page_with_cursor(api: Api, world: World) -> None:
    ids = [
        create(api, world, {"name": f"{y}学期", "starts_on": f"{y}-09-01", "ends_on": f"{y}-12-31"}).json["id"]
        for y in range(2030, 2035)
    ]
    seen: list[str] = []
    cursor = None
    for _ in range(3):
        r = api.get(terms_path(world) + "?limit=2" + (f"&cursor={cursor}" if cursor else ""), as_=world.teacher)
        assert r.status_code == 200
        seen += [t["id"] for t in r.json["items"]]
        cursor = r.json["next_cursor"]
    assert seen == ids and cursor is None  # creation order, and no cursor after the last full page


def test_bad_paging_input(api: Api, world: World, other: World) -> None:
    for query in ("?limit=0", "?limit=101", "?limit=x", "?cursor=%%%", "?colour=red"):
        assert api.get(terms_path(world) + query, as_=world.school_admin).status_code == 400, query
    for y in (2030, 2031):
        create(api, other, {"name": "x", "starts_on": f"{y}-09-01", "ends_on": f"{y}-12-31"})
    theirs = api.get(terms_path(other) + "?limit=1", as_=other.school_admin).json["next_cursor"]
    forged = api.get(terms_path(world) + f"?limit=1&cursor={theirs}", as_=world.school_admin)
    assert forged.status_code == 400 and forged.json["error"]["code"] == "invalid_cursor"


def test_unknown_term_answers_404(api: Api, world: World) -> None:
    for term_id in ("01K0NOPE000000000000000000", "not-an-id"):
        path = f"{terms_path(world)}/{term_id}"
        assert api.get(path, as_=world.school_admin).status_code == 404
        assert api.patch(path, {"name": "x"}, as_=world.school_admin, headers={"If-Match": '"1"'}).status_code == 404
        assert delete(api, path, world.school_admin, '"1"').status_code == 404


# -- validation --------------------------------------------------------------------------------------


def test_bad_input_is_field_level_and_writes_nothing(api: Api, world: World) -> None:
    bad = {
        "name": "",
        "starts_on": "2026-9-1",
        "ends_on": "2027-01-15T00:00:00",
        "holidays": [{"starts_on": "2026-10-01", "name": "国庆节"}],
        "make_up_days": [{"date": "2026-09-27", "runs_weekday": 6, "name": "调休"}],
        "colour": "red",
    }
    r = create(api, world, bad)
    assert r.status_code == 400 and r.json["error"]["code"] == "validation_error"
    fields = {d["field"] for d in r.json["error"]["details"]}
    assert fields == {
        "name",
        "starts_on",
        "ends_on",
        "holidays.0.ends_on",
        "make_up_days.0.runs_weekday",
        "colour",
    }
    assert all(d["message"] for d in r.json["error"]["details"])
    assert listed(api, world) == []


def test_term_rules_are_checked_with_field_details(api: Api, world: World) -> None:
    bad = {
        **AUTUMN,
        "holidays": [
            {"starts_on": "2026-10-01", "ends_on": "2026-10-07", "name": "国庆节"},
            {"starts_on": "2026-10-05", "ends_on": "2026-10-09", "name": "重叠"},
            {"starts_on": "2027-01-10", "ends_on": "2027-02-10", "name": "寒假"},
        ],
        "make_up_days": [
            {"date": "2026-09-28", "runs_weekday": 1, "name": "周一"},
            {"date": "2026-10-03", "runs_weekday": 1, "name": "假期中"},
            {"date": "2026-09-27", "runs_weekday": 3, "name": "a"},
            {"date": "2026-09-27", "runs_weekday": 4, "name": "b"},
        ],
    }
    r = create(api, world, bad)
    assert r.status_code == 400 and r.json["error"]["code"] == "validation_error"
    got = {(d["field"], d["type"]) for d in r.json["error"]["details"]}
    assert got == {
        ("holidays.1", "holidays_overlap"),
        ("holidays.2", "holiday_outside_term"),
        ("make_up_days.0.date", "make_up_day_not_weekend"),
        ("make_up_days.1.date", "make_up_day_in_holiday"),
        ("make_up_days.3.date", "make_up_day_duplicate"),
    }
    too_long = create(api, world, {"name": "x", "starts_on": "2026-09-01", "ends_on": "2027-09-01"})
    assert too_long.status_code == 400 and too_long.json["error"]["details"][0]["field"] == "ends_on"
    backwards = create(api, world, {"name": "x", "starts_on": "2026-09-01", "ends_on": "2026-08-01"})
    assert backwards.status_code == 400 and backwards.json["error"]["details"][0]["type"] == "term_ends_before_start"
    assert listed(api, world) == []


def _details(r: Any) -> dict[str, dict[str, Any]]:
    return {d["field"]: d for d in r.json["error"]["details"]}


def test_rule_errors_have_codes_and_speak_the_callers_language(api: Api, world: World) -> None:
    """A holiday outside the term, a make-up day on a weekday, ...: zh-CN by default, English on request."""
    bad = {
        **AUTUMN,
        "holidays": [
            {"starts_on": "2026-10-01", "ends_on": "2026-10-07", "name": "国庆节"},
            {"starts_on": "2027-01-10", "ends_on": "2027-02-10", "name": "寒假"},
        ],
        "make_up_days": [{"date": "2026-09-28", "runs_weekday": 1, "name": "周一调休"}],
    }
    zh = create(api, world, bad)
    assert zh.status_code == 400 and zh.json["error"]["code"] == "validation_error"
    assert zh.json["error"]["message"] == "提交的数据有误，请检查标出的字段。"
    details = _details(zh)
    assert {f: (d["code"], d["type"]) for f, d in details.items()} == {
        "holidays.1": ("holiday_outside_term", "holiday_outside_term"),
        "make_up_days.0.date": ("make_up_day_not_weekend", "make_up_day_not_weekend"),
    }
    assert details["holidays.1"]["message"] == "节假日“寒假”须在学期日期（2026-09-01 至 2027-01-15）之内。"
    assert details["holidays.1"]["params"] == {
        "name": "寒假",
        "term_starts_on": "2026-09-01",
        "term_ends_on": "2027-01-15",
    }
    assert details["make_up_days.0.date"]["message"] == "调休上课日须是周六或周日，2026-09-28 不是。"

    en = api.post(terms_path(world), bad, as_=world.school_admin, headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert en.status_code == 400 and en.json["error"]["message"] == "Some fields are not valid; see details."
    en_details = _details(en)
    assert {f: d["code"] for f, d in en_details.items()} == {f: d["code"] for f, d in details.items()}
    assert en_details["holidays.1"]["message"] == (
        'The holiday "寒假" must lie within the term (2026-09-01 to 2027-01-15).'
    )
    assert en_details["make_up_days.0.date"]["message"] == (
        "A make-up day (调休) must be a Saturday or Sunday; 2026-09-28 is not."
    )
    # a date that is not YYYY-MM-DD (the calendar's own check) is localised too
    odd = {"name": "x", "starts_on": "2026-9-1", "ends_on": "2026-12-31"}
    r = create(api, world, odd)
    assert _details(r)["starts_on"]["message"] == "请按 YYYY-MM-DD 填写有效日期，如 2026-09-01。"
    r = api.post(terms_path(world), odd, as_=world.school_admin, headers={"Accept-Language": "en"})
    assert _details(r)["starts_on"]["message"] == "Enter a valid date as YYYY-MM-DD, e.g. 2026-09-01."
    assert listed(api, world) == []


def test_changes_and_overlaps_are_localised_too(api: Api, world: World) -> None:
    path = f"{terms_path(world)}/{create(api, world).json['id']}"
    change = {"make_up_days": [{"date": "2026-10-03", "runs_weekday": 1, "name": "假期中"}]}
    for lang, message in [
        ("zh-CN", "调休日 2026-10-03 落在节假日“国庆节”之内。"),
        ("en", 'The make-up day 2026-10-03 falls inside the holiday "国庆节".'),
    ]:
        r = api.patch(path, change, as_=world.school_admin, headers={"If-Match": '"1"', "Accept-Language": lang})
        assert r.status_code == 400
        assert _details(r)["make_up_days.0.date"] | {"params": None} == {
            "field": "make_up_days.0.date",
            "type": "make_up_day_in_holiday",
            "code": "make_up_day_in_holiday",
            "message": message,
            "params": None,
        }
    clash = {"name": "重叠", "starts_on": "2027-01-15", "ends_on": "2027-03-01"}
    zh = create(api, world, clash)
    assert zh.status_code == 409 and zh.json["error"]["code"] == "term_overlaps"
    (detail,) = zh.json["error"]["details"]
    assert detail["code"] == "term_overlaps" and detail["field"] == "starts_on"
    assert detail["message"] == "与学期“2026秋季学期”（2026-09-01 至 2027-01-15）的日期重叠。"
    en = api.post(terms_path(world), clash, as_=world.school_admin, headers={"Accept-Language": "en"})
    assert en.json["error"]["details"][0]["message"] == 'Overlaps the term "2026秋季学期" (2026-09-01 to 2027-01-15).'
    assert en.json["error"]["details"][0]["term"]["name"] == "2026秋季学期"


def test_calendar_range_errors_are_localised(api: Api, world: World) -> None:
    base = f"/schools/{world.school_id}/calendar"
    for lang, reversed_, too_long in [
        ("zh-CN", "结束日期（to）不能早于开始日期（from）。", "每次最多查询 370 天。"),
        ("en", "The last date (to) must be on or after the first (from).", "At most 370 days per request."),
    ]:
        headers = {"Accept-Language": lang}
        r = api.get(base + "?from=2026-09-02&to=2026-09-01", as_=world.teacher, headers=headers)
        assert r.status_code == 400 and _details(r)["to"]["code"] == "range_reversed"
        assert _details(r)["to"]["message"] == reversed_
        r = api.get(base + "?from=2026-01-01&to=2027-01-06", as_=world.teacher, headers=headers)
        assert _details(r)["to"]["code"] == "range_too_long" and _details(r)["to"]["message"] == too_long


def test_invalid_json_and_non_object_bodies(api: Api, world: World) -> None:
    r = api.call("POST", terms_path(world), raw="{nope", as_=world.school_admin)
    assert r.status_code == 400 and r.json["error"]["code"] == "invalid_json"
    assert api.call("POST", terms_path(world), raw="[]", as_=world.school_admin).status_code == 400


# -- overlaps ----------------------------------------------------------------------------------------


def test_terms_of_a_school_must_not_overlap(api: Api, world: World, other: World) -> None:
    first = create(api, world).json
    clash = create(api, world, {"name": "重叠", "starts_on": "2027-01-15", "ends_on": "2027-03-01"})
    assert clash.status_code == 409 and clash.json["error"]["code"] == "term_overlaps"
    assert clash.json["error"]["details"][0]["term"]["term_id"] == first["id"]
    en = api.post(
        terms_path(world),
        SPRING | {"starts_on": "2026-12-01"},
        as_=world.school_admin,
        headers={"Accept-Language": "en"},
    )
    assert en.status_code == 409 and "overlap" in en.json["error"]["message"]
    assert create(api, world, {"name": "寒假后", "starts_on": "2027-01-16", "ends_on": "2027-02-01"}).status_code == 201
    assert create(api, other).status_code == 201  # another school's terms are its own business
    assert len(listed(api, world)) == 2


def test_concurrent_overlapping_creates_let_exactly_one_win(container: Container, world: World) -> None:
    svc = CalendarService(container.data.connection, container.clock, lambda: None)
    cmd = schemas.TermCreate.model_validate(AUTUMN)

    def attempt(_: int) -> str:
        try:
            return svc.create_term(admin(world), world.school_id, cmd).term_id
        except Conflict as exc:
            return exc.code

    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(attempt, range(6)))
    winners = [r for r in results if len(r) == 26]
    assert len(winners) == 1, results
    assert set(results) - set(winners) <= {"term_overlaps", "calendar_busy"}
    assert [t.term_id for t in svc.list_terms(admin(world), world.school_id, 100).items] == winners


def test_a_write_that_loses_the_race_checks_overlaps_again(container: Container, world: World) -> None:
    """Deterministic race: a competing term commits after our overlap check, before our commit."""
    rival = CalendarService(container.data.connection, container.clock, lambda: None)
    fired: list[bool] = []

    def connection_with_rival_first() -> Connection:
        if not fired:
            fired.append(True)
            rival.create_term(admin(world), world.school_id, schemas.TermCreate.model_validate(SPRING))
        return container.data.connection()

    svc = CalendarService(connection_with_rival_first, container.clock, lambda: None)
    overlapping = schemas.TermCreate.model_validate({**SPRING, "name": "抢先", "starts_on": "2027-03-01"})
    with pytest.raises(Conflict) as caught:
        svc.create_term(admin(world), world.school_id, overlapping)
    assert caught.value.code == "term_overlaps"
    assert [t.name for t in svc.list_terms(admin(world), world.school_id, 100).items] == [SPRING["name"]]


# -- changes -----------------------------------------------------------------------------------------


def test_patch_with_optimistic_locking(api: Api, world: World) -> None:
    path = f"{terms_path(world)}/{create(api, world).json['id']}"
    ok = api.patch(
        path, {"name": "秋季学期", "ends_on": "2027-01-20"}, as_=world.school_admin, headers={"If-Match": '"1"'}
    )
    assert ok.status_code == 200 and ok.json["version"] == 2 and ok.headers["ETag"] == '"2"'
    assert (ok.json["name"], ok.json["ends_on"], ok.json["holidays"]) == ("秋季学期", "2027-01-20", AUTUMN["holidays"])
    assert ok.json["updated_at"] >= ok.json["created_at"]
    stale = api.patch(path, {"name": "旧"}, as_=world.school_admin, headers={"If-Match": '"1"'})
    assert stale.status_code == 409 and stale.json["error"]["code"] == "version_conflict"
    assert stale.json["error"]["details"] == {"current_version": 2}
    by_body = api.patch(path, {"make_up_days": [], "version": 2}, as_=world.school_admin)
    assert by_body.status_code == 200 and by_body.json["version"] == 3 and by_body.json["make_up_days"] == []
    missing = api.patch(path, {"name": "x"}, as_=world.school_admin)
    assert missing.status_code == 428 and missing.json["error"]["code"] == "precondition_required"
    assert api.patch(path, {"name": "x"}, as_=world.school_admin, headers={"If-Match": "*"}).status_code == 428
    assert api.get(path, as_=world.teacher).json["name"] == "秋季学期"


def test_patch_revalidates_the_whole_term(api: Api, world: World) -> None:
    path = f"{terms_path(world)}/{create(api, world).json['id']}"
    create(api, world, SPRING)
    cut = api.patch(path, {"ends_on": "2026-09-30"}, as_=world.school_admin, headers={"If-Match": '"1"'})
    assert cut.status_code == 400
    assert {d["field"] for d in cut.json["error"]["details"]} == {"holidays.0"}
    into_spring = api.patch(path, {"ends_on": "2027-03-01"}, as_=world.school_admin, headers={"If-Match": '"1"'})
    assert into_spring.status_code == 409 and into_spring.json["error"]["code"] == "term_overlaps"
    weekday = api.patch(
        path,
        {"make_up_days": [{"date": "2026-09-28", "runs_weekday": 1, "name": "x"}]},
        as_=world.school_admin,
        headers={"If-Match": '"1"'},
    )
    assert weekday.status_code == 400
    unknown = api.patch(path, {"school_id": "x"}, as_=world.school_admin, headers={"If-Match": '"1"'})
    assert unknown.status_code == 400
    after = api.get(path, as_=world.school_admin).json
    assert after["version"] == 1 and after["ends_on"] == AUTUMN["ends_on"]
    # a term may move within its own old dates: it does not overlap itself
    moved = api.patch(path, {"starts_on": "2026-08-31"}, as_=world.school_admin, headers={"If-Match": '"1"'})
    assert moved.status_code == 200 and moved.json["starts_on"] == "2026-08-31"


def test_delete_with_optimistic_locking(api: Api, world: World) -> None:
    term = create(api, world).json
    path = f"{terms_path(world)}/{term['id']}"
    assert delete(api, path, world.school_admin).status_code == 428
    assert delete(api, path, world.school_admin, '"2"').status_code == 409
    gone = delete(api, path, world.school_admin, '"1"')
    assert gone.status_code == 204 and not gone.body
    assert api.get(path, as_=world.school_admin).status_code == 404
    assert delete(api, path, world.school_admin, '"1"').status_code == 404
    assert listed(api, world) == []
    assert create(api, world).status_code == 201  # its dates are free again


def test_changes_publish_events_without_personal_data(api: Api, world: World, event_tap: EventTap) -> None:
    event_tap.drain()
    term = create(api, world).json
    path = f"{terms_path(world)}/{term['id']}"
    api.patch(path, {"ends_on": "2027-01-20"}, as_=world.school_admin, headers={"If-Match": '"1"'})
    delete(api, path, world.school_admin, '"2"')
    mine = [m for m in event_tap.drain() if m["detail"].get("tenant_id") == world.school_id]
    assert [(m["source"], m["detail-type"]) for m in mine] == [
        ("kehou.roster", "TermCreated"),
        ("kehou.roster", "TermChanged"),
        ("kehou.roster", "TermDeleted"),
    ]
    assert all(m["detail"]["term_id"] == term["id"] and m["detail"]["school_id"] == world.school_id for m in mine)
    assert mine[1]["detail"]["fields"] == ["ends_on"] and mine[1]["detail"]["ends_on"] == "2027-01-20"


def test_failed_writes_publish_nothing(api: Api, world: World, event_tap: EventTap) -> None:
    create(api, world)
    event_tap.drain()
    create(api, world)  # overlaps
    create(api, world, {**AUTUMN, "ends_on": "2026-01-01"})  # invalid
    assert not [m for m in event_tap.drain() if m["detail"].get("tenant_id") == world.school_id]


# -- who may do what ---------------------------------------------------------------------------------


def test_teachers_and_guardians_read_but_cannot_write(api: Api, world: World) -> None:
    path = f"{terms_path(world)}/{create(api, world).json['id']}"
    staff = api.tokens("provider_staff", tenant=world.school_id)
    for who in (world.teacher, world.guardian, staff):
        assert create(api, world, SPRING, as_=who).status_code == 403
        assert api.patch(path, {"name": "x"}, as_=who, headers={"If-Match": '"1"'}).status_code == 403
        assert delete(api, path, who, '"1"').status_code == 403
        assert api.get(path, as_=who).status_code == 200
    assert len(listed(api, world)) == 1 and api.get(path, as_=world.school_admin).json["version"] == 1


def test_another_schools_people_get_404(api: Api, world: World, other: World) -> None:
    path = f"{terms_path(other)}/{create(api, other).json['id']}"
    for who in (world.school_admin, world.teacher, world.guardian, world.district_admin):
        assert api.get(terms_path(other), as_=who).status_code == 404
        assert api.get(path, as_=who).status_code == 404
        assert create(api, other, SPRING, as_=who).status_code == 404
        assert api.patch(path, {"name": "x"}, as_=who, headers={"If-Match": '"1"'}).status_code == 404
        assert delete(api, path, who, '"1"').status_code == 404
        calendar = api.get(f"/schools/{other.school_id}/calendar?from=2026-09-01&to=2026-09-02", as_=who)
        assert calendar.status_code == 404
    # the same term id under the caller's own school is not found either
    mine = f"{terms_path(world)}/{path.rsplit('/', 1)[1]}"
    assert api.get(mine, as_=world.school_admin).status_code == 404
    assert len(listed(api, other)) == 1


def test_signed_out_callers_get_401(api: Api, world: World) -> None:
    assert api.get(terms_path(world)).status_code == 401
    assert api.post(terms_path(world), AUTUMN).status_code == 401


# -- the service calendar ----------------------------------------------------------------------------


def test_calendar_marks_every_day(api: Api, world: World) -> None:
    autumn = create(api, world).json
    spring = create(api, world, SPRING).json
    r = api.get(f"/schools/{world.school_id}/calendar?from=2026-08-31&to=2027-02-22", as_=world.guardian)
    assert r.status_code == 200
    days = {d["date"]: d for d in r.json["days"]}
    assert len(days) == 176
    assert days["2026-08-31"] == {
        "date": "2026-08-31",
        "service_day": False,
        "runs_weekday": None,
        "reason": "outside_term",
        "term_id": None,
    }
    assert days["2026-09-01"] | {} == {
        "date": "2026-09-01",
        "service_day": True,
        "runs_weekday": 2,
        "reason": "school_day",
        "term_id": autumn["id"],
    }
    assert (days["2026-09-26"]["service_day"], days["2026-09-26"]["reason"]) == (False, "weekend")
    assert (days["2026-09-27"]["runs_weekday"], days["2026-09-27"]["reason"]) == (3, "make_up:国庆调休")
    assert days["2026-10-05"]["reason"] == "holiday:国庆节" and not days["2026-10-05"]["service_day"]
    assert days["2027-01-20"]["reason"] == "outside_term"
    assert days["2027-02-22"]["term_id"] == spring["id"] and days["2027-02-22"]["runs_weekday"] == 1


def test_calendar_query_is_checked(api: Api, world: World) -> None:
    base = f"/schools/{world.school_id}/calendar"
    for query in (
        "",
        "?from=2026-09-01",
        "?from=2026-09-02&to=2026-09-01",
        "?from=2026-01-01&to=2027-01-06",  # 371 days
        "?from=2026-13-01&to=2026-13-02",
        "?from=2026-09-01&to=2026-09-02&extra=1",
    ):
        r = api.get(base + query, as_=world.teacher)
        assert r.status_code == 400 and r.json["error"]["details"], query
    assert len(api.get(base + "?from=2026-01-01&to=2027-01-05", as_=world.teacher).json["days"]) == 370


def test_other_contexts_ask_the_service(api: Api, container: Container, world: World, other: World) -> None:
    term_id = create(api, world).json["id"]
    svc = container.calendar
    term = svc.require_term(world.school_id, term_id)
    assert isinstance(term, Term)
    assert (term.term_id, term.name, term.starts_on, term.ends_on) == (
        term_id,
        AUTUMN["name"],
        "2026-09-01",
        "2027-01-15",
    )
    with pytest.raises(NotFound):
        svc.require_term(other.school_id, term_id)
    day = svc.service_day(world.school_id, dt.date(2026, 9, 27))
    assert (day.service_day, day.runs_weekday, day.reason, day.term_id) == (True, 3, "make_up:国庆调休", term_id)
    assert svc.service_day(other.school_id, dt.date(2026, 9, 28)).reason == "outside_term"
