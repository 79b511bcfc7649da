"""Review queues (班级审核, 校长审定) and optimistic locking of a guardian's edits."""

from __future__ import annotations

from tests.functional.conftest import Api, World
from tests.functional.isolation_enrollment import (
    app_path,
    approved,
    consent,
    draft,
    new_family,
    new_term,
    to_teacher_approved,
)

EDIT = {"care_reason": {"pickup_by": "母亲", "pickup_time": "18:00"}, "services": [], "activity_ids": []}


def test_queues_filter_by_status_and_page(api: Api, world: World) -> None:
    term = new_term(api, world)
    fam1 = new_family(api, world, "+8613800000601", teacher_sub="t-q")
    fam2 = new_family(api, world, "+8613800000602", class_id=fam1.class_id, teacher_sub="t-q")
    a1 = to_teacher_approved(api, world, fam1, term)
    a2 = approved(api, world, fam2, term)["id"]
    sid = world.school_id
    page = api.get(
        f"/schools/{sid}/classes/{fam1.class_id}/applications?status=teacher_approved&limit=1", as_=fam1.teacher
    ).json
    assert [a["id"] for a in page["items"]] == [a1] and page["next_cursor"] is None
    approved_ids = [
        a["id"] for a in api.get(f"/schools/{sid}/applications?status=approved", as_=world.school_admin).json["items"]
    ]
    assert approved_ids == [a2]
    assert api.get(f"/schools/{sid}/applications?status=nope", as_=world.school_admin).status_code == 400
    r = api.get(f"/schools/{sid}/applications?status=approved&cursor=bm9wZQ", as_=world.school_admin)
    assert r.status_code == 400 and r.json["error"]["code"] == "invalid_cursor"
    missing = "01K0SEED00000000000000C1A5"
    assert api.get(f"/schools/{sid}/classes/{missing}/applications", as_=world.school_admin).status_code == 404


def test_edits_are_version_checked(api: Api, world: World) -> None:
    term, fam = new_term(api, world), new_family(api, world)
    consent(api, world, fam)
    app = draft(api, world, fam, term)
    path = app_path(world, app["id"])
    assert api.patch(path, EDIT, as_=fam.guardian).status_code == 428
    stale = api.patch(path, EDIT, as_=fam.guardian, headers={"If-Match": '"99"'})
    assert stale.status_code == 409 and stale.json["error"]["code"] == "version_conflict"
    ok = api.patch(path, EDIT, as_=fam.guardian, headers={"If-Match": f'"{app["version"]}"'})
    assert ok.status_code == 200 and ok.json["care_reason"]["pickup_by"] == "母亲" and ok.json["activities"] == []
    again = api.patch(path, EDIT, as_=fam.guardian, headers={"If-Match": f'"{app["version"]}"'})
    assert again.status_code == 409
    assert api.patch(path, EDIT, as_=world.school_admin, headers={"If-Match": '"2"'}).status_code == 403
    bad = api.patch(path, {**EDIT, "lunch": "maybe"}, as_=fam.guardian, headers={"If-Match": '"2"'})
    assert bad.status_code == 400 and bad.json["error"]["details"][0]["field"] == "lunch"
