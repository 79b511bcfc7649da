"""Timetable generation time (OR-Tools CP-SAT), pure domain, no local stack needed.

Schools from :func:`chalicelib.timetable.sample_school`: the issue's 36-class school (6 grades × 6
classes, 10 shared venues, 60 adults) and a 60-class school (6 grades × 10 classes, the same 10 shared
venues with the sports venues enlarged so a whole grade can still go out together, 100 adults), each
solved staggered by grade (the default: the model counts per grade) and not staggered (per class).
Each row is the median of ``repeats`` generations in this process (OR-Tools already imported), with
solver seeds 0, 1, ...: each run is deterministic, but one seed can be lucky or unlucky on a given
school (0.1 s against 0.4 s here), so a single seed would measure luck rather than growth. The import
itself is timed once in a fresh interpreter, because the generation job pays it on a cold start.

Goal (issue 4): 36 classes in under 10 s on this machine, and time growing no faster than the class count
(judged on the default model, staggered by grade; growth is compared on CPU time, steadier than wall time
on a shared machine).

Run alone: ``.venv/bin/python -m tests.bench.timetable [--repeats N]``.
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from typing import Any

from .coldstart import ROOT

GOAL_SECONDS = 10.0
SCHOOLS = (  # label, grades, classes per grade, adults
    ("36 classes (6×6)", 6, 6, 60),
    ("60 classes (6×10)", 6, 10, 100),
)
IMPORT = "import time; t = time.perf_counter(); from ortools.sat.python import cp_model; print(time.perf_counter() - t)"


@dataclass
class Run:
    school: str
    staggered: bool
    classes: int
    adults: int
    shared_venues: int
    variables: int
    constraints: int
    wall_s: list[float]
    cpu_s: list[float]
    status: str
    optimal: bool
    objective: int
    figures: dict[str, int]

    @property
    def wall(self) -> float:
        return statistics.median(self.wall_s)

    @property
    def cpu(self) -> float:
        return statistics.median(self.cpu_s)

    def as_json(self) -> dict[str, Any]:
        return {**dataclasses.asdict(self), "wall_median_s": round(self.wall, 3), "cpu_median_s": round(self.cpu, 3)}


@dataclass
class Growth:
    staggered: bool
    class_ratio: float
    wall_ratio: float
    cpu_ratio: float

    @property
    def no_worse_than_linear(self) -> bool:
        return self.cpu_ratio <= self.class_ratio


@dataclass
class TimetableReport:
    repeats: int
    import_s: float
    runs: list[Run] = field(default_factory=list)

    def run(self, classes: int, staggered: bool) -> Run:
        return next(r for r in self.runs if r.classes == classes and r.staggered == staggered)

    @property
    def growth(self) -> list[Growth]:
        out = []
        for staggered in (True, False):
            small, large = self.run(36, staggered), self.run(60, staggered)
            out.append(Growth(staggered, large.classes / small.classes, large.wall / small.wall, large.cpu / small.cpu))
        return out

    @property
    def meets_goal(self) -> bool:
        """Judged on the default model (staggered by grade, R9); the per-class one is reported alongside."""
        staggered = next(g for g in self.growth if g.staggered)
        return self.run(36, True).wall < GOAL_SECONDS and staggered.no_worse_than_linear

    def as_json(self) -> dict[str, Any]:
        return {
            "repeats": self.repeats,
            "ortools_import_s": round(self.import_s, 3),
            "runs": [r.as_json() for r in self.runs],
            "growth": [{**dataclasses.asdict(g), "no_worse_than_linear": g.no_worse_than_linear} for g in self.growth],
            "goal_seconds": GOAL_SECONDS,
            "meets_goal": self.meets_goal,
        }


def _import_seconds() -> float:
    out = subprocess.run([sys.executable, "-c", IMPORT], cwd=ROOT, capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


def _measure(label: str, grades: int, per_grade: int, adults: int, staggered: bool, repeats: int) -> Run:
    from chalicelib.timetable import SolverOptions, generate, sample_school, validate
    from chalicelib.timetable.model import TimetableModel

    inputs = sample_school(grades, per_grade, adults)
    inputs = dataclasses.replace(inputs, settings=dataclasses.replace(inputs.settings, stagger_by_grade=staggered))
    model = TimetableModel(inputs)
    model.minimize()
    walls, cpus = [], []
    result = None
    for seed in range(repeats):
        wall, cpu = time.perf_counter(), time.process_time()  # CP-SAT's threads count in process time
        result = generate(inputs, SolverOptions(seed=seed))
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    assert result is not None and result.timetable is not None and result.figures is not None, result
    assert validate(result.timetable, inputs) == []
    return Run(
        school=label,
        staggered=staggered,
        classes=len(inputs.classes),
        adults=len(inputs.adults),
        shared_venues=len([v for v in inputs.venues if v.id not in inputs.home_venue_ids]),
        variables=len(model.model.proto.variables),
        constraints=len(model.model.proto.constraints),
        wall_s=[round(w, 3) for w in walls],
        cpu_s=[round(c, 3) for c in cpus],
        status=result.status,
        optimal=result.figures.optimal,
        objective=result.figures.objective,
        figures=result.figures.balance.as_json(),
    )


def measure(repeats: int = 5) -> TimetableReport:
    rep = TimetableReport(repeats=repeats, import_s=_import_seconds())
    for staggered in (True, False):
        for label, grades, per_grade, adults in SCHOOLS:
            rep.runs.append(_measure(label, grades, per_grade, adults, staggered, repeats))
    return rep


def main(argv: list[str] | None = None) -> int:
    from . import report

    parser = argparse.ArgumentParser(prog="python -m tests.bench.timetable", description=__doc__)
    parser.add_argument("--repeats", type=int, default=5, help="generations (seeds) per school for the median")
    args = parser.parse_args(argv)
    print(report.timetable_section(measure(args.repeats), number=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
