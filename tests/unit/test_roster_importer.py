"""Roster spreadsheet parsing and validation (花名册导入), pure: CSV with/without BOM, XLSX, every error kind."""

from __future__ import annotations

import io
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.core import i18n
from chalicelib.roster import importer, vocabulary
from chalicelib.roster.importer import Problem, RosterFileInvalid, parse

HEADER = "学号,姓名,年级,班级,监护人1姓名,监护人1关系,监护人1手机"
ROW = "S1,王小明,三年级,三年级2班,王强,父亲,13800000000"


def csv(*lines: str, bom: bool = False) -> bytes:
    return ("\ufeff" if bom else "").encode() + ("\n".join(lines) + "\n").encode()


def xlsx(rows: list[list[Any]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for r in rows:
        sheet.append(r)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def problems(file_format: str, content: bytes, **kw: Any) -> list[tuple[int | None, str | None, str]]:
    with pytest.raises(RosterFileInvalid) as err:
        parse(file_format, content, **kw)
    return [(p.row, p.column, p.code) for p in err.value.problems]


# -- reading ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("bom", [True, False])
def test_csv_with_or_without_bom(bom: bool) -> None:
    roster = parse("csv", csv(HEADER, ROW, bom=bom))
    (row,) = roster.rows
    assert (row.row, row.student_number, row.name, row.grade, row.class_name) == (2, "S1", "王小明", 3, "三年级2班")
    assert row.guardians == (importer.Contact("王强", "father", "+8613800000000"),)
    assert row.pickup_adults == () and row.id_number is None and roster.ignored_columns == []


def test_english_aliases_any_order_and_ignored_columns() -> None:
    header = "name,grade,student_number,class,guardian1_phone,guardian1_relationship,guardian1_name,备注"
    roster = parse("csv", csv(header, "李雷,7,g7-01,初一1班,+852 9123 4567,mother,韩梅,转学生"))
    (row,) = roster.rows
    assert (row.student_number, row.grade, row.class_name) == ("G7-01", 7, "初一1班")
    assert row.guardians[0] == importer.Contact("韩梅", "mother", "+85291234567")
    assert roster.ignored_columns == ["备注"]


def test_all_optional_columns() -> None:
    header = HEADER + ",班主任账号,班主任,监护人2姓名,监护人2关系,监护人2手机,接送人姓名,接送人关系,接送人手机,身份证号"
    line = ROW + ",t-li,李老师,李丽,妈妈,139 0000 0001,张秀英,外婆,13900000002,11010520150101123x"
    (row,) = parse("csv", csv(header, line)).rows
    assert (row.homeroom_teacher_sub, row.homeroom_teacher_name) == ("t-li", "李老师")
    assert [g.relationship for g in row.guardians] == ["father", "mother"]
    assert row.pickup_adults == (importer.Contact("张秀英", "maternal_grandparent", "+8613900000002"),)
    assert row.id_number == "11010520150101123X"


def test_xlsx_numbers_come_back_as_digits_and_blank_rows_keep_numbering() -> None:
    content = xlsx(
        [
            HEADER.split(","),
            [2023001, "王小明", 3, "三年级２班", "王强", "父亲", 13800000000],
            [],
            [2023002.0, "李雷", "3年级", "三年级2班", "李强", "其他", 13800000001.0],
        ]
    )
    rows = parse("xlsx", content).rows
    assert [(r.row, r.student_number, r.grade, r.class_name) for r in rows] == [
        (2, "2023001", 3, "三年级2班"),
        (4, "2023002", 3, "三年级2班"),
    ]
    assert rows[1].guardians[0].phone == "+8613800000001" and rows[1].guardians[0].relationship == "other"


def test_title_rows_above_the_header_are_skipped_and_counted() -> None:
    content = xlsx([["2024学年三年级花名册"], [], HEADER.split(","), ROW.split(",")])
    (row,) = parse("xlsx", content).rows
    assert (row.row, row.student_number) == (4, "S1")


def test_tab_separated_csv() -> None:
    (row,) = parse("csv", csv(HEADER.replace(",", "\t"), ROW.replace(",", "\t"))).rows
    assert row.student_number == "S1"


# -- every problem kind ----------------------------------------------------------------------------


def test_missing_and_duplicate_columns_are_reported_on_the_header_row() -> None:
    found = problems("csv", csv("学号,姓名,name,年级,班级,监护人1姓名,监护人1关系", ROW))
    assert (1, "name", "duplicate_column") in found
    assert (1, "监护人1手机", "missing_column") in found


@pytest.mark.parametrize(
    ("line", "column", "code"),
    [
        (",王小明,三年级,三年级2班,王强,父亲,13800000000", "学号", "required"),
        ("S 1#,王小明,三年级,三年级2班,王强,父亲,13800000000", "学号", "invalid_student_number"),
        ("S1,,三年级,三年级2班,王强,父亲,13800000000", "姓名", "required"),
        ("S1," + "名" * 41 + ",三年级,三年级2班,王强,父亲,13800000000", "姓名", "too_long"),
        ("S1,王小明,十年级,三年级2班,王强,父亲,13800000000", "年级", "invalid_grade"),
        ("S1,王小明,,三年级2班,王强,父亲,13800000000", "年级", "required"),
        ("S1,王小明,四年级,三年级2班,王强,父亲,13800000000", "班级", "class_grade_mismatch"),
        ("S1,王小明,三年级,,王强,父亲,13800000000", "班级", "required"),
        ("S1,王小明,三年级,三年级2班,王强,叔叔,13800000000", "监护人1关系", "invalid_relationship"),
        ("S1,王小明,三年级,三年级2班,王强,父亲,12345", "监护人1手机", "invalid_phone"),
        ("S1,王小明,三年级,三年级2班,王强,父亲,", "监护人1手机", "required"),
        ("S1,王小明,三年级,三年级2班,,父亲,13800000000", "监护人1姓名", "required"),
    ],
)
def test_row_problems(line: str, column: str, code: str) -> None:
    assert problems("csv", csv(HEADER, line)) == [(2, column, code)]


def test_a_half_filled_second_guardian_or_pickup_adult_names_the_missing_cells() -> None:
    header = HEADER + ",监护人2姓名,监护人2关系,监护人2手机,接送人姓名,接送人关系,接送人手机"
    found = problems("csv", csv(header, ROW + ",李丽,,,,,13900000000"))
    assert found == [
        (2, "监护人2关系", "required"),
        (2, "监护人2手机", "required"),
        (2, "接送人姓名", "required"),
        (2, "接送人关系", "required"),
    ]


def test_invalid_identity_number() -> None:
    assert problems("csv", csv(HEADER + ",身份证号", ROW + ",12-34")) == [(2, "身份证号", "invalid_id_number")]


def test_duplicate_student_numbers_and_conflicting_homeroom_teachers() -> None:
    header = HEADER + ",班主任账号"
    found = problems(
        "csv",
        csv(header, ROW + ",t-li", ROW.replace("王小明", "李雷") + ",t-zhao", ROW.replace("S1", "s1") + ",t-li"),
    )
    assert found == [
        (3, "学号", "duplicate_student_number"),
        (3, "班主任账号", "homeroom_conflict"),
        (4, "学号", "duplicate_student_number"),  # student numbers compare case-insensitively
    ]


def test_every_row_is_checked_not_only_the_first_bad_one() -> None:
    bad = "S{0},王小明,三年级,三年级2班,王强,父亲,1{0}"
    found = problems("csv", csv(HEADER, ROW, *(bad.format(i) for i in range(2, 6))))
    assert [r for r, _, _ in found] == [3, 4, 5, 6]


@pytest.mark.parametrize(
    ("file_format", "content", "code"),
    [
        ("csv", HEADER.encode("gbk") + b"\n", "file_not_utf8"),
        ("csv", b"", "empty_file"),
        ("csv", csv(HEADER), "empty_file"),
        ("csv", b'"' + b"x" * 200_000 + b'"\n', "file_unreadable"),  # beyond the csv module's field limit
        ("xlsx", b"PK\x03\x04 not really a workbook", "file_unreadable"),
        ("xlsx", csv(HEADER, ROW), "file_unreadable"),
    ],
)
def test_file_problems(file_format: str, content: bytes, code: str) -> None:
    assert problems(file_format, content) == [(None, None, code)]


def test_too_many_rows() -> None:
    assert problems("csv", csv(HEADER, ROW, ROW.replace("S1", "S2")), max_rows=1) == [(None, None, "too_many_rows")]


def test_a_very_bad_file_lists_the_first_problems_and_how_many_more() -> None:
    lines = [f"S{i},王小明,三年级,三年级2班,王强,父亲,1" for i in range(importer.MAX_PROBLEMS + 7)]
    with pytest.raises(RosterFileInvalid) as err:
        parse("csv", csv(HEADER, *lines))
    details = err.value.details("en")
    assert len(details) == importer.MAX_PROBLEMS + 1
    assert details[-1]["code"] == "more_problems" and "7 more problems" in details[-1]["message"]


def test_every_problem_has_a_message_in_both_languages() -> None:
    codes = {
        "required", "too_long", "missing_column", "duplicate_column", "invalid_student_number",
        "duplicate_student_number", "invalid_grade", "class_grade_mismatch", "homeroom_conflict",
        "invalid_relationship", "invalid_phone", "invalid_id_number", "file_not_utf8", "file_unreadable",
        "empty_file", "too_many_rows", "more_problems",
    }  # fmt: skip
    params = {"max": 40, "column": "学号", "other_row": 2, "count": 3}
    for code in codes:
        entry = i18n.MESSAGES[f"roster_import.{code}"]
        assert set(entry) == {"zh-CN", "en"}
        zh, en = (Problem(2, "学号", code, params).as_json(loc)["message"] for loc in ("zh-CN", "en"))
        assert zh == entry["zh-CN"].format(**params) and en == entry["en"].format(**params) and zh != en
    for code in ("roster_import_invalid", "no_children_for_phone", "phone_not_verified", "student_number_taken"):
        assert set(i18n.MESSAGES[code]) == {"zh-CN", "en"}


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_arbitrary_bytes_never_crash_the_csv_reader(content: bytes) -> None:
    try:
        parse("csv", content)
    except RosterFileInvalid as err:
        assert err.problems and all(p.code for p in err.problems)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(alphabet=',"\n学号姓名年级班级监护人1手机关系父亲3 ', max_size=30), max_size=8))
def test_arbitrary_text_never_crashes(lines: list[str]) -> None:
    try:
        parse("csv", csv(HEADER, *lines))
    except RosterFileInvalid:
        pass


# -- vocabulary ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "grade"),
    [("1", 1), ("９", 9), ("三年级", 3), ("3年级", 3), ("初一", 7), ("初三", 9), ("六", 6), ("0", None), ("10", None),
     ("高一", None), ("", None)],
)  # fmt: skip
def test_grades(raw: str, grade: int | None) -> None:
    assert vocabulary.parse_grade(raw) == grade


@pytest.mark.parametrize(
    ("raw", "code"),
    [("父亲", "father"), ("爸爸", "father"), ("Mother", "mother"), ("奶奶", "grandparent"), ("祖父母", "grandparent"),
     ("外祖父母", "maternal_grandparent"), ("姥姥", "maternal_grandparent"), ("其它", "other"), ("叔叔", None)],
)  # fmt: skip
def test_relationships(raw: str, code: str | None) -> None:
    assert vocabulary.parse_relationship(raw) == code


@pytest.mark.parametrize(
    ("name", "grade"), [("三年级2班", 3), ("初二1班", 8), ("2班", None), ("三班", None), ("6年级(1)班", 6)]
)
def test_grade_in_class_name(name: str, grade: int | None) -> None:
    assert vocabulary.grade_in_class_name(name) == grade


def test_masks() -> None:
    assert vocabulary.mask_id_number("11010520150101123X") == "**************123X"
    assert vocabulary.normalize_class_name(" 三年级　２ 班 ") == "三年级2班"
