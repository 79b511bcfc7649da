"""The devstack seed data (``make run``): written through the real services, idempotent, and complete enough
that the first school's term can be timetabled."""

from __future__ import annotations

from chalicelib.api.container import Container
from chalicelib.core.identity import Principal, Role
from devstack import seed


def test_seeding_twice_adds_nothing_and_the_first_school_is_ready_for_a_timetable(container: Container) -> None:
    seed.seed(container)
    again = seed.seed(container)
    assert again["districts"] == again["schools"] == again["students"] == 0
    assert again["terms"] == again["programs"] == again["timetable"] == 0

    admin = Principal(sub="seed-s1-principal", roles=frozenset({Role.SCHOOL_ADMIN}), tenant=seed.S1)
    readiness = container.timetable.readiness(admin, seed.S1, seed.TERM_S1)
    assert readiness.ready, [p.as_json("zh-CN")["message"] for p in readiness.problems]
    assert readiness.counts["classes"] == 2 and readiness.counts["venues"] == 4 and readiness.counts["adults"] == 5
