"""Generating a term's timetable as an asynchronous job (issue 4: never inside an API request).

``start`` (the API) checks that the inputs are ready, then in one transaction stores the job
(queued), takes the term's generation lock and records a ``TimetableGenerationRequested`` event. The
event reaches ``run``: in AWS through EventBridge → SQS → the generator Lambda (a container image with
OR-Tools, :mod:`.worker`); locally the in-process outbox drain hands it to a background thread.

``run`` is idempotent: a finished job is left alone, so a redelivered message does nothing. It marks
the job running, moves its phase and progress along (assembling → solving → storing → done)
for the page's progress bar, and on success writes the draft, finishes the job and releases the lock
in one transaction. A failure (inputs not ready, no timetable exists, no answer in time, a bug) finishes
the job with a code and the problems in both languages, and releases the lock. A worker that dies holds
the lock until its lease passes; then a new generation may start and the dead one reads as failed.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal

from pynamodb.connection import Connection
from pynamodb.exceptions import DoesNotExist, TransactWriteError
from pynamodb.expressions.update import Action

from chalicelib.core.clock import Clock, iso
from chalicelib.core.errors import Conflict, NotFound, ValidationFailed
from chalicelib.core.identity import Principal, Role
from chalicelib.core.ids import is_id, new_id
from chalicelib.core.logging import logger

from . import policy, snapshot
from .messages import GENERATION_FAILURES, Violation
from .plan_models import LEASE_SECONDS, Draft, GenerationJob, GenerationLock, load_draft
from .vocabulary import Locale
from .writes import Transaction

if TYPE_CHECKING:
    from .assembler import InputsAssembler
    from .generator import Generation as Result
    from .inputs import TimetableInputs

Phase = Literal["queued", "assembling", "solving", "storing", "done"]
PROGRESS: dict[str, int] = {"queued": 0, "assembling": 10, "solving": 40, "storing": 90, "done": 100}
LOCALES: tuple[Locale, ...] = ("zh-CN", "en")
REQUESTED = "TimetableGenerationRequested"
SYSTEM_SUB = "system:timetable-generator"

Solve = Callable[["TimetableInputs"], "Result"]


def solve_with_ortools(inputs: TimetableInputs) -> Result:
    from .generator import generate  # OR-Tools: only the job pays for importing it

    return generate(inputs)


def violation_json(v: Violation, locale: Locale) -> dict[str, Any]:
    return {
        "code": v.code,
        "weekday": v.weekday,
        "period": v.period,
        "class_ids": list(v.class_ids),
        "venue_ids": list(v.venue_ids),
        "adult_ids": list(v.adult_ids),
        "params": dict(v.params),
        "message": v.message(locale),
    }


class GenerationJobs:
    def __init__(
        self,
        connection: Callable[[], Connection],
        clock: Clock,
        after_commit: Callable[[], None],
        assembler: InputsAssembler,
        solve: Solve = solve_with_ortools,
        ids: Callable[[], str] = new_id,
    ):
        self._conn = connection
        self._clock = clock
        self._after_commit = after_commit
        self._assembler = assembler
        self._solve = solve
        self._ids = ids

    # -- the API's side ---------------------------------------------------------------------------

    def start(self, p: Principal, school_id: str, term_id: str, locale: Locale = "zh-CN") -> dict[str, Any]:
        """Queue a generation: 400 ``inputs_not_ready`` with the readiness problems when the inputs
        cannot make a timetable, 409 ``generation_running`` while another one for the term runs."""
        policy.require_writer(p, school_id)
        readiness = self._assembler.readiness(p, school_id, term_id)
        if not readiness.ready:
            problems = [pr.as_json(locale) for pr in readiness.problems if pr.severity == "error"]
            raise ValidationFailed(problems, code="inputs_not_ready")
        now = self._clock.now()
        lease = iso(now + dt.timedelta(seconds=LEASE_SECONDS))
        generation_id = self._ids()
        job = GenerationJob(
            *GenerationJob.key(school_id, term_id, generation_id),
            tenant_id=school_id,
            kind="GenerationJob",
            generation_id=generation_id,
            term_id=term_id,
            status="queued",
            phase="queued",
            progress=0,
            requested_by=p.sub,
            requested_at=iso(now),
            lease_until=lease,
        )
        lock = GenerationLock(
            *GenerationLock.key(school_id, term_id),
            tenant_id=school_id,
            kind="GenerationLock",
            generation_id=generation_id,
            lease_until=lease,
        )
        tx = Transaction(self._conn())
        try:
            with tx:
                tx.save("job", job, GenerationJob.sk.does_not_exist())
                free = GenerationLock.sk.does_not_exist() | (GenerationLock.lease_until < iso(now))
                tx.save("lock", lock, free)
                detail = {"school_id": school_id, "term_id": term_id, "generation_id": generation_id}
                tx.event(REQUESTED, school_id, detail, now)
        except TransactWriteError as exc:
            if "lock" in tx.failed(exc):
                running = _lock_holder(school_id, term_id)
                raise Conflict({"generation_id": running}, code="generation_running") from exc
            raise
        self._after_commit()
        return self.view(job, locale)

    def get(self, p: Principal, school_id: str, term_id: str, generation_id: str, locale: Locale) -> dict[str, Any]:
        policy.require_reader(p, school_id)
        job = _load(school_id, term_id, generation_id)
        if job is None:
            raise NotFound()
        return self.view(job, locale)

    def view(self, job: GenerationJob, locale: Locale) -> dict[str, Any]:
        """The job as the page reads it; a queued or running job past its lease reads as failed."""
        status, failure = job.status, job.failure_json()
        if not job.finished and job.lease_until < iso(self._clock.now()):
            status, failure = "failed", {"code": "expired", "problems": {}}
        return {
            "generation_id": job.generation_id,
            "term_id": job.term_id,
            "status": status,
            "phase": job.phase,
            "progress": int(job.progress),
            "requested_by": job.requested_by,
            "requested_at": job.requested_at,
            "started_at": job.started_at,
            "finished_at": job.finished_at,
            "draft_version": None if job.draft_version is None else int(job.draft_version),
            "figures": None if job.figures is None else json.loads(job.figures),
            "failure": _failure_view(failure, locale),
        }

    # -- the job's side ----------------------------------------------------------------------------

    def run(self, school_id: str, term_id: str, generation_id: str) -> str:
        """Run one generation to its end; returns the job's final status ("missing" for an unknown job)."""
        if not (is_id(school_id) and is_id(term_id) and is_id(generation_id)):
            logger.error("generation request with malformed ids ignored")
            return "missing"
        job = _load(school_id, term_id, generation_id)
        if job is None:
            logger.error("generation job not found", extra={"generation_id": generation_id})
            return "missing"
        if job.finished:
            return str(job.status)  # a redelivered request: already done
        if job.lease_until < iso(self._clock.now()):
            # A worker that died (timeout, memory) comes back only after its lease: by then the page
            # shows the job as expired and a newer generation may hold the term; never run it late.
            return self._fail(job, "expired", [])
        try:
            return self._run(job)
        except Exception as exc:  # a bug or an outage: the job ends, the principal may try again
            logger.exception("timetable generation failed", extra={"generation_id": generation_id})
            self._fail(job, "internal", [Violation("generation_failed", params={"reason": type(exc).__name__})])
            return "failed"

    def _run(self, job: GenerationJob) -> str:
        school_id, term_id = job.tenant_id, job.term_id
        now = self._clock.now()
        job.update(
            actions=[
                GenerationJob.status.set("running"),
                GenerationJob.phase.set("assembling"),
                GenerationJob.progress.set(PROGRESS["assembling"]),
                GenerationJob.started_at.set(iso(now)),
                GenerationJob.attempts.add(1),
                GenerationJob.lease_until.set(iso(now + dt.timedelta(seconds=LEASE_SECONDS))),
            ],
            condition=GenerationJob.status.is_in("queued", "running"),
        )
        system = Principal(SYSTEM_SUB, frozenset({Role.SCHOOL_ADMIN}), tenant=school_id)
        loaded = self._assembler.load(system, school_id, term_id)
        errors = loaded.assembly.errors
        if errors:
            return self._fail(job, "inputs_not_ready", [pr.violation for pr in errors])
        inputs = loaded.assembly.inputs
        self._phase(job, "solving")  # the generator's pre-checks run first (fast), then the solver
        result = self._solve(inputs)
        if result.status != "ok" or result.timetable is None:
            return self._fail(job, str(result.status), list(result.problems))
        self._phase(job, "storing")
        self._store(job, result)
        return "succeeded"

    def _phase(self, job: GenerationJob, phase: Phase) -> None:
        job.update(
            actions=[GenerationJob.phase.set(phase), GenerationJob.progress.set(PROGRESS[phase])],
            condition=GenerationJob.status == "running",
        )

    def _store(self, job: GenerationJob, result: Result) -> None:
        """The draft (replacing the term's, edits included: the principal asked for a new week), the
        finished job and the released lock, in one transaction."""
        assert result.timetable is not None
        school_id, term_id = job.tenant_id, job.term_id
        now = iso(self._clock.now())
        draft = load_draft(school_id, term_id)
        if draft is None:
            draft = Draft(*Draft.key(school_id, term_id), tenant_id=school_id, kind="Draft", term_id=term_id)
        draft.cells = snapshot.pack(result.timetable.as_json())
        draft.based_on_generation_id = job.generation_id
        draft.edits = 0
        draft.updated_at, draft.updated_by = now, job.requested_by
        next_version = (draft.version or 0) + 1  # PynamoDB bumps the local version only after the commit
        figures = json.dumps(result.figures.as_json() if result.figures else {}, separators=(",", ":"))
        tx = Transaction(self._conn())
        with tx:
            tx.save("draft", draft)
            tx.update(
                "job",
                job,
                [
                    *_finished("succeeded", now),
                    GenerationJob.draft_version.set(next_version),
                    GenerationJob.figures.set(figures),
                ],
                GenerationJob.status == "running",
            )
            _release(tx, job)
            detail = {"school_id": school_id, "term_id": term_id, "generation_id": job.generation_id}
            tx.event("TimetableGenerated", school_id, {**detail, "draft_version": next_version}, self._clock.now())
        self._after_commit()

    def _fail(self, job: GenerationJob, code: str, problems: list[Violation]) -> str:
        failure = {"code": code, "problems": {loc: [violation_json(v, loc) for v in problems] for loc in LOCALES}}
        tx = Transaction(self._conn())
        with tx:
            tx.update(
                "job",
                job,
                [
                    *_finished("failed", iso(self._clock.now())),
                    GenerationJob.failure.set(json.dumps(failure, ensure_ascii=False, separators=(",", ":"))),
                ],
                GenerationJob.status.is_in("queued", "running"),
            )
            _release(tx, job)
        return "failed"


def _failure_view(failure: dict[str, Any] | None, locale: Locale) -> dict[str, Any] | None:
    if failure is None:
        return None
    code = str(failure["code"])
    messages = GENERATION_FAILURES.get(code, GENERATION_FAILURES["internal"])
    return {"code": code, "message": messages[locale], "problems": failure.get("problems", {}).get(locale, [])}


def _finished(status: str, now: str) -> list[Action]:
    return [
        GenerationJob.status.set(status),
        GenerationJob.phase.set("done"),
        GenerationJob.progress.set(PROGRESS["done"]),
        GenerationJob.finished_at.set(now),
    ]


def _release(tx: Transaction, job: GenerationJob) -> None:
    """Release the term's lock if this job still holds it: after its lease another job may have taken
    it, and that one's lock stays (read first, deleted on condition, so a takeover in between fails
    the transaction rather than freeing the other's lock)."""
    if _lock_holder(job.tenant_id, job.term_id) == job.generation_id:
        lock = GenerationLock(*GenerationLock.key(job.tenant_id, job.term_id))
        tx.delete("lock", lock, GenerationLock.generation_id == job.generation_id)


def _load(school_id: str, term_id: str, generation_id: str) -> GenerationJob | None:
    if not is_id(generation_id):
        return None
    try:
        return GenerationJob.get(*GenerationJob.key(school_id, term_id, generation_id), consistent_read=True)
    except DoesNotExist:
        return None


def _lock_holder(school_id: str, term_id: str) -> str | None:
    try:
        return str(GenerationLock.get(*GenerationLock.key(school_id, term_id), consistent_read=True).generation_id)
    except DoesNotExist:
        return None
