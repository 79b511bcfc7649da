"""The roster's words: grades (年级), class names (班级), relationships (关系), student numbers (学号).

Pure functions shared by the API schemas and the spreadsheet importer, so a value means the same
thing whether it was typed into a form or into a school's Excel roster.

Example::

    >>> parse_grade("三年级"), parse_grade("初一"), parse_grade(" 4 ")
    (3, 7, 4)
    >>> parse_relationship("外婆"), parse_relationship("father")
    ('maternal_grandparent', 'father')
    >>> normalize_class_name(" 三年级　２班 ")
    '三年级2班'
"""

from __future__ import annotations

import re
import unicodedata

MIN_GRADE, MAX_GRADE = 1, 9  # 义务教育: 小学 1–6, 初中 7–9 (初一..初三)
MAX_NAME = 40
MAX_CLASS_NAME = 40
STUDENT_NUMBER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,31}$")
ID_NUMBER = re.compile(r"^[A-Za-z0-9]{4,32}$")

# 监护人 / 接送人 relationship codes, and the words schools write for them.
RELATIONSHIPS: dict[str, str] = {
    "father": "father",
    "mother": "mother",
    "grandparent": "grandparent",
    "maternal_grandparent": "maternal_grandparent",
    "other": "other",
    "父亲": "father",
    "爸爸": "father",
    "父": "father",
    "母亲": "mother",
    "妈妈": "mother",
    "母": "mother",
    "祖父母": "grandparent",
    "祖父": "grandparent",
    "祖母": "grandparent",
    "爷爷": "grandparent",
    "奶奶": "grandparent",
    "外祖父母": "maternal_grandparent",
    "外祖父": "maternal_grandparent",
    "外祖母": "maternal_grandparent",
    "外公": "maternal_grandparent",
    "姥爷": "maternal_grandparent",
    "外婆": "maternal_grandparent",
    "姥姥": "maternal_grandparent",
    "其他": "other",
    "其它": "other",
}
RELATIONSHIP_CODES = ("father", "mother", "grandparent", "maternal_grandparent", "other")

_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_JUNIOR = {"初一": 7, "初二": 8, "初三": 9}
_GRADE_PREFIX = re.compile(r"^(初[一二三]|[一二三四五六七八九1-9])(?:年级)?")
_SPACES = re.compile(r"\s+")


def text(value: str) -> str:
    """NFKC (full-width digits and letters become ASCII) and trimmed: what spreadsheets need."""
    return unicodedata.normalize("NFKC", value or "").strip()


def parse_grade(raw: str | int) -> int | None:
    """1–9 from ``3``, ``"3"``, ``"3年级"``, ``"三年级"``, ``"初一"`` (=7); None when it is not a grade."""
    if isinstance(raw, int):
        return raw if MIN_GRADE <= raw <= MAX_GRADE else None
    value = _SPACES.sub("", text(raw)).removesuffix("年级")
    if value in _JUNIOR:
        return _JUNIOR[value]
    if value in _CN_DIGITS:
        return _CN_DIGITS[value]
    if value.isdigit() and MIN_GRADE <= int(value) <= MAX_GRADE:
        return int(value)
    return None


def grade_in_class_name(name: str) -> int | None:
    """The grade a class name spells out (``三年级2班`` → 3, ``初二1班`` → 8), if it does."""
    m = _GRADE_PREFIX.match(name)
    if not m or not (name[m.end() :] and (m.group(0).endswith("年级") or m.group(1).startswith("初"))):
        return None
    return parse_grade(m.group(1))


def normalize_class_name(raw: str) -> str:
    """A class is found by (grade, name): ``三年级 ２班`` and ``三年级2班`` are the same class."""
    return _SPACES.sub("", text(raw))


def normalize_student_number(raw: str) -> str:
    """学号 as stored and claimed: NFKC, no spaces, upper case (``g3-01`` and ``G3-01`` are one number)."""
    return _SPACES.sub("", text(raw)).upper()


def parse_relationship(raw: str) -> str | None:
    """A relationship code from a code or a Chinese word (父亲, 外婆, 其他...); None if unknown."""
    value = _SPACES.sub("", text(raw)).lower()
    return RELATIONSHIPS.get(value)


def mask_id_number(value: str) -> str:
    """Only the last four characters of an identity document number stay readable."""
    return "*" * max(len(value) - 4, 0) + value[-4:]
