"""Section 3: DynamoDB cost of the enrolment requests, and the wall time of a 3,000-row roster import.

Runs in the same local stack and app as section 2 (``routes.measure``), in a fresh school of the
bench's district. Each row is one request measured like the tenants routes (first call's DynamoDB calls
and capacity, request path only; the inline outbox drain, which in AWS is the stream dispatcher and
the notifier, apart), repeated ``iterations`` times on fresh objects made beforehand by ``before``
(a new child, consent, application... for every call), never counted.

The roster import is measured once on a new file and once on the same file again: its wall time
against the 29 s API Gateway integration timeout is the figure that matters.
"""

from __future__ import annotations

import base64
import itertools
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .dynamo import Usage
from .routes import Bench, BenchError, Case, Reply, Request, RouteResult, World, key, school_body

API_GATEWAY_LIMIT_SECONDS = 29.0
BATCH_SIZE = 10
IMPORT_ROWS = 3000
AGREEMENT = (
    "{{school_name}}与{{guardian_name}}就{{student_name}}（{{class_name}}）参加{{term_name}}签订协议。"
    "项目：{{activities}}。"
)
CARE_REASON = {"pickup_by": "父亲", "pickup_time": "18:30", "note": "父母下班晚"}
IMPORT_HEADER = [
    "学号", "姓名", "年级", "班级", "班主任账号", "班主任", "监护人1姓名", "监护人1关系", "监护人1手机",
    "监护人2姓名", "监护人2关系", "监护人2手机", "接送人姓名", "接送人关系", "接送人手机",
]  # fmt: skip


@dataclass
class ImportResult:
    variant: str
    rows: int
    status: int
    usage: Usage  # request path
    drain: Usage
    seconds: float  # request wall time without the inline drain: what the Lambda spends in AWS
    drain_seconds: float
    counts: dict[str, Any]

    @property
    def fraction_of_limit(self) -> float:
        return self.seconds / API_GATEWAY_LIMIT_SECONDS

    def as_json(self) -> dict[str, Any]:
        return {
            "route": "POST /schools/{id}/roster/import",
            "variant": self.variant,
            "rows": self.rows,
            "status": self.status,
            "seconds": round(self.seconds, 2),
            "fraction_of_api_gateway_limit": round(self.fraction_of_limit, 3),
            "api_gateway_limit_seconds": API_GATEWAY_LIMIT_SECONDS,
            "drain_seconds": round(self.drain_seconds, 2),
            "dynamodb": self.usage.__dict__,
            "outbox_drain": self.drain.__dict__,
            "result": self.counts,
        }


@dataclass
class EnrolmentReport:
    results: list[RouteResult]
    imports: list[ImportResult]
    calls: int  # DynamoDB calls recorded during this section, setup included
    setup_seconds: float
    measure_seconds: float
    problems_seen: list[str] = field(default_factory=list)

    @property
    def problems(self) -> list[str]:
        out = [f"{r.route} [{r.variant or r.role}]: {p}" for r in self.results for p in r.problems]
        out += [
            f"roster import [{i.variant}]: made {i.usage.count('Scan')} Scan(s)"
            for i in self.imports
            if i.usage.count("Scan")
        ]
        return out + self.problems_seen

    def as_json(self) -> dict[str, Any]:
        return {
            "routes": [r.as_json() for r in self.results],
            "roster_import": [i.as_json() for i in self.imports],
            "dynamodb_calls": self.calls,
            "setup_seconds": self.setup_seconds,
            "measure_seconds": self.measure_seconds,
            "problems": self.problems,
        }


@dataclass
class Family:
    student_id: str
    guardian: str  # token of the guardian signed in with the child's phone


@dataclass
class School:
    school_id: str
    admin: str
    class_id: str
    teacher: str
    open_term: str  # care, lunch and one activity with room for everyone
    open_activity: str
    full_term: str  # one activity of capacity 1, already taken: every approval waitlists
    full_activity: str


class EnrolmentBench:
    def __init__(self, bench: Bench):
        self.b, self.http = bench, bench.http
        self._phones = itertools.count(1)
        self._students = itertools.count(1)

    # -- setup (not measured) ----------------------------------------------------------------------

    def school(self, w: World, tag: str) -> tuple[str, str]:
        reply = self.http.expect(
            201, "POST", f"/districts/{w.district_id}/schools", school_body(tag), token=w.district_admin, headers=key()
        )
        school_id = reply.json["school"]["id"]
        return school_id, self.b.token("school_admin", tenant=school_id)

    def setup(self, w: World) -> School:
        h = self.http
        sid, admin = self.school(w, "E")
        teacher_sub = f"bench-teacher-{uuid.uuid4().hex[:6]}"
        klass = {"grade": 3, "name": "三年级1班", "homeroom_teacher_sub": teacher_sub}
        class_id = h.expect(201, "POST", f"/schools/{sid}/classes", klass, token=admin).json["id"]
        teacher = self.b.token("teacher", tenant=sid, sub=teacher_sub)
        open_term, (open_activity,) = self._term(sid, admin, 3001, capacity=1000)
        full_term, (full_activity,) = self._term(sid, admin, 3002, capacity=1)
        path = f"/schools/{sid}/terms/{open_term}/agreement-template"
        h.expect(200, "PUT", path, {"text": AGREEMENT}, token=admin)
        s = School(sid, admin, class_id, teacher, open_term, open_activity, full_term, full_activity)
        first = self.approved(s, full_term, full_activity)  # takes the only place
        if first["activities"][0]["state"] != "seated":
            raise BenchError(f"the first child of the full term was not seated: {first['activities']}")
        return s

    def _term(self, sid: str, admin: str, year: int, capacity: int) -> tuple[str, list[str]]:
        h = self.http
        body = {"name": f"{year}春季学期", "starts_on": f"{year}-02-20", "ends_on": f"{year}-07-10"}
        term_id = h.expect(201, "POST", f"/schools/{sid}/terms", body, token=admin).json["id"]
        program = {
            "services": [
                {"kind": "care", "fee_fen": 0, "fee_basis": "free"},
                {"kind": "lunch", "price_per_day_fen": 1500},
            ],
            "activities": [
                {
                    "name": "足球",
                    "category": "sports",
                    "provider": "school",
                    "grades": [3],
                    "weekdays": [2],
                    "period": 2,
                    "venue": "操场",
                    "capacity": capacity,
                    "fee_fen": 10000,
                    "fee_basis": "per_term",
                }
            ],
        }
        path = f"/schools/{sid}/terms/{term_id}/program"
        h.expect(200, "PUT", path, program, token=admin, headers={"If-Match": '"0"'})
        published = h.expect(201, "POST", f"{path}/publish", token=admin).json
        return term_id, [a["id"] for a in published["activities"]]

    def phone(self) -> str:
        return f"+86137{next(self._phones):08d}"

    def family(self, s: School, phone: str | None = None) -> Family:
        """A child in the class, its guardian signed in by phone, and the guardian's PIPL consent."""
        phone = phone or self.phone()
        student = {
            "student_number": f"B{next(self._students):07d}",
            "name": "王小明",
            "class_id": s.class_id,
            "guardians": [{"name": "王强", "relationship": "父亲", "phone": phone}],
        }
        student_id = self.http.expect(201, "POST", f"/schools/{s.school_id}/students", student, token=s.admin).json[
            "id"
        ]
        guardian = self.b.token("guardian", tenant=s.school_id, phone=phone)
        consent = f"/schools/{s.school_id}/students/{student_id}/consent"
        self.http.expect(201, "POST", consent, {"text_version": "v1"}, token=guardian)
        return Family(student_id, guardian)

    def application_body(self, s: School, f: Family, term: str, activity: str) -> dict[str, Any]:
        return {
            "student_id": f.student_id,
            "term_id": term,
            "care_reason": CARE_REASON,
            "services": ["care"],
            "activity_ids": [activity],
            "lunch": True,
        }

    def draft(self, s: School, term: str | None = None, activity: str | None = None) -> tuple[Family, str]:
        f = self.family(s)
        body = self.application_body(s, f, term or s.open_term, activity or s.open_activity)
        app_id = self.http.expect(201, "POST", f"/schools/{s.school_id}/applications", body, token=f.guardian).json[
            "id"
        ]
        return f, app_id

    def submitted(self, s: School, term: str | None = None, activity: str | None = None) -> tuple[Family, str]:
        f, app_id = self.draft(s, term, activity)
        self.http.expect(200, "POST", self.app_path(s, app_id, "/submit"), token=f.guardian)
        return f, app_id

    def teacher_approved(self, s: School, term: str | None = None, activity: str | None = None) -> tuple[Family, str]:
        f, app_id = self.submitted(s, term, activity)
        self.http.expect(
            200, "POST", self.app_path(s, app_id, "/class-review"), {"decision": "approve"}, token=s.teacher
        )
        return f, app_id

    def approved(self, s: School, term: str | None = None, activity: str | None = None) -> dict[str, Any]:
        f, app_id = self.teacher_approved(s, term, activity)
        reply = self.http.expect(
            200, "POST", self.app_path(s, app_id, "/decision"), {"decision": "approve"}, token=s.admin
        )
        return {**reply.json, "guardian": f.guardian}

    @staticmethod
    def app_path(s: School, app_id: str, tail: str = "") -> str:
        return f"/schools/{s.school_id}/applications/{app_id}{tail}"

    # -- the cases ---------------------------------------------------------------------------------

    def cases(self, s: School) -> list[Case]:
        rows = _Rows(self, s)
        sibling_phone = self.phone()
        sibling = self.family(s, sibling_phone)
        self.family(s, sibling_phone)  # a second child of the same guardian
        children = f"/schools/{s.school_id}/my/children"
        return [
            Case(
                "POST /schools/{id}/applications",
                "create draft",
                "guardian",
                rows.create,
                201,
                before=rows.fresh("family", lambda: self.family(s)),
            ),
            Case(
                "POST /schools/{id}/applications/{aid}/submit",
                "",
                "guardian",
                rows.submit,
                200,
                before=rows.fresh("draft", lambda: self.draft(s)),
            ),
            Case(
                "POST /schools/{id}/applications/{aid}/class-review",
                "approve",
                "teacher",
                rows.review,
                200,
                before=rows.fresh("submitted", lambda: self.submitted(s)),
            ),
            Case(
                "POST /schools/{id}/applications/{aid}/decision",
                "approve, seated",
                "school_admin",
                rows.decide("seated"),
                200,
                before=rows.fresh("seated", lambda: self.teacher_approved(s)),
                after=_activity_state("seated"),
            ),
            Case(
                "POST /schools/{id}/applications/{aid}/decision",
                "approve, activity full: waitlisted",
                "school_admin",
                rows.decide("waitlisted"),
                200,
                before=rows.fresh("waitlisted", lambda: self.teacher_approved(s, s.full_term, s.full_activity)),
                after=_activity_state("waitlisted"),
            ),
            Case(
                "POST /schools/{id}/application-decisions",
                f"approve {BATCH_SIZE}",
                "school_admin",
                rows.batch,
                200,
                before=rows.fresh("batch", lambda: [self.teacher_approved(s) for _ in range(BATCH_SIZE)]),
                after=_all_approved,
            ),
            Case(
                "POST /schools/{id}/applications/{aid}/agreement",
                "sign",
                "guardian",
                rows.sign,
                201,
                before=rows.fresh("approved", lambda: self.approved(s)),
            ),
            Case(
                "GET /schools/{id}/applications/{aid}/agreement/preview",
                "",
                "guardian",
                rows.preview,
                200,
                before=rows.fresh("to preview", lambda: self.approved(s)),
            ),
            Case(
                "GET /schools/{id}/terms/{tid}/places",
                "1 activity",
                "guardian",
                lambda i: Request("GET", f"/schools/{s.school_id}/terms/{s.open_term}/places", None, sibling.guardian),
                200,
                after=lambda i, reply: _expect_places(reply, 1),
            ),
            Case(
                "GET /schools/{id}/my/children",
                "2 children",
                "guardian",
                lambda i: Request("GET", children, None, sibling.guardian),
                200,
                after=lambda i, reply: _expect_children(reply, 2),
            ),
        ]

    # -- the roster import -------------------------------------------------------------------------

    def imports(self, w: World) -> list[ImportResult]:
        sid, admin = self.school(w, "I")
        body = roster_csv(IMPORT_ROWS)
        path = f"/schools/{sid}/roster/import"
        out = []
        for variant, check in (("new file", "created"), ("same file again", "unchanged")):
            case = Case(
                "POST /schools/{id}/roster/import",
                variant,
                "school_admin",
                lambda i: Request("POST", path, body, admin),
                200,
            )
            sample, counts = self._timed(case)
            if counts.get(check) != IMPORT_ROWS:
                raise BenchError(f"roster import ({variant}): expected {IMPORT_ROWS} {check}, got {counts}")
            out.append(
                ImportResult(
                    variant,
                    IMPORT_ROWS,
                    sample.status,
                    sample.route,
                    sample.drain,
                    sample.total_ms / 1000,
                    sample.drain_ms / 1000,
                    {k: v for k, v in counts.items() if k != "job_id"},
                )
            )
        return out

    def _timed(self, case: Case) -> tuple[Any, dict[str, Any]]:
        seen: dict[str, Any] = {}
        case.after = lambda i, reply: seen.update(reply.json or {})
        return self.b.sample(case, 0), seen


class _Rows:
    """The request of each row, on what ``fresh(kind, make)`` made before the call."""

    def __init__(self, eb: EnrolmentBench, s: School):
        self.eb, self.s = eb, s
        self.ready: dict[str, Any] = {}

    def fresh(self, kind: str, make: Callable[[], Any]) -> Callable[[int], None]:
        def before(i: int) -> None:
            self.ready[kind] = make()

        return before

    def create(self, i: int) -> Request:
        f: Family = self.ready["family"]
        body = self.eb.application_body(self.s, f, self.s.open_term, self.s.open_activity)
        return Request("POST", f"/schools/{self.s.school_id}/applications", body, f.guardian)

    def submit(self, i: int) -> Request:
        f, app_id = self.ready["draft"]
        return Request("POST", self.eb.app_path(self.s, app_id, "/submit"), None, f.guardian)

    def review(self, i: int) -> Request:
        _, app_id = self.ready["submitted"]
        path = self.eb.app_path(self.s, app_id, "/class-review")
        return Request("POST", path, {"decision": "approve"}, self.s.teacher)

    def decide(self, kind: str) -> Callable[[int], Request]:
        def request(i: int) -> Request:
            _, app_id = self.ready[kind]
            return Request("POST", self.eb.app_path(self.s, app_id, "/decision"), {"decision": "approve"}, self.s.admin)

        return request

    def batch(self, i: int) -> Request:
        body = {"application_ids": [app_id for _, app_id in self.ready["batch"]], "decision": "approve"}
        return Request("POST", f"/schools/{self.s.school_id}/application-decisions", body, self.s.admin)

    def preview(self, i: int) -> Request:
        app = self.ready["to preview"]
        return Request("GET", self.eb.app_path(self.s, app["id"], "/agreement/preview"), None, app["guardian"])

    def sign(self, i: int) -> Request:
        app = self.ready["approved"]
        body = {"template_version": 1, "agree": True}
        return Request("POST", self.eb.app_path(self.s, app["id"], "/agreement"), body, app["guardian"])


def _activity_state(expected: str) -> Callable[[int, Reply], None]:
    def after(i: int, reply: Reply) -> None:
        states = [a["state"] for a in reply.json["activities"]]
        if states != [expected]:
            raise BenchError(f"decision: expected the activity {expected}, got {states}")

    return after


def _all_approved(i: int, reply: Reply) -> None:
    results = reply.json["results"]
    bad = [r for r in results if not r.get("ok") or not r.get("activities")]
    if bad or len(results) != BATCH_SIZE:
        raise BenchError(f"batch approval: {len(bad)} of {len(results)} failed: {bad[:2]}")


def _expect_places(reply: Reply, n: int) -> None:
    if len(reply.json["items"]) != n:
        raise BenchError(f"places: expected {n} activities, got {reply.json['items']}")


def _expect_children(reply: Reply, n: int) -> None:
    if len(reply.json["items"]) != n:
        raise BenchError(f"my/children: expected {n} children, got {len(reply.json['items'])}")


def roster_csv(rows: int) -> dict[str, str]:
    """The functional test's file: 60 classes, two guardians and a pickup adult per child (~12,000 items)."""
    lines = [",".join(IMPORT_HEADER)]
    for i in range(rows):
        grade, section = i % 6 + 1, i // 6 % 10 + 1
        lines.append(
            ",".join(
                [
                    f"2024{i:05d}",
                    f"学生{i}",
                    str(grade),
                    f"{grade}年级{section}班",
                    f"t-{grade}-{section}",
                    "老师",
                    f"父{i}",
                    "父亲",
                    f"139{2 * i:08d}",
                    f"母{i}",
                    "母亲",
                    f"139{2 * i + 1:08d}",
                    f"接{i}",
                    "其他",
                    f"139{900_000 + i:08d}",
                ]
            )  # fmt: skip
        )
    data = ("\n".join(lines) + "\n").encode()
    return {"format": "csv", "content_base64": base64.b64encode(data).decode()}


def measure(bench: Bench, world: World, iterations: int) -> EnrolmentReport:
    """Set up a school with a class, two published terms and an agreement; measure every row."""
    eb = EnrolmentBench(bench)
    calls_before = len(bench.rec.calls)
    t0 = time.perf_counter()
    school = eb.setup(world)
    cases = eb.cases(school)
    for case in cases:  # warm-up: first use of the enrolment services, templates, KMS keys
        if case.before:
            case.before(0)
        bench.sample(case, 0)
    t1 = time.perf_counter()
    results = [bench.run_case(case, iterations) for case in cases]
    imports = eb.imports(world)
    t2 = time.perf_counter()
    return EnrolmentReport(results, imports, len(bench.rec.calls) - calls_before, round(t1 - t0, 1), round(t2 - t1, 1))
