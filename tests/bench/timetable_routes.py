"""Timetable routes: DynamoDB calls and capacity per request of the generation, draft, publication and
published-week routes (chalicelib/api/timetable_plans.py), on schools built through the API.

Each school mirrors :func:`chalicelib.timetable.samples.sample_school` through the API, against
DynamoDB Local (its own local stack, as in section 2): the roster's classes, one classroom per class
and the 10 shared venues, the adults (a provider, approved, for the provider's staff), the timetable
settings (the sample's two periods and its 17:00 end of the working day), a term and its published
program with the sample's activities. Two schools: the sample with 2 classes (1 grade × 2, 10 adults),
and the issue's 36 classes (6 grades × 6, 60 adults). The readiness must say ready before generating.

The program names venues as free text, so an activity's venue types map a little differently from the
sample's (:func:`_venue_text`): basketball gets (playground, gym) rather than (gym, playground) and
picture books (library, reading room, classroom) rather than (reading room, classroom).

Per school, in this order: POST …/generations (request path), then the job itself on the local
background runner (``GenerationJobs.run``: its calls, capacity and wall time, told apart from the
polling by thread), polled with GET …/generations/{id} until it succeeds; the draft; publication of
version 1; valid hand edits (one class's Monday period-1 supervisor, alternately two free adults);
publication of version 2; then the views of the published version. Rows measured ``iterations`` times
report the first call and say whether later ones differed. Sizes of the packed Draft and Publication
items are computed as DynamoDB counts them (attribute names plus values), against the 400 KB item limit.

Run alone: ``.venv/bin/python -m tests.bench.timetable_routes [--iterations N]``.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import math
import os
import sys
import textwrap
import threading
import time
import uuid
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from .dynamo import DRAIN, ROUTE, DynamoRecorder, Usage
from .routes import Bench, BenchError, Case, DrainMeter, Reply, Request, RouteResult, key, local_app, school_body

if TYPE_CHECKING:
    from chalicelib.timetable.inputs import TimetableInputs

SCHOOLS = (  # label, grades, classes per grade, adults (sample_school's arguments)
    ("2 classes (1×2)", 1, 2, 10),
    ("36 classes (6×6)", 6, 6, 60),
)
ITEM_LIMIT_BYTES = 400 * 1024
JOB, JOB_DRAIN, SETUP = "job", "job drain", "setup"
JOB_THREAD = "timetable-generation"  # GenerationRunner's thread_name_prefix
JOB_TIMEOUT_SECONDS = 300.0
POLL_SECONDS = 0.2
WORKDAY_END = "17:00"  # samples.WORKING_DAY_ENDS_AT
TERM_START = dt.date(2031, 9, 1)
TERM_END = dt.date(2032, 1, 15)
GUARDIAN_PHONE = "+8613912340000"


# -- recording -----------------------------------------------------------------------------------------


def _on_job_thread() -> bool:
    return threading.current_thread().name.startswith(JOB_THREAD)


class ThreadRecorder(DynamoRecorder):
    """Phases per thread: the generation runner's thread records JOB (and JOB_DRAIN for the local outbox
    drain it runs after its commit, which the generator Lambda does not do in AWS), whatever the main
    thread is doing meanwhile, and the main thread's phases are not disturbed by the job's drain."""

    def __init__(self) -> None:
        self._local = threading.local()
        super().__init__()

    @property
    def phase(self) -> str:
        return str(getattr(self._local, "phase", JOB if _on_job_thread() else ROUTE))

    @phase.setter
    def phase(self, value: str) -> None:
        self._local.phase = value

    def _on_params(self, params: dict[str, Any], model: Any, context: dict[str, Any], **kw: Any) -> None:
        super()._on_params(params, model, context, **kw)
        if _on_job_thread() and self.phase == DRAIN:
            context["bench_call"].phase = JOB_DRAIN


@dataclass
class JobTiming:
    status: str
    seconds: float
    cpu_seconds: float
    clients: int  # botocore clients created on the runner's thread during the run
    client_seconds: float


_clients = threading.local()  # per thread: botocore clients created and the time spent creating them


@contextmanager
def _counting_clients() -> Iterator[None]:
    """Time botocore client creation per thread: PynamoDB builds one client per connection and thread,
    and on a thread that has none yet (the runner's, as a cold generator Lambda) that is most of a run."""
    from botocore.session import Session

    original = Session.create_client

    def create_client(self: Session, *args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return original(self, *args, **kwargs)
        finally:
            _clients.count = getattr(_clients, "count", 0) + 1
            _clients.seconds = getattr(_clients, "seconds", 0.0) + time.perf_counter() - started

    Session.create_client = create_client
    try:
        yield
    finally:
        Session.create_client = original


def timed_runner(container: Any) -> Any:
    """The container's GenerationRunner, timing each run on its thread (wall and thread CPU time)."""
    from chalicelib.timetable.generation_jobs import GenerationJobs
    from chalicelib.timetable.worker import GenerationRunner

    class TimedRunner(GenerationRunner):
        def __init__(self) -> None:
            # as the container builds it: the thread's jobs leave the outbox drain to requests
            jobs = GenerationJobs(
                container.data.connection, container.clock, lambda: None, container.timetable.assembler
            )
            super().__init__(jobs)
            self.timings: dict[str, JobTiming] = {}

        def _run(self, detail: dict[str, Any]) -> str:
            _clients.count, _clients.seconds = 0, 0.0
            wall, cpu = time.perf_counter(), time.thread_time()
            status = super()._run(detail)
            seconds, cpu = time.perf_counter() - wall, time.thread_time() - cpu
            self.timings[str(detail.get("generation_id"))] = JobTiming(
                status, seconds, cpu, _clients.count, _clients.seconds
            )
            return status

    return TimedRunner()


# -- results -------------------------------------------------------------------------------------------


@dataclass
class JobRun:
    status: str
    usage: Usage  # as in AWS: without the local outbox drain after its commit
    drain: Usage  # that drain (local only)
    seconds: float  # GenerationJobs.run on the runner's thread, wall
    cpu_seconds: float
    clients: int  # botocore clients the run created (none in a warm Lambda)
    client_seconds: float
    figures: dict[str, Any]  # the job's own figures (seconds, solver_seconds, optimal...)
    polls: int  # GET …/generations/{id} until it finished

    def as_json(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "dynamodb": self.usage.__dict__,
            "outbox_drain": self.drain.__dict__,
            "seconds": round(self.seconds, 3),
            "cpu_seconds": round(self.cpu_seconds, 3),
            "botocore_clients_created": self.clients,
            "botocore_client_seconds": round(self.client_seconds, 3),
            "figures": self.figures,
            "polls": self.polls,
        }


@dataclass
class ItemSize:
    """An item's size as DynamoDB counts it, and its packed blobs' sizes (packed and unpacked)."""

    item: str
    total: int
    blobs: dict[str, tuple[int, int]]  # attribute -> (packed bytes, JSON bytes unpacked)

    @property
    def of_limit(self) -> float:
        return self.total / ITEM_LIMIT_BYTES

    def as_json(self) -> dict[str, Any]:
        return {
            "item": self.item,
            "bytes": self.total,
            "fraction_of_400kb": round(self.of_limit, 4),
            "blobs": {k: {"packed": p, "json": j} for k, (p, j) in self.blobs.items()},
        }


@dataclass
class SchoolRun:
    label: str
    counts: dict[str, int]  # the readiness counts: classes, venues, adults, activities
    generate: RouteResult
    job: JobRun
    results: list[RouteResult]
    sizes: list[ItemSize]
    setup_seconds: float
    measure_seconds: float

    def row(self, route: str, variant: str = "", role: str | None = None) -> RouteResult | None:
        for r in [self.generate, *self.results]:
            if r.route == route and r.variant == variant and (role is None or r.role == role):
                return r
        return None

    @property
    def problems(self) -> list[str]:
        out = [
            f"{self.label}: {r.route} [{r.variant or r.role}]: {p}"
            for r in [self.generate, *self.results]
            for p in r.problems
        ]
        if self.job.status != "succeeded":
            out.append(f"{self.label}: generation job ended {self.job.status}")
        if self.job.usage.count("Scan"):
            out.append(f"{self.label}: generation job made {self.job.usage.count('Scan')} Scan(s)")
        return out

    def as_json(self) -> dict[str, Any]:
        return {
            "school": self.label,
            "counts": self.counts,
            "routes": [r.as_json() for r in [self.generate, *self.results]],
            "generation_job": self.job.as_json(),
            "item_sizes": [s.as_json() for s in self.sizes],
            "setup_seconds": self.setup_seconds,
            "measure_seconds": self.measure_seconds,
        }


@dataclass
class TimetableRoutesReport:
    schools: list[SchoolRun]
    calls: int  # every DynamoDB call of the section, setup included
    scans: list[str]
    stack_start_seconds: float
    iterations: int
    notes: list[str] = field(default_factory=list)

    @property
    def problems(self) -> list[str]:
        out = [p for s in self.schools for p in s.problems]
        return out + [f"Scan made: {s}" for s in self.scans]

    def as_json(self) -> dict[str, Any]:
        return {
            "schools": [s.as_json() for s in self.schools],
            "dynamodb_calls": self.calls,
            "scans": self.scans,
            "stack_start_seconds": self.stack_start_seconds,
            "iterations": self.iterations,
            "notes": self.notes,
            "problems": self.problems,
        }


# -- the school, through the API (not measured) ----------------------------------------------------


@dataclass
class School:
    label: str
    school_id: str
    admin: str
    teacher: str  # signed in as the adult p001 (account_sub): my-week
    guardian: str  # the guardian of ``student_id``, signed in by phone
    term_id: str
    student_id: str
    class_ids: dict[str, str]  # sample id -> API id
    adult_ids: dict[str, str]
    inputs: TimetableInputs
    counts: dict[str, int]

    @property
    def first_class(self) -> str:
        return next(iter(self.class_ids.values()))

    @property
    def base(self) -> str:
        return f"/schools/{self.school_id}/timetable/terms/{self.term_id}"

    def availability(self, api_adult_id: str) -> frozenset[tuple[int, int]] | None:
        sample_id = next(k for k, v in self.adult_ids.items() if v == api_adult_id)
        return next(a.available for a in self.inputs.adults if a.id == sample_id)


def _venue_text(activity: Any, venues: dict[str, list[str]]) -> str:
    """The program's free-text venue that maps to the sample activity's venue types: a registered
    venue's name for one type, else text naming no venue (the category's default types)."""
    types = tuple(activity.venue_types)
    if len(types) == 1 and venues.get(types[0]):
        return venues[types[0]][0]
    return f"{activity.name}活动场地"


class SchoolBuilder:
    def __init__(self, bench: Bench, district_id: str, district_admin: str):
        self.b, self.http = bench, bench.http
        self.district_id, self.district_admin = district_id, district_admin

    def build(self, label: str, grades: int, per_grade: int, adults: int) -> School:
        from chalicelib.timetable.samples import sample_school

        h, inputs = self.http, sample_school(grades, per_grade, adults)
        body = {**school_body(label[:2]), "workday_end": WORKDAY_END}
        reply = h.expect(
            201, "POST", f"/districts/{self.district_id}/schools", body, token=self.district_admin, headers=key()
        )
        sid = reply.json["school"]["id"]
        admin = self.b.token("school_admin", tenant=sid)
        tt = f"/schools/{sid}/timetable"
        settings = {
            "days": [
                {
                    "weekday": d.weekday,
                    "periods": [
                        {
                            "number": p.number,
                            "starts_at": p.starts_at.strftime("%H:%M"),
                            "ends_at": p.ends_at.strftime("%H:%M"),
                        }
                        for p in d.periods
                    ],
                }
                for d in inputs.settings.days
            ],
            "stagger_by_grade": inputs.settings.stagger_by_grade,
            "fairness": {"sports": 1, "reading": 1},
        }
        h.expect(200, "PUT", f"{tt}/settings", settings, token=admin, headers={"If-Match": '"0"'})
        classes = {
            c.id: h.expect(
                201, "POST", f"/schools/{sid}/classes", {"grade": c.grade, "name": c.name}, token=admin
            ).json["id"]
            for c in inputs.classes
        }
        home = {c.home_venue_id: classes[c.id] for c in inputs.classes}
        venue_names: dict[str, list[str]] = {}
        for v in inputs.venues:
            venue = {"name": v.name, "type": v.type, "capacity": v.capacity}
            if v.id in home:
                venue["home_class_ids"] = [home[v.id]]
            h.expect(201, "POST", f"{tt}/venues", venue, token=admin)
            venue_names.setdefault(v.type, []).append(v.name)
        provider_id = None
        if any(a.kind == "provider_staff" for a in inputs.adults):
            provider = {
                "name": "青苗科技",
                "licence_number": "91110101MA01ABCD3X",
                "contact_name": "张",
                "contact_phone": "13800000000",
            }
            provider_id = h.expect(201, "POST", f"/schools/{sid}/providers", provider, token=admin).json["id"]
            h.expect(
                200,
                "POST",
                f"/schools/{sid}/providers/{provider_id}/status",
                {"status": "approved", "reason": "bench"},
                token=admin,
            )
        teacher_sub = f"bench-teacher-{uuid.uuid4().hex[:6]}"
        adult_ids = {}
        for n, a in enumerate(inputs.adults):
            adult: dict[str, Any] = {"name": a.name, "kind": a.kind, "skills": sorted(a.skills)}
            if a.available is not None:
                days = sorted({d for d, _ in a.available})
                adult["availability"] = [
                    {"weekday": d, "periods": sorted(p for dd, p in a.available if dd == d)} for d in days
                ]
            if a.kind == "provider_staff":
                adult["provider_id"] = provider_id
            if n == 0:
                adult["account_sub"] = teacher_sub
            adult_ids[a.id] = h.expect(201, "POST", f"{tt}/adults", adult, token=admin).json["id"]
        term = {
            "name": f"{TERM_START.year}秋季学期",
            "starts_on": TERM_START.isoformat(),
            "ends_on": TERM_END.isoformat(),
        }
        term_id = h.expect(201, "POST", f"/schools/{sid}/terms", term, token=admin).json["id"]
        activities = []
        for act in inputs.activities:
            own = bool(act.staff_ids)  # the sample's provider activity: led by the provider's staff only
            activities.append(
                {
                    "name": act.name,
                    "category": act.category,
                    "provider": provider_id if own else "school",
                    "grades": sorted(act.grades),
                    "weekdays": sorted(act.weekdays),
                    "period": 2,
                    "venue": _venue_text(act, venue_names),
                    "capacity": 1000,
                    "fee_fen": 30000 if own else 0,
                    "fee_basis": "per_term" if own else "free",
                }
            )
        program = {"services": [{"kind": "care", "fee_fen": 0, "fee_basis": "free"}], "activities": activities}
        path = f"/schools/{sid}/terms/{term_id}/program"
        h.expect(200, "PUT", path, program, token=admin, headers={"If-Match": '"0"'})
        h.expect(201, "POST", f"{path}/publish", token=admin)
        first = next(iter(classes.values()))
        student = {
            "student_number": f"T{uuid.uuid4().hex[:7]}",
            "name": "王小明",
            "class_id": first,
            "guardians": [{"name": "王强", "relationship": "父亲", "phone": GUARDIAN_PHONE}],
        }
        student_id = h.expect(201, "POST", f"/schools/{sid}/students", student, token=admin).json["id"]
        ready = h.expect(200, "GET", f"{tt}/terms/{term_id}/readiness", token=admin).json
        if not ready["ready"]:
            raise BenchError(f"{label}: inputs not ready: {[p['code'] for p in ready['problems']]}")
        return School(
            label,
            sid,
            admin,
            self.b.token("teacher", tenant=sid, sub=teacher_sub),
            self.b.token("guardian", tenant=sid, phone=GUARDIAN_PHONE),
            term_id,
            student_id,
            classes,
            adult_ids,
            inputs,
            dict(ready["counts"]),
        )


# -- measuring -----------------------------------------------------------------------------------------


class TimetableRoutesBench:
    def __init__(self, bench: Bench, recorder: ThreadRecorder, runner: Any, iterations: int):
        self.b, self.http, self.rec, self.runner = bench, bench.http, recorder, runner
        self.iterations = iterations

    def run(self, s: School) -> SchoolRun:
        t0 = time.perf_counter()
        generate, job = self.generation(s)
        draft = self.http.expect(200, "GET", f"{s.base}/draft", token=s.admin)
        state = {"v": int(draft.headers["ETag"].strip('"'))}
        n = self.iterations
        results = [
            self.run_case(self.case(s, "GET …/generations/{id}", "finished", f"/generations/{job[1]}"), n),
            self.run_case(self.case(s, "GET …/draft", "", "/draft"), n),
            self.run_case(self.publish_case(s, "version 1, every class", state), 1),
        ]
        results.append(self.run_case(self.edit_case(s, state), n))
        results.append(self.run_case(self.publish_case(s, "version 2, one class changed", state), 1))
        day = _first_weekday(TERM_START, 2)
        student = f"/published/students/{s.student_id}"
        views = [  # route, variant, path after the term, role, token
            ("GET …/published", "", "/published", "school_admin", s.admin),
            ("GET …/published/versions", "2 versions", "/published/versions", "school_admin", s.admin),
            (
                "GET …/published/classes/{id}/week",
                "",
                f"/published/classes/{s.first_class}/week",
                "school_admin",
                s.admin,
            ),
            ("GET …/published/students/{id}/week", "", f"{student}/week", "guardian", s.guardian),
            ("GET …/published/students/{id}/week", "", f"{student}/week", "school_admin", s.admin),
            (
                "GET …/published/students/{id}/itinerary",
                f"date={day.isoformat()}",
                f"{student}/itinerary?date={day.isoformat()}",
                "guardian",
                s.guardian,
            ),
            ("GET …/published/my-week", "", "/published/my-week", "teacher", s.teacher),
            ("GET …/published/staff-periods", "", "/published/staff-periods", "school_admin", s.admin),
        ]
        for route, variant, tail, role, token in views:
            results.append(self.run_case(self.case(s, route, variant, tail, role, token), n))
        t1 = time.perf_counter()
        with self.rec.in_phase(SETUP):
            sizes = _item_sizes(s)
        return SchoolRun(s.label, s.counts, generate, job[0], results, sizes, 0.0, round(t1 - t0, 1))

    def case(
        self, s: School, route: str, variant: str, tail: str, role: str = "school_admin", token: str | None = None
    ) -> Case:
        as_ = token or s.admin
        return Case(route, variant, role, lambda i: Request("GET", s.base + tail, None, as_), 200)

    def run_case(self, case: Case, iterations: int) -> RouteResult:
        if case.request(0).method == "GET":  # warm-up, not counted: the route's first call in the process
            self.b.sample(case, 0)
        return self.b.run_case(case, iterations)

    # -- generation --------------------------------------------------------------------------------

    def generation(self, s: School) -> tuple[RouteResult, tuple[JobRun, str]]:
        start = len(self.rec.calls)
        reply: dict[str, Any] = {}
        case = Case(
            "POST …/generations",
            "request path",
            "school_admin",
            lambda i: Request("POST", f"{s.base}/generations", {}, s.admin),
            202,
            after=lambda i, r: reply.update(r.json),
        )
        result = self.b.run_case(case, 1)
        generation_id = str(reply["generation_id"])
        polls, deadline = 0, time.perf_counter() + JOB_TIMEOUT_SECONDS
        while True:
            polls += 1
            job = self.http.expect(200, "GET", f"{s.base}/generations/{generation_id}", token=s.admin).json
            if job["status"] in ("succeeded", "failed") and generation_id in self.runner.timings:
                break
            if time.perf_counter() > deadline:
                raise BenchError(f"{s.label}: generation still {job['status']} after {JOB_TIMEOUT_SECONDS:g} s")
            time.sleep(POLL_SECONDS)
        if job["status"] != "succeeded":
            raise BenchError(f"{s.label}: generation {job['status']}: {job['failure']}")
        timing = self.runner.timings[generation_id]
        calls = self.rec.calls[start:]
        own, drain = ([c for c in calls if c.phase == phase] for phase in (JOB, JOB_DRAIN))
        figures = job["figures"] or {}
        run = JobRun(
            job["status"],
            Usage.of(own),
            Usage.of(drain),
            timing.seconds,
            timing.cpu_seconds,
            timing.clients,
            timing.client_seconds,
            figures,
            polls,
        )
        return result, (run, generation_id)

    # -- publication and hand edits ----------------------------------------------------------------

    def publish_case(self, s: School, variant: str, state: dict[str, int]) -> Case:
        return Case(
            "POST …/publications",
            variant,
            "school_admin",
            lambda i: Request("POST", f"{s.base}/publications", None, s.admin, {"If-Match": f'"{state["v"]}"'}),
            201,
        )

    def edit_case(self, s: School, state: dict[str, int]) -> Case:
        """Monday period 1 of one class: its supervisor, alternately the generated one (A) and a free
        adult able to supervise homework (B, found by a first edit, not measured). After the last
        measured edit the cell holds B, so version 2 differs from version 1 in that class's Monday."""
        h = self.http
        draft = h.expect(200, "GET", f"{s.base}/draft", token=s.admin).json
        cell = next(e for e in draft["entries"] if (e["weekday"], e["period"]) == (1, 1))
        busy = {a["id"] for e in draft["entries"] if (e["weekday"], e["period"]) == (1, 1) for a in e["adults"]}
        original = [a["id"] for a in cell["adults"]]
        path = f"{s.base}/draft/cells/1/1/{cell['class_id']}"

        def body(adults: list[str]) -> dict[str, Any]:
            return {"activity_id": cell["activity_id"], "venue_id": cell["venue_id"], "adult_ids": adults}

        def put(adults: list[str]) -> Reply:
            reply = h.call("PUT", path, body(adults), token=s.admin, headers={"If-Match": f'"{state["v"]}"'})
            if reply.status == 200:
                state["v"] = int(reply.headers["ETag"].strip('"'))
            return reply

        free = [
            a["id"]
            for a in draft["adults"]
            if "homework" in a["skills"] and a["id"] not in busy and _can(s.availability(a["id"]), 1, 1)
        ]
        other = next((a for a in free if put([a]).status == 200), None)
        if other is None:
            raise BenchError(f"{s.label}: no free adult could take {path} (tried {len(free)})")
        sequence = [original, [other]]
        last = self.iterations - 1

        def after(i: int, reply: Reply) -> None:
            state["v"] = int(reply.headers["ETag"].strip('"'))
            if i == last and sequence[i % 2] == original:
                if put([other]).status != 200:
                    raise BenchError(f"{s.label}: could not put the free adult back in {path}")

        return Case(
            "PUT …/draft/cells/{weekday}/{period}/{class_id}",
            "valid edit",
            "school_admin",
            lambda i: Request("PUT", path, body(sequence[i % 2]), s.admin, {"If-Match": f'"{state["v"]}"'}),
            200,
            after=after,
        )


def _can(available: frozenset[tuple[int, int]] | None, weekday: int, period: int) -> bool:
    return available is None or (weekday, period) in available


def _first_weekday(start: dt.date, iso_weekday: int) -> dt.date:
    return start + dt.timedelta(days=(iso_weekday - start.isoweekday()) % 7)


# -- item sizes ----------------------------------------------------------------------------------------


def _value_bytes(value: dict[str, Any]) -> int:
    """One attribute value's size as DynamoDB counts it (developer guide, "Item sizes and formats")."""
    ((kind, v),) = value.items()
    if kind == "S":
        return len(str(v).encode())
    if kind == "N":
        digits = Decimal(str(v)).normalize().as_tuple().digits
        return 1 + math.ceil(len(digits) / 2)
    if kind == "B":
        return len(v) if isinstance(v, bytes | bytearray) else len(base64.b64decode(v))
    if kind in ("SS", "NS", "BS"):
        return sum(_value_bytes({kind[0]: x}) for x in v)
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "L":
        return 3 + sum(1 + _value_bytes(x) for x in v)
    if kind == "M":
        return 3 + sum(1 + len(k.encode()) + _value_bytes(x) for k, x in v.items())
    raise ValueError(f"unknown DynamoDB type {kind}")


def item_bytes(attributes: dict[str, dict[str, Any]]) -> int:
    return sum(len(name.encode()) + _value_bytes(value) for name, value in attributes.items())


def _item_sizes(s: School) -> list[ItemSize]:
    from chalicelib.timetable.plan_models import Draft, latest_publication

    draft = Draft.get(*Draft.key(s.school_id, s.term_id), consistent_read=True)
    publication = latest_publication(s.school_id, s.term_id)
    if publication is None:
        raise BenchError(f"{s.label}: no publication to size")
    out = []
    for label, item, blobs in (("Draft", draft, ("cells",)), ("Publication", publication, ("cells", "inputs"))):
        packed = {b: getattr(item, b) for b in blobs}
        sizes = {b: (len(v), len(zlib.decompress(v))) for b, v in packed.items()}
        out.append(ItemSize(label, item_bytes(item.serialize()), sizes))
    return out


# -- the section ---------------------------------------------------------------------------------------


@contextmanager
def _stack(recorder: ThreadRecorder) -> Iterator[tuple[Bench, Any, float]]:
    from chalicelib.api import container as container_mod
    from devstack.issuer import mint

    meter = DrainMeter()
    with local_app(recorder, meter) as (http, settings, stack_seconds):
        container = container_mod.get()
        container.generation_runner = timed_runner(container)  # the cached_property, filled in first

        def token(
            role: str,
            tenant: str | None = None,
            district: str | None = None,
            sub: str | None = None,
            phone: str | None = None,
        ) -> str:
            sub = sub or f"bench-{role}-{uuid.uuid4().hex[:6]}"
            return mint(settings.oidc_issuer, sub=sub, roles=[role], tenant=tenant, district=district, phone=phone)

        yield Bench(http, recorder, meter, token), container.generation_runner, stack_seconds


def measure(iterations: int = 5) -> TimetableRoutesReport:
    import chalicelib.timetable.generator  # noqa: F401  OR-Tools, imported before the jobs run (section 5 times it)

    recorder = ThreadRecorder()
    runs: list[SchoolRun] = []
    with _counting_clients(), _stack(recorder) as (bench, runner, stack_seconds):
        with recorder.in_phase(SETUP):
            platform = bench.token("platform_admin")
            d = bench.http.expect(201, "POST", "/districts", {"name": "课表基准区"}, token=platform).json["id"]
            builder = SchoolBuilder(bench, d, bench.token("district_admin", district=d))
        measurer = TimetableRoutesBench(bench, recorder, runner, iterations)
        for label, grades, per_grade, adults in SCHOOLS:
            t0 = time.perf_counter()
            with recorder.in_phase(SETUP):
                school = builder.build(label, grades, per_grade, adults)
            setup = round(time.perf_counter() - t0, 1)
            run = measurer.run(school)
            run.setup_seconds = setup
            runs.append(run)
    if not any(c.phase == ROUTE and c.operation == "Query" for c in recorder.calls):
        raise BenchError("no DynamoDB call was recorded in the request path: the botocore hooks did not attach")
    scans = [
        f"{c.phase} on {c.table}{'/' + c.index if c.index else ''}" for c in recorder.calls if c.operation == "Scan"
    ]
    notes = [
        "the program's venue is free text, so basketball's venue types are (playground, gym) instead of the"
        " sample's (gym, playground), and picture books' (library, reading room, classroom) instead of"
        " (reading room, classroom)",
    ]
    return TimetableRoutesReport(runs, len(recorder.calls), scans, round(stack_seconds, 1), iterations, notes)


# -- the report ----------------------------------------------------------------------------------------


def _ratio(big: float, small: float) -> str:
    if small == 0:
        return "-" if big == 0 else "new"
    return f"×{big / small:.2f}"


def _compare_rows(small: SchoolRun, big: SchoolRun) -> list[tuple[str, str, Usage, Usage]]:
    """(label, role, small school's usage, big school's usage) per route measured on both, then the job."""
    from .report import _label

    out = []
    for r in [big.generate, *big.results]:
        lo = small.row(r.route, r.variant, r.role)
        if lo is not None:
            out.append((_label(r), r.role, lo.usage, r.usage))
    out.append(("generation job (GenerationJobs.run)", "worker", small.job.usage, big.job.usage))
    return out


def section(rep: TimetableRoutesReport, number: int) -> str:
    from .report import _cost_table, _drain_table, _indent, cu, ops, table

    small, big = rep.schools[0], rep.schools[-1]
    rows_big = [big.generate, *big.results]
    grow = big.counts["classes"] / max(1, small.counts["classes"])
    compared = _compare_rows(small, big)
    compare = [
        (
            label,
            role,
            f"{u.calls} → {v.calls}",
            "same" if u.by_operation == v.by_operation else "DIFFERENT",
            cu(u.read_cu),
            cu(v.read_cu),
            _ratio(v.read_cu, u.read_cu),
            cu(u.write_cu),
            cu(v.write_cu),
            _ratio(v.write_cu, u.write_cu),
        )
        for label, role, u, v in compared
    ]
    jobs = [
        (
            s.label,
            s.job.status,
            ops(s.job.usage),
            s.job.usage.calls,
            cu(s.job.usage.read_cu),
            cu(s.job.usage.write_cu),
            f"{s.job.seconds:.2f}",
            f"{s.job.cpu_seconds:.2f}",
            f"{float(s.job.figures.get('seconds', 0.0)):.2f}",
            f"{float(s.job.figures.get('solver_seconds', 0.0)):.2f}",
            f"{s.job.clients} in {s.job.client_seconds:.2f} s",
            s.job.polls,
        )
        for s in rep.schools
    ]
    sizes = [
        (
            s.label,
            z.item,
            z.total,
            " ".join(f"{b} {p} B (JSON {j} B, ×{j / p:.1f})" for b, (p, j) in z.blobs.items()),
            f"{z.of_limit:.2%}",
            f"×{1 / z.of_limit:.0f}" if z.total else "-",
        )
        for s in rep.schools
        for z in s.sizes
    ]
    constant = all(u.by_operation == v.by_operation for _, _, u, v in compared)
    rcu = [v.read_cu / u.read_cu for _, _, u, v in compared if u.read_cu]
    pub = {s.label: next(z.total for z in s.sizes if z.item == "Publication") for s in (small, big)}
    scans = sum(r.usage.count("Scan") for s in rep.schools for r in [s.generate, *s.results])
    scans += sum(s.job.usage.count("Scan") + s.job.drain.count("Scan") for s in rep.schools)
    lines = [
        f"{number}. Timetable routes: DynamoDB per call, request path only, first measured call of each row (of",
        f"   {rep.iterations} calls when the row repeats), on schools built through the API like",
        "   samples.sample_school (classes, a classroom each and 10 shared venues, adults with a provider's staff,",
        "   settings, a term and its published program); same conventions as section 2",
        "",
        f"   {big.label}: {_counts(big.counts)}",
        "",
        _indent(_cost_table(rows_big)),
        "",
        "   Inline outbox drain after each write (local only: POST …/generations hands the job to the background",
        "   runner, in AWS EventBridge → SQS → the generator Lambda; a publication's drain is the notifier's",
        "   fan-out, one Query per changed class):",
        "",
        _indent(_drain_table(rows_big)),
        "",
        f"   {small.label} ({_counts(small.counts)}) against {big.label}, classes ×{grow:g}:",
        "",
        _indent(
            table(
                [
                    "route",
                    "as",
                    "calls",
                    "operations",
                    "RCU small",
                    "RCU big",
                    "RCU ×",
                    "WCU small",
                    "WCU big",
                    "WCU ×",
                ],
                compare,
                right=(2, 4, 5, 6, 7, 8, 9),
            )
        ),
        "",
        f"   Calls per request {'constant' if constant else 'NOT constant'} from {small.counts['classes']} to "
        f"{big.counts['classes']} classes (same operations, every row); read capacity ×{min(rcu):.2f} to",
        f"   ×{max(rcu):.2f}, with the sizes of what is read: the school's venues and adults, the packed draft and",
        "   publication",
        "",
        "   The generation job (GenerationJobs.run on the local runner's thread, in AWS the generator Lambda;",
        "   without the outbox drain the local runner does after its commit; OR-Tools imported beforehand).",
        "   generate(): pre-checks, model, solve and validation (the job's own figures); new clients: botocore",
        "   clients PynamoDB built on the runner's thread during the run (one per connection and thread: what",
        "   a cold generator Lambda pays, none when warm); the rest of the wall time is the DynamoDB calls;",
        f"   polls: GET …/generations/{{id}} every {POLL_SECONDS:g} s until it finished:",
        "",
        _indent(
            table(
                [
                    "school",
                    "status",
                    "DynamoDB calls by operation",
                    "calls",
                    "RCU",
                    "WCU",
                    "wall s",
                    "CPU s",
                    "generate() s",
                    "solver s",
                    "new clients",
                    "polls",
                ],
                jobs,
                right=(3, 4, 5, 6, 7, 8, 9, 10, 11),
            )
        ),
        "",
        "   Item sizes as DynamoDB counts them (attribute names and values; blobs are zlib-packed JSON),",
        f"   against the {ITEM_LIMIT_BYTES // 1024} KB item limit:",
        "",
        _indent(table(["school", "item", "bytes", "packed blobs", "of 400 KB", "headroom"], sizes, right=(2, 4, 5))),
        "",
        f"   Publication item ×{pub[big.label] / max(1, pub[small.label]):.2f} for classes ×{grow:g}",
        f"   [{'ok' if not scans else 'FAIL'}] no Scan in these routes or the generation job ({scans} seen); "
        f"[{'ok' if not rep.scans else 'FAIL'}] none in the whole section, setup included ({len(rep.scans)} seen)",
    ]
    lines += [f"   FAIL {p}" for p in rep.problems]
    for n in rep.notes:
        lines += textwrap.wrap(f"note: {n}", 110, initial_indent="   ", subsequent_indent="   ")
    lines.append(
        f"   DynamoDB calls recorded in this section: {rep.calls}; stack start {rep.stack_start_seconds}s; setup "
        + ", ".join(f"{s.setup_seconds}s" for s in rep.schools)
        + "; measuring "
        + ", ".join(f"{s.measure_seconds}s" for s in rep.schools)
    )
    return "\n".join(lines)


def _counts(c: dict[str, int]) -> str:
    return f"{c['classes']} classes, {c['venues']} venues, {c['adults']} adults, {c['activities']} activities"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.timetable_routes", description=__doc__)
    parser.add_argument("--iterations", type=int, default=5, help="calls per repeatable row")
    args = parser.parse_args(argv)
    os.environ.setdefault("KEHOU_LOG_LEVEL", "WARNING")  # one INFO line per request otherwise; before app import
    try:
        rep = measure(args.iterations)
    except BenchError as exc:
        print(f"bench could not run: {exc}", file=sys.stderr)
        return 2
    print(section(rep, number=1))
    return 1 if rep.problems else 0


if __name__ == "__main__":
    sys.exit(main())
