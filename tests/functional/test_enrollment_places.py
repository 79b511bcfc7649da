"""名额: GET /schools/{id}/terms/{term}/places, the counters behind it, and a batch's per-request reads."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from chalicelib.core.identity import Principal, Role
from chalicelib.core.request_scope import request_scope
from chalicelib.enrollment import schemas, seats
from chalicelib.enrollment.models import SeatCounter
from tests.functional.conftest import Api, World
from tests.functional.isolation_enrollment import (
    app_path,
    approved,
    new_family,
    new_term,
    to_teacher_approved,
)


def _places(api: Api, w: World, term_id: str, token: str) -> Any:
    return api.get(f"/schools/{w.school_id}/terms/{term_id}/places", as_=token)


def _by_activity(api: Api, w: World, term_id: str) -> dict[str, dict[str, int]]:
    r = _places(api, w, term_id, w.school_admin)
    assert r.status_code == 200, r.body
    return {i["activity_id"]: {k: i[k] for k in ("capacity", "taken", "waiting")} for i in r.json["items"]}


def test_places_follow_approvals_waiting_lists_and_departures(api: Api, world: World) -> None:
    term = new_term(api, world, capacities=(1, 5))
    full, roomy = term.activity_ids
    assert _by_activity(api, world, term.term_id) == {
        full: {"capacity": 1, "taken": 0, "waiting": 0},
        roomy: {"capacity": 5, "taken": 0, "waiting": 0},
    }
    fams = [new_family(api, world, f"+861380009{i:04d}") for i in range(3)]
    ids = [approved(api, world, f, term)["id"] for f in fams]
    assert _by_activity(api, world, term.term_id) == {
        full: {"capacity": 1, "taken": 1, "waiting": 2},
        roomy: {"capacity": 5, "taken": 3, "waiting": 0},
    }
    # guardians and every staff role read it; nobody is named
    for token in (fams[0].guardian, world.teacher, api.tokens("provider_staff", tenant=world.school_id)):
        r = _places(api, world, term.term_id, token)
        assert r.status_code == 200 and "王" not in r.body.decode()
    # the seated child drops the full activity: the place goes to the first waiting child
    drop = app_path(world, ids[0], f"/activities/{full}/drop")
    assert api.post(drop, {"effective_on": "3000-03-01"}, as_=fams[0].guardian).status_code == 200
    assert _by_activity(api, world, term.term_id)[full] == {"capacity": 1, "taken": 1, "waiting": 1}
    # the last waiting child withdraws: off the list, and its place in the other activity is given back
    body = {"effective_on": "3000-03-01", "reason": "x"}
    assert api.post(app_path(world, ids[2], "/withdraw"), body, as_=fams[2].guardian).status_code == 200
    assert _by_activity(api, world, term.term_id) == {
        full: {"capacity": 1, "taken": 1, "waiting": 0},
        roomy: {"capacity": 5, "taken": 2, "waiting": 0},
    }
    # the child now holding the place withdraws, nobody waits: the place is free again
    assert api.post(app_path(world, ids[1], "/withdraw"), body, as_=fams[1].guardian).status_code == 200
    assert _by_activity(api, world, term.term_id)[full] == {"capacity": 1, "taken": 0, "waiting": 0}


def test_places_refusals(api: Api, world: World, other: World) -> None:
    term = new_term(api, world)
    assert _places(api, world, term.term_id, other.school_admin).status_code == 404
    assert _places(api, world, term.term_id, api.tokens("guardian", tenant=other.school_id)).status_code == 404
    # the term exists but has no published program; an unknown or malformed term
    body = {"name": "3999秋季学期", "starts_on": "3999-09-01", "ends_on": "3999-12-31"}
    r = api.post(f"/schools/{world.school_id}/terms", body, as_=world.school_admin)
    unpublished = r.json["id"] if r.status_code == 201 else "01K0SEED0000000000000TRM99"
    for term_id in (unpublished, "01K0SEED0000000000000TRM99", "nope"):
        r = _places(api, world, term_id, world.school_admin)
        assert r.status_code == 404 and r.json["error"]["code"] == "not_found", term_id
    assert api.get(f"/schools/{world.school_id}/terms/{term.term_id}/places").status_code == 401


def test_a_counter_from_before_waiting_counts_is_counted_then_kept(api: Api, world: World) -> None:
    term = new_term(api, world, capacities=(1,))
    (activity,) = term.activity_ids
    fams = [new_family(api, world, f"+861380008{i:04d}") for i in range(4)]
    ids = [approved(api, world, f, term)["id"] for f in fams[:3]]
    # as if written before this change: the counter has no waiting count
    key = SeatCounter.key(world.school_id, term.term_id, activity)
    SeatCounter(*key).update(actions=[SeatCounter.waiting.remove()])
    assert SeatCounter.get(*key, consistent_read=True).waiting is None
    assert _by_activity(api, world, term.term_id)[activity]["waiting"] == 2  # counted from the list
    approved(api, world, fams[3], term)  # the next change stores the right number
    assert int(SeatCounter.get(*key, consistent_read=True).waiting) == 3
    SeatCounter(*key).update(actions=[SeatCounter.waiting.remove()])
    body = {"effective_on": "3000-03-01", "reason": "x"}
    assert api.post(app_path(world, ids[1], "/withdraw"), body, as_=fams[1].guardian).status_code == 200
    assert int(SeatCounter.get(*key, consistent_read=True).waiting) == 2
    assert _by_activity(api, world, term.term_id)[activity] == {"capacity": 1, "taken": 1, "waiting": 2}


def _admin(w: World) -> Principal:
    return Principal(sub="principal", roles=frozenset({Role.SCHOOL_ADMIN}), tenant=w.school_id)


def test_parallel_batches_with_per_request_reads_never_exceed_capacity(api: Api, world: World, container: Any) -> None:
    term = new_term(api, world, capacities=(3,))
    fams = [new_family(api, world, f"+861380007{i:04d}") for i in range(8)]
    ids = [to_teacher_approved(api, world, f, term) for f in fams]
    api.get(f"/schools/{world.school_id}/applications", as_=world.school_admin)  # this school's credentials

    def batch(part: list[str]) -> list[dict[str, Any]]:
        with request_scope():  # each batch reads the program and the counter once, as in a request
            cmd = schemas.BatchDecision(application_ids=part, decision="approve")
            return list(container.enrollment.decide_many(_admin(world), world.school_id, cmd))

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = [r for part in pool.map(batch, [ids[:4], ids[4:]]) for r in part]
    assert all(r["ok"] for r in results), results
    states = [r["activities"][0] for r in results]
    assert sum(s["state"] == "seated" for s in states) == 3
    assert sorted(s["position"] for s in states if s["state"] == "waitlisted") == [1, 2, 3, 4, 5]
    assert _by_activity(api, world, term.term_id)[term.activity_ids[0]] == {"capacity": 3, "taken": 3, "waiting": 5}


def test_a_place_freed_after_the_counter_was_read_is_taken_not_waited_for(
    api: Api, world: World, container: Any
) -> None:
    term = new_term(api, world, capacities=(1,))
    (activity,) = term.activity_ids
    first, second = new_family(api, world, "+8613800070901"), new_family(api, world, "+8613800070902")
    held = approved(api, world, first, term)["id"]
    waiting_id = to_teacher_approved(api, world, second, term)
    with request_scope():
        assert seats.counter(world.school_id, term.term_id, activity).taken == 1  # this request saw it full
        drop = app_path(world, held, f"/activities/{activity}/drop")
        assert api.post(drop, {"effective_on": "3000-03-01"}, as_=first.guardian).status_code == 200
        app = container.enrollment.decide(_admin(world), world.school_id, waiting_id, "approve", None)
    assert app["activities"][0]["state"] == "seated"  # the waiting list refused it (taken < capacity)
    assert _by_activity(api, world, term.term_id)[activity] == {"capacity": 1, "taken": 1, "waiting": 0}
