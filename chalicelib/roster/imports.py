"""Importing a school's roster spreadsheet (花名册导入): validate everything, then write everything.

1. :func:`.importer.parse` checks every row; any problem answers 400 ``roster_import_invalid`` with
   the per-row report, and nothing is written.
2. One Query loads the school's classes, one the students (3,000 students are a few 1 MB pages).
3. The plan compares each row with the stored child (by 学号) without opening sealed values (blind
   indexes): new children are created, changed ones rewritten (a new class moves them), identical
   ones left alone, so re-importing the same file writes nothing but the job record.
4. Writes go out as BatchWriteItem in two phases, ordered so a crash half-way leaves only harmless
   leftovers and re-importing the file completes it: first classes, 学号 claims and guardian-phone
   index items (an index item or claim without its child is ignored by readers and overwritten by
   the next import), then the students themselves and the removal of index items of changed phones.
5. Each class whose student count changed gets the difference added (one UpdateItem per class;
   see :class:`.models.ClassStudentCount` for what keeps the counts right).
6. The import job item and one ``RosterImported`` event (counts only) commit in one transaction.

Batch writes carry no conditions: an import is last-writer-wins against a concurrent single edit of
the same child, and children missing from the file are left as they are (an import never deletes).
"""

from __future__ import annotations

import base64
import binascii
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from pynamodb.connection import Connection

from chalicelib.core.clock import Clock, iso
from chalicelib.core.errors import ValidationFailed
from chalicelib.core.identity import Principal
from chalicelib.core.ids import new_id
from chalicelib.core.logging import logger
from chalicelib.core.store import MainTableModel, tenant_pk
from chalicelib.core.vault import PersonalDataVault

from . import importer, schemas
from .bulk import BatchWriter
from .importer import Contact, ParsedRoster, RosterRow
from .models import (
    CLASS_PREFIX,
    STUDENT_PREFIX,
    ClassNameClaim,
    ClassStudentCount,
    GuardianPhoneEntry,
    ImportJob,
    SchoolClass,
    StoredContact,
    Student,
    StudentNumberClaim,
    contact_signature,
)
from .sealing import Sealer
from .writes import Transaction


@dataclass
class Counts:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    moved: int = 0
    classes_created: int = 0
    classes_updated: int = 0


@dataclass(frozen=True)
class ClassCount:
    """A class's student count as read at the start of the import, and as it is after it."""

    class_id: str
    read: int | None  # None: the class was stored before counting began (or is new)
    after: int

    def action(self) -> Any | None:
        """The UpdateItem action that brings the stored count to ``after``, or None if it is right.

        Adding the difference (rather than setting ``after``) keeps the single edits that commit
        while the import runs; a class with no count yet gets it set outright.
        """
        if self.read is None:
            return ClassStudentCount.student_count.set(self.after)
        if self.after != self.read:
            return ClassStudentCount.student_count.add(self.after - self.read)
        return None


@dataclass
class Plan:
    """What the import will write, phase by phase (see the module docstring)."""

    counts: Counts = field(default_factory=Counts)
    first: list[MainTableModel] = field(default_factory=list)  # classes, claims, index items
    second: list[MainTableModel] = field(default_factory=list)  # students
    stale_entries: list[MainTableModel] = field(default_factory=list)  # index items of replaced phones
    class_counts: list[ClassCount] = field(default_factory=list)  # written last (step 5)


class RosterImport:
    def __init__(
        self,
        connection: Callable[[], Connection],
        clock: Clock,
        vault: PersonalDataVault,
        after_commit: Callable[[], None],
    ):
        self._conn = connection
        self._clock = clock
        self._vault = vault
        self._after_commit = after_commit

    def run(self, p: Principal, school_id: str, cmd: schemas.RosterImport, locale: str) -> dict[str, Any]:
        timer = _Timer()
        roster = _parse(cmd, locale)
        timer.lap("parse")
        job = self._start_job(p, school_id, cmd.format)
        plan = Planner(school_id, Sealer(self._vault, school_id), iso(self._clock.now())).plan(roster)
        timer.lap("plan")
        writer = BatchWriter(self._conn(), Student.Meta.table_name)
        writer.write(plan.first)
        timer.lap("write_first")
        writer.write(plan.second, deletes=plan.stale_entries)
        timer.lap("write_second")
        _write_class_counts(school_id, plan.class_counts)
        timer.lap("write_counts")
        self._finish_job(job, plan.counts)
        # Counts and timings only: a roster's content never goes to the logs.
        logger.info("roster import", extra={"job_id": job.job_id, "counts": asdict(plan.counts), "ms": timer.laps})
        return {"job_id": job.job_id, **asdict(plan.counts), "ignored_columns": roster.ignored_columns}

    def _start_job(self, p: Principal, school_id: str, file_format: str) -> ImportJob:
        job_id = new_id()
        job = ImportJob(
            *ImportJob.key(school_id, job_id),
            tenant_id=school_id,
            kind="ImportJob",
            job_id=job_id,
            status="running",
            file_format=file_format,
            started_by=p.sub,
            started_at=iso(self._clock.now()),
        )
        job.save()
        return job

    def _finish_job(self, job: ImportJob, counts: Counts) -> None:
        for name, value in asdict(counts).items():
            setattr(job, name, value)
        job.status, job.finished_at = "completed", iso(self._clock.now())
        with Transaction(self._conn()) as tx:
            tx.save("job", job)
            tx.event("RosterImported", job.tenant_id, {"job_id": job.job_id, **asdict(counts)}, self._clock.now())
        self._after_commit()


class _Timer:
    def __init__(self) -> None:
        self._last = time.perf_counter()
        self.laps: dict[str, float] = {}

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name], self._last = round((now - self._last) * 1000, 1), now


def _parse(cmd: schemas.RosterImport, locale: str) -> ParsedRoster:
    try:
        content = base64.b64decode(cmd.content_base64, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValidationFailed([{"field": "content_base64", "message": "not valid base64"}]) from exc
    try:
        return importer.parse(cmd.format, content)
    except importer.RosterFileInvalid as exc:
        raise ValidationFailed(exc.details(locale), code="roster_import_invalid") from exc


class Planner:
    """Compares a clean file with the stored roster and builds the items to write."""

    def __init__(self, school_id: str, sealer: Sealer, now: str):
        self._school = school_id
        self._sealer = sealer
        self._now = now
        pk = tenant_pk(school_id)
        self._classes = {
            (int(c.grade), c.name): c for c in SchoolClass.query(pk, SchoolClass.sk.startswith(CLASS_PREFIX))
        }
        self._students = {s.student_number: s for s in Student.query(pk, Student.sk.startswith(STUDENT_PREFIX))}

    def plan(self, roster: ParsedRoster) -> Plan:
        plan = Plan(Counts(rows=len(roster.rows)))
        read = {c.class_id: c.student_count for c in self._classes.values()}  # before _plan_classes edits
        classes = self._plan_classes(roster.rows, plan)
        for row in roster.rows:
            self._plan_student(row, classes[row.class_key], plan)
        plan.class_counts = self._class_counts(roster, classes, read)
        return plan

    def _class_counts(
        self, roster: ParsedRoster, classes: dict[tuple[int, str], SchoolClass], read: dict[str, Any]
    ) -> list[ClassCount]:
        """Every class's student count after the import, from what the import knows: the school's
        students it read (children missing from the file stay where they are) with each row of the
        file in its class. Only classes whose stored count differs are returned."""
        class_of = {number: s.class_id for number, s in self._students.items()}
        class_of.update({row.student_number: classes[row.class_key].class_id for row in roster.rows})
        after: dict[str, int] = dict.fromkeys([*read, *(c.class_id for c in classes.values())], 0)
        for class_id in class_of.values():
            if class_id in after:
                after[class_id] += 1
        counts = [ClassCount(cid, None if read.get(cid) is None else int(read[cid]), n) for cid, n in after.items()]
        return [c for c in counts if c.action() is not None]

    # -- classes -------------------------------------------------------------------------------

    def _plan_classes(self, rows: list[RosterRow], plan: Plan) -> dict[tuple[int, str], SchoolClass]:
        homeroom: dict[tuple[int, str], tuple[str | None, str | None]] = {}
        for r in rows:
            sub, name = homeroom.get(r.class_key, (None, None))
            homeroom[r.class_key] = (sub or r.homeroom_teacher_sub, name or r.homeroom_teacher_name)
        result: dict[tuple[int, str], SchoolClass] = {}
        for key, (sub, name) in homeroom.items():
            klass = self._classes.get(key)
            if klass is None:
                klass = self._new_class(key, sub, name)
                plan.first += [klass, ClassNameClaim.of(klass)]
                plan.counts.classes_created += 1
            elif _set_homeroom(klass, sub, name):
                klass.version, klass.updated_at = (klass.version or 0) + 1, self._now
                plan.first.append(klass)
                plan.counts.classes_updated += 1
            result[key] = klass
        return result

    def _new_class(self, key: tuple[int, str], sub: str | None, name: str | None) -> SchoolClass:
        class_id = new_id()
        return SchoolClass(
            *SchoolClass.key(self._school, class_id),
            tenant_id=self._school,
            kind="SchoolClass",
            class_id=class_id,
            grade=key[0],
            name=key[1],
            homeroom_teacher_sub=sub,
            homeroom_teacher_name=name,
            created_at=self._now,
            updated_at=self._now,
            version=1,
        )  # no student_count yet: step 5 sets it once the students are written

    # -- students ------------------------------------------------------------------------------

    def _plan_student(self, row: RosterRow, klass: SchoolClass, plan: Plan) -> None:
        current = self._students.get(row.student_number)
        if current is not None and current.state() == self._desired_state(row, klass):
            plan.counts.unchanged += 1
            return
        student = self._student(row, klass, current)
        plan.first += [self._entry(i, student) for i in student.guardian_indexes()]
        plan.second.append(student)
        if current is None:
            plan.first.append(StudentNumberClaim.of(student))
            plan.counts.created += 1
            return
        plan.stale_entries += [self._entry(i, student) for i in current.guardian_indexes() - student.guardian_indexes()]
        plan.counts.updated += 1
        plan.counts.moved += int(current.class_id != klass.class_id)

    def _desired_state(self, row: RosterRow, klass: SchoolClass) -> dict[str, Any]:
        """The stored child's :meth:`Student.state` if it matched ``row`` (indexes only, no sealing)."""
        return {
            "student_number": row.student_number,
            "name": row.name,
            "class_id": klass.class_id,
            "guardians": tuple((c.name, c.relationship, self._sealer.index(c.phone)) for c in row.guardians),
            "pickup_adults": tuple((c.name, c.relationship, self._sealer.index(c.phone)) for c in row.pickup_adults),
            "id_number": self._sealer.index(row.id_number) if row.id_number else None,
        }

    def _student(self, row: RosterRow, klass: SchoolClass, current: Student | None) -> Student:
        student_id = current.student_id if current else new_id()
        student = Student(
            *Student.key(self._school, student_id),
            tenant_id=self._school,
            kind="Student",
            student_id=student_id,
            student_number=row.student_number,
            name=row.name,
            guardians=self._contacts(row.guardians, current.guardians if current else []),
            pickup_adults=self._contacts(row.pickup_adults, current.pickup_adults if current else []),
            created_at=current.created_at if current else self._now,
            updated_at=self._now,
            version=(current.version or 0) + 1 if current else 1,
        )
        same_id = current is not None and current.id_number_index == _maybe_index(self._sealer, row.id_number)
        if current is not None and same_id:
            student.id_number_sealed, student.id_number_index = current.id_number_sealed, current.id_number_index
        else:
            student.id_number_sealed, student.id_number_index = self._sealer.id_number(row.id_number)
        student.place_in(klass)
        return student

    def _contacts(self, wanted: tuple[Contact, ...], stored: list[StoredContact]) -> list[StoredContact]:
        """Seal only what changed: an unchanged contact keeps its sealed phone."""
        kept = {sig: c for sig, c in zip(contact_signature(stored), stored, strict=True)}
        out = []
        for c in wanted:
            sig = (c.name, c.relationship, self._sealer.index(c.phone))
            out.append(kept.get(sig) or self._sealer.contact(c.name, c.relationship, c.phone))
        return out

    def _entry(self, index: str, student: Student) -> GuardianPhoneEntry:
        return GuardianPhoneEntry.of(self._school, index, student.student_id)


def _write_class_counts(school_id: str, counts: list[ClassCount]) -> None:
    """Step 5: one UpdateItem per class whose count changed (a few dozen at most for a school)."""
    for c in counts:
        action = c.action()
        if action is not None:
            counter = ClassStudentCount.of(school_id, c.class_id)
            counter.update(actions=[action], condition=ClassStudentCount.pk.exists())


def _set_homeroom(klass: SchoolClass, sub: str | None, name: str | None) -> bool:
    """The file's 班主任 for an existing class; blank cells keep what the class has. True if changed."""
    changed = False
    if sub is not None and sub != klass.homeroom_teacher_sub:
        klass.homeroom_teacher_sub, changed = sub, True
    if name is not None and name != klass.homeroom_teacher_name:
        klass.homeroom_teacher_name, changed = name, True
    return changed


def _maybe_index(sealer: Sealer, value: str | None) -> str | None:
    return sealer.index(value) if value else None
