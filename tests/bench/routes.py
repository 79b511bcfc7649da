"""Per-route DynamoDB cost: drive the tenants routes in-process against DynamoDB Local and count.

The app runs exactly as in tests/functional: ``chalice.test.Client`` over ``app.app`` with a
container bound to a fresh local stack. The container drains the outbox inline after each write
(as locally and in tests); calls made by that drain are attributed to the DRAIN phase, because in
AWS the stream dispatcher does that work outside the request.
"""

from __future__ import annotations

import json
import logging
import statistics
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .coldstart import ROOT
from .dynamo import DRAIN, ROUTE, DynamoCall, DynamoRecorder, Usage

if TYPE_CHECKING:
    from .enrolment import EnrolmentReport

LISTING_SCHOOLS = 150


class BenchError(RuntimeError):
    """The bench itself could not run as intended (unexpected status, hooks not firing...)."""


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    json: Any


@dataclass
class Http:
    client: Any  # chalice.test.Client

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        token: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> Reply:
        h = dict(headers or {})
        if token:
            h["Authorization"] = f"Bearer {token}"
        payload = b""
        if body is not None:
            h["Content-Type"] = "application/json"
            payload = json.dumps(body, ensure_ascii=False).encode()
        resp = self.client.http.request(method, path, headers=h, body=payload)
        ctype = resp.headers.get("Content-Type", "")
        data = json.loads(resp.body) if resp.body and ctype.startswith("application/json") else None
        return Reply(resp.status_code, dict(resp.headers), data)

    def expect(self, status: int, method: str, path: str, body: Any = None, **kw: Any) -> Reply:
        reply = self.call(method, path, body, **kw)
        if reply.status != status:
            raise BenchError(f"{method} {path}: expected {status}, got {reply.status}: {reply.json}")
        return reply


@dataclass
class Request:
    method: str
    path: str
    body: Any = None
    token: str | None = None
    headers: dict[str, str] | None = None


@dataclass
class Case:
    route: str  # the operation as documented, e.g. "GET /schools/{school_id}"
    variant: str  # what this row measures, e.g. "replay" or "limit=100"
    role: str
    request: Callable[[int], Request]
    expect: int
    listing: bool = False  # must be exactly one Query and no Scan per page
    page_items: int | None = None
    before: Callable[[int], None] | None = None
    after: Callable[[int, Reply], None] | None = None


@dataclass
class Sample:
    route: Usage
    drain: Usage
    total_ms: float
    drain_ms: float
    status: int
    items: int | None


@dataclass
class RouteResult:
    route: str
    variant: str
    role: str
    status: int
    usage: Usage  # first call, request path only
    drain: Usage  # first call, the inline outbox drain that followed (local only)
    stable: bool  # every iteration made the same calls
    calls_range: tuple[int, int]
    iterations: int
    route_ms_p50: float  # request latency without the inline drain
    drain_ms_p50: float
    listing: bool
    problems: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "route": self.route,
            "variant": self.variant,
            "role": self.role,
            "status": self.status,
            "dynamodb": self.usage.__dict__,
            "outbox_drain": self.drain.__dict__,
            "stable": self.stable,
            "calls_min_max": list(self.calls_range),
            "iterations": self.iterations,
            "latency_ms_p50": self.route_ms_p50,
            "drain_ms_p50": self.drain_ms_p50,
            "listing": self.listing,
            "problems": self.problems,
        }


@dataclass
class RoutesReport:
    results: list[RouteResult]
    all_calls: int  # sections 1-2 (the tenants routes and their setup)
    scans: list[str]  # every Scan seen anywhere (all sections, setup included), with the phase it ran in
    setup_seconds: float
    measure_seconds: float
    stack_start_seconds: float = 0.0
    enrolment: EnrolmentReport | None = None  # section 3: enrolment requests and the roster import

    @property
    def problems(self) -> list[str]:
        out = [f"{r.route} [{r.variant}]: {p}" for r in self.results for p in r.problems]
        out += self.enrolment.problems if self.enrolment else []
        out += [f"Scan made: {s}" for s in self.scans]
        return out

    def as_json(self) -> dict[str, Any]:
        return {
            "routes": [r.as_json() for r in self.results],
            "all_dynamodb_calls": self.all_calls,
            "scans": self.scans,
            "stack_start_seconds": self.stack_start_seconds,
            "setup_seconds": self.setup_seconds,
            "measure_seconds": self.measure_seconds,
            "problems": self.problems,
        }


class DrainMeter:
    def __init__(self) -> None:
        self.seconds = 0.0

    def take(self) -> float:
        value, self.seconds = self.seconds, 0.0
        return value


def build_container(settings: Any, recorder: DynamoRecorder, meter: DrainMeter) -> Any:
    """The functional tests' container (drain_inline=True), with its drain calls tagged DRAIN."""
    from chalicelib.api.container import Container

    if not callable(getattr(Container, "_drain", None)):
        raise BenchError("Container._drain not found: update tests/bench/routes.py to the new outbox wiring")

    class BenchContainer(Container):
        def _drain(self) -> None:
            started = time.perf_counter()
            try:
                with recorder.in_phase(DRAIN):
                    super()._drain()
            finally:
                meter.seconds += time.perf_counter() - started

    return BenchContainer(settings, drain_inline=True)


def school_body(tag: str) -> dict[str, Any]:
    u = uuid.uuid4().hex[:8]
    return {
        "name": f"基准小学{tag}",
        "code": f"B{u}",
        "address": "北京市东城区1号",
        "first_admin": {"name": "王校长", "email": f"a{u}@example.cn"},
    }


def key() -> dict[str, str]:
    return {"Idempotency-Key": uuid.uuid4().hex}


@dataclass
class World:
    platform: str
    district_id: str
    district_admin: str
    school_id: str
    school_admin: str
    listing_district: str
    listing_admin: str


class Bench:
    def __init__(self, http: Http, recorder: DynamoRecorder, meter: DrainMeter, mint: Callable[..., str]):
        self.http, self.rec, self.meter, self._mint = http, recorder, meter, mint

    def token(self, role: str, tenant: str | None = None, district: str | None = None, **claims: Any) -> str:
        """A token for ``role``; ``claims`` may fix the ``sub`` or add a verified ``phone``."""
        return self._mint(role, tenant=tenant, district=district, **claims)

    # -- setup (not measured) ----------------------------------------------------------------------

    def world(self) -> World:
        h = self.http
        platform = self.token("platform_admin")
        d = h.expect(201, "POST", "/districts", {"name": "基准区教育局"}, token=platform).json["id"]
        da = self.token("district_admin", district=d)
        s = h.expect(201, "POST", f"/districts/{d}/schools", school_body("0"), token=da, headers=key())
        school_id = s.json["school"]["id"]
        lst = h.expect(201, "POST", "/districts", {"name": "列表区教育局"}, token=platform).json["id"]
        lst_admin = self.token("district_admin", district=lst)
        for i in range(LISTING_SCHOOLS):
            h.expect(201, "POST", f"/districts/{lst}/schools", school_body(f"L{i}"), token=lst_admin, headers=key())
        return World(platform, d, da, school_id, self.token("school_admin", tenant=school_id), lst, lst_admin)

    # -- the cases ---------------------------------------------------------------------------------

    def cases(self, w: World) -> list[Case]:
        h = self.http
        d, s = w.district_id, w.school_id
        replay_body, replay_key = school_body("R"), key()
        h.expect(201, "POST", f"/districts/{d}/schools", replay_body, token=w.district_admin, headers=replay_key)
        first = h.expect(200, "GET", f"/districts/{w.listing_district}/schools?limit=100", token=w.listing_admin)
        cursor = first.json["next_cursor"]
        if not cursor:
            raise BenchError("a page of 100 over 150 schools came back without next_cursor")
        version: dict[str, int] = {}

        def read_version(i: int) -> None:
            if i == 0:  # writes since the last PATCH (suspend, reactivate, warm-up) moved it on
                etag = h.expect(200, "GET", f"/schools/{s}", token=w.school_admin).headers["ETag"]
                version["v"] = int(etag.strip('"'))

        def keep_version(i: int, reply: Reply) -> None:
            version["v"] = int(reply.headers["ETag"].strip('"'))

        def suspend(i: int, *_: Any) -> None:
            h.expect(200, "POST", f"/schools/{s}/suspend", {"reason": "bench"}, token=w.district_admin)

        def reactivate(i: int, *_: Any) -> None:
            h.expect(200, "POST", f"/schools/{s}/reactivate", token=w.district_admin)

        listing = f"/districts/{w.listing_district}/schools"
        return [
            Case(
                "POST /districts",
                "",
                "platform_admin",
                lambda i: Request("POST", "/districts", {"name": f"基准区{i}"}, w.platform),
                201,
            ),
            Case(
                "GET /districts/{id}",
                "",
                "district_admin",
                lambda i: Request("GET", f"/districts/{d}", None, w.district_admin),
                200,
            ),
            Case(
                "POST /districts/{id}/schools",
                "first call",
                "district_admin",
                lambda i: Request("POST", f"/districts/{d}/schools", school_body(f"F{i}"), w.district_admin, key()),
                201,
            ),
            Case(
                "POST /districts/{id}/schools",
                "idempotent replay",
                "district_admin",
                lambda i: Request("POST", f"/districts/{d}/schools", replay_body, w.district_admin, replay_key),
                200,
            ),
            Case(
                "GET /districts/{id}/schools",
                f"limit=20 of {LISTING_SCHOOLS}",
                "district_admin",
                lambda i: Request("GET", f"{listing}?limit=20", None, w.listing_admin),
                200,
                listing=True,
                page_items=20,
            ),
            Case(
                "GET /districts/{id}/schools",
                f"limit=100 of {LISTING_SCHOOLS}",
                "district_admin",
                lambda i: Request("GET", f"{listing}?limit=100", None, w.listing_admin),
                200,
                listing=True,
                page_items=100,
            ),
            Case(
                "GET /districts/{id}/schools",
                "limit=100, page 2",
                "district_admin",
                lambda i: Request("GET", f"{listing}?limit=100&cursor={cursor}", None, w.listing_admin),
                200,
                listing=True,
                page_items=LISTING_SCHOOLS - 100,
            ),
            Case(
                "GET /schools/{id}",
                "",
                "district_admin",
                lambda i: Request("GET", f"/schools/{s}", None, w.district_admin),
                200,
            ),
            Case(
                "GET /schools/{id}",
                "",
                "school_admin",
                lambda i: Request("GET", f"/schools/{s}", None, w.school_admin),
                200,
            ),
            Case(
                "PATCH /schools/{id}",
                "If-Match",
                "school_admin",
                lambda i: Request(
                    "PATCH",
                    f"/schools/{s}",
                    {"name": f"基准小学{i}"},
                    w.school_admin,
                    {"If-Match": f'"{version["v"]}"'},
                ),
                200,
                before=read_version,
                after=keep_version,
            ),
            Case(
                "POST /schools/{id}/suspend",
                "",
                "district_admin",
                lambda i: Request("POST", f"/schools/{s}/suspend", {"reason": "bench"}, w.district_admin),
                200,
                after=reactivate,
            ),
            Case(
                "POST /schools/{id}/reactivate",
                "",
                "district_admin",
                lambda i: Request("POST", f"/schools/{s}/reactivate", None, w.district_admin),
                200,
                before=suspend,
            ),
            Case(
                "POST /schools/{id}/staff",
                "",
                "school_admin",
                lambda i: Request(
                    "POST",
                    f"/schools/{s}/staff",
                    {"name": f"老师{i}", "email": f"t{i}-{uuid.uuid4().hex[:6]}@example.cn", "role": "teacher"},
                    w.school_admin,
                ),
                201,
            ),
            Case(
                "GET /schools/{id}/staff",
                "",
                "school_admin",
                lambda i: Request("GET", f"/schools/{s}/staff", None, w.school_admin),
                200,
            ),
            Case("GET /me", "", "school_admin", lambda i: Request("GET", "/me", None, w.school_admin), 200),
            Case("GET /me", "", "district_admin", lambda i: Request("GET", "/me", None, w.district_admin), 200),
            Case("GET /health", "", "anonymous", lambda i: Request("GET", "/health"), 200),
            Case("GET /openapi.json", "", "anonymous", lambda i: Request("GET", "/openapi.json"), 200),
        ]

    # -- measuring ---------------------------------------------------------------------------------

    def sample(self, case: Case, i: int) -> Sample:
        req = case.request(i)
        self.meter.take()
        with self.rec.window() as calls:
            started = time.perf_counter()
            reply = self.http.call(req.method, req.path, req.body, token=req.token, headers=req.headers)
            total = time.perf_counter() - started
        drain = self.meter.take()
        if reply.status != case.expect:
            raise BenchError(f"{case.route} ({case.variant or case.role}): expected {case.expect}, got {reply.status}")
        items = len(reply.json["items"]) if case.listing and isinstance(reply.json, dict) else None
        if case.after:
            case.after(i, reply)
        return Sample(
            Usage.of(_phase(calls, ROUTE)),
            Usage.of(_phase(calls, DRAIN)),
            (total - drain) * 1000,
            drain * 1000,
            reply.status,
            items,
        )

    def run_case(self, case: Case, iterations: int) -> RouteResult:
        samples: list[Sample] = []
        for i in range(iterations):
            if case.before:
                case.before(i)
            samples.append(self.sample(case, i))
        first = samples[0]
        counts = [s.route.calls for s in samples]
        result = RouteResult(
            case.route,
            case.variant,
            case.role,
            first.status,
            first.route,
            first.drain,
            stable=len({s.route.signature() for s in samples}) == 1,
            calls_range=(min(counts), max(counts)),
            iterations=iterations,
            route_ms_p50=round(statistics.median(s.total_ms for s in samples), 1),
            drain_ms_p50=round(statistics.median(s.drain_ms for s in samples), 1),
            listing=case.listing,
        )
        for n, s in enumerate(samples):
            if s.route.count("Scan"):  # DESIGN §3: no Scan in any request path, listing or not
                result.problems.append(f"call {n + 1}: made {s.route.count('Scan')} Scan(s)")
            result.problems += _listing_problems(case, s, n) if case.listing else []
        return result


def _phase(calls: list[DynamoCall], phase: str) -> list[DynamoCall]:
    return [c for c in calls if c.phase == phase]


def _listing_problems(case: Case, s: Sample, n: int) -> list[str]:
    out = []
    if s.route.count("Query") != 1:
        out.append(f"call {n + 1}: listing made {s.route.count('Query')} Query calls for one page (expected 1)")
    if case.page_items is not None and s.items != case.page_items:
        out.append(f"call {n + 1}: page had {s.items} items, expected {case.page_items}")
    return out


@contextmanager
def local_app(recorder: DynamoRecorder, meter: DrainMeter) -> Iterator[tuple[Http, Any, float]]:
    """A fresh local stack, the container bound to it, and the app behind chalice.test.Client."""
    from chalice.test import Client

    from chalicelib.api import container as container_mod
    from devstack.stack import LocalStack, Ports

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto server's access log
    started = time.perf_counter()
    with LocalStack(Ports.free(), prefix=f"bench{uuid.uuid4().hex[:6]}") as stack:
        stack_seconds = time.perf_counter() - started
        recorder.install()
        try:
            import app as app_module  # importing app calls container.configure(), which forgets a used one

            container_mod.use(build_container(stack.settings, recorder, meter))
            with Client(app_module.app, stage_name="local", project_dir=str(ROOT)) as client:
                yield Http(client), stack.settings, stack_seconds
        finally:
            recorder.uninstall()


def measure(iterations: int = 20, enrolment_iterations: int | None = None) -> RoutesReport:
    """Tenants routes (section 2), then, unless ``enrolment_iterations`` is None, section 3."""
    from devstack.issuer import mint

    recorder, meter = DynamoRecorder(), DrainMeter()
    with local_app(recorder, meter) as (http, settings, stack_seconds):

        def token(
            role: str,
            tenant: str | None = None,
            district: str | None = None,
            sub: str | None = None,
            phone: str | None = None,
        ) -> str:
            sub = sub or f"bench-{role}-{uuid.uuid4().hex[:6]}"
            return mint(settings.oidc_issuer, sub=sub, roles=[role], tenant=tenant, district=district, phone=phone)

        bench = Bench(http, recorder, meter, token)
        t0 = time.perf_counter()
        world = bench.world()
        cases = bench.cases(world)
        for case in cases:  # warm-up: JWKS fetch, OpenAPI document, first connections
            if case.before:
                case.before(0)
            bench.sample(case, 0)
        if not any(c.operation == "GetItem" for c in recorder.calls):
            raise BenchError("no DynamoDB call was recorded: the botocore hooks did not attach")
        t1 = time.perf_counter()
        results = [bench.run_case(case, iterations) for case in cases]
        t2 = time.perf_counter()
        tenants_calls = len(recorder.calls)
        enrolment = None
        if enrolment_iterations is not None:
            from . import enrolment as enrolment_bench

            enrolment = enrolment_bench.measure(bench, world, enrolment_iterations)
    scans = [
        f"{c.phase} on {c.table}{'/' + c.index if c.index else ''}" for c in recorder.calls if c.operation == "Scan"
    ]
    return RoutesReport(
        results,
        tenants_calls,
        scans,
        round(t1 - t0, 1),
        round(t2 - t1, 1),
        round(stack_seconds, 1),
        enrolment,
    )
