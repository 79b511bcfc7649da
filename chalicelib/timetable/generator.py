"""Generate a school's weekly timetable with OR-Tools CP-SAT, or say why none exists.

``generate`` first runs the counting pre-checks (:func:`.precheck.precheck`), then builds the model
(:mod:`.model`) with the objective (fairness of sports and reading between classes, then the busiest
adult's load, then the fewest moves away from the classroom), and solves it under a time limit. The
result passes :func:`.rules.validate` (checked here; a failure is a bug and raises). When the solver
proves infeasibility, :func:`.explain.explain_conflict` names the rule groups in conflict.

It belongs in an asynchronous job, not in an API request (API Gateway stops those at 29 s), though a
36-class school takes well under a second (``make bench``). Packaging: OR-Tools brings numpy and pandas,
about 240 MB unpacked, which with the API's own dependencies passes Lambda's 250 MB limit for a zip; the
generation job wants its own function, packaged as a container image, with the API function left without
OR-Tools. Importing :mod:`chalicelib.timetable` does not import OR-Tools; only the solver modules
(:mod:`.model`, :mod:`.explain`, this one) do.

Example::

    >>> from chalicelib.timetable.samples import sample_school
    >>> result = generate(sample_school(grades=2, classes_per_grade=2, adults=10))
    >>> result.status, len(result.timetable.cells)
    ('ok', 40)
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Literal

from ortools.sat.python import cp_model

from .explain import explain_conflict
from .inputs import TimetableInputs
from .messages import Violation
from .model import TimetableModel
from .precheck import precheck
from .rules import validate
from .timetable import Timetable
from .views import Balance, balance

Status = Literal["ok", "infeasible", "timeout"]


class GeneratorBug(RuntimeError):
    """The solver's timetable breaks a rule: the model and :mod:`.rules` disagree. Never shown as a result."""


@dataclass(frozen=True)
class SolverOptions:
    """How the solver runs.

    One worker by default: CP-SAT's single-worker search is deterministic (same inputs and seed, same
    timetable, as long as it ends before ``time_limit_s``, a wall-clock safety net) and on these models
    it was also the fastest: measured here, two workers with ``interleave_search`` (CP-SAT's
    deterministic parallel mode) took 10-60 times longer, two free-running workers several times
    longer. On a 2-vCPU Lambda the second core is left to the rest of the job. ``num_workers`` > 1
    with ``deterministic`` turns on ``interleave_search``.
    """

    time_limit_s: float = 20.0
    num_workers: int = 1
    seed: int = 0
    deterministic: bool = True
    explain_time_limit_s: float = 10.0


@dataclass(frozen=True)
class Figures:
    """The objective's parts as the timetable shows them, and how the solve went."""

    balance: Balance
    objective: int
    best_bound: int
    optimal: bool
    seconds: float  # wall time of the whole generation, pre-checks included
    solver_seconds: float

    def as_json(self) -> dict[str, Any]:
        return {
            **self.balance.as_json(),
            "objective": self.objective,
            "best_bound": self.best_bound,
            "optimal": self.optimal,
            "seconds": round(self.seconds, 3),
            "solver_seconds": round(self.solver_seconds, 3),
        }


@dataclass(frozen=True)
class Generation:
    """``ok`` with a timetable and its figures; ``infeasible`` with the reasons (pre-check findings, or a
    ``rules_conflict`` followed by the conflicting rule groups); ``timeout`` when neither a timetable nor
    a proof came within the time limit."""

    status: Status
    timetable: Timetable | None = None
    figures: Figures | None = None
    problems: tuple[Violation, ...] = field(default=())

    def as_json(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "timetable": self.timetable.as_json() if self.timetable else None,
            "figures": self.figures.as_json() if self.figures else None,
            "problems": [p.as_json() for p in self.problems],
        }


def generate(inputs: TimetableInputs, options: SolverOptions | None = None) -> Generation:
    options = options or SolverOptions()
    started = time.perf_counter()
    found = precheck(inputs)
    if found:
        return Generation("infeasible", problems=tuple(found))
    tm = TimetableModel(inputs)
    tm.minimize()
    solver = _solver(options)
    status = solver.solve(tm.model)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return _solved(inputs, tm, solver, status == cp_model.OPTIMAL, started)
    if status == cp_model.INFEASIBLE:
        conflict = explain_conflict(inputs, options.explain_time_limit_s)
        if conflict:
            return Generation("infeasible", problems=tuple(conflict))
    return Generation(
        "timeout", problems=(Violation("no_solution_in_time", params={"seconds": f"{options.time_limit_s:g}"}),)
    )


def _solver(options: SolverOptions) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    p = solver.parameters
    p.max_time_in_seconds = options.time_limit_s
    p.num_workers = options.num_workers
    p.random_seed = options.seed
    p.interleave_search = options.deterministic and options.num_workers > 1
    return solver


def _solved(
    inputs: TimetableInputs, tm: TimetableModel, solver: cp_model.CpSolver, optimal: bool, started: float
) -> Generation:
    timetable = tm.timetable(solver)
    broken = validate(timetable, inputs)
    if broken:  # the model and the rules disagree: a bug, never a timetable to show
        raise GeneratorBug(f"generated timetable breaks rules: {[v.code for v in broken[:5]]}")
    figures = Figures(
        balance=balance(timetable, inputs),
        objective=int(solver.objective_value),
        best_bound=int(solver.best_objective_bound),
        optimal=optimal,
        seconds=time.perf_counter() - started,
        solver_seconds=solver.wall_time,
    )
    return Generation("ok", timetable, figures)
