"""家长申请: a guardian creates, edits and submits an application; guardians and staff read it.

Choices are checked against the term's latest published program (公示): the services and activities
offered, the grades an activity takes, whether lunch is served. One open application per child and
term (:class:`ApplicationClaim`).

Creating one takes an optional ``Idempotency-Key`` (:mod:`chalicelib.core.idempotency`): the record is
written in the application's own transaction, per guardian, so the same key and body answer with the
same application and another body with 422 ``idempotency_key_reused``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pynamodb.exceptions import TransactWriteError

from chalicelib.core import authz, idempotency
from chalicelib.core.clock import iso
from chalicelib.core.errors import Conflict, NotFound, ValidationFailed, VersionConflict
from chalicelib.core.identity import Principal
from chalicelib.core.ids import new_id
from chalicelib.core.pagination import Page, decode_cursor, page_of
from chalicelib.core.versioning import expected_version
from chalicelib.roster.models import Student

from . import priority, schemas, seats, states
from .access import Access, load_class, require_class_queue_reader
from .consent import ConsentBook
from .flow import Flow, load_application
from .models import Application, ApplicationClaim, StudentAppEntry, Transition
from .tx import Transaction

KEY_ATTRS = ("pk", "sk", "gsi1pk", "gsi1sk")


class Applications:
    def __init__(self, flow: Flow, access: Access, consent: ConsentBook):
        self._flow = flow
        self._access = access
        self._consent = consent

    # -- the guardian's side -----------------------------------------------------------------------

    def create(
        self, p: Principal, school_id: str, cmd: schemas.ApplicationCreate, idempotency_key: str | None = None
    ) -> tuple[Application, bool]:
        """A draft for the guardian's child; returns it and whether it is an idempotent replay."""
        student = self._access.require_guardian(p, school_id, cmd.student_id)
        req = None
        if idempotency_key is not None:
            # Scoped to the guardian: another guardian's key never answers with this one's application.
            operation = f"create_application:{p.sub}"
            req = idempotency.make_request(school_id, operation, idempotency_key, cmd.model_dump(mode="json"))
            previous = idempotency.find_previous(req)
            if previous:
                return load_application(school_id, previous), True
        self._consent.require(school_id, student.student_id, p.sub)
        program = _program(school_id, cmd.term_id)
        _check_choices(cmd, program, student)
        now = self._flow.clock.now()
        app_id = new_id()
        app = Application(
            *Application.key(school_id, app_id),
            tenant_id=school_id,
            kind="Application",
            application_id=app_id,
            student_id=student.student_id,
            class_id=student.class_id,
            term_id=cmd.term_id,
            guardian_sub=p.sub,
            care_reason=cmd.care_reason.model_dump(),
            services=list(dict.fromkeys(cmd.services)),
            lunch=cmd.lunch,
            activities=_requested(cmd.activity_ids),
            created_at=iso(now),
            updated_at=iso(now),
        )
        _snapshot_names(app, student)
        app.file_under(states.DRAFT)
        claim = ApplicationClaim(
            *ApplicationClaim.key(school_id, cmd.term_id, student.student_id),
            tenant_id=school_id,
            kind="ApplicationClaim",
            application_id=app_id,
        )
        entry = StudentAppEntry(
            *StudentAppEntry.key(school_id, student.student_id, app_id),
            tenant_id=school_id,
            kind="StudentAppEntry",
            application_id=app_id,
        )
        tx = Transaction(self._flow.conn())
        try:
            with tx:
                tx.save("app", app, Application.pk.does_not_exist())
                tx.save("claim", claim, ApplicationClaim.pk.does_not_exist())
                tx.save("entry", entry)
                history = self._flow.history_entry(app, p.sub, "guardian", "create", "none", states.DRAFT)
                tx.save("history", history, Transition.pk.does_not_exist())
                if req:
                    tx.remember("idempotency", req, app_id, now)
        except TransactWriteError as exc:
            failed = tx.failed(exc)
            if req and "idempotency" in failed:
                # A concurrent request with the same key won the race: answer as its replay.
                again = idempotency.find_previous(req)
                if again:
                    return load_application(school_id, again), True
            if "claim" in failed:
                raise Conflict(
                    {"student_id": student.student_id, "term_id": cmd.term_id}, code="application_exists"
                ) from exc
            raise
        self._flow.after_commit()
        return app, False

    def update(
        self, p: Principal, school_id: str, application_id: str, cmd: schemas.ApplicationUpdate, if_match: str | None
    ) -> Application:
        """Edit the choices while a draft or after 班主任 returned it."""
        app = load_application(school_id, application_id)
        student = self._access.require_guardian(p, school_id, app.student_id)
        states.next_status("edit", app.status)
        if expected_version(if_match, cmd.version) != app.version:
            raise VersionConflict({"current_version": app.version})
        _check_choices(cmd, _program(school_id, app.term_id), student)

        def apply(a: Application) -> None:
            a.care_reason = cmd.care_reason.model_dump()
            a.services = list(dict.fromkeys(cmd.services))
            a.lunch = cmd.lunch
            a.activities = _requested(cmd.activity_ids)
            _snapshot_names(a, student)  # the guardian just read the roster's names: refresh them

        return self._edit(p, app, apply)

    def _edit(self, p: Principal, app: Application, apply: Callable[[Application], None]) -> Application:
        apply(app)
        app.updated_at = iso(self._flow.clock.now())
        tx = Transaction(self._flow.conn())
        try:
            with tx:
                self._flow.stage(tx, app, p.sub, "guardian", "edit", app.status, event=False)
        except TransactWriteError as exc:
            self._flow.raise_lost(tx, exc, app, "edit")
        return app

    def submit(self, p: Principal, school_id: str, application_id: str) -> Application:
        app = load_application(school_id, application_id)
        self._access.require_family(p, app)
        states.next_status("submit", app.status)
        self._consent.require(school_id, app.student_id, p.sub)
        return self._flow.transition(p, app, "submit")

    # -- reading -----------------------------------------------------------------------------------

    def get(self, p: Principal, school_id: str, application_id: str) -> Application:
        app = load_application(school_id, application_id)
        self._access.require_reader(p, app)
        return app

    def history(self, p: Principal, school_id: str, application_id: str) -> list[dict[str, Any]]:
        app = self.get(p, school_id, application_id)
        pk, sk = Application.key(school_id, app.application_id)
        items = Transition.query(pk, Transition.sk.startswith(f"{sk}#H#"), consistent_read=True)
        return [t.as_json() for t in items]

    def mine(self, p: Principal, school_id: str) -> list[Application]:
        """The applications of all the guardian's children at this school, newest first."""
        ids: list[str] = []
        for student_id in self._access.my_children(p, school_id):
            partition = StudentAppEntry.key(school_id, student_id, "")[0]
            ids += [e.application_id for e in StudentAppEntry.query(partition)]
        keys = [Application.key(school_id, i) for i in ids]
        apps = list(Application.batch_get(keys, consistent_read=True)) if keys else []
        return sorted(apps, key=lambda a: a.application_id, reverse=True)

    def class_queue(self, p: Principal, school_id: str, class_id: str, q: schemas.QueueQuery) -> Page[Application]:
        """班级审核 queue: a class's applications in one status (default: submitted)."""
        require_class_queue_reader(p, school_id, class_id)
        return _queue(school_id, q.status or states.SUBMITTED, q, prefix=f"{class_id}#")

    def school_queue(self, p: Principal, school_id: str, q: schemas.QueueQuery) -> Page[Application]:
        """校长审定 queue: the school's applications in one status (default: teacher_approved)."""
        authz.require_school_admin(p, school_id)
        return _queue(school_id, q.status or states.TEACHER_APPROVED, q)


def as_json(app: Application) -> dict[str, Any]:
    """The application as guardians and staff see it: ids, plus the child's and class's names as
    they were when the guardian last wrote it (a snapshot, so queues need no roster read)."""
    situation = priority.situation_of(app.care_reason)
    return {
        "id": app.application_id,
        "school_id": app.tenant_id,
        "student_id": app.student_id,
        "student_name": app.student_name,
        "class_id": app.class_id,
        "class_name": app.class_name,
        "term_id": app.term_id,
        "guardian_sub": app.guardian_sub,
        "status": app.status,
        "status_reason": app.status_reason,
        "care_reason": {**app.care_reason, "situation": situation},  # older items lack it: "other"
        "priority": priority.priority_json(situation),  # R4: why the child is where it is on a waiting list
        "services": app.services,
        "lunch": app.lunch,
        "activities": activities_json(app),
        "class_review": class_review_json(app),
        "effective_on": app.effective_on,
        "version": app.version,
        "created_at": app.created_at,
        "updated_at": app.updated_at,
    }


def class_review_json(app: Application) -> dict[str, Any] | None:
    """The 班主任's latest 班级审核 decision, or None (not reviewed yet, or reviewed before the
    application kept it: its history has the decision then)."""
    review = app.class_review
    if not review:
        return None
    return {
        "decision": review["decision"],
        "by": review["by"],
        "by_name": review.get("by_name"),
        "at": review["at"],
        "reason": review.get("reason"),
    }


def activities_json(app: Application) -> list[dict[str, Any]]:
    """Each chosen activity's state; a waitlisted one with its position (候补, 1 is next)."""
    activities = []
    for a in app.activities:
        item = {"activity_id": a["activity_id"], "state": a["state"], "position": None}
        if a["state"] == seats.WAITLISTED and a.get("wait_sk"):
            item["position"] = seats.position(app.tenant_id, app.term_id, a["activity_id"], a["wait_sk"])
        activities.append(item)
    return activities


def _snapshot_names(app: Application, student: Student) -> None:
    app.student_name = student.name
    app.class_name = class_name(app.tenant_id, app.class_id)  # the class the application is reviewed in


def class_name(school_id: str, class_id: str) -> str:
    """The class's name on the roster ("" if the class is gone)."""
    try:
        return load_class(school_id, class_id).name
    except NotFound:
        return ""


def _queue(school_id: str, status: str, q: schemas.QueueQuery, prefix: str | None = None) -> Page[Application]:
    partition = Application.status_partition(school_id, status)
    start = decode_cursor(q.cursor, partition_attr="gsi1pk", partition_value=partition)
    condition = Application.gsi1sk.startswith(prefix) if prefix else None
    result = Application.by_status.query(
        partition, condition, limit=q.limit + 1, last_evaluated_key=start, page_size=q.limit + 1
    )
    return page_of(list(result), q.limit, KEY_ATTRS)


def _program(school_id: str, term_id: str) -> seats.Program:
    program = seats.load_program(school_id, term_id)
    if program is None:
        raise ValidationFailed([{"field": "term_id", "message": "no published program (公示) for this term"}])
    return program


def _check_choices(cmd: schemas.ApplicationChoices, program: seats.Program, student: Student) -> None:
    problems: list[dict[str, str]] = []
    for i, kind in enumerate(cmd.services):
        if kind not in program.services:
            problems.append({"field": f"services.{i}", "message": "not offered this term"})
    for i, aid in enumerate(cmd.activity_ids):
        activity = program.activities.get(aid)
        if activity is None:
            problems.append({"field": f"activity_ids.{i}", "message": "no such activity in the published program"})
        elif int(student.grade) not in activity["grades"]:
            problems.append({"field": f"activity_ids.{i}", "message": "not open to the child's grade"})
    if len(set(cmd.activity_ids)) != len(cmd.activity_ids):
        problems.append({"field": "activity_ids", "message": "an activity appears twice"})
    if cmd.lunch and not program.offers_lunch:
        problems.append({"field": "lunch", "message": "no lunch service this term"})
    if problems:
        raise ValidationFailed(problems)


def _requested(activity_ids: list[str]) -> list[dict[str, Any]]:
    return [{"activity_id": aid, "state": seats.REQUESTED} for aid in activity_ids]
