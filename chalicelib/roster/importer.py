"""Reading and checking a school's roster spreadsheet (花名册), CSV or XLSX. Pure: no I/O, no AWS.

Every row is checked before anything is written: :func:`parse` either returns all rows, clean and
normalised, or raises :class:`RosterFileInvalid` listing every problem with its spreadsheet row
(1-based as Excel shows it, counting the header and any title rows above it) and column (the header
as written in the file). Blank rows are skipped; a few title rows above the header are allowed.

Columns (Chinese headers, English aliases; order free, unknown columns ignored and reported)::

    学号 姓名 年级 班级                    required
    班主任账号 班主任                      optional: the 班主任's account (sub) and display name
    监护人1姓名 监护人1关系 监护人1手机      required (监护人 = guardian)
    监护人2姓名 监护人2关系 监护人2手机      optional, all three or none
    接送人姓名 接送人关系 接送人手机          optional, all three or none (接送人 = pickup adult)
    身份证号                              optional identity document number

Example::

    >>> roster = parse("csv", "学号,姓名,年级,班级,监护人1姓名,监护人1关系,监护人1手机\\n"
    ...                "S1,王小明,三年级,三年级2班,王强,父亲,13800000000\\n".encode())
    >>> r = roster.rows[0]
    >>> (r.row, r.grade, r.class_name, r.guardians[0].relationship, r.guardians[0].phone)
    (2, 3, '三年级2班', 'father', '+8613800000000')
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from chalicelib.core import i18n, phone

from . import vocabulary as v

MAX_ROWS = 5_000
MAX_PROBLEMS = 500  # a file with thousands of errors reports the first ones (and how many more)
MAX_BLANK_RUN = 200  # Excel sheets "formatted" down to row 1,048,576: stop after this many blank rows
MAX_SUB = 128
MAX_TITLE_ROWS = 5  # rows above the header (a template's title) that are skipped

REQUIRED = ("student_number", "name", "grade", "class", "guardian1_name", "guardian1_relationship", "guardian1_phone")
LABELS: dict[str, str] = {
    "student_number": "学号",
    "name": "姓名",
    "grade": "年级",
    "class": "班级",
    "homeroom_teacher_sub": "班主任账号",
    "homeroom_teacher_name": "班主任",
    "guardian1_name": "监护人1姓名",
    "guardian1_relationship": "监护人1关系",
    "guardian1_phone": "监护人1手机",
    "guardian2_name": "监护人2姓名",
    "guardian2_relationship": "监护人2关系",
    "guardian2_phone": "监护人2手机",
    "pickup_name": "接送人姓名",
    "pickup_relationship": "接送人关系",
    "pickup_phone": "接送人手机",
    "id_number": "身份证号",
}
_EXTRA_ALIASES: dict[str, str] = {
    "学生姓名": "name",
    "student_name": "name",
    "student_no": "student_number",
    "班级名称": "class",
    "class_name": "class",
    "班主任姓名": "homeroom_teacher_name",
    "homeroom_teacher": "homeroom_teacher_name",
    "监护人1手机号": "guardian1_phone",
    "监护人2手机号": "guardian2_phone",
    "接送人手机号": "pickup_phone",
    "证件号码": "id_number",
    "身份证号码": "id_number",
}


def _alias_key(header: str) -> str:
    return "".join(v.text(header).split()).lower()


ALIASES: dict[str, str] = {
    **{_alias_key(label): f for f, label in LABELS.items()},
    **{f: f for f in LABELS},
    **{_alias_key(a): f for a, f in _EXTRA_ALIASES.items()},
}


@dataclass(frozen=True)
class Contact:
    """A 监护人 or 接送人 as read from the file: name, relationship code, E.164 phone."""

    name: str
    relationship: str
    phone: str


@dataclass(frozen=True)
class RosterRow:
    row: int
    student_number: str
    name: str
    grade: int
    class_name: str
    homeroom_teacher_sub: str | None
    homeroom_teacher_name: str | None
    guardians: tuple[Contact, ...]
    pickup_adults: tuple[Contact, ...]
    id_number: str | None

    @property
    def class_key(self) -> tuple[int, str]:
        return self.grade, self.class_name


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the file; ``row``/``column`` are None for file-level problems."""

    row: int | None
    column: str | None
    code: str
    params: dict[str, Any] = field(default_factory=dict)

    def as_json(self, locale: str) -> dict[str, Any]:
        text = i18n.message(f"roster_import.{self.code}", locale).format(**self.params)
        return {"row": self.row, "column": self.column, "code": self.code, "message": text}


class RosterFileInvalid(ValueError):
    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problems")
        self.problems = problems

    def details(self, locale: str) -> list[dict[str, Any]]:
        shown = [p.as_json(locale) for p in self.problems[:MAX_PROBLEMS]]
        if len(self.problems) > MAX_PROBLEMS:
            more = Problem(None, None, "more_problems", {"count": len(self.problems) - MAX_PROBLEMS})
            shown.append(more.as_json(locale))
        return shown


@dataclass(frozen=True)
class ParsedRoster:
    rows: list[RosterRow]
    ignored_columns: list[str]


def parse(file_format: str, content: bytes, max_rows: int = MAX_ROWS) -> ParsedRoster:
    """All rows of a clean file, or :class:`RosterFileInvalid` with every problem found."""
    table = list(_read(file_format, content))
    if not table:
        raise RosterFileInvalid([Problem(None, None, "empty_file")])
    start = _header_index(table)
    (header_row, header), body = table[start], table[start + 1 :]
    columns, ignored, problems = _columns(header_row, header)
    if problems:
        raise RosterFileInvalid(problems)
    if not body:
        raise RosterFileInvalid([Problem(None, None, "empty_file")])
    if len(body) > max_rows:
        raise RosterFileInvalid([Problem(None, None, "too_many_rows", {"max": max_rows})])
    rows: list[RosterRow] = []
    for number, cells in body:
        values = {f: (cells[i] if i < len(cells) else "") for f, i in columns.items()}
        row = _row(number, values, {f: header[i] for f, i in columns.items()}, problems)
        if row is not None:
            rows.append(row)
    problems += _cross_row_problems(rows, {f: header[i] for f, i in columns.items()})
    if problems:
        raise RosterFileInvalid(sorted(problems, key=lambda p: p.row or 0))  # stable: columns stay in order
    return ParsedRoster(rows, ignored)


# -- reading ---------------------------------------------------------------------------------------


def _read(file_format: str, content: bytes) -> Iterator[tuple[int, list[str]]]:
    """Non-blank rows as (spreadsheet row number, cell texts)."""
    rows = _csv_rows(content) if file_format == "csv" else _xlsx_rows(content)
    blank_run = 0
    for number, cells in rows:
        if any(cells):
            blank_run = 0
            yield number, cells
        else:
            blank_run += 1
            if blank_run > MAX_BLANK_RUN:
                return


def _csv_rows(content: bytes) -> Iterator[tuple[int, list[str]]]:
    try:
        text = content.decode("utf-8-sig")  # with or without BOM (Excel's "CSV UTF-8" writes one)
    except UnicodeDecodeError as exc:
        raise RosterFileInvalid([Problem(None, None, "file_not_utf8")]) from exc
    first = text.split("\n", 1)[0]
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    try:
        for number, cells in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1):
            yield number, [c.strip() for c in cells]
    except csv.Error as exc:
        raise RosterFileInvalid([Problem(None, None, "file_unreadable")]) from exc


def _xlsx_rows(content: bytes) -> Iterator[tuple[int, list[str]]]:
    from openpyxl import load_workbook  # imported on use: only the import route pays for it

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        sheet = book.worksheets[0]
        for number, values in enumerate(sheet.iter_rows(min_row=1, values_only=True), start=1):
            yield number, [_cell_text(value) for value in values]
    except RosterFileInvalid:
        raise
    except Exception as exc:  # not a zip, not a workbook, no sheet...: all "cannot read this file"
        raise RosterFileInvalid([Problem(None, None, "file_unreadable")]) from exc


def _cell_text(value: Any) -> str:
    """Excel stores 13800000000 and 学号 2023001 as numbers (floats): give them back as digits."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value).strip()


def _header_index(table: list[tuple[int, list[str]]]) -> int:
    """Schools' templates often put a title (``2024学年三年级花名册``) above the header row: the header
    is the first of the top rows that names the 学号 column; failing that, the first row."""
    for i, (_, cells) in enumerate(table[: MAX_TITLE_ROWS + 1]):
        if any(ALIASES.get(_alias_key(c)) == "student_number" for c in cells):
            return i
    return 0


def _columns(header_row: int, header: list[str]) -> tuple[dict[str, int], list[str], list[Problem]]:
    columns: dict[str, int] = {}
    ignored: list[str] = []
    problems: list[Problem] = []
    for i, title in enumerate(header):
        name = ALIASES.get(_alias_key(title))
        if name is None:
            if title:
                ignored.append(title)
        elif name in columns:
            problems.append(Problem(header_row, title, "duplicate_column", {"column": title}))
        else:
            columns[name] = i
    for name in REQUIRED:
        if name not in columns:
            problems.append(Problem(header_row, LABELS[name], "missing_column", {"column": LABELS[name]}))
    return columns, ignored, problems


# -- one row ---------------------------------------------------------------------------------------


class _RowCheck:
    """Collects one row's problems while reading its fields."""

    def __init__(self, number: int, values: dict[str, str], titles: dict[str, str], problems: list[Problem]):
        self.number, self.values, self.titles, self.problems = number, values, titles, problems
        self.ok = True

    def fail(self, name: str, code: str, **params: Any) -> None:
        self.ok = False
        self.problems.append(Problem(self.number, self.titles.get(name, LABELS[name]), code, params))

    def raw(self, name: str) -> str:
        return v.text(self.values.get(name, ""))

    def required(self, name: str, max_len: int = v.MAX_NAME) -> str:
        value = self.raw(name)
        if not value:
            self.fail(name, "required")
        elif len(value) > max_len:
            self.fail(name, "too_long", max=max_len)
        return value

    def optional(self, name: str, max_len: int = v.MAX_NAME) -> str | None:
        value = self.raw(name)
        if len(value) > max_len:
            self.fail(name, "too_long", max=max_len)
        return value or None


def _row(number: int, values: dict[str, str], titles: dict[str, str], problems: list[Problem]) -> RosterRow | None:
    c = _RowCheck(number, values, titles, problems)
    student_number = _student_number(c)
    name = c.required("name")
    grade = _grade(c)
    class_name = _class_name(c, grade)
    sub = c.optional("homeroom_teacher_sub", MAX_SUB)
    teacher = c.optional("homeroom_teacher_name")
    guardians = [_contact(c, "guardian1", required=True), _contact(c, "guardian2", required=False)]
    pickup = _contact(c, "pickup", required=False)
    id_number = _id_number(c)
    if not c.ok or grade is None:
        return None
    return RosterRow(
        number,
        student_number,
        name,
        grade,
        class_name,
        sub,
        teacher,
        tuple(g for g in guardians if g is not None),
        (pickup,) if pickup else (),
        id_number,
    )


def _student_number(c: _RowCheck) -> str:
    value = v.normalize_student_number(c.values.get("student_number", ""))
    if not value:
        c.fail("student_number", "required")
    elif not v.STUDENT_NUMBER.match(value):
        c.fail("student_number", "invalid_student_number")
    return value


def _grade(c: _RowCheck) -> int | None:
    raw = c.raw("grade")
    if not raw:
        c.fail("grade", "required")
        return None
    grade = v.parse_grade(raw)
    if grade is None:
        c.fail("grade", "invalid_grade")
    return grade


def _class_name(c: _RowCheck, grade: int | None) -> str:
    value = v.normalize_class_name(c.values.get("class", ""))
    if not value:
        c.fail("class", "required")
    elif len(value) > v.MAX_CLASS_NAME:
        c.fail("class", "too_long", max=v.MAX_CLASS_NAME)
    elif grade is not None and v.grade_in_class_name(value) not in (None, grade):
        c.fail("class", "class_grade_mismatch")
    return value


def _contact(c: _RowCheck, prefix: str, *, required: bool) -> Contact | None:
    fields = (f"{prefix}_name", f"{prefix}_relationship", f"{prefix}_phone")
    if not required and not any(c.raw(f) for f in fields):
        return None  # an optional 监护人2 / 接送人 left blank
    name = c.required(fields[0])
    relationship_raw = c.required(fields[1])
    relationship = v.parse_relationship(relationship_raw) if relationship_raw else None
    if relationship_raw and relationship is None:
        c.fail(fields[1], "invalid_relationship")
    phone_raw = c.raw(fields[2])
    e164 = ""
    if not phone_raw:
        c.fail(fields[2], "required")
    else:
        try:
            e164 = phone.normalize(phone_raw)
        except phone.InvalidPhone:
            c.fail(fields[2], "invalid_phone")
    if not (name and relationship and e164):
        return None
    return Contact(name, relationship, e164)


def _id_number(c: _RowCheck) -> str | None:
    value = "".join(c.raw("id_number").split()).upper()
    if value and not v.ID_NUMBER.match(value):
        c.fail("id_number", "invalid_id_number")
    return value or None


# -- across rows -----------------------------------------------------------------------------------


def _cross_row_problems(rows: list[RosterRow], titles: dict[str, str]) -> list[Problem]:
    """A 学号 twice in one file, or two different 班主任 for one class."""
    problems: list[Problem] = []
    first_row: dict[str, int] = {}
    teachers: dict[tuple[int, str], dict[str, tuple[str, int]]] = {}
    for r in rows:
        if r.student_number in first_row:
            problems.append(
                Problem(
                    r.row,
                    titles["student_number"],
                    "duplicate_student_number",
                    {"other_row": first_row[r.student_number]},
                )
            )
        first_row.setdefault(r.student_number, r.row)
        seen = teachers.setdefault(r.class_key, {})
        for name, value in (
            ("homeroom_teacher_sub", r.homeroom_teacher_sub),
            ("homeroom_teacher_name", r.homeroom_teacher_name),
        ):
            if value is None:
                continue
            if name in seen and seen[name][0] != value:
                problems.append(Problem(r.row, titles[name], "homeroom_conflict", {"other_row": seen[name][1]}))
            seen.setdefault(name, (value, r.row))
    return problems
