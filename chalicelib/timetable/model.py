"""The CP-SAT model of a school's week (OR-Tools), shared by the generator and the conflict explainer.

The model counts rather than pairs, because most of a school is interchangeable:

- a *cohort* is a set of classes that take the same kind of activity every activity period: a whole
  grade when staggered by grade (错峰, the default), otherwise one class. Its classes differ only in
  their own classroom, written ``HOME`` in the model;
- a *team* is a set of interchangeable adults: same skills, same availability, same weekly maximum
  of periods, named by the same activities' staff lists.

Variables:
- ``place[cohort, day][(activity, venue)]``: how many of the cohort's classes take that activity in
  that venue on an activity slot (Tuesday-Friday period 2); only pairs that pass the per-cell rules
  (grade, weekday, venue type, allowed content) exist, so those rules hold by construction;
- ``kind[cohort, day][category]``: the category the grade takes that day (staggered by grade only);
- ``lead[day, activity][team]``: how many of the team's adults lead a class of that activity;
- ``supervise[day, period][team]``: how many of the team's adults supervise a class's homework in a
  homework slot (period 1 every day, Monday period 2, any later period; R9 fixes activity and venue).

The model stays the same size however many classes a grade has, there is no symmetry between
colleagues or between classes of a grade for the solver to wade through, and the busiest adult's
load has a tight bound: a team's work handed out round-robin over the whole week gives each member
floor or ceil(work / members) periods. So an adult's weekly maximum (R7, R13) is one linear constraint
per team, work <= members * max: ceil(work / members) <= max exactly then. Classes and adults are
paired afterwards (:meth:`TimetableModel.timetable`).

The rules between cells are constraints: venue capacity, one place per adult, staggering by grade,
fairness minima, adults' weekly maxima. With ``assumptions=True`` each is switched on by the literal
of its *group* (a venue on a day, the adults of a slot, a grade's stagger on a day, a grade's minimum,
a team's weekly load), so that an infeasible model can name the groups at fault (:mod:`.explain`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ortools.sat.python import cp_model

from .inputs import Adult, SchoolClass, TimetableInputs, can_lead, is_activity_slot
from .options import activity_options, teams, usable_slots
from .timetable import Cell, Timetable
from .vocabulary import ACTIVITY_PERIOD

# Objective weights: fairness first, then the busiest adult's load, then children walking between rooms.
FAIRNESS_WEIGHT = 1000  # per period of spread of sports (and of reading) between classes
LOAD_WEIGHT = 100  # per period of the busiest adult's week
MOVE_WEIGHT = 1  # per class and day whose activity is away from its own classroom

HOME = "@home"  # in the model, "each class in its own classroom"

# ("venue", venue_id, weekday) | ("adults", weekday, period) | ("stagger", grade, weekday)
# | ("fairness", grade, category) | ("load", the team's adult ids)
Group = tuple[Any, ...]
Option = tuple[str, str]  # (activity id, venue id or HOME)
Duties = dict[tuple[int, int, str | None], list[str]]  # (day, period, activity or None) -> adult ids


@dataclass(frozen=True)
class Cohort:
    grade: int
    classes: tuple[SchoolClass, ...]

    @property
    def size(self) -> int:
        return len(self.classes)


def cohorts(inputs: TimetableInputs) -> list[Cohort]:
    if inputs.settings.stagger_by_grade:
        return [Cohort(g, classes) for g, classes in inputs.grades.items()]
    return [Cohort(c.grade, (c,)) for cs in inputs.grades.values() for c in cs]


class TimetableModel:
    """Build once per solve; :meth:`timetable` reads the solution back."""

    def __init__(self, inputs: TimetableInputs, assumptions: bool = False) -> None:
        self.inputs = inputs
        self.model = cp_model.CpModel()
        self.use_assumptions = assumptions
        self.groups: dict[Group, cp_model.IntVar] = {}
        self.teams = teams(inputs)
        self.cohorts = cohorts(inputs)
        self.days = [d for d, _ in inputs.activity_slots()]
        self.place: dict[tuple[int, int], dict[Option, cp_model.IntVar]] = {}  # (cohort index, day) -> ...
        self.kind: dict[tuple[int, int], dict[str, cp_model.IntVar]] = {}
        self.lead: dict[tuple[int, str], dict[int, cp_model.IntVar]] = {}  # (day, activity) -> team -> count
        self.supervise: dict[tuple[int, int], dict[int, cp_model.IntVar]] = {}  # (day, period) -> team -> count
        self._build()

    def _category(self, option: Option) -> str:
        return self.inputs.activity_by_id[option[0]].category

    # -- structure -------------------------------------------------------------------------------

    def _build(self) -> None:
        for d, p in self.inputs.settings.slots():
            if is_activity_slot(d, p):
                for i in range(len(self.cohorts)):
                    self._places(i, d)
                self._leaders(d)
            else:
                self._supervisors(d, p)
        self._venue_capacity()
        self._fairness()
        self._loads()

    def _options(self, cohort: Cohort, d: int) -> list[Option]:
        first = cohort.classes[0]  # classes of a cohort differ only in their own classroom
        return [
            (a, HOME if v == first.home_venue_id else v)
            for a, (_, venues, _) in activity_options(self.inputs, first, d).items()
            for v in venues
        ]

    def _places(self, i: int, d: int) -> None:
        cohort, m = self.cohorts[i], self.model
        place = {o: m.new_int_var(0, cohort.size, f"n_{i}_{d}_{o[0]}_{o[1]}") for o in self._options(cohort, d)}
        m.add(sum(place.values()) == cohort.size)
        self.place[(i, d)] = place
        if not self.inputs.settings.stagger_by_grade:
            return
        kind = {k: m.new_bool_var(f"y_{i}_{d}_{k}") for k in sorted({self._category(o) for o in place})}
        m.add_exactly_one(kind.values())
        self.kind[(i, d)] = kind
        for k, var in kind.items():
            ct = m.add(sum(n for o, n in place.items() if self._category(o) == k) == cohort.size * var)
            if self.use_assumptions:
                ct.only_enforce_if(self.group(("stagger", cohort.grade, d)))

    def _leaders(self, d: int) -> None:
        taking: dict[str, list[cp_model.IntVar]] = defaultdict(list)
        for (_, day), place in self.place.items():
            if day == d:
                for (a, _), n in place.items():
                    taking[a].append(n)
        by_team: dict[int, list[cp_model.IntVar]] = defaultdict(list)
        for activity in self.inputs.activities:
            if activity.id not in taking:
                continue
            # Explaining, a team's size is a rule to relax (one place per adult), not a domain.
            most = len(self.inputs.classes) if self.use_assumptions else None
            lead = {
                t: self.model.new_int_var(0, most or len(members), f"l_{d}_{activity.id}_{t}")
                for t, members in enumerate(self.teams)
                if members[0].is_available(d, ACTIVITY_PERIOD) and can_lead(members[0], activity)
            }
            self.model.add(sum(lead.values()) == sum(taking[activity.id]))  # one leader per class
            self.lead[(d, activity.id)] = lead
            for t, var in lead.items():
                by_team[t].append(var)
        for t, terms in sorted(by_team.items()):
            if len(terms) > 1 or self.use_assumptions:
                self._add_le(terms, len(self.teams[t]), ("adults", d, ACTIVITY_PERIOD))

    def _supervisors(self, d: int, period: int) -> None:
        choice = {
            t: self.model.new_int_var(0, len(members), f"s_{d}{period}_{t}")
            for t, members in enumerate(self.teams)
            if members[0].is_available(d, period) and can_lead(members[0], None)
        }
        self.model.add(sum(choice.values()) == len(self.inputs.classes))
        self.supervise[(d, period)] = choice

    # -- constraints between cells, each in a group ----------------------------------------------------

    def group(self, key: Group) -> cp_model.IntVar:
        if key not in self.groups:
            self.groups[key] = self.model.new_bool_var("g_" + "_".join(str(k) for k in key))
        return self.groups[key]

    def _add_le(self, terms: Sequence[cp_model.IntVar], bound: int, key: Group) -> None:
        ct = self.model.add(sum(terms) <= bound)
        if self.use_assumptions:
            ct.only_enforce_if(self.group(key))

    def _venue_capacity(self) -> None:
        usage: dict[tuple[str, int], list[cp_model.IntVar]] = defaultdict(list)
        for (_, d), place in self.place.items():
            for (_, v), n in place.items():
                if v != HOME:
                    usage[(v, d)].append(n)
        for (v, d), terms in sorted(usage.items()):
            capacity = self.inputs.venue_by_id[v].capacity
            self._add_le(terms, capacity, ("venue", v, d))

    def _work(self) -> dict[int, list[cp_model.IntVar]]:
        """Team -> its duty counts over the week (supervising and leading), one period each."""
        work: dict[int, list[cp_model.IntVar]] = defaultdict(list)
        for choice in (*self.lead.values(), *self.supervise.values()):
            for t, var in choice.items():
                work[t].append(var)
        return work

    def _loads(self) -> None:
        """R7, R13: each adult's weekly maximum. Members of a team share it, and :meth:`_rota` hands the
        team's duties out round-robin over the week, so each gets at most ceil(work / members) periods:
        at most the maximum exactly when work <= members * maximum."""
        for t, terms in sorted(self._work().items()):
            members = self.teams[t]
            most = members[0].max_periods
            if most is not None:
                self._add_le(terms, len(members) * most, ("load", tuple(a.id for a in members)))

    def weekly(self, i: int, category: str) -> Any:
        """How many of the cohort's class-periods a week hold ``category``."""
        return sum(n for d in self.days for o, n in self.place[(i, d)].items() if self._category(o) == category)

    def _fairness(self) -> None:
        for i, cohort in enumerate(self.cohorts):
            for f in self.inputs.fairness:
                if f.grade == cohort.grade and f.times > 0:
                    # staggered by grade, every class of the cohort takes the same, so the total is exact
                    ct = self.model.add(self.weekly(i, f.category) >= f.times * cohort.size)
                    if self.use_assumptions:
                        ct.only_enforce_if(self.group(("fairness", f.grade, f.category)))

    # -- objective ---------------------------------------------------------------------------------

    def minimize(self) -> None:
        m = self.model
        spreads = []
        for category in ("sports", "reading"):
            counts = [self._per_class(i, category) for i in range(len(self.cohorts))]
            hi = m.new_int_var(0, len(self.days), f"max_{category}")
            lo = m.new_int_var(0, len(self.days), f"min_{category}")
            m.add_max_equality(hi, counts)
            m.add_min_equality(lo, counts)
            spreads.append(hi - lo)
        moves = [self._moves(i) for i in range(len(self.cohorts))]
        m.minimize(FAIRNESS_WEIGHT * sum(spreads) + LOAD_WEIGHT * self._busiest() + MOVE_WEIGHT * sum(moves))

    def _per_class(self, i: int, category: str) -> Any:
        """Periods of ``category`` a week of each class of the cohort (all alike in a cohort)."""
        if self.inputs.settings.stagger_by_grade:
            return sum(self.kind[(i, d)].get(category, 0) for d in self.days)
        return self.weekly(i, category)  # a cohort of one class

    def _busiest(self) -> cp_model.IntVar:
        work = self._work()
        busiest = self.model.new_int_var(self._least_busiest(), len(self.inputs.settings.slots()), "busiest")
        for t, terms in work.items():
            self.model.add(len(self.teams[t]) * busiest >= sum(terms))
        return busiest

    def _moves(self, i: int) -> cp_model.IntVar:
        """Class-days of the cohort away from their classroom in the activity period. A minimum of a
        category never held in a classroom (sports) forces as many moves; the bound in the variable's
        domain lets the solver prove the optimum at once instead of searching for the proof."""
        cohort = self.cohorts[i]
        forced = sum(
            f.times for f in self.inputs.fairness if f.grade == cohort.grade and not self._in_classroom(i, f.category)
        )
        most = cohort.size * len(self.days)
        moves = self.model.new_int_var(min(forced * cohort.size, most), most, f"moves_{i}")
        self.model.add(moves == sum(n for d in self.days for (_, v), n in self.place[(i, d)].items() if v != HOME))
        return moves

    def _in_classroom(self, i: int, category: str) -> bool:
        return any(v == HOME and self._category((a, v)) == category for d in self.days for a, v in self.place[(i, d)])

    def _least_busiest(self) -> int:
        """A lower bound on the busiest adult's periods, by counting: the smallest B such that the teams,
        each member working at most B periods (and at most their weekly maximum) and only in slots where
        they can do something, cover every cell. Same reason as the moves' bound: the solver proves the
        optimum much sooner."""
        slots = self.inputs.settings.slots()
        cells = len(self.inputs.classes) * len(slots)
        sizes = [len(members) for members in self.teams]
        usable = [len(members) * self._capacity(members) for members in self.teams]
        for bound in range(len(slots) + 1):
            if sum(min(n * bound, u) for n, u in zip(sizes, usable, strict=True)) >= cells:
                return bound
        return 0  # even everyone in every slot cannot cover the cells: the constraints will say so

    def _capacity(self, members: tuple[Adult, ...]) -> int:
        """The most periods a week one member of the team can take: usable slots, capped by the maximum."""
        usable = usable_slots(self.inputs, members[0])
        most = members[0].max_periods
        return usable if most is None else max(0, min(usable, most))

    # -- reading back --------------------------------------------------------------------------------

    def timetable(self, solver: cp_model.CpSolver) -> Timetable:
        on_duty = self._rota(solver)
        return Timetable(tuple([*self._homework_cells(on_duty), *self._activity_cells(solver, on_duty)]))

    def _rota(self, solver: cp_model.CpSolver) -> Duties:
        """Each team hands out its duties round-robin over its members with one turn counter for the whole
        week (never reset per slot): the team's k-th duty of the week goes to member k mod n. So over the
        week each member gets floor or ceil(duties / n) periods, loads differ by at most one, and none
        exceeds a maximum the model's load constraint (duties <= n * max) allows. Within one slot the
        team's duties are consecutive turns, at most n of them (one place per adult), so distinct members."""
        duties: list[tuple[int, int, str | None, dict[int, cp_model.IntVar]]] = [
            *((d, p, None, ch) for (d, p), ch in self.supervise.items()),
            *((d, ACTIVITY_PERIOD, a, ch) for (d, a), ch in self.lead.items()),
        ]
        turn = [0] * len(self.teams)
        out: Duties = {}
        for d, p, a, choice in sorted(duties, key=lambda x: (x[0], x[1], x[2] or "")):
            adults: list[str] = []
            for t, var in sorted(choice.items()):
                members = self.teams[t]
                for _ in range(solver.value(var)):
                    adults.append(members[turn[t] % len(members)].id)
                    turn[t] += 1
            out[(d, p, a)] = adults
        return out

    def _homework_cells(self, on_duty: Duties) -> list[Cell]:
        """Pair supervisors with classes slot by slot, keeping a class with the adult it had in the
        previous homework slot when that adult is on duty again (children see a familiar face)."""
        cells: list[Cell] = []
        previous: dict[str, str] = {}  # class id -> adult id
        for d, p in sorted(self.supervise):
            pairs = _pair([c.id for c in self.inputs.classes], on_duty[(d, p, None)], previous)
            previous = pairs
            by_id = self.inputs.class_by_id
            cells.extend(Cell(d, p, k, by_id[k].home_venue_id, (adult,)) for k, adult in pairs.items())
        return cells

    def _activity_cells(self, solver: cp_model.CpSolver, on_duty: Duties) -> list[Cell]:
        taken: dict[tuple[int, str], list[tuple[str, str]]] = defaultdict(list)  # (day, activity) -> (class, venue)
        for (i, d), place in sorted(self.place.items()):
            classes = iter(self.cohorts[i].classes)
            for (a, v), n in sorted(place.items()):
                for _ in range(solver.value(n)):
                    c = next(classes)
                    taken[(d, a)].append((c.id, c.home_venue_id if v == HOME else v))
        cells: list[Cell] = []
        for (d, a), placed in sorted(taken.items()):
            adults = on_duty[(d, ACTIVITY_PERIOD, a)]
            cells.extend(
                Cell(d, ACTIVITY_PERIOD, k, v, (adult,), a) for (k, v), adult in zip(placed, adults, strict=True)
            )
        return cells


def _pair(classes: list[str], adults: list[str], previous: dict[str, str]) -> dict[str, str]:
    free = list(adults)
    out = {k: previous[k] for k in classes if previous.get(k) in free}
    taken = set(out.values())
    free = [a for a in free if a not in taken]
    for k in classes:
        if k not in out:
            out[k] = free.pop(0)
    return out
