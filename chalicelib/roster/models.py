"""PynamoDB items of the roster (花名册), all in the main table and the school's partitions (DESIGN §3).

=====================  ================================  ==============================  ========================
item                   pk                                sk                              gsi1 (pk / sk)
=====================  ================================  ==============================  ========================
SchoolClass            T#<school>                        CLASS#<class id>
ClassNameClaim         T#<school>                        CLAIM#CLASS#<grade>#<name>
Student                T#<school>                        STUDENT#<student id>            T#<school>#CLASS#<class
                                                                                         id> / <student number>
StudentNumberClaim     T#<school>                        CLAIM#STUDENTNO#<number>
GuardianPhoneEntry     T#<school>#PHONE#<blind index>    STUDENT#<student id>
AccessLogEntry         T#<school>#ACCESS#<local date>    <entry id (ULID, time-ordered)>
ImportJob              T#<school>                        IMPORT#<job id>
=====================  ================================  ==============================  ========================

Personal data (PIPL; a child under 14's data is sensitive): phone numbers of 监护人 and 接送人 and
identity document numbers are stored only sealed by the tenant's KMS key (``*_sealed``), next to a
per-tenant blind index (HMAC) used for matching. A guardian who signs in with a verified phone finds
their children through :class:`GuardianPhoneEntry` items keyed by that blind index, never by the number.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

from pynamodb.attributes import Attribute, NumberAttribute, UnicodeAttribute, VersionAttribute
from pynamodb.constants import STRING

from chalicelib.core.store import Gsi1, MainTableModel, table, tenant_pk

CLASS_PREFIX = "CLASS#"
STUDENT_PREFIX = "STUDENT#"


@dataclass(frozen=True)
class StoredContact:
    """A 监护人 (guardian) or 接送人 (authorised pickup adult): the phone only sealed + blind-indexed."""

    name: str
    relationship: str
    phone_sealed: str
    phone_index: str


class ContactsAttribute(Attribute[list[StoredContact]]):
    """A list of contacts stored as one JSON string.

    PynamoDB's ``ListAttribute(of=MapAttribute)`` deep-copies an attribute object per element when
    loading; a 3,000-student import spent seconds there. Nobody queries inside the list, so JSON
    text is both faster and just as useful.
    """

    attr_type = STRING

    def serialize(self, value: list[StoredContact]) -> str:
        return json.dumps([asdict(c) for c in value], ensure_ascii=False, separators=(",", ":"))

    def deserialize(self, value: str) -> list[StoredContact]:
        return [StoredContact(**c) for c in json.loads(value)]


def contact_signature(contacts: list[StoredContact]) -> tuple[tuple[str, str, str], ...]:
    """Two lists of contacts are the same when names, relationships and phone indexes are."""
    return tuple((c.name, c.relationship, c.phone_index) for c in contacts)


@table("main")
class SchoolClass(MainTableModel):
    """A class (班级) of one grade, with its homeroom teacher (班主任) identified by account ``sub``."""

    class_id = UnicodeAttribute()
    grade = NumberAttribute()
    name = UnicodeAttribute()
    homeroom_teacher_sub = UnicodeAttribute(null=True)
    homeroom_teacher_name = UnicodeAttribute(null=True)
    # How many students the class has, kept by every write that adds or moves one (see
    # :class:`ClassStudentCount`); absent on classes stored before the count existed, until the
    # next roster import counts them.
    student_count = NumberAttribute(null=True)
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    version = VersionAttribute()

    @staticmethod
    def key(school_id: str, class_id: str) -> tuple[str, str]:
        return tenant_pk(school_id), CLASS_PREFIX + class_id

    @property
    def school_id(self) -> str:
        return self.tenant_id

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.class_id,
            "school_id": self.tenant_id,
            "grade": int(self.grade),
            "name": self.name,
            "homeroom_teacher_sub": self.homeroom_teacher_sub,
            "homeroom_teacher_name": self.homeroom_teacher_name,
            "student_count": int(self.student_count) if self.student_count is not None else None,
            "version": self.version,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
        }


@table("main")
class ClassStudentCount(MainTableModel):
    """The ``student_count`` of a :class:`SchoolClass` item, written on its own with ``ADD``/``SET``.

    The same item as the class, seen through a model without a version attribute: counting a
    student must not bump the class's version (which guards its name and 班主任 against lost
    edits), and PynamoDB increments a model's version on every update it sends.

    What keeps the count right (the class listing reads it, with no Scan and no read per class):

    * a student created, or moved by an edit, updates the count(s) in the same transaction as the
      student (``RosterService``), so the student and the count commit together or not at all;
    * class edits write only the fields they change (UpdateItem), never the whole item, so they
      cannot put back an older count;
    * a roster import writes students with BatchWriteItem (no transactions), then adds to each
      class the difference between what it counted for it, from the school's students it read and
      the rows it wrote, and the count it read at the start (``imports.Planner``): single edits
      committed meanwhile are kept. Classes with no count yet get theirs set outright.

    Known gaps, both healed by the next import (which recounts from the students themselves): a
    single add or move that commits between the import's two reads (classes, then students) is
    counted twice, and one that commits between those reads and the import's Put of a class
    whose 班主任 changed is lost (that Put writes the whole item; the import is last-writer-wins).
    """

    student_count = NumberAttribute(null=True)

    @classmethod
    def of(cls, school_id: str, class_id: str) -> ClassStudentCount:
        return cls(*SchoolClass.key(school_id, class_id))


@table("main")
class ClassNameClaim(MainTableModel):
    """Makes (grade, class name) unique in a school: the importer finds classes by it."""

    class_id = UnicodeAttribute()

    @staticmethod
    def key(school_id: str, grade: int, name: str) -> tuple[str, str]:
        return tenant_pk(school_id), f"CLAIM#CLASS#{grade}#{name}"

    @classmethod
    def of(cls, klass: SchoolClass) -> ClassNameClaim:
        return cls(
            *cls.key(klass.tenant_id, int(klass.grade), klass.name),
            tenant_id=klass.tenant_id,
            kind="ClassNameClaim",
            class_id=klass.class_id,
        )


@table("main")
class Student(MainTableModel):
    """A child on the roster, with 监护人 and 接送人. ``gsi1`` lists a class's students by 学号."""

    student_id = UnicodeAttribute()
    student_number = UnicodeAttribute()
    name = UnicodeAttribute()
    grade = NumberAttribute()
    class_id = UnicodeAttribute()
    guardians = ContactsAttribute(default=list)
    pickup_adults = ContactsAttribute(default=list)
    id_number_sealed = UnicodeAttribute(null=True)
    id_number_index = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    version = VersionAttribute()
    gsi1pk = UnicodeAttribute()
    gsi1sk = UnicodeAttribute()
    by_class = Gsi1()

    @staticmethod
    def key(school_id: str, student_id: str) -> tuple[str, str]:
        return tenant_pk(school_id), STUDENT_PREFIX + student_id

    @staticmethod
    def class_partition(school_id: str, class_id: str) -> str:
        return tenant_pk(school_id, "CLASS", class_id)

    def place_in(self, klass: SchoolClass) -> None:
        """Put the student in ``klass`` (grade follows the class; the class listing index follows too)."""
        self.class_id, self.grade = klass.class_id, klass.grade
        self.gsi1pk, self.gsi1sk = Student.class_partition(self.tenant_id, klass.class_id), self.student_number

    def guardian_indexes(self) -> set[str]:
        return {g.phone_index for g in self.guardians}

    def state(self) -> dict[str, Any]:
        """What the roster says about the child, comparable without opening any sealed value."""
        return {
            "student_number": self.student_number,
            "name": self.name,
            "class_id": self.class_id,
            "guardians": contact_signature(self.guardians),
            "pickup_adults": contact_signature(self.pickup_adults),
            "id_number": self.id_number_index,
        }


@table("main")
class StudentNumberClaim(MainTableModel):
    """Makes a 学号 unique within the school."""

    student_id = UnicodeAttribute()

    @staticmethod
    def key(school_id: str, student_number: str) -> tuple[str, str]:
        return tenant_pk(school_id), f"CLAIM#STUDENTNO#{student_number}"

    @classmethod
    def of(cls, student: Student) -> StudentNumberClaim:
        return cls(
            *cls.key(student.tenant_id, student.student_number),
            tenant_id=student.tenant_id,
            kind="StudentNumberClaim",
            student_id=student.student_id,
        )


@table("main")
class GuardianPhoneEntry(MainTableModel):
    """ "This guardian phone is on this child's row": one Query finds a signed-in guardian's children."""

    student_id = UnicodeAttribute()

    @staticmethod
    def partition(school_id: str, phone_index: str) -> str:
        return tenant_pk(school_id, "PHONE", phone_index)

    @classmethod
    def of(cls, school_id: str, phone_index: str, student_id: str) -> GuardianPhoneEntry:
        return cls(
            cls.partition(school_id, phone_index),
            STUDENT_PREFIX + student_id,
            tenant_id=school_id,
            kind="GuardianPhoneEntry",
            student_id=student_id,
        )


@table("main")
class AccessLogEntry(MainTableModel):
    """Who read a child's record, when, and how (PIPL accountability); one partition per school-local day."""

    entry_id = UnicodeAttribute()
    at = UnicodeAttribute()
    actor_sub = UnicodeAttribute()
    actor_role = UnicodeAttribute()
    student_id = UnicodeAttribute()
    action = UnicodeAttribute()  # view | export

    @staticmethod
    def partition(school_id: str, local_date: str) -> str:
        return tenant_pk(school_id, "ACCESS", local_date)

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.entry_id,
            "at": self.at,
            "actor_sub": self.actor_sub,
            "actor_role": self.actor_role,
            "student_id": self.student_id,
            "action": self.action,
        }


@table("main")
class ImportJob(MainTableModel):
    """One roster import: who, when, and the counts (no personal data)."""

    job_id = UnicodeAttribute()
    status = UnicodeAttribute()  # running | completed (a crash leaves "running"; re-importing is safe)
    file_format = UnicodeAttribute()
    started_by = UnicodeAttribute()
    started_at = UnicodeAttribute()
    finished_at = UnicodeAttribute(null=True)
    rows = NumberAttribute(default=0)
    created = NumberAttribute(default=0)
    updated = NumberAttribute(default=0)
    unchanged = NumberAttribute(default=0)
    moved = NumberAttribute(default=0)
    classes_created = NumberAttribute(default=0)
    classes_updated = NumberAttribute(default=0)

    @staticmethod
    def key(school_id: str, job_id: str) -> tuple[str, str]:
        return tenant_pk(school_id), f"IMPORT#{job_id}"
