"""The catalog's fixed vocabulary: activity categories, fee bases, services, the application
procedure (R3), and the guard against subject tutoring (R8, seed 五.3(2)).

Labels are zh-CN first with English available, like :mod:`chalicelib.core.i18n`; they describe
domain terms rather than errors, so they live with the domain.
"""

from __future__ import annotations

from typing import Literal

Locale = Literal["zh-CN", "en"]

# 四(五) lists what after-school time may hold: homework help (free, individual), reading, sports,
# arts, science and traditional culture, and other enrichment. Group tutoring and curriculum
# teaching are deliberately absent, so they cannot be chosen (R8).
Category = Literal[
    "homework_help", "reading", "sports", "arts", "science_technology", "traditional_culture", "other_enrichment"
]
CATEGORIES: dict[str, dict[str, str]] = {
    "homework_help": {"zh-CN": "作业辅导", "en": "Homework help"},
    "reading": {"zh-CN": "阅读", "en": "Reading"},
    "sports": {"zh-CN": "体育", "en": "Sports"},
    "arts": {"zh-CN": "艺术", "en": "Arts"},
    "science_technology": {"zh-CN": "科技", "en": "Science and technology"},
    "traditional_culture": {"zh-CN": "传统文化", "en": "Traditional culture"},
    "other_enrichment": {"zh-CN": "其他拓展", "en": "Other enrichment"},
}

FeeBasis = Literal["per_term", "per_month", "per_session", "free"]
FEE_BASES: dict[str, dict[str, str]] = {
    "per_term": {"zh-CN": "学期", "en": "term"},
    "per_month": {"zh-CN": "月", "en": "month"},
    "per_session": {"zh-CN": "次", "en": "session"},
    "per_day": {"zh-CN": "天", "en": "day"},  # lunch only
    "free": {"zh-CN": "免费", "en": "free"},
}

ServiceKind = Literal["care", "lunch", "nap"]
SERVICE_KINDS: dict[str, dict[str, str]] = {
    "care": {"zh-CN": "看管服务", "en": "Supervised care"},
    "lunch": {"zh-CN": "午餐（学校代收）", "en": "Lunch (collected by the school on the caterer's behalf)"},
    "nap": {"zh-CN": "午休", "en": "Nap"},
}

# 四(七) and R3: the order in which a family joins the program, ending with the signed agreement.
PROCEDURE: tuple[tuple[str, dict[str, str]], ...] = (
    ("publicity", {"zh-CN": "服务内容公示", "en": "The program is published"}),
    ("student_choice", {"zh-CN": "学生选择", "en": "The student chooses"}),
    ("guardian_application", {"zh-CN": "家长申请", "en": "The guardian applies"}),
    ("class_review", {"zh-CN": "班级审核", "en": "The homeroom teacher reviews"}),
    ("principal_approval", {"zh-CN": "校长审定", "en": "The principal approves"}),
    ("implementation", {"zh-CN": "学校组织实施", "en": "The school runs the service"}),
    ("agreement", {"zh-CN": "签订协议", "en": "School and guardian sign the agreement"}),
)

WEEKDAYS = {
    1: {"zh-CN": "周一", "en": "Mon"},
    2: {"zh-CN": "周二", "en": "Tue"},
    3: {"zh-CN": "周三", "en": "Wed"},
    4: {"zh-CN": "周四", "en": "Thu"},
    5: {"zh-CN": "周五", "en": "Fri"},
}
_ZH_NUMERALS = "一二三四五六七八九"

# Guard for R8 / seed 五.3(2) ("不得进行集体补课或举办各种学习兴趣班"): a name or description that
# *declares* subject tutoring or teaching ahead of the curriculum is refused. This is a blunt,
# explicit word list, not a classifier: it stops the obvious cases (a "奥数培优班" typed into the
# catalog) and makes the rule visible; the category list above is the real boundary, and the
# district's oversight (R15) catches what words cannot.
TUTORING_TERMS: tuple[str, ...] = (
    "学科辅导",
    "学科培训",
    "学科类",
    "补课",
    "补习",
    "超前",
    "提前学",
    "培优",
    "拔高",
    "奥数",
    "新课",
    "衔接班",
    "刷题",
)


def declared_tutoring(text: str) -> str | None:
    """The first tutoring term ``text`` contains, or None.

    >>> declared_tutoring("周三奥数培优班")
    '奥数'
    >>> declared_tutoring("校园足球") is None
    True
    """
    for term in TUTORING_TERMS:
        if term in text:
            return term
    return None


def label(table: dict[str, dict[str, str]], key: str, locale: Locale) -> str:
    entry = table.get(key)
    return entry[locale] if entry else key


def grade_label(grade: int, locale: Locale) -> str:
    """一年级 ... 九年级 (grades 7-9 are 初中, called 七/八/九年级 in the national numbering)."""
    return f"{_ZH_NUMERALS[grade - 1]}年级" if locale == "zh-CN" else f"Grade {grade}"


def period_label(period: int, locale: Locale) -> str:
    return f"第{period}课时" if locale == "zh-CN" else f"Period {period}"
