"""Who may do what with an application (OWASP API1: the object decides, not only the role).

- Only a guardian (监护人) of the child — the child's roster row carries the guardian's verified
  phone — creates, edits, submits, signs, withdraws (R2: nobody enrols a child on a family's behalf).
- The 班主任 of the application's class does 班级审核 (approve, return, reject).
- The principal (school_admin) does 校长审定 and reads every application.
Another school's caller gets 404; a school member without the right gets 403; a guardian who is not
the child's guardian gets 404, as if the child did not exist.
"""

from __future__ import annotations

from chalicelib.core import authz
from chalicelib.core.errors import Forbidden, NotFound
from chalicelib.core.identity import Principal, Role
from chalicelib.core.ids import is_id
from chalicelib.core.vault import PersonalDataVault
from chalicelib.roster.models import GuardianPhoneEntry, SchoolClass, Student
from chalicelib.roster.policy import guardian_phone

from .models import Application


class Access:
    def __init__(self, vault: PersonalDataVault):
        self._vault = vault

    def guardian_index(self, p: Principal, school_id: str) -> str:
        """The blind index of the guardian's verified phone (403 phone_not_verified without one)."""
        return self._vault.blind_index(school_id, guardian_phone(p))

    def require_guardian(self, p: Principal, school_id: str, student_id: str) -> Student:
        """``p`` is a guardian of the child; staff get 403 (they never act for a family), others 404."""
        authz.require_member(p, school_id, Role.GUARDIAN)
        index = self.guardian_index(p, school_id)
        student = load_student(school_id, student_id)
        if index not in student.guardian_indexes():
            raise NotFound()
        return student

    def my_children(self, p: Principal, school_id: str) -> list[str]:
        authz.require_member(p, school_id, Role.GUARDIAN)
        index = self.guardian_index(p, school_id)
        return [e.student_id for e in GuardianPhoneEntry.query(GuardianPhoneEntry.partition(school_id, index))]

    def require_reader(self, p: Principal, app: Application) -> None:
        """The child's guardians, the class's 班主任 and the school_admin read an application and its history."""
        school_id = app.tenant_id
        authz.require_member(p, school_id, Role.SCHOOL_ADMIN, Role.TEACHER, Role.GUARDIAN)
        if Role.SCHOOL_ADMIN in p.roles:
            return
        if Role.TEACHER in p.roles and is_homeroom(p, school_id, app.class_id):
            return
        if Role.GUARDIAN in p.roles and p.phone:
            student = load_student(school_id, app.student_id)
            if self.guardian_index(p, school_id) in student.guardian_indexes():
                return
        if Role.GUARDIAN in p.roles and not p.has(Role.TEACHER, Role.SCHOOL_ADMIN):
            raise NotFound()
        raise Forbidden()

    def require_family(self, p: Principal, app: Application) -> None:
        """A guardian of the application's child (staff 403, other guardians 404)."""
        self.require_guardian(p, app.tenant_id, app.student_id)


def require_homeroom_teacher(p: Principal, school_id: str, class_id: str) -> SchoolClass:
    """班级审核: the class's 班主任 (teacher role). Other teachers and the principal get 403.

    Returns the class, read for the check anyway: the review records its 班主任's name from it.
    """
    authz.require_member(p, school_id, Role.TEACHER, Role.SCHOOL_ADMIN)
    klass = homeroom_class(p, school_id, class_id) if Role.TEACHER in p.roles else None
    if klass is None:
        raise Forbidden()
    return klass


def require_class_queue_reader(p: Principal, school_id: str, class_id: str) -> None:
    authz.require_member(p, school_id, Role.TEACHER, Role.SCHOOL_ADMIN)
    load_class(school_id, class_id)
    if Role.SCHOOL_ADMIN in p.roles:
        return
    if not is_homeroom(p, school_id, class_id):
        raise Forbidden()


def is_homeroom(p: Principal, school_id: str, class_id: str) -> bool:
    return homeroom_class(p, school_id, class_id) is not None


def homeroom_class(p: Principal, school_id: str, class_id: str) -> SchoolClass | None:
    """The class when ``p`` is its 班主任, else None (also when the class is gone)."""
    try:
        klass = load_class(school_id, class_id)
    except NotFound:
        return None
    return klass if klass.homeroom_teacher_sub and klass.homeroom_teacher_sub == p.sub else None


def actor_role(p: Principal) -> str:
    for role in (Role.SCHOOL_ADMIN, Role.TEACHER, Role.GUARDIAN):
        if role in p.roles:
            return role.value
    return "unknown"


def load_student(school_id: str, student_id: str) -> Student:
    if not is_id(student_id):
        raise NotFound()
    try:
        return Student.get(*Student.key(school_id, student_id), consistent_read=True)
    except Student.DoesNotExist as exc:
        raise NotFound() from exc


def load_class(school_id: str, class_id: str) -> SchoolClass:
    if not is_id(class_id):
        raise NotFound()
    try:
        return SchoolClass.get(*SchoolClass.key(school_id, class_id), consistent_read=True)
    except SchoolClass.DoesNotExist as exc:
        raise NotFound() from exc
