"""Roster routes (花名册): classes and 班主任, students with 监护人 and 接送人, the spreadsheet import,
a guardian's own children, and the access log of children's records."""

from __future__ import annotations

import base64
from functools import partial
from typing import Any

from chalice import Blueprint

from . import container
from .routing import Call, LazyModel, Operation, json_response, operation

schema = partial(LazyModel, "chalicelib.roster.schemas")

bp = Blueprint(__name__)
TAG = "roster"
EXAMPLE_CLASS_ID = "01K0SEED0000000000000C1A55"
EXAMPLE_CSV = (
    "学号,姓名,年级,班级,班主任账号,班主任,监护人1姓名,监护人1关系,监护人1手机,接送人姓名,接送人关系,接送人手机\n"
    "2023001,王小明,三年级,三年级2班,teacher-li,李老师,王强,父亲,13800000000,张秀英,外祖父母,13900000000\n"
)
GUARDIAN = {"name": "王强", "relationship": "father", "phone": "13800000000"}


def _svc() -> Any:
    return container.get().roster


def _versioned(item: dict[str, Any], status: int = 200) -> Any:
    return json_response(item, status, {"ETag": f'"{item["version"]}"'})


@operation(
    bp,
    Operation(
        "GET",
        "/schools/{school_id}/classes",
        "listClasses",
        "List the school's classes",
        TAG,
        query=schema("PageQuery"),
        response=schema("ClassPage"),
        errors=(403, 404),
        description="School staff (school_admin, teachers, provider staff).",
    ),
)
def list_classes(call: Call, school_id: str) -> Any:
    page = _svc().list_classes(call.principal, school_id, call.query.limit, call.query.cursor)
    return {"items": [c.as_json() for c in page.items], "next_cursor": page.next_cursor}


@operation(
    bp,
    Operation(
        "POST",
        "/schools/{school_id}/classes",
        "createClass",
        "Create a class (班级)",
        TAG,
        body=schema("ClassCreate"),
        example={
            "grade": 3,
            "name": "三年级2班",
            "homeroom_teacher_sub": "teacher-li",
            "homeroom_teacher_name": "李老师",
        },
        response=schema("SchoolClass"),
        status=201,
        errors=(403, 404, 409),
        description="school_admin. (grade, name) is unique in the school: 409 class_exists.",
    ),
)
def create_class(call: Call, school_id: str) -> Any:
    return _versioned(_svc().create_class(call.principal, school_id, call.body).as_json(), 201)


@operation(
    bp,
    Operation(
        "GET",
        "/schools/{school_id}/classes/{class_id}",
        "getClass",
        "Get a class",
        TAG,
        response=schema("SchoolClass"),
        errors=(403, 404),
    ),
)
def get_class(call: Call, school_id: str, class_id: str) -> Any:
    return _versioned(_svc().get_class(call.principal, school_id, class_id).as_json())


@operation(
    bp,
    Operation(
        "PATCH",
        "/schools/{school_id}/classes/{class_id}",
        "updateClass",
        "Rename a class or change its 班主任",
        TAG,
        body=schema("ClassUpdate"),
        example={"homeroom_teacher_sub": "teacher-zhao", "homeroom_teacher_name": "赵老师"},
        response=schema("SchoolClass"),
        headers=("If-Match",),
        errors=(403, 404, 409, 428),
        description="school_admin. Optimistic locking: If-Match (or `version`); a stale version answers 409.",
    ),
)
def update_class(call: Call, school_id: str, class_id: str) -> Any:
    klass = _svc().update_class(call.principal, school_id, class_id, call.body, call.header("if-match"))
    return _versioned(klass.as_json())


@operation(
    bp,
    Operation(
        "GET",
        "/schools/{school_id}/classes/{class_id}/students",
        "listClassStudents",
        "List a class's students",
        TAG,
        query=schema("PageQuery"),
        response=schema("StudentPage"),
        errors=(403, 404),
        description="The class's 班主任 and the school_admin (other teachers 403), ordered by 学号. "
        "Each child listed is written to the access log as an `export`.",
    ),
)
def list_class_students(call: Call, school_id: str, class_id: str) -> Any:
    items, cursor = _svc().list_class_students(call.principal, school_id, class_id, call.query.limit, call.query.cursor)
    return {"items": items, "next_cursor": cursor}


@operation(
    bp,
    Operation(
        "POST",
        "/schools/{school_id}/students",
        "createStudent",
        "Add a student",
        TAG,
        body=schema("StudentCreate"),
        example={
            "student_number": "2023001",
            "name": "王小明",
            "class_id": EXAMPLE_CLASS_ID,
            "guardians": [GUARDIAN],
            "pickup_adults": [{"name": "张秀英", "relationship": "外祖父母", "phone": "13900000000"}],
        },
        response=schema("Student"),
        status=201,
        errors=(403, 404, 409),
        description="school_admin. 学号 is unique in the school (409 student_number_taken); phones are stored "
        "only encrypted, with a blind index that lets the guardian find the child after signing in by phone.",
    ),
)
def create_student(call: Call, school_id: str) -> Any:
    return _versioned(_svc().create_student(call.principal, school_id, call.body), 201)


@operation(
    bp,
    Operation(
        "GET",
        "/schools/{school_id}/students/{student_id}",
        "getStudent",
        "Get a student's record",
        TAG,
        response=schema("Student"),
        errors=(403, 404),
        description="Staff: school_admin and teachers; every read is written to the access log. Phones are "
        "in full for the school_admin and the class's 班主任, masked for other staff. A guardian reads only "
        "their own children (others 404), seeing other people's phones masked.",
    ),
)
def get_student(call: Call, school_id: str, student_id: str) -> Any:
    return _versioned(_svc().get_student(call.principal, school_id, student_id))


@operation(
    bp,
    Operation(
        "PATCH",
        "/schools/{school_id}/students/{student_id}",
        "updateStudent",
        "Change a student's record",
        TAG,
        body=schema("StudentUpdate"),
        example={"guardians": [GUARDIAN, {"name": "李丽", "relationship": "mother", "phone": "13700000000"}]},
        response=schema("Student"),
        headers=("If-Match",),
        errors=(403, 404, 409, 428),
        description="school_admin. A new class_id moves the student. Optimistic locking: If-Match (or `version`).",
    ),
)
def update_student(call: Call, school_id: str, student_id: str) -> Any:
    student = _svc().update_student(call.principal, school_id, student_id, call.body, call.header("if-match"))
    return _versioned(student)


@operation(
    bp,
    Operation(
        "POST",
        "/schools/{school_id}/roster/import",
        "importRoster",
        "Import the roster from a spreadsheet (花名册)",
        TAG,
        body=schema("RosterImport"),
        example={"format": "csv", "content_base64": base64.b64encode(EXAMPLE_CSV.encode()).decode()},
        response=schema("ImportResult"),
        errors=(403, 404),
        description="school_admin. The file travels base64-encoded in JSON (`format`: `csv`, UTF-8 with or "
        "without BOM, or `xlsx`, first worksheet), so it passes API Gateway and any client unchanged. Headers "
        "(Chinese or English): 学号/student_number, 姓名/name, 年级/grade, 班级/class, 班主任账号/"
        "homeroom_teacher_sub, 班主任/homeroom_teacher_name, 监护人1姓名, 监护人1关系, 监护人1手机 (required), "
        "监护人2姓名/关系/手机, 接送人姓名/关系/手机, 身份证号 (optional). Every row is checked first: any "
        "problem answers 400 roster_import_invalid with details [{row, column, code, message}] (row as in the "
        "spreadsheet, header = 1) and nothing is written. A clean file creates missing classes, upserts students "
        "by 学号 (a changed class moves them; identical rows are not rewritten) and never deletes anyone.",
    ),
)
def import_roster(call: Call, school_id: str) -> Any:
    return _svc().import_roster(call.principal, school_id, call.body, call.locale)


@operation(
    bp,
    Operation(
        "GET",
        "/schools/{school_id}/access-log",
        "listAccessLog",
        "Who read which child's record, on one day",
        TAG,
        query=schema("AccessLogQuery"),
        response=schema("AccessLogPage"),
        errors=(403, 404),
        description="school_admin. `date` is school-local (YYYY-MM-DD, today by default); entries in time order.",
    ),
)
def list_access_log(call: Call, school_id: str) -> Any:
    day, page = _svc().access_log(call.principal, school_id, call.query)
    return {"date": day, "items": [e.as_json() for e in page.items], "next_cursor": page.next_cursor}


@operation(
    bp,
    Operation(
        "GET",
        "/schools/{school_id}/my/children",
        "listMyChildren",
        "A guardian's children at this school",
        TAG,
        response=schema("MyChildren"),
        errors=(403, 404),
        description="Guardians signed in with a verified phone (else 403 phone_not_verified): the children "
        "whose roster rows carry that phone. None: 404 no_children_for_phone.",
    ),
)
def list_my_children(call: Call, school_id: str) -> Any:
    return {"items": _svc().my_children(call.principal, school_id)}
