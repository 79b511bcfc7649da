"""A made-up but plausible school to build timetables for: the tests', the bench's and (later) the
seed data's. Pure data, deterministic for given sizes.

``sample_school(6, 6, 60)`` is the issue's 36-class school: 6 grades of 6 classes, each class with its
own classroom, 10 shared venues (two playgrounds, a gym, library, reading room, two labs, three function
rooms) and 60 adults. Sports venues grow with the class size of a grade, because staggered by grade
(错峰) a whole grade goes out together. ``max_periods`` sets a weekly maximum of periods by kind of adult,
e.g. ``{"cadre": 4}`` for cadres (干部) with other duties; by default nobody has one.
"""

from __future__ import annotations

import dataclasses as dc
import datetime as dt
import math
from collections.abc import Mapping

from .inputs import (
    Activity,
    Adult,
    DaySchedule,
    Period,
    SchoolClass,
    SchoolSettings,
    Slot,
    TimetableInputs,
    Venue,
    minima,
)
from .vocabulary import AdultKind, VenueType, grade_label

PERIODS = (Period(1, dt.time(15, 40), dt.time(16, 20)), Period(2, dt.time(16, 30), dt.time(17, 30)))
WORKING_DAY_ENDS_AT = dt.time(17, 0)

# name, type, capacity for a grade of 6 classes
SHARED_VENUES: tuple[tuple[str, str, VenueType, int], ...] = (
    ("v-field", "田径场", "playground", 6),
    ("v-courts", "篮球场", "playground", 4),
    ("v-gym", "体育馆", "gym", 2),
    ("v-library", "图书馆", "library", 2),
    ("v-reading", "阅览室", "reading_room", 2),
    ("v-science", "科学实验室", "lab", 1),
    ("v-computers", "计算机教室", "lab", 1),
    ("v-art", "美术室", "function_room", 1),
    ("v-music", "音乐室", "function_room", 1),
    ("v-calligraphy", "书法室", "function_room", 1),
)
SPORTS_TYPES = frozenset({"playground", "gym"})

ALL_GRADES = frozenset(range(1, 7))
UPPER = frozenset(range(3, 7))


def _activities(provider_ids: frozenset[str]) -> tuple[Activity, ...]:
    return (
        Activity("a-football", "校园足球", "sports", UPPER, ("playground",)),
        Activity("a-rope", "跳绳与趣味游戏", "sports", ALL_GRADES, ("playground", "gym")),
        Activity("a-basketball", "篮球", "sports", frozenset({4, 5, 6}), ("gym", "playground")),
        Activity("a-reading", "海量阅读", "reading", ALL_GRADES, ("library", "reading_room", "classroom")),
        Activity("a-picture-books", "绘本阅读", "reading", frozenset({1, 2}), ("reading_room", "classroom")),
        Activity("a-drawing", "美术", "arts", ALL_GRADES, ("function_room", "classroom")),
        Activity("a-choir", "合唱", "arts", ALL_GRADES, ("function_room", "classroom")),
        Activity("a-science", "科学小实验", "science_technology", UPPER, ("lab", "classroom")),
        Activity("a-coding", "编程启蒙", "science_technology", frozenset({4, 5, 6}), ("lab",), provider_ids),
        Activity(
            "a-calligraphy", "书法", "traditional_culture", frozenset(range(2, 7)), ("function_room", "classroom")
        ),
        Activity("a-go", "围棋", "traditional_culture", ALL_GRADES, ("classroom",)),
    )


TEACHER_SKILLS = (
    ("reading", "sports"),
    ("arts", "reading"),
    ("science_technology", "sports"),
    ("traditional_culture", "reading"),
    ("sports", "arts"),
)
EVERY_SLOT: frozenset[Slot] | None = None
ACTIVITY_SLOTS = frozenset((d, 2) for d in (2, 3, 4, 5))


def _adult(i: int) -> Adult:
    """The i-th adult: in every ten, five teachers, a PE teacher, a cadre, a specialist, a provider's
    staff member and a volunteer, so small schools get a mix too."""
    n = i + 1
    role = i % 10
    kinds: dict[int, tuple[AdultKind, frozenset[str], frozenset[Slot] | None]] = {
        1: ("teacher", frozenset({"homework", "sports"}), EVERY_SLOT),  # 体育教师
        3: ("cadre", frozenset({"homework", "reading", "traditional_culture"}), EVERY_SLOT),
        5: ("specialist", frozenset({"arts", "science_technology"}), ACTIVITY_SLOTS),
        7: ("provider_staff", frozenset({"science_technology", "sports"}), frozenset({(2, 2), (4, 2), (5, 2)})),
        9: ("volunteer", frozenset({"homework", "reading"}), frozenset({(3, 1), (3, 2), (5, 1), (5, 2)})),
    }
    if role in kinds:
        kind, skills, available = kinds[role]
    else:
        kind, skills, available = "teacher", frozenset({"homework", *TEACHER_SKILLS[(i // 2) % 5]}), EVERY_SLOT
    return Adult(f"p{n:03d}", f"{_SURNAMES[i % len(_SURNAMES)]}老师{n}", kind, skills, available)


_SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"


def sample_school(
    grades: int = 6,
    classes_per_grade: int = 6,
    adults: int = 60,
    sports: int = 1,
    reading: int = 1,
    max_periods: Mapping[AdultKind, int] | None = None,
) -> TimetableInputs:
    settings = SchoolSettings(tuple(DaySchedule(d, PERIODS) for d in range(1, 6)), WORKING_DAY_ENDS_AT)
    classes = tuple(
        SchoolClass(f"c{g}{n:02d}", f"{grade_label(g, 'zh-CN')}（{n}）班", g, 40, f"room-{g}{n:02d}")
        for g in range(1, grades + 1)
        for n in range(1, classes_per_grade + 1)
    )
    rooms = tuple(Venue(c.home_venue_id, f"{c.name}教室", "classroom", 1) for c in classes)
    scale = classes_per_grade / 6
    shared = tuple(
        Venue(vid, name, vtype, max(1, math.ceil(cap * scale)) if vtype in SPORTS_TYPES else cap)
        for vid, name, vtype, cap in SHARED_VENUES
    )
    most = max_periods or {}
    people = tuple(dc.replace(a, max_periods=most.get(a.kind)) for a in (_adult(i) for i in range(adults)))
    providers = frozenset(a.id for a in people if a.kind == "provider_staff")
    activities = tuple(
        a for a in _activities(providers) if a.grades & set(range(1, grades + 1)) and (providers or not a.staff_ids)
    )
    return TimetableInputs(
        settings, classes, rooms + shared, people, activities, minima(range(1, grades + 1), sports, reading)
    )
