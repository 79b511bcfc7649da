"""Who may see and change the roster (OWASP API1: the object decides, not only the role).

The school comes from the verified token (:mod:`chalicelib.core.authz`): another school's objects
answer 404. Within the school:

- the school_admin (校长/教务) reads and writes everything and reads the access log;
- a teacher reads classes and any child's record, but sees 监护人/接送人 phones in full only as the
  班主任 of the child's class; only a class's 班主任 (and the school_admin) lists its students;
- provider staff (第三方机构) see the class list only: which children they serve is decided by
  enrolment, not by the roster;
- a guardian (监护人) reads only the children whose roster rows carry their verified phone.
"""

from __future__ import annotations

from chalicelib.core import authz
from chalicelib.core.errors import Forbidden, NotFound
from chalicelib.core.identity import Principal, Role

from .models import SchoolClass, Student

STUDENT_READERS = (Role.SCHOOL_ADMIN, Role.TEACHER)


class PhoneNotVerified(Forbidden):
    code = "phone_not_verified"


def require_class_reader(p: Principal, school_id: str) -> None:
    authz.require_staff(p, school_id)


def require_writer(p: Principal, school_id: str) -> None:
    authz.require_school_admin(p, school_id)


def require_student_reader(p: Principal, school_id: str) -> None:
    """Staff who may open a child's record, or a guardian (whose children are checked later)."""
    authz.require_member(p, school_id, *STUDENT_READERS, Role.GUARDIAN)


def is_homeroom_teacher(p: Principal, klass: SchoolClass | None) -> bool:
    return klass is not None and bool(klass.homeroom_teacher_sub) and p.sub == klass.homeroom_teacher_sub


def require_class_roster_reader(p: Principal, school_id: str, klass: SchoolClass) -> None:
    """The class's students: its 班主任 or the school_admin; other teachers 403."""
    if Role.SCHOOL_ADMIN in p.roles or (Role.TEACHER in p.roles and is_homeroom_teacher(p, klass)):
        return
    raise Forbidden()


def sees_full_phones(p: Principal, klass: SchoolClass | None) -> bool:
    """school_admin and the child's 班主任 need the numbers (to call home); other staff see them masked."""
    return Role.SCHOOL_ADMIN in p.roles or (Role.TEACHER in p.roles and is_homeroom_teacher(p, klass))


def sees_full_id_number(p: Principal) -> bool:
    return Role.SCHOOL_ADMIN in p.roles


def is_staff_reader(p: Principal) -> bool:
    return p.has(*STUDENT_READERS)


def guardian_phone(p: Principal) -> str:
    """The verified phone a guardian signed in with; without one nobody's children can be found."""
    if not p.phone:
        raise PhoneNotVerified()
    return p.phone


def require_guardian_of(student: Student, caller_index: str) -> None:
    """A guardian reads a child only when the child's row carries their phone; else as if missing."""
    if caller_index not in student.guardian_indexes():
        raise NotFound()


def actor_role(p: Principal) -> str:
    """The role the access log records: the most privileged school role used for the read."""
    for role in (Role.SCHOOL_ADMIN, Role.TEACHER, Role.PROVIDER_STAFF, Role.GUARDIAN):
        if role in p.roles:
            return role.value
    return "unknown"
