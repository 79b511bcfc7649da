"""The generation job's own paths, with the solver injected: a school with no timetable, a solver that
breaks, a redelivered request, a worker that died (its lease passes), and malformed requests. Every
failure finishes the job with a code and both languages' messages and releases the term's lock."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pytest

from chalicelib.api.container import Container
from chalicelib.core.clock import SystemClock
from chalicelib.core.errors import Conflict
from chalicelib.core.identity import Principal, Role
from chalicelib.core.ids import new_id
from chalicelib.timetable.generation_jobs import GenerationJobs
from chalicelib.timetable.generator import Generation
from chalicelib.timetable.inputs import TimetableInputs
from chalicelib.timetable.messages import Violation
from chalicelib.timetable.plan_models import Draft
from tests.functional.conftest import Api, World
from tests.functional.timetable_school import ready_school


@dataclass
class Later:
    """A clock that can jump forward (a worker that died shows once its lease has passed)."""

    offset: dt.timedelta = field(default_factory=dt.timedelta)

    def now(self) -> dt.datetime:
        return SystemClock().now() + self.offset


def _jobs(container: Container, solve: Any, clock: Any = None) -> GenerationJobs:
    # after_commit does nothing: these tests run the job themselves, not the local runner
    return GenerationJobs(
        container.data.connection, clock or SystemClock(), lambda: None, container.timetable.assembler, solve
    )


def _admin(w: World) -> Principal:
    return Principal("principal-1", frozenset({Role.SCHOOL_ADMIN}), tenant=w.school_id)


def _infeasible(inputs: TimetableInputs) -> Generation:
    v = Violation("too_few_places", 2, 2, params={"count": 7, "category": "sports", "venues": "操场", "capacity": 4})
    return Generation("infeasible", problems=(v,))


def test_no_timetable_finishes_failed_with_the_reasons(api: Api, world: World, container: Container) -> None:
    term_id = ready_school(api, world)["term_id"]
    jobs = _jobs(container, _infeasible)
    job = jobs.start(_admin(world), world.school_id, term_id)
    assert jobs.run(world.school_id, term_id, job["generation_id"]) == "failed"
    done = jobs.get(_admin(world), world.school_id, term_id, job["generation_id"], "zh-CN")
    assert (done["status"], done["phase"], done["progress"], done["draft_version"]) == ("failed", "done", 100, None)
    assert done["failure"]["code"] == "infeasible"
    assert done["failure"]["message"] == "按现有条件无法排出符合规则的课表。"
    assert done["failure"]["problems"][0]["code"] == "too_few_places"
    assert done["failure"]["problems"][0]["message"] == "周二第2课时：7 个班需要体育场地，而操场只能容纳 4 个班。"
    en = jobs.get(_admin(world), world.school_id, term_id, job["generation_id"], "en")["failure"]
    assert en["message"].startswith("No timetable satisfies")
    assert en["problems"][0]["message"] != done["failure"]["problems"][0]["message"]
    # the lock is released: the next generation may start; no draft was written
    again = jobs.start(_admin(world), world.school_id, term_id)
    assert again["status"] == "queued"
    assert jobs.run(world.school_id, term_id, again["generation_id"]) == "failed"
    pk, sk = Draft.key(world.school_id, term_id)
    assert Draft.count(pk, Draft.sk == sk) == 0


def test_a_solver_that_breaks_fails_the_job_not_the_worker(api: Api, world: World, container: Container) -> None:
    term_id = ready_school(api, world)["term_id"]

    def broken(inputs: TimetableInputs) -> Generation:
        raise ZeroDivisionError("bug")

    jobs = _jobs(container, broken)
    job = jobs.start(_admin(world), world.school_id, term_id)
    assert jobs.run(world.school_id, term_id, job["generation_id"]) == "failed"
    failure = jobs.get(_admin(world), world.school_id, term_id, job["generation_id"], "zh-CN")["failure"]
    assert failure["code"] == "internal"
    assert "ZeroDivisionError" in failure["problems"][0]["message"]


def test_a_redelivered_request_does_nothing(api: Api, world: World, container: Container) -> None:
    term_id = ready_school(api, world)["term_id"]
    from chalicelib.timetable.generation_jobs import solve_with_ortools

    calls: list[int] = []

    def counted(inputs: TimetableInputs) -> Generation:
        calls.append(1)
        return solve_with_ortools(inputs)

    jobs = _jobs(container, counted)
    job = jobs.start(_admin(world), world.school_id, term_id)
    assert jobs.run(world.school_id, term_id, job["generation_id"]) == "succeeded"
    assert jobs.run(world.school_id, term_id, job["generation_id"]) == "succeeded"
    assert len(calls) == 1
    draft = Draft.get(*Draft.key(world.school_id, term_id))
    assert (draft.version, draft.based_on_generation_id) == (1, job["generation_id"])


def test_a_dead_worker_reads_as_expired_and_frees_the_term(api: Api, world: World, container: Container) -> None:
    term_id = ready_school(api, world)["term_id"]
    clock = Later()
    jobs = _jobs(container, _infeasible, clock)
    job = jobs.start(_admin(world), world.school_id, term_id)  # never run: its worker "died"
    assert jobs.get(_admin(world), world.school_id, term_id, job["generation_id"], "en")["status"] == "queued"
    clock.offset = dt.timedelta(minutes=21)
    late = jobs.get(_admin(world), world.school_id, term_id, job["generation_id"], "en")
    assert (late["status"], late["failure"]["code"]) == ("failed", "expired")
    second = jobs.start(_admin(world), world.school_id, term_id)
    assert second["generation_id"] != job["generation_id"]
    # the dead job's request redelivered late is not run: it finishes as expired, the newer job's lock stays
    assert jobs.run(world.school_id, term_id, job["generation_id"]) == "failed"
    late = jobs.get(_admin(world), world.school_id, term_id, job["generation_id"], "en")
    assert (late["status"], late["failure"]["code"], late["finished_at"] is not None) == ("failed", "expired", True)
    with pytest.raises(Conflict) as running:
        jobs.start(_admin(world), world.school_id, term_id)
    assert running.value.code == "generation_running"
    assert running.value.details == {"generation_id": second["generation_id"]}
    # (the second finishes here, so the local runner has nothing left to pick up after the test)
    assert jobs.run(world.school_id, term_id, second["generation_id"]) == "failed"


def test_malformed_or_unknown_requests_are_ignored(api: Api, world: World, container: Container) -> None:
    jobs = _jobs(container, _infeasible)
    assert jobs.run("not-an-id", new_id(), new_id()) == "missing"
    assert jobs.run(world.school_id, new_id(), new_id()) == "missing"
