"""A term's week end to end through the API: asynchronous generation with progress, the draft and its
conflicts, hand edits checked against the rules (refused with the rule's message), publication of
frozen versions with the changed classes, and the weeks read off the published version."""

from __future__ import annotations

import time
import uuid
from typing import Any

import pytest

from tests.functional.conftest import Api, World
from tests.functional.isolation_roster import new_student
from tests.functional.isolation_timetable import new_adult
from tests.functional.timetable_school import ready_school


def base(w: World, term_id: str) -> str:
    return f"/schools/{w.school_id}/timetable/terms/{term_id}"


def generate(api: Api, w: World, term_id: str) -> dict[str, Any]:
    r = api.post(base(w, term_id) + "/generations", as_=w.school_admin)
    assert r.status_code == 202, r.body
    assert r.json["status"] in ("queued", "running", "succeeded")
    return wait(api, w, term_id, r.json["generation_id"])


def wait(api: Api, w: World, term_id: str, generation_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        job = api.get(f"{base(w, term_id)}/generations/{generation_id}", as_=w.school_admin).json
        if job["status"] in ("succeeded", "failed"):
            return dict(job)
        time.sleep(0.1)
    raise AssertionError("generation did not finish in 60 s")


def draft(api: Api, w: World, term_id: str, **kw: Any) -> Any:
    return api.get(base(w, term_id) + "/draft", as_=kw.pop("as_", w.school_admin), **kw)


def edit(api: Api, w: World, term_id: str, cell: dict[str, Any], version: int, **body: Any) -> Any:
    path = f"{base(w, term_id)}/draft/cells/{cell['weekday']}/{cell['period']}/{cell['class_id']}"
    payload = {
        "activity_id": cell["activity_id"],
        "venue_id": cell["venue_id"],
        "adult_ids": [a["id"] for a in cell["adults"]],
        **body,
    }
    return api.call("PUT", path, payload, as_=w.school_admin, headers={"If-Match": f'"{version}"'})


def publish(api: Api, w: World, term_id: str, version: int) -> Any:
    return api.post(base(w, term_id) + "/publications", as_=w.school_admin, headers={"If-Match": f'"{version}"'})


@pytest.fixture
def school(api: Api, world: World) -> dict[str, Any]:
    s = ready_school(api, world)
    job = generate(api, world, s["term_id"])
    assert job["status"] == "succeeded", job
    return {**s, "job": job}


def test_generation_runs_as_a_job_and_writes_the_draft(api: Api, world: World, school: dict[str, Any]) -> None:
    job = school["job"]
    assert (job["phase"], job["progress"], job["draft_version"]) == ("done", 100, 1)
    assert job["started_at"] and job["finished_at"] and job["failure"] is None
    assert job["figures"]["seconds"] >= 0
    r = draft(api, world, school["term_id"])
    assert r.status_code == 200 and r.headers["ETag"] == '"1"'
    d = r.json
    assert d["version"] == 1 and d["violations"] == [] and d["publishable"] is True
    assert d["based_on_generation_id"] == job["generation_id"]
    assert d["latest_generation"]["generation_id"] == job["generation_id"]
    assert d["published_version"] is None
    # two classes, five days, two periods each: every cell filled with a venue and an adult
    assert len(d["entries"]) == 20
    assert all(e["venue_name"] and e["adults"] for e in d["entries"])
    assert {e["category"] for e in d["entries"] if e["period"] == 1} == {"homework"}
    assert [c["name"] for c in d["classes"]] == ["三年级1班", "三年级2班"]
    assert [p["number"] for p in d["days"][0]["periods"]] == [1, 2]


def test_a_second_generation_waits_for_the_first(api: Api, world: World) -> None:
    s = ready_school(api, world)
    first = api.post(base(world, s["term_id"]) + "/generations", as_=world.school_admin)
    second = api.post(base(world, s["term_id"]) + "/generations", as_=world.school_admin)
    if second.status_code == 409:  # the first had not finished yet: the normal case
        assert second.json["error"]["code"] == "generation_running"
        assert second.json["error"]["details"]["generation_id"] == first.json["generation_id"]
    else:  # the first finished in between; then the second simply runs
        assert second.status_code == 202
    assert wait(api, world, s["term_id"], first.json["generation_id"])["status"] == "succeeded"
    third = api.post(base(world, s["term_id"]) + "/generations", as_=world.school_admin)
    assert third.status_code in (202, 409)


def test_inputs_not_ready_are_refused_before_queueing(api: Api, world: World) -> None:
    from tests.functional.timetable_school import new_term

    term_id = new_term(api, world)
    r = api.post(base(world, term_id) + "/generations", as_=world.school_admin)
    assert r.status_code == 400 and r.json["error"]["code"] == "inputs_not_ready"
    assert r.json["error"]["details"] and all(p["message"] for p in r.json["error"]["details"])
    assert draft(api, world, term_id).json["latest_generation"] is None


def test_an_edit_into_a_conflict_is_refused_with_the_rules_message(
    api: Api, world: World, school: dict[str, Any]
) -> None:
    term_id = school["term_id"]
    d = draft(api, world, term_id).json
    monday = [e for e in d["entries"] if (e["weekday"], e["period"]) == (1, 1)]
    a, b = monday
    # class a does homework in class b's classroom: another class's own room, and b is there too
    r = edit(api, world, term_id, a, d["version"], venue_id=b["venue_id"])
    assert r.status_code == 422, r.body
    err = r.json["error"]
    assert err["code"] == "timetable_rule_broken"
    assert err["message"].startswith("此修改违反排课规则：")
    assert {v["code"] for v in err["details"]} >= {"period1_homework"}
    assert all(v["message"] for v in err["details"])
    # English too
    en = edit(api, world, term_id, a, d["version"], venue_id=b["venue_id"])
    assert en.status_code == 422
    r_en = api.call(
        "PUT",
        f"{base(world, term_id)}/draft/cells/1/1/{a['class_id']}",
        {"activity_id": None, "venue_id": b["venue_id"], "adult_ids": [x["id"] for x in a["adults"]]},
        as_=world.school_admin,
        headers={"If-Match": f'"{d["version"]}"', "Accept-Language": "en"},
    )
    assert r_en.json["error"]["message"].startswith("This change breaks a timetable rule: ")
    # nothing saved
    again = draft(api, world, term_id).json
    assert again["version"] == d["version"] and again["entries"] == d["entries"]
    # the same adult in both Monday classes at once
    r = edit(api, world, term_id, a, d["version"], adult_ids=[b["adults"][0]["id"]])
    assert r.status_code == 422 and "adult_one_place" in {v["code"] for v in r.json["error"]["details"]}


def test_a_valid_edit_saves_and_versions(api: Api, world: World, school: dict[str, Any]) -> None:
    term_id = school["term_id"]
    d = draft(api, world, term_id).json
    cell = next(e for e in d["entries"] if (e["weekday"], e["period"]) == (1, 2))
    busy = {a["id"] for e in d["entries"] if (e["weekday"], e["period"]) == (1, 2) for a in e["adults"]}
    spare = next(a for a in d["adults"] if "homework" in a["skills"] and a["id"] not in busy and a["kind"] == "teacher")
    r = edit(api, world, term_id, cell, d["version"], adult_ids=[spare["id"]])
    assert r.status_code == 200, r.body
    assert r.headers["ETag"] == '"2"' and r.json["edits"] == 1
    changed = next(
        e for e in r.json["entries"] if e["class_id"] == cell["class_id"] and e["weekday"] == 1 and e["period"] == 2
    )
    assert [a["id"] for a in changed["adults"]] == [spare["id"]]
    stale = edit(api, world, term_id, cell, d["version"], adult_ids=[spare["id"]])
    assert stale.status_code == 409
    no_match = api.call(
        "PUT",
        f"{base(world, term_id)}/draft/cells/1/2/{cell['class_id']}",
        {"activity_id": None, "venue_id": cell["venue_id"], "adult_ids": [spare["id"]]},
        as_=world.school_admin,
    )
    assert no_match.status_code == 428
    missing = edit(api, world, term_id, {**cell, "period": 5}, 2)
    assert missing.status_code == 404 and missing.json["error"]["code"] == "cell_not_found"
    teacher = api.call(
        "PUT",
        f"{base(world, term_id)}/draft/cells/1/2/{cell['class_id']}",
        {"activity_id": None, "venue_id": cell["venue_id"], "adult_ids": [spare["id"]]},
        as_=world.teacher,
        headers={"If-Match": '"2"'},
    )
    assert teacher.status_code == 403


def test_publish_freezes_versions_and_lists_changes(api: Api, world: World, school: dict[str, Any]) -> None:
    term_id = school["term_id"]
    d = draft(api, world, term_id).json
    assert api.get(base(world, term_id) + "/published", as_=world.teacher).json["error"]["code"] == "not_published"
    r = publish(api, world, term_id, d["version"])
    assert r.status_code == 201, r.body
    v1 = r.json
    assert v1["version"] == 1 and v1["draft_version"] == d["version"]
    assert sorted(c["class_name"] for c in v1["changes"]) == ["三年级1班", "三年级2班"]
    assert all(c["weekdays"] == [1, 2, 3, 4, 5] for c in v1["changes"])
    again = publish(api, world, term_id, d["version"])
    assert again.status_code == 409 and again.json["error"]["code"] == "nothing_to_publish"
    after = draft(api, world, term_id).json
    assert (after["published_version"], after["publishable"]) == (1, False)

    # an edit on Thursday of one class, then version 2 names only that class and day
    cell = next(e for e in after["entries"] if (e["weekday"], e["period"]) == (4, 1))
    busy = {a["id"] for e in after["entries"] if (e["weekday"], e["period"]) == (4, 1) for a in e["adults"]}
    spare = next(a for a in after["adults"] if "homework" in a["skills"] and a["id"] not in busy)
    edited = edit(api, world, term_id, cell, after["version"], adult_ids=[spare["id"]])
    assert edited.status_code == 200, edited.body
    v2 = publish(api, world, term_id, edited.json["version"]).json
    assert v2["version"] == 2
    assert v2["changes"] == [{"class_id": cell["class_id"], "class_name": cell["class_name"], "weekdays": [4]}]
    versions = api.get(base(world, term_id) + "/published/versions", as_=world.teacher).json["items"]
    assert [v["version"] for v in versions] == [2, 1]
    published = api.get(base(world, term_id) + "/published", as_=world.teacher).json
    assert published["version"] == 2 and len(published["entries"]) == 20
    thursday = next(
        e for e in published["entries"] if (e["weekday"], e["period"], e["class_id"]) == (4, 1, cell["class_id"])
    )
    assert [a["id"] for a in thursday["adults"]] == [spare["id"]]


def test_a_draft_with_conflicts_cannot_be_published(api: Api, world: World, school: dict[str, Any]) -> None:
    term_id = school["term_id"]
    d = draft(api, world, term_id).json
    # the inputs change under the draft: an adult it uses becomes unavailable on Monday
    used = d["entries"][0]["adults"][0]
    adult = api.get(f"/schools/{world.school_id}/timetable/adults/{used['id']}", as_=world.school_admin).json
    slots = [{"weekday": w, "periods": [1, 2]} for w in (2, 3, 4, 5)]
    r = api.patch(
        f"/schools/{world.school_id}/timetable/adults/{used['id']}",
        {"availability": slots},
        as_=world.school_admin,
        headers={"If-Match": f'"{adult["version"]}"'},
    )
    assert r.status_code == 200, r.body
    stale = draft(api, world, term_id).json
    assert stale["publishable"] is False
    assert "adult_available" in {v["code"] for v in stale["violations"]}
    refused = publish(api, world, term_id, stale["version"])
    assert refused.status_code == 409 and refused.json["error"]["code"] == "timetable_invalid"
    assert refused.json["error"]["details"]


def test_views_of_the_published_week(api: Api, world: World, school: dict[str, Any]) -> None:
    term_id = school["term_id"]
    sub = f"teacher-{uuid.uuid4().hex[:8]}"
    d = draft(api, world, term_id).json
    assert publish(api, world, term_id, d["version"]).status_code == 201
    published = api.get(base(world, term_id) + "/published", as_=world.school_admin).json
    klass = school["classes"][0]
    week = api.get(f"{base(world, term_id)}/published/classes/{klass['id']}/week", as_=world.teacher).json
    assert week["subject"] == {"type": "class", "id": klass["id"], "name": klass["name"]}
    assert len(week["entries"]) == 10 and {e["class_id"] for e in week["entries"]} == {klass["id"]}
    some = published["entries"][0]
    adult_id, venue_id = some["adults"][0]["id"], some["venue_id"]
    aw = api.get(f"{base(world, term_id)}/published/adults/{adult_id}/week", as_=world.teacher).json
    assert aw["entries"] and all(adult_id in [a["id"] for a in e["adults"]] for e in aw["entries"])
    vw = api.get(f"{base(world, term_id)}/published/venues/{venue_id}/week", as_=world.teacher).json
    assert vw["entries"] and all(e["venue_id"] == venue_id for e in vw["entries"])
    unknown = api.get(f"{base(world, term_id)}/published/venues/{uuid_ulid()}/week", as_=world.teacher)
    assert unknown.status_code == 404

    # my week: only for an account linked to an adult (linked after publication: the names are frozen)
    mine = api.get(base(world, term_id) + "/published/my-week", as_=api.tokens("teacher", tenant=world.school_id))
    assert mine.status_code == 404 and mine.json["error"]["code"] == "not_on_timetable"
    adult = api.get(f"/schools/{world.school_id}/timetable/adults/{adult_id}", as_=world.school_admin).json
    api.patch(
        f"/schools/{world.school_id}/timetable/adults/{adult_id}",
        {"account_sub": sub},
        as_=world.school_admin,
        headers={"If-Match": f'"{adult["version"]}"'},
    )
    mine = api.get(
        base(world, term_id) + "/published/my-week", as_=api.tokens("teacher", tenant=world.school_id, sub=sub)
    )
    assert mine.status_code == 200 and mine.json["entries"] == aw["entries"]

    loads = api.get(base(world, term_id) + "/published/staff-periods", as_=world.school_admin).json
    assert sum(x["periods"] for x in loads["items"]) == sum(len(e["adults"]) for e in published["entries"])
    assert all(x["minutes"] == 0 or x["minutes"] >= 40 for x in loads["items"])
    assert api.get(base(world, term_id) + "/published/staff-periods", as_=world.teacher).status_code == 403


def test_a_childs_week_and_day_for_its_guardian(api: Api, world: World, school: dict[str, Any]) -> None:
    term_id = school["term_id"]
    d = draft(api, world, term_id).json
    assert publish(api, world, term_id, d["version"]).status_code == 201
    klass = school["classes"][1]
    phone = f"139{uuid.uuid4().int % 10**8:08d}"
    child = new_student(api, world, klass["id"], guardians=[{"name": "李梅", "relationship": "母亲", "phone": phone}])
    guardian = api.tokens("guardian", tenant=world.school_id, phone=phone)
    path = f"{base(world, term_id)}/published/students/{child['id']}"
    week = api.get(path + "/week", as_=guardian)
    assert week.status_code == 200, week.body
    assert week.json["class"]["id"] == klass["id"] and len(week.json["entries"]) == 10
    # the term runs from 1 September of its year: find a Wednesday in it
    term = api.get(f"/schools/{world.school_id}/terms/{term_id}", as_=world.school_admin).json
    import datetime as dt

    day = dt.date.fromisoformat(term["starts_on"])
    while day.isoweekday() != 3:
        day += dt.timedelta(days=1)
    it = api.get(f"{path}/itinerary?date={day.isoformat()}", as_=guardian).json
    assert it["runs_weekday"] == 3 and [e["period"] for e in it["entries"]] == [1, 2]
    assert it["entries"] == [e for e in week.json["entries"] if e["weekday"] == 3]
    saturday = day + dt.timedelta(days=3)
    off = api.get(f"{path}/itinerary?date={saturday.isoformat()}", as_=guardian).json
    assert (off["runs_weekday"], off["entries"]) == (None, [])
    bad = api.get(f"{path}/itinerary?date=31-12-2026", as_=guardian)
    assert bad.status_code == 400
    # another guardian, and a guardian of another child, get 404
    stranger = api.tokens("guardian", tenant=world.school_id, phone="13700000001")
    assert api.get(path + "/week", as_=stranger).status_code == 404
    assert api.get(base(world, term_id) + "/published", as_=guardian).status_code == 403


def test_an_unknown_generation_is_404(api: Api, world: World) -> None:
    from tests.functional.timetable_school import new_term

    term_id = new_term(api, world)
    r = api.get(f"{base(world, term_id)}/generations/{uuid_ulid()}", as_=world.school_admin)
    assert r.status_code == 404
    new_adult(api, world)  # (a school with inputs but no draft still answers version 0)
    d = draft(api, world, term_id).json
    assert (d["version"], d["entries"], d["publishable"]) == (0, [], False)


def uuid_ulid() -> str:
    from chalicelib.core.ids import new_id

    return new_id()


def test_an_account_links_to_one_adult_at_most(api: Api, world: World) -> None:
    sub = f"teacher-{uuid.uuid4().hex[:8]}"
    first = new_adult(api, world, account_sub=sub)
    r = api.post(
        f"/schools/{world.school_id}/timetable/adults",
        {"name": "另一位老师", "kind": "teacher", "skills": ["homework"], "account_sub": sub},
        as_=world.school_admin,
    )
    assert r.status_code == 409 and r.json["error"]["code"] == "account_linked"
    assert r.json["error"]["details"] == [{"field": "account_sub", "adult_id": first["id"]}]
    # moving the link frees the old account; deleting the adult frees the new one
    second = new_adult(api, world)
    path = f"/schools/{world.school_id}/timetable/adults/{first['id']}"
    moved = api.patch(path, {"account_sub": sub + "x"}, as_=world.school_admin, headers={"If-Match": '"1"'})
    assert moved.status_code == 200, moved.body
    taken = api.patch(
        f"/schools/{world.school_id}/timetable/adults/{second['id']}",
        {"account_sub": sub},
        as_=world.school_admin,
        headers={"If-Match": '"1"'},
    )
    assert taken.status_code == 200, taken.body
    assert api.call("DELETE", path, as_=world.school_admin, headers={"If-Match": '"2"'}).status_code == 204
    assert new_adult(api, world, account_sub=sub + "x")["account_sub"] == sub + "x"


def test_publishing_notifies_the_guardians_whose_childrens_days_changed(
    api: Api, world: World, school: dict[str, Any]
) -> None:
    """From the publish route to the guardians' inboxes: version 1 tells every enrolled family the
    timetable is out; version 2, changing one class's Thursday, tells only that class's families."""
    from tests.functional.isolation_enrollment import Family, Term, app_path, consent, new_family
    from tests.functional.isolation_enrollment import draft as new_application

    term_id, (klass_a, klass_b) = school["term_id"], school["classes"]
    template = f"/schools/{world.school_id}/terms/{term_id}/agreement-template"
    assert api.call(
        "PUT", template, {"text": "{{student_name}}参加{{term_name}}。"}, as_=world.school_admin
    ).status_code in (
        200,
        201,
    )

    def enrolled(klass: dict[str, Any]) -> Family:
        sub = f"t-{uuid.uuid4().hex[:8]}"
        path = f"/schools/{world.school_id}/classes/{klass['id']}"
        version = api.get(path, as_=world.school_admin).json["version"]
        r = api.patch(path, {"homeroom_teacher_sub": sub}, as_=world.school_admin, headers={"If-Match": f'"{version}"'})
        assert r.status_code == 200, r.body
        family = new_family(
            api, world, phone=f"+86139{uuid.uuid4().int % 10**8:08d}", class_id=klass["id"], teacher_sub=sub
        )
        consent(api, world, family)
        app_id = new_application(api, world, family, Term(term_id, []), lunch=False)["id"]
        for step, who, body in (
            ("/submit", family.guardian, None),
            ("/class-review", family.teacher, {"decision": "approve"}),
            ("/decision", world.school_admin, {"decision": "approve"}),
        ):
            assert api.post(app_path(world, app_id, step), body, as_=who).status_code == 200
        signed = api.post(
            app_path(world, app_id, "/agreement"), {"template_version": 1, "agree": True}, as_=family.guardian
        )
        assert signed.status_code == 201, signed.body
        return family

    def timetable_notices(f: Family) -> list[dict[str, Any]]:
        inbox = api.get(f"/schools/{world.school_id}/my/inbox", as_=f.guardian).json["items"]
        return [n for n in inbox if n["code"].startswith("timetable_")]

    in_a, in_b = enrolled(klass_a), enrolled(klass_b)
    d = draft(api, world, term_id).json
    assert publish(api, world, term_id, d["version"]).status_code == 201
    for family in (in_a, in_b):
        (notice,) = timetable_notices(family)
        assert notice["code"] == "timetable_published"
        assert (notice["params"]["term_id"], notice["params"]["student_id"]) == (term_id, family.student_id)

    after = draft(api, world, term_id).json
    cell = next(e for e in after["entries"] if (e["weekday"], e["period"], e["class_id"]) == (4, 1, klass_a["id"]))
    busy = {a["id"] for e in after["entries"] if (e["weekday"], e["period"]) == (4, 1) for a in e["adults"]}
    spare = next(a for a in after["adults"] if "homework" in a["skills"] and a["id"] not in busy)
    edited = edit(api, world, term_id, cell, after["version"], adult_ids=[spare["id"]])
    assert edited.status_code == 200, edited.body
    assert publish(api, world, term_id, edited.json["version"]).status_code == 201
    changed = timetable_notices(in_a)
    assert [n["code"] for n in changed] == ["timetable_changed", "timetable_published"]  # newest first
    assert changed[0]["params"]["weekdays"] == [4]
    assert [n["code"] for n in timetable_notices(in_b)] == ["timetable_published"]


def test_a_childs_day_defaults_to_today_at_the_school(
    api: Api, world: World, school: dict[str, Any], container: Any
) -> None:
    """No date asked: the school's today (Asia/Shanghai by default), not UTC's: at 17:00 UTC on a
    Tuesday it is already Wednesday at the school."""
    import datetime as dt
    from dataclasses import dataclass

    from chalicelib.core.identity import Principal, Role
    from chalicelib.timetable.plans import TimetablePlans

    term_id = school["term_id"]
    assert publish(api, world, term_id, draft(api, world, term_id).json["version"]).status_code == 201
    child = new_student(api, world, school["classes"][0]["id"])
    term = api.get(f"/schools/{world.school_id}/terms/{term_id}", as_=world.school_admin).json
    tuesday = dt.date.fromisoformat(term["starts_on"])
    while tuesday.isoweekday() != 2:
        tuesday += dt.timedelta(days=1)

    @dataclass
    class At:
        instant: dt.datetime

        def now(self) -> dt.datetime:
            return self.instant

    t = container.timetable
    plans = TimetablePlans(
        container.data.connection,
        At(dt.datetime.combine(tuesday, dt.time(17, 0), tzinfo=dt.UTC)),
        lambda: None,
        t.assembler,
        container.timetable_jobs,
        container.roster,
        container.calendar,
        container.tenants,
    )
    admin = Principal("principal-1", frozenset({Role.SCHOOL_ADMIN}), tenant=world.school_id)
    day = plans.student_day(admin, world.school_id, term_id, child["id"], None)
    assert (day["date"], day["runs_weekday"]) == ((tuesday + dt.timedelta(days=1)).isoformat(), 3)
    asked = plans.student_day(admin, world.school_id, term_id, child["id"], tuesday.isoformat())
    assert (asked["date"], asked["runs_weekday"]) == (tuesday.isoformat(), 2)
