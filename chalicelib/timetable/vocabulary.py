"""The timetable's fixed vocabulary: venue types (R6), kinds of adult (R7), what an adult can lead,
and the labels a principal reads (zh-CN first, English available).

Activity categories are the catalog's closed list (:mod:`chalicelib.enrollment.catalog.vocabulary`):
there is no tutoring category, so nothing placed here can be group tutoring (R8). Supervised homework
(自主作业) is not a program activity but the content of the homework periods (R9), hence its own word.
"""

from __future__ import annotations

import unicodedata
from typing import Literal, get_args

from chalicelib.enrollment.catalog.vocabulary import CATEGORIES, Locale, grade_label, label

__all__ = [
    "ACTIVITY_CATEGORIES",
    "ACTIVITY_PERIOD",
    "ADULT_KINDS",
    "ANY_ACTIVITY",
    "DEFAULT_VENUE_TYPES",
    "HOMEWORK",
    "SKILLS",
    "VENUE_TYPES",
    "AdultKind",
    "Locale",
    "Skill",
    "VenueType",
    "category_label",
    "day_label",
    "grade_label",
    "name_key",
    "period_label",
    "slot_label",
]

# 四(三): classrooms first, then the playground, library, reading room, labs and other rooms.
VenueType = Literal["classroom", "playground", "gym", "library", "reading_room", "lab", "function_room"]
VENUE_TYPES: dict[str, dict[str, str]] = {
    "classroom": {"zh-CN": "教室", "en": "classroom"},
    "playground": {"zh-CN": "操场", "en": "playground"},
    "gym": {"zh-CN": "体育馆", "en": "gym"},
    "library": {"zh-CN": "图书馆", "en": "library"},
    "reading_room": {"zh-CN": "阅览室", "en": "reading room"},
    "lab": {"zh-CN": "实验室", "en": "lab"},
    "function_room": {"zh-CN": "功能教室", "en": "function room"},
}

# 四(四): teachers are the body, cadres the backbone, then volunteers, specialists and providers' staff.
AdultKind = Literal["teacher", "cadre", "volunteer", "specialist", "provider_staff"]
ADULT_KINDS: dict[str, dict[str, str]] = {
    "teacher": {"zh-CN": "教师", "en": "teacher"},
    "cadre": {"zh-CN": "干部", "en": "cadre"},
    "volunteer": {"zh-CN": "志愿者", "en": "volunteer"},
    "specialist": {"zh-CN": "专业人才", "en": "specialist"},
    "provider_staff": {"zh-CN": "机构人员", "en": "provider staff"},
}

HOMEWORK = "homework"  # 自主作业: supervised individual homework in the class's own classroom
ANY_ACTIVITY = "activity"  # any specialty, reading or sports activity, in messages about the activity period
ACTIVITY_PERIOD = 2  # R9: Tuesday to Friday, period 2 is the specialty / reading / sports period

# What may fill the Tuesday-Friday activity period: every catalog category except individual homework
# help, which belongs to the homework periods. Computed from the catalog so a new category appears here.
ACTIVITY_CATEGORIES: frozenset[str] = frozenset(CATEGORIES) - {"homework_help"}

# Where an activity of each category usually takes place, preferred first (四(三)): used when the
# program's free-text venue (场地) names no registered venue. "classroom" means the class's own or a spare one.
DEFAULT_VENUE_TYPES: dict[str, tuple[VenueType, ...]] = {
    "reading": ("library", "reading_room", "classroom"),
    "sports": ("playground", "gym"),
    "arts": ("function_room", "classroom"),
    "science_technology": ("lab", "classroom"),
    "traditional_culture": ("function_room", "classroom"),
    "other_enrichment": ("function_room", "classroom"),
    "homework_help": ("classroom",),
}

# What an adult can lead: supervising homework, or an activity category.
Skill = Literal[
    "homework", "reading", "sports", "arts", "science_technology", "traditional_culture", "other_enrichment"
]
SKILLS: frozenset[str] = frozenset(get_args(Skill))

_DAYS = {
    1: {"zh-CN": "周一", "en": "Monday"},
    2: {"zh-CN": "周二", "en": "Tuesday"},
    3: {"zh-CN": "周三", "en": "Wednesday"},
    4: {"zh-CN": "周四", "en": "Thursday"},
    5: {"zh-CN": "周五", "en": "Friday"},
    6: {"zh-CN": "周六", "en": "Saturday"},
    7: {"zh-CN": "周日", "en": "Sunday"},
}


def name_key(name: str) -> str:
    """How two names of a venue or a person are compared: NFKC (full-width letters and digits become
    ASCII), case and runs of spaces ignored, so 「三年级２班 教室」 and 「三年级2班教室」 do not both exist."""
    return "".join(unicodedata.normalize("NFKC", name).casefold().split())


def day_label(weekday: int, locale: Locale) -> str:
    """周二 / Tuesday (ISO weekday, Monday = 1)."""
    return _DAYS[weekday][locale] if weekday in _DAYS else str(weekday)


def period_label(period: int, locale: Locale) -> str:
    return f"第{period}课时" if locale == "zh-CN" else f"period {period}"


def slot_label(weekday: int, period: int, locale: Locale) -> str:
    """周二第2课时 / Tuesday period 2."""
    sep = "" if locale == "zh-CN" else " "
    return f"{day_label(weekday, locale)}{sep}{period_label(period, locale)}"


def category_label(category: str, locale: Locale) -> str:
    if category == HOMEWORK:
        return "自主作业" if locale == "zh-CN" else "supervised homework"
    if category == ANY_ACTIVITY:
        return "特长发展、阅读或体育" if locale == "zh-CN" else "specialty, reading or sports"
    return label(CATEGORIES, category, locale)


def venue_type_label(venue_type: str, locale: Locale) -> str:
    return label(VENUE_TYPES, venue_type, locale)
