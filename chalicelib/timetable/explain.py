"""Which rules conflict, when the counting pre-checks (:mod:`.precheck`) pass but the solver proves that
no timetable exists.

The model is solved again with one assumption literal per rule group (a venue's capacity on a day, one
place per adult in a slot, a grade's stagger on a day, a grade's minimum, the weekly maximum of a team
of interchangeable adults). CP-SAT returns a subset of groups that cannot hold together
(``sufficient_assumptions_for_infeasibility``, with one worker, where the core comes from); when small,
it is shrunk by deletion to a minimal one, so every group named is part of the conflict.
"""

from __future__ import annotations

import time
from typing import Any

from ortools.sat.python import cp_model

from .inputs import TimetableInputs
from .messages import Params, Violation, names
from .model import Group, TimetableModel
from .vocabulary import ACTIVITY_PERIOD


def explain_conflict(inputs: TimetableInputs, time_limit_s: float = 10.0) -> list[Violation] | None:
    """The rule groups that cannot hold together, as violations led by ``rules_conflict``; None when the
    solver cannot tell within the time (or finds the model feasible after all)."""
    groups = conflicting_groups(inputs, time_limit_s)
    if groups is None:
        return None
    return [Violation("rules_conflict"), *(_describe(inputs, key) for key in groups)]


def conflicting_groups(inputs: TimetableInputs, time_limit_s: float = 10.0) -> list[Group] | None:
    """A set of rule groups that cannot all hold, minimal when the time allows (dropping any one of them
    lets the rest hold); None when the solver cannot tell."""
    deadline = time.monotonic() + time_limit_s
    tm = TimetableModel(inputs, assumptions=True)
    core = _core(tm, sorted(tm.groups, key=repr), deadline)
    if core is None:
        return None
    return _minimize(tm, core, deadline)  # stops at the deadline with a core that is still a true one


def holds(inputs: TimetableInputs, groups: list[Group], time_limit_s: float = 10.0) -> bool | None:
    """Whether some timetable satisfies the given rule groups (the others relaxed); None when unknown."""
    tm = TimetableModel(inputs, assumptions=True)
    status, _ = _solve(tm, [g for g in groups if g in tm.groups], time.monotonic() + time_limit_s)
    return None if status == cp_model.UNKNOWN else status != cp_model.INFEASIBLE


def _solve(
    tm: TimetableModel, keys: list[Group], deadline: float, presolve: bool = True
) -> tuple[Any, cp_model.CpSolver]:
    tm.model.clear_assumptions()
    tm.model.add_assumptions([tm.groups[k] for k in keys])
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1  # assumptions' cores come from the single sequential search
    solver.parameters.cp_model_presolve = presolve
    # Every group's constraint has its literal as enforcement, which the default linear relaxation leaves
    # out; a conflict of sums over the week (a team's weekly maximum against the leaders a day needs) then
    # took the search several seconds or past the deadline. The full relaxation proves those at once.
    solver.parameters.linearization_level = 2
    solver.parameters.max_time_in_seconds = max(0.1, deadline - time.monotonic())
    return solver.solve(tm.model), solver


def _core(tm: TimetableModel, keys: list[Group], deadline: float) -> list[Group] | None:
    """The solver's own core. Presolve can answer with literals that are not assumptions (OR-Tools issue
    5141); those are dropped, and an empty answer is asked again without presolve."""
    by_index = {tm.groups[k].index: k for k in keys}
    for presolve in (True, False):
        status, solver = _solve(tm, keys, deadline, presolve)
        if status != cp_model.INFEASIBLE:
            return None
        core = [by_index[i] for i in solver.sufficient_assumptions_for_infeasibility() if i in by_index]
        if core:
            return sorted(core, key=repr)
    return keys


def _minimize(tm: TimetableModel, core: list[Group], deadline: float) -> list[Group]:
    """Drop each group in turn; keep it out when the rest is still infeasible (deletion filter)."""
    kept = list(core)
    for key in list(core):
        if time.monotonic() >= deadline:
            break
        trial = [k for k in kept if k != key]
        if trial and _solve(tm, trial, deadline)[0] == cp_model.INFEASIBLE:
            kept = trial
    return kept


def _describe(inputs: TimetableInputs, key: Group) -> Violation:
    kind = key[0]
    if kind == "venue":
        venue = inputs.venue_by_id[key[1]]
        params: Params = {"venue": venue.name, "capacity": venue.capacity}
        return Violation("conflict_venue_capacity", key[2], ACTIVITY_PERIOD, venue_ids=(venue.id,), params=params)
    if kind == "adults":
        return Violation("conflict_adults", key[1], key[2])
    if kind == "load":  # a team of interchangeable adults, sharing one weekly maximum
        adults = [inputs.adult_by_id[a] for a in key[1]]
        load: Params = {"adults": names([a.name for a in adults]), "max": adults[0].max_periods or 0}
        code = "conflict_adult_load" if len(adults) == 1 else "conflict_adults_load"
        return Violation(code, adult_ids=tuple(key[1]), params=load)
    if kind == "stagger":
        classes = tuple(c.id for c in inputs.grades[key[1]])
        return Violation("conflict_stagger", key[2], ACTIVITY_PERIOD, classes, params={"grade": key[1]})
    grade, category = key[1], key[2]
    minimum: Params = {"grade": grade, "category": category, "times": inputs.minimum(grade, category)}
    return Violation("conflict_fairness", class_ids=tuple(c.id for c in inputs.grades[grade]), params=minimum)
