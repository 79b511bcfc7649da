"""Use cases of the roster (花名册): classes and their 班主任, students with 监护人 and 接送人,
a guardian's own children, the access log, and the spreadsheet import (:mod:`.imports`).

Single writes are one transaction each (item, uniqueness claims, guardian-phone index items and the
outbox event commit together or not at all). Phones and identity numbers are sealed before they
leave this module (:mod:`.sealing`); reads open them only to show them, in full or masked (:mod:`.views`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NoReturn

from pynamodb.connection import Connection
from pynamodb.exceptions import TransactWriteError

from chalicelib.core.clock import Clock, iso
from chalicelib.core.errors import Conflict, Forbidden, NotFound, ValidationFailed, VersionConflict
from chalicelib.core.identity import Principal, Role
from chalicelib.core.ids import is_id, new_id
from chalicelib.core.pagination import Page, decode_cursor, page_of, query_page
from chalicelib.core.request_scope import memo
from chalicelib.core.vault import PersonalDataVault

from . import policy, schemas
from .access_log import AccessLog
from .imports import RosterImport
from .models import (
    ClassNameClaim,
    ClassStudentCount,
    GuardianPhoneEntry,
    SchoolClass,
    Student,
    StudentNumberClaim,
)
from .sealing import Sealer
from .views import Viewer, student_json
from .writes import Transaction, expected_version

CLASS_FIELDS = ("name", "homeroom_teacher_sub", "homeroom_teacher_name")


class RosterService:
    def __init__(
        self,
        connection: Callable[[], Connection],
        clock: Clock,
        after_commit: Callable[[], None],
        vault: PersonalDataVault,
    ):
        self._conn = connection  # asked per transaction: credentials may be scoped per request
        self._clock = clock
        self._after_commit = after_commit
        self._vault = vault
        self._log = AccessLog(connection, clock)
        self._import = RosterImport(connection, clock, vault, after_commit)

    # -- classes (班级) ---------------------------------------------------------------------------

    def create_class(self, p: Principal, school_id: str, cmd: schemas.ClassCreate) -> SchoolClass:
        policy.require_writer(p, school_id)
        now = iso(self._clock.now())
        class_id = new_id()
        klass = SchoolClass(
            *SchoolClass.key(school_id, class_id),
            tenant_id=school_id,
            kind="SchoolClass",
            class_id=class_id,
            grade=cmd.grade,
            name=cmd.name,
            homeroom_teacher_sub=cmd.homeroom_teacher_sub,
            homeroom_teacher_name=cmd.homeroom_teacher_name,
            student_count=0,
            created_at=now,
            updated_at=now,
        )
        tx = Transaction(self._conn())
        try:
            with tx:
                tx.save("class", klass, SchoolClass.pk.does_not_exist())
                tx.save("claim", ClassNameClaim.of(klass), ClassNameClaim.pk.does_not_exist())
                tx.event("ClassCreated", school_id, {"class_id": class_id, "grade": cmd.grade}, self._clock.now())
        except TransactWriteError as exc:
            if "claim" in tx.failed(exc):
                raise Conflict([{"field": "name", "message": "taken in this grade"}], code="class_exists") from exc
            raise
        self._after_commit()
        return klass

    def list_classes(self, p: Principal, school_id: str, limit: int, cursor: str | None) -> Page[SchoolClass]:
        policy.require_class_reader(p, school_id)
        pk = SchoolClass.key(school_id, "")[0]
        return query_page(SchoolClass.query, pk, SchoolClass.sk.startswith("CLASS#"), limit=limit, cursor=cursor)

    def get_class(self, p: Principal, school_id: str, class_id: str) -> SchoolClass:
        policy.require_class_reader(p, school_id)
        return self._class(school_id, class_id)

    def update_class(
        self, p: Principal, school_id: str, class_id: str, cmd: schemas.ClassUpdate, if_match: str | None
    ) -> SchoolClass:
        """Rename a class or change its 班主任 (optimistic locking on ``version``)."""
        policy.require_writer(p, school_id)
        klass = self._class(school_id, class_id)
        if expected_version(if_match, cmd.version) != klass.version:
            raise VersionConflict({"current_version": klass.version})
        changes = cmd.model_dump(exclude_unset=True, exclude={"version"})
        old_claim = ClassNameClaim.of(klass)
        changed = [f for f in CLASS_FIELDS if f in changes and _class_value(f, changes[f], klass) != getattr(klass, f)]
        if not changed:
            return klass
        for f in changed:
            setattr(klass, f, _class_value(f, changes[f], klass))
        klass.updated_at = iso(self._clock.now())
        tx = Transaction(self._conn())
        try:
            with tx:
                # Only the changed fields (never the whole item, which would put back the student count
                # read above); PynamoDB adds the version condition and increments the version.
                tx.update("class", klass, _set_actions(klass, [*changed, "updated_at"]))
                if "name" in changed:
                    tx.delete("old_claim", old_claim)
                    tx.save("claim", ClassNameClaim.of(klass), ClassNameClaim.pk.does_not_exist())
                tx.event("ClassChanged", school_id, {"class_id": class_id, "fields": changed}, self._clock.now())
        except TransactWriteError as exc:
            failed = tx.failed(exc)
            if "claim" in failed:
                raise Conflict([{"field": "name", "message": "taken in this grade"}], code="class_exists") from exc
            if "class" in failed:
                raise VersionConflict() from exc
            raise
        self._after_commit()
        return klass

    def list_class_students(
        self, p: Principal, school_id: str, class_id: str, limit: int, cursor: str | None
    ) -> tuple[list[dict[str, Any]], str | None]:
        """A class's students by 学号, for its 班主任 and the school_admin (each row is access-logged)."""
        policy.require_student_reader(p, school_id)
        if not policy.is_staff_reader(p):
            raise Forbidden()
        klass = self._class(school_id, class_id)
        policy.require_class_roster_reader(p, school_id, klass)
        partition = Student.class_partition(school_id, class_id)
        start = decode_cursor(cursor, partition_attr="gsi1pk", partition_value=partition)
        result = Student.by_class.query(partition, limit=limit + 1, last_evaluated_key=start, page_size=limit + 1)
        page = page_of(list(result), limit, ("pk", "sk", "gsi1pk", "gsi1sk"))
        self._log.record(p, school_id, [s.student_id for s in page.items], "export")
        viewer = Viewer(policy.sees_full_phones(p, klass), policy.sees_full_id_number(p))
        sealer = Sealer(self._vault, school_id)
        return [student_json(s, klass, viewer, sealer.open) for s in page.items], page.next_cursor

    # -- students (学生) --------------------------------------------------------------------------

    def create_student(self, p: Principal, school_id: str, cmd: schemas.StudentCreate) -> dict[str, Any]:
        policy.require_writer(p, school_id)
        klass = self._class_for_student(school_id, cmd.class_id)
        sealer = Sealer(self._vault, school_id)
        now = iso(self._clock.now())
        student_id = new_id()
        student = Student(
            *Student.key(school_id, student_id),
            tenant_id=school_id,
            kind="Student",
            student_id=student_id,
            student_number=cmd.student_number,
            name=cmd.name,
            guardians=[sealer.contact(g.name, g.relationship, g.phone) for g in cmd.guardians],
            pickup_adults=[sealer.contact(a.name, a.relationship, a.phone) for a in cmd.pickup_adults],
            created_at=now,
            updated_at=now,
        )
        student.id_number_sealed, student.id_number_index = sealer.id_number(cmd.id_number)
        student.place_in(klass)
        tx = Transaction(self._conn())
        try:
            with tx:
                tx.save("student", student, Student.pk.does_not_exist())
                tx.save("number", StudentNumberClaim.of(student), StudentNumberClaim.pk.does_not_exist())
                _stage_count(tx, "class", klass, +1)  # also checks that the class still exists
                for index in student.guardian_indexes():
                    tx.save("phone", GuardianPhoneEntry.of(school_id, index, student_id))
                detail = {"student_id": student_id, "class_id": klass.class_id, "grade": int(klass.grade)}
                tx.event("StudentAdded", school_id, detail, self._clock.now())
        except TransactWriteError as exc:
            self._raise_student_conflict(tx.failed(exc), exc)
        self._after_commit()
        return self._staff_view(p, student, klass, sealer)

    def get_student(self, p: Principal, school_id: str, student_id: str) -> dict[str, Any]:
        """A child's record: staff reads are access-logged; a guardian reads only their own children."""
        policy.require_student_reader(p, school_id)
        if policy.is_staff_reader(p):
            student = self._student(school_id, student_id)
            klass = self._class_or_none(school_id, student.class_id)
            self._log.record(p, school_id, [student.student_id], "view")
            return self._staff_view(p, student, klass, Sealer(self._vault, school_id))
        sealer = Sealer(self._vault, school_id)
        own = sealer.index(policy.guardian_phone(p))
        student = self._student(school_id, student_id)
        policy.require_guardian_of(student, own)
        klass = self._class_or_none(school_id, student.class_id)
        return student_json(student, klass, Viewer(False, False, own), sealer.open)

    def update_student(
        self, p: Principal, school_id: str, student_id: str, cmd: schemas.StudentUpdate, if_match: str | None
    ) -> dict[str, Any]:
        """Change a child's record; a new ``class_id`` moves the child (StudentMoved)."""
        policy.require_writer(p, school_id)
        student = self._student(school_id, student_id)
        if expected_version(if_match, cmd.version) != student.version:
            raise VersionConflict({"current_version": student.version})
        sealer = Sealer(self._vault, school_id)
        before = student.state()
        old_indexes, old_number, old_class = student.guardian_indexes(), student.student_number, student.class_id
        klass = self._apply_update(student, cmd, sealer)
        changed = [k for k, v in student.state().items() if v != before[k]]
        if not changed:
            return self._staff_view(p, student, klass, sealer)
        student.updated_at = iso(self._clock.now())
        moved = student.class_id != old_class and klass is not None
        left = self._class_or_none(school_id, old_class) if moved else None
        tx = Transaction(self._conn())
        try:
            with tx:
                tx.save("student", student)
                if student.student_number != old_number:
                    tx.save("number", StudentNumberClaim.of(student), StudentNumberClaim.pk.does_not_exist())
                    tx.delete("old_number", StudentNumberClaim(*StudentNumberClaim.key(school_id, old_number)))
                if moved and klass is not None:
                    _stage_count(tx, "class", klass, +1)  # also checks that the new class still exists
                    if left is not None:
                        _stage_count(tx, "old_class", left, -1)
                self._stage_phone_changes(tx, student, old_indexes)
                self._stage_update_events(tx, student, old_class, changed)
        except TransactWriteError as exc:
            self._raise_student_conflict(tx.failed(exc), exc)
        self._after_commit()
        return self._staff_view(p, student, klass, sealer)

    # -- guardians (监护人) -----------------------------------------------------------------------

    def my_children(self, p: Principal, school_id: str) -> list[dict[str, Any]]:
        """The children whose roster rows carry the guardian's verified phone (via the blind index)."""
        policy.require_student_reader(p, school_id)
        if Role.GUARDIAN not in p.roles:
            raise Forbidden()
        sealer = Sealer(self._vault, school_id)
        own = sealer.index(policy.guardian_phone(p))
        entries = GuardianPhoneEntry.query(GuardianPhoneEntry.partition(school_id, own))
        keys = [Student.key(school_id, e.student_id) for e in entries]
        # Index items of a changed row may outlive it for a moment (import): the row itself decides.
        students = [s for s in Student.batch_get(keys, consistent_read=True) if own in s.guardian_indexes()]
        if not students:
            raise NotFound(code="no_children_for_phone")
        class_keys = {SchoolClass.key(school_id, s.class_id) for s in students}
        classes = {c.class_id: c for c in SchoolClass.batch_get(class_keys)}
        viewer = Viewer(False, False, own)
        students.sort(key=lambda s: (int(s.grade), s.student_number))
        return [student_json(s, classes.get(s.class_id), viewer, sealer.open) for s in students]

    # -- access log and import -------------------------------------------------------------------

    def access_log(self, p: Principal, school_id: str, q: schemas.AccessLogQuery) -> tuple[str, Page[Any]]:
        policy.require_writer(p, school_id)
        day = q.date or self._log.today(school_id)
        return day.isoformat(), self._log.page(school_id, day, q.limit, q.cursor)

    def import_roster(self, p: Principal, school_id: str, cmd: schemas.RosterImport, locale: str) -> dict[str, Any]:
        """See :class:`.imports.RosterImport`; ``locale`` is the caller's, for the per-row messages."""
        policy.require_writer(p, school_id)
        return self._import.run(p, school_id, cmd, locale)

    # -- helpers ---------------------------------------------------------------------------------

    def _class(self, school_id: str, class_id: str) -> SchoolClass:
        if not is_id(class_id):
            raise NotFound()
        return memo(("SchoolClass", school_id, class_id), lambda: _read_class(school_id, class_id))

    def _class_or_none(self, school_id: str, class_id: str) -> SchoolClass | None:
        try:
            return self._class(school_id, class_id)
        except NotFound:
            return None

    def _class_for_student(self, school_id: str, class_id: str) -> SchoolClass:
        try:
            return self._class(school_id, class_id)
        except NotFound as exc:
            raise ValidationFailed([{"field": "class_id", "message": "no such class in this school"}]) from exc

    @staticmethod
    def _student(school_id: str, student_id: str) -> Student:
        if not is_id(student_id):
            raise NotFound()
        try:
            return Student.get(*Student.key(school_id, student_id), consistent_read=True)
        except Student.DoesNotExist as exc:
            raise NotFound() from exc

    def _staff_view(self, p: Principal, s: Student, klass: SchoolClass | None, sealer: Sealer) -> dict[str, Any]:
        viewer = Viewer(policy.sees_full_phones(p, klass), policy.sees_full_id_number(p))
        return student_json(s, klass, viewer, sealer.open)

    def _apply_update(self, s: Student, cmd: schemas.StudentUpdate, sealer: Sealer) -> SchoolClass | None:
        """Set the requested fields on ``s``; returns the (possibly new) class."""
        changes = cmd.model_dump(exclude_unset=True)
        if cmd.name:
            s.name = cmd.name
        if cmd.student_number:
            s.student_number, s.gsi1sk = cmd.student_number, cmd.student_number
        if cmd.guardians is not None:
            s.guardians = [sealer.contact(g.name, g.relationship, g.phone) for g in cmd.guardians]
        if cmd.pickup_adults is not None:
            s.pickup_adults = [sealer.contact(a.name, a.relationship, a.phone) for a in cmd.pickup_adults]
        if "id_number" in changes and _index_or_none(sealer, cmd.id_number) != s.id_number_index:
            s.id_number_sealed, s.id_number_index = sealer.id_number(cmd.id_number)
        if cmd.class_id and cmd.class_id != s.class_id:
            klass = self._class_for_student(s.tenant_id, cmd.class_id)
            s.place_in(klass)
            return klass
        return self._class_or_none(s.tenant_id, s.class_id)

    @staticmethod
    def _stage_phone_changes(tx: Transaction, s: Student, old_indexes: set[str]) -> None:
        new_indexes = s.guardian_indexes()
        for index in new_indexes - old_indexes:
            tx.save("phone", GuardianPhoneEntry.of(s.tenant_id, index, s.student_id))
        for index in old_indexes - new_indexes:
            tx.delete("phone", GuardianPhoneEntry.of(s.tenant_id, index, s.student_id))

    def _stage_update_events(self, tx: Transaction, s: Student, old_class: str, changed: list[str]) -> None:
        now = self._clock.now()
        if s.class_id != old_class:
            detail = {"student_id": s.student_id, "from_class_id": old_class, "to_class_id": s.class_id}
            tx.event("StudentMoved", s.tenant_id, detail, now)
        others = [f for f in changed if f != "class_id"]
        if others:
            tx.event("StudentChanged", s.tenant_id, {"student_id": s.student_id, "fields": others}, now)

    @staticmethod
    def _raise_student_conflict(failed: set[str], exc: TransactWriteError) -> NoReturn:
        if "number" in failed:
            raise Conflict([{"field": "student_number", "message": "taken"}], code="student_number_taken") from exc
        if "class" in failed:
            raise ValidationFailed([{"field": "class_id", "message": "no such class in this school"}]) from exc
        if "student" in failed:
            raise VersionConflict() from exc
        raise exc


def _stage_count(tx: Transaction, name: str, klass: SchoolClass, delta: int) -> None:
    """Add ``delta`` to the class's student count in ``tx``, on condition that the class exists.

    A class stored before counting began has no count: adding to nothing would start a wrong one,
    so it is only checked for existence and the next roster import counts it.
    """
    key = SchoolClass.key(klass.tenant_id, klass.class_id)
    if klass.student_count is None:
        tx.check(name, SchoolClass, key, SchoolClass.pk.exists())
        return
    counter = ClassStudentCount.of(klass.tenant_id, klass.class_id)
    tx.update(name, counter, [ClassStudentCount.student_count.add(delta)], ClassStudentCount.pk.exists())


def _set_actions(klass: SchoolClass, fields: list[str]) -> list[Any]:
    """UpdateItem actions writing ``fields`` of ``klass`` as they are now (None removes the attribute)."""
    actions = []
    for f in fields:
        attribute, value = getattr(SchoolClass, f), getattr(klass, f)
        actions.append(attribute.remove() if value is None else attribute.set(value))
    return actions


def _read_class(school_id: str, class_id: str) -> SchoolClass:
    try:
        return SchoolClass.get(*SchoolClass.key(school_id, class_id), consistent_read=True)
    except SchoolClass.DoesNotExist as exc:
        raise NotFound() from exc


def _class_value(field: str, value: Any, klass: SchoolClass) -> Any:
    """``name: null`` keeps the name (a class always has one); null 班主任 fields clear them."""
    return getattr(klass, field) if field == "name" and value is None else value


def _index_or_none(sealer: Sealer, value: str | None) -> str | None:
    return sealer.index(value) if value else None
