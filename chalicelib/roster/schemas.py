"""Request and response shapes of the roster API (班级、学生、监护人、接送人、花名册导入、访问日志).

The same vocabulary as the importer (:mod:`.vocabulary`): a relationship may be sent as a code
(``father``) or as the Chinese word (父亲), a phone in any usual form (``138 0000 0000``); responses
always carry codes and E.164 (or masked) numbers. Unknown fields are rejected.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from chalicelib.core import phone as phones

from . import vocabulary as v

ULID = r"^[0-9A-HJKMNP-TV-Z]{26}$"
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MAX_GUARDIANS = 4
MAX_PICKUP_ADULTS = 6
MAX_IMPORT_BASE64 = 5_500_000  # ~4 MB of file: the whole request must fit Lambda's 6 MB payload limit
RelationshipCode = Literal["father", "mother", "grandparent", "maternal_grandparent", "other"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def _relationship(value: Any) -> Any:
    if isinstance(value, str):
        return v.parse_relationship(value) or value  # unknown words fail the Literal below
    return value


def _phone(value: str) -> str:
    try:
        return phones.normalize(v.text(value))  # NFKC first: full-width digits (１３８...) become ASCII
    except phones.InvalidPhone as exc:
        raise ValueError("not a valid mobile number (11 digits, or + and a country code)") from exc


def _grade(value: Any) -> Any:
    if isinstance(value, str):
        return v.parse_grade(value) or value
    return value


def _student_number(value: str) -> str:
    number = v.normalize_student_number(value)
    if not v.STUDENT_NUMBER.match(number):
        raise ValueError("letters, digits and '-', at most 32")
    return number


def _id_number(value: str) -> str:
    number = "".join(value.split()).upper()
    if not v.ID_NUMBER.match(number):
        raise ValueError("4 to 32 letters and digits")
    return number


def _iso_date(value: Any) -> Any:
    if not (isinstance(value, str) and ISO_DATE.match(value.strip())):
        raise ValueError("use an ISO date, YYYY-MM-DD")
    return value.strip()


Relationship = Annotated[
    RelationshipCode,
    BeforeValidator(_relationship),
    Field(
        description="father | mother | grandparent (祖父母) | maternal_grandparent (外祖父母) | other; "
        "the Chinese words (父亲, 母亲, 祖父母, 外祖父母, 其他...) are accepted too"
    ),
]
Phone = Annotated[str, Field(min_length=5, max_length=30), AfterValidator(_phone)]
PersonName = Annotated[str, Field(min_length=1, max_length=v.MAX_NAME)]
Grade = Annotated[int, BeforeValidator(_grade), Field(ge=v.MIN_GRADE, le=v.MAX_GRADE, description="1–9 (初一 = 7)")]
ClassName = Annotated[str, Field(min_length=1, max_length=v.MAX_CLASS_NAME), AfterValidator(v.normalize_class_name)]
StudentNumber = Annotated[str, Field(min_length=1, max_length=32), AfterValidator(_student_number)]
IdNumber = Annotated[str, Field(min_length=4, max_length=40), AfterValidator(_id_number)]
ClassId = Annotated[str, Field(pattern=ULID)]
TeacherSub = Annotated[str, Field(min_length=1, max_length=128)]


class ContactIn(Strict):
    """A 监护人 (guardian) or 接送人 (authorised pickup adult)."""

    name: PersonName
    relationship: Relationship
    phone: Phone = Field(description="Mobile number; stored only encrypted (PIPL)")


class ClassCreate(Strict):
    grade: Grade
    name: ClassName = Field(description="e.g. 三年级2班; unique within its grade")
    homeroom_teacher_sub: TeacherSub | None = Field(default=None, description="The 班主任's account id (token sub)")
    homeroom_teacher_name: PersonName | None = Field(default=None, description="The 班主任's display name")


class ClassUpdate(Strict):
    """Rename a class or change its 班主任 (null clears it); ``grade`` never changes."""

    name: ClassName | None = None
    homeroom_teacher_sub: TeacherSub | None = None
    homeroom_teacher_name: PersonName | None = None
    version: int | None = Field(default=None, ge=1, description="Alternative to the If-Match header")


class StudentCreate(Strict):
    student_number: StudentNumber = Field(description="学号, unique in the school")
    name: PersonName
    class_id: ClassId = Field(description="The class; the student's grade is the class's")
    guardians: list[ContactIn] = Field(min_length=1, max_length=MAX_GUARDIANS)
    pickup_adults: list[ContactIn] = Field(default_factory=list, max_length=MAX_PICKUP_ADULTS)
    id_number: IdNumber | None = Field(default=None, description="Identity document number; stored only encrypted")


class StudentUpdate(Strict):
    """Fields left out keep their value; ``guardians`` and ``pickup_adults`` replace the whole list."""

    student_number: StudentNumber | None = None
    name: PersonName | None = None
    class_id: ClassId | None = Field(default=None, description="Moves the student to another class")
    guardians: list[ContactIn] | None = Field(default=None, min_length=1, max_length=MAX_GUARDIANS)
    pickup_adults: list[ContactIn] | None = Field(default=None, max_length=MAX_PICKUP_ADULTS)
    id_number: IdNumber | None = None
    version: int | None = Field(default=None, ge=1, description="Alternative to the If-Match header")


class RosterImport(Strict):
    format: Literal["csv", "xlsx"] = Field(description="csv: UTF-8, with or without BOM; xlsx: first worksheet")
    content_base64: str = Field(min_length=4, max_length=MAX_IMPORT_BASE64, description="The file, base64-encoded")


class PageQuery(Strict):
    limit: int = Field(default=20, ge=1, le=100, description="Page size, at most 100")
    cursor: str | None = Field(default=None, max_length=2048, description="next_cursor of the previous page")


class AccessLogQuery(PageQuery):
    date: Annotated[dt.date | None, BeforeValidator(_iso_date)] = Field(
        default=None, description="School-local date, YYYY-MM-DD; today when left out"
    )


# -- responses ---------------------------------------------------------------------------------------


class SchoolClass(BaseModel):
    id: str
    school_id: str
    grade: int
    name: str
    homeroom_teacher_sub: str | None
    homeroom_teacher_name: str | None
    student_count: int | None = Field(
        description="Students in the class, kept with every add, move and import; null for a class stored "
        "before counting began, until the next roster import counts it"
    )
    version: int
    created_at: str
    updated_at: str


class ClassPage(BaseModel):
    items: list[SchoolClass]
    next_cursor: str | None


class ContactOut(BaseModel):
    name: str
    relationship: RelationshipCode
    phone: str = Field(description="E.164 when the caller may see it, else masked (138****0000)")
    phone_masked: bool


class Student(BaseModel):
    id: str
    school_id: str
    student_number: str
    name: str
    grade: int
    class_id: str
    class_name: str | None
    guardians: list[ContactOut]
    pickup_adults: list[ContactOut]
    id_number: str | None = Field(description="Full for the school_admin, else only the last 4 characters")
    version: int
    created_at: str
    updated_at: str


class StudentPage(BaseModel):
    items: list[Student]
    next_cursor: str | None


class MyChildren(BaseModel):
    items: list[Student]


class ImportResult(BaseModel):
    job_id: str
    rows: int
    created: int
    updated: int = Field(description="Students whose row differed from the roster (moved ones included)")
    unchanged: int
    moved: int = Field(description="Of the updated, how many changed class")
    classes_created: int
    classes_updated: int = Field(description="Existing classes whose 班主任 the file changed")
    ignored_columns: list[str] = Field(description="Headers the importer does not know; their cells were not read")


class AccessLogEntry(BaseModel):
    id: str
    at: str
    actor_sub: str
    actor_role: str
    student_id: str
    action: Literal["view", "export"]


class AccessLogPage(BaseModel):
    date: str
    items: list[AccessLogEntry]
    next_cursor: str | None
