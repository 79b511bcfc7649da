"""Every sentence the timetable engine says to a principal, zh-CN first with English available.

One catalog, like :mod:`chalicelib.core.i18n`, so the wording can be reviewed in one place. Keys are
the stable codes of rules (:mod:`.rules`), of explanations (:mod:`.explain`) and of problems found
while loading the inputs from the school's records (:mod:`.mapping`); placeholders are
filled by :func:`render` from a :class:`Violation`'s fields and params.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .vocabulary import (
    HOMEWORK,
    Locale,
    category_label,
    day_label,
    grade_label,
    slot_label,
    venue_type_label,
)

Template = dict[str, str]
Params = dict[str, str | int]  # a message's values: names and numbers, or codes the renderer translates

RULE_TITLES: dict[str, Template] = {
    "five_weekdays": {"zh-CN": "每周五个工作日", "en": "Five weekdays"},
    "two_afternoon_periods": {"zh-CN": "每天至少 2 个下午课时", "en": "At least two afternoon periods a day"},
    "ends_after_work": {"zh-CN": "结束不早于下班后半小时", "en": "Ends 30 minutes after the working day"},
    "every_slot_filled": {"zh-CN": "每班每课时一个安排", "en": "One cell per class and period"},
    "unknown_reference": {"zh-CN": "引用存在的场地、成人和活动", "en": "Known venues, adults and activities"},
    "period1_homework": {"zh-CN": "第1课时自主作业", "en": "Period 1 is supervised homework"},
    "monday_homework": {"zh-CN": "周一两课时自主作业", "en": "Monday: both periods homework"},
    "activity_period": {"zh-CN": "周二至周五第2课时活动", "en": "Tuesday-Friday period 2 activities"},
    "activity_eligible": {"zh-CN": "活动面向本年级、当天开设", "en": "Activity offered to the grade that day"},
    "venue_suits": {"zh-CN": "场地适合活动", "en": "Venue suits the activity"},
    "grade_stagger": {"zh-CN": "按年级错峰", "en": "Staggered by grade"},
    "venue_capacity": {"zh-CN": "场地容量", "en": "Venue capacity"},
    "adult_one_place": {"zh-CN": "成人同一时间只在一处", "en": "An adult in one place at a time"},
    "adult_available": {"zh-CN": "成人在岗", "en": "Adult available"},
    "adult_able": {"zh-CN": "成人能带该内容", "en": "Adult able to lead it"},
    "adult_max_periods": {"zh-CN": "成人每周课时上限", "en": "An adult's weekly maximum of periods"},
    "supervised": {"zh-CN": "有成人看管", "en": "Supervised by an adult"},
    "fairness_minimum": {"zh-CN": "各年级最低次数", "en": "Fairness minimum per grade"},
    "allowed_content": {"zh-CN": "只安排允许的内容（不补课）", "en": "Only allowed content (no tutoring)"},
}

MESSAGES: dict[str, Template] = {
    # -- rules (one template each) --------------------------------------------------------------
    "five_weekdays": {
        "zh-CN": "课后服务应在周一至周五五个工作日开展，现设置为：{days}。",
        "en": "The service runs on the five weekdays, Monday to Friday; the settings have: {days}.",
    },
    "two_afternoon_periods": {
        "zh-CN": "{day}只有 {count} 个下午课后服务课时，每天至少需要 2 个。",
        "en": "{day} has {count} afternoon service period(s); at least 2 are needed every day.",
    },
    "ends_after_work": {
        "zh-CN": "{day}课后服务 {ends} 结束，不得早于当地下班时间 {work_end} 后半小时（{earliest}）。",
        "en": "{day}: the service ends at {ends}, before {earliest} "
        "(30 minutes after the usual end of work, {work_end}).",
    },
    "every_slot_filled": {
        "zh-CN": "{slot}：{class}{problem}。",
        "en": "{slot}: {class} {problem}.",
    },
    "unknown_reference": {
        "zh-CN": "{slot}：{class}的安排引用了不存在的{thing}（{id}）。",
        "en": "{slot}: the cell of {class} names a {thing} that does not exist ({id}).",
    },
    "period1_homework": {
        "zh-CN": "{slot}：{class}应在本班教室（{home}）上自主作业，现为{found}（{venue}）。",
        "en": "{slot}: {class} should do supervised homework in its own classroom ({home}); it has {found} in {venue}.",
    },
    "monday_homework": {
        "zh-CN": "{slot}：周一两个课时都是自主作业（便于教师开会），{class}现为{found}（{venue}）。",
        "en": "{slot}: on Monday both periods are supervised homework (teachers meet); {class} has {found} in {venue}.",
    },
    "activity_period": {
        "zh-CN": "{slot}：{class}应安排特长发展、阅读或体育活动，现为自主作业。",
        "en": "{slot}: {class} should have a specialty, reading or sports activity; it has supervised homework.",
    },
    "activity_eligible": {
        "zh-CN": "{slot}：{class}安排了“{activity}”，该活动只面向{grades}，只在{days}开设。",
        "en": "{slot}: {class} has “{activity}”, which the program offers to {grades} on {days} only.",
    },
    "venue_suits": {
        "zh-CN": "{slot}：{class}的“{activity}”安排在{venue}（{venue_type}），"
        "该活动需要{venue_types}（本班或空闲教室）。",
        "en": "{slot}: “{activity}” of {class} is in {venue} ({venue_type}); it needs a {venue_types} "
        "(its own or a spare classroom).",
    },
    "grade_stagger": {
        "zh-CN": "{slot}：按年级错峰，{grade}各班应安排同一类活动，现有：{categories}。",
        "en": "{slot}: staggered by grade, the classes of {grade} take the same kind of activity; "
        "they have {categories}.",
    },
    "venue_capacity": {
        "zh-CN": "{slot}：{venue}同时安排了 {count} 个班，只能容纳 {capacity} 个班。",
        "en": "{slot}: {count} classes are placed in {venue}, which holds {capacity}.",
    },
    "adult_one_place": {
        "zh-CN": "{slot}：{adult}同时被安排在 {count} 处（{classes}）。",
        "en": "{slot}: {adult} is placed in {count} places at once ({classes}).",
    },
    "adult_available": {
        "zh-CN": "{slot}：{adult}此时段不在岗，不能安排到{class}。",
        "en": "{slot}: {adult} is not available then and cannot be with {class}.",
    },
    "adult_able": {
        "zh-CN": "{slot}：{adult}不能带{found}（{class}）。",
        "en": "{slot}: {adult} cannot lead {found} ({class}).",
    },
    "adult_max_periods": {
        "zh-CN": "{adult}每周最多 {max} 个课时，现安排了 {count} 个。",
        "en": "{adult} may take at most {max} periods a week; {count} are planned.",
    },
    "supervised": {
        "zh-CN": "{slot}：{class}没有看管的成人。",
        "en": "{slot}: no adult is with {class}.",
    },
    "fairness_minimum": {
        "zh-CN": "{class}每周{category} {count} 次，少于{grade}要求的 {times} 次。",
        "en": "{class} has {category} {count} time(s) a week, fewer than the {times} required for {grade}.",
    },
    "allowed_content": {
        "zh-CN": "{slot}：{class}安排了“{activity}”，不属于课后服务可开展的内容（严禁集体补课或超前教学）。",
        "en": "{slot}: {class} has “{activity}”, which after-school time may not hold "
        "(no group tutoring or curriculum teaching).",
    },
    # -- explanations when no timetable exists (explain.py) ---------------------------------------
    "duplicate_id": {
        "zh-CN": "有 {count} 个{thing}使用同一编号（{id}）。",
        "en": "The id {id} is used by {count} {thing} entries.",
    },
    "home_missing": {
        "zh-CN": "{classes}的本班教室（{id}）不在场地清单中。",
        "en": "The own classroom of {classes} ({id}) is not among the venues.",
    },
    "home_not_classroom": {
        "zh-CN": "{classes}的本班教室{venue}登记为{venue_type}，应为教室。",
        "en": "The own classroom of {classes}, {venue}, is listed as a {venue_type}, not a classroom.",
    },
    "home_too_small": {
        "zh-CN": "{venue}是 {count} 个班的本班教室，只能容纳 {capacity} 个班（第1课时各班都在本班教室）。",
        "en": "{venue} is the own classroom of {count} classes but holds {capacity} "
        "(in period 1 every class is in its own classroom).",
    },
    "too_few_adults": {
        "zh-CN": "{slot}：{count} 个班各需要一名成人（{category}），此时段在岗且能带的只有 {available} 人。",
        "en": "{slot}: {count} classes each need an adult ({category}), only {available} are available and able then.",
    },
    "too_few_adult_periods": {
        "zh-CN": "每周共有 {count} 个班次各需要一名成人（每班每课时一名），而按各成人在岗且能带的时段和每周课时上限，"
        "合计最多只能安排 {available} 个。",
        "en": "{count} class-periods a week each need an adult (one per class and period), but the adults' "
        "available periods and weekly maxima allow only {available}.",
    },
    "too_few_places": {
        "zh-CN": "{slot}：{count} 个班需要{category}场地，而{venues}只能容纳 {capacity} 个班。",
        "en": "{slot}: {count} classes need a venue for {category}, but {venues} can hold only {capacity}.",
    },
    "too_few_places_week": {
        "zh-CN": "每周需要安排{category} {count} 班次，而{venues}周二至周五合计只能容纳 {capacity} 班次。",
        "en": "{category} is needed {count} class-times a week, but {venues} can hold only {capacity} "
        "class-times from Tuesday to Friday.",
    },
    "grade_too_big": {
        "zh-CN": "{grade}有 {count} 个班，按年级错峰要同时安排{category}，而{venues}只能容纳 {capacity} 个班。",
        "en": "{grade} has {count} classes that take {category} together (staggered by grade), "
        "but {venues} can hold only {capacity}.",
    },
    "too_few_leaders": {
        "zh-CN": "{slot}：{count} 个班需要{category}，此时段在岗且能带{category}的成人只有 {available} 人。",
        "en": "{slot}: {count} classes need {category}, only {available} adults able to lead it are available then.",
    },
    "too_few_leaders_week": {
        "zh-CN": "每周需要安排{category} {count} 班次，而能带{category}的成人周二至周五合计只有 {available} 人次在岗。",
        "en": "{category} is needed {count} class-times a week, but adults able to lead it are available only "
        "{available} times from Tuesday to Friday.",
    },
    "fairness_unreachable": {
        "zh-CN": "{grade}要求每周{category}至少 {times} 次，但面向{grade}的{category}活动每周只有 {day_count} 天可排。",
        "en": "{grade} needs {category} at least {times} times a week, but it can be placed for {grade} "
        "on {day_count} day(s) only.",
    },
    "fairness_total": {
        "zh-CN": "{grade}的最低次数合计每周 {total} 次，但每周只有 {day_count} 个活动课时（周二至周五第2课时）。",
        "en": "The minima of {grade} add up to {total} a week, but there are only {day_count} activity periods "
        "(Tuesday to Friday, period 2).",
    },
    "no_option": {
        "zh-CN": "{slot}：没有能给{class}安排的活动（面向本年级、当天开设、有合适场地和能带的成人）。",
        "en": "{slot}: nothing can be placed for {class} (an activity for its grade that day, with a suitable "
        "venue and an adult able to lead it).",
    },
    "rules_conflict": {
        "zh-CN": "没有同时满足全部规则的课表，以下要求相互冲突：",
        "en": "No timetable satisfies every rule; these requirements conflict:",
    },
    "conflict_venue_capacity": {
        "zh-CN": "{slot}：{venue}最多容纳 {capacity} 个班。",
        "en": "{slot}: {venue} holds at most {capacity} classes.",
    },
    "conflict_adults": {
        "zh-CN": "{slot}：每位成人同一时间只能在一处。",
        "en": "{slot}: each adult can be in one place only.",
    },
    "conflict_adult_load": {
        "zh-CN": "{adults}每周最多 {max} 个课时。",
        "en": "{adults} may take at most {max} periods a week.",
    },
    "conflict_adults_load": {
        "zh-CN": "{adults}每人每周最多 {max} 个课时。",
        "en": "{adults} may each take at most {max} periods a week.",
    },
    "conflict_fairness": {
        "zh-CN": "{grade}每周{category}至少 {times} 次。",
        "en": "{grade}: {category} at least {times} times a week.",
    },
    "conflict_stagger": {
        "zh-CN": "{slot}：{grade}各班安排同一类活动（按年级错峰）。",
        "en": "{slot}: the classes of {grade} take the same kind of activity (staggered by grade).",
    },
    # -- loading the inputs from the school's records (mapping.py) -----------------------------------
    "no_classes": {
        "zh-CN": "本校花名册中还没有班级。",
        "en": "The school's roster has no classes yet.",
    },
    "class_without_classroom": {
        "zh-CN": "{count} 个班没有本班教室：{classes}。请在场地中登记教室，并把这些班设为其所属班级。",
        "en": "{count} class(es) have no classroom of their own: {classes}. Register classroom venues and "
        "list these classes as their home classes.",
    },
    "no_published_program": {
        "zh-CN": "{term}还没有公示课后服务方案，没有可排的活动。",
        "en": "{term} has no published program (公示) yet, so there are no activities to place.",
    },
    "provider_without_adults": {
        "zh-CN": "活动“{activity}”由{provider}开设，但成人名单中还没有该机构的人员。",
        "en": "“{activity}” is run by {provider}, but no adult of that provider is listed yet.",
    },
    "staff_unknown": {
        "zh-CN": "方案中活动“{activity}”的指导人员{staff}不在成人名单中（按姓名对应），只安排名单中已有的指导人员。",
        "en": "The program names {staff} to lead “{activity}”, but no adult has that name; only the named "
        "adults who are listed will lead it.",
    },
    "staff_none_known": {
        "zh-CN": "方案中活动“{activity}”的指导人员{staff}都不在成人名单中（按姓名对应），"
        "将由任何能带{category}的成人指导。",
        "en": "None of the people the program names to lead “{activity}” ({staff}) is among the adults; "
        "any adult able to lead {category} may lead it.",
    },
    "staff_ambiguous": {
        "zh-CN": "成人名单中有 {count} 人名为{name}，活动“{activity}”可由其中任何一位指导。",
        "en": "{count} adults are called {name}; any of them may lead “{activity}”.",
    },
    "activity_monday_only": {
        "zh-CN": "活动“{activity}”只在周一开设，而周一两个课时都是自主作业（R9），不会排入课表。",
        "en": "“{activity}” is offered on Monday only, when both periods are supervised homework (R9); "
        "it will not be placed.",
    },
    "activity_monday": {
        "zh-CN": "活动“{activity}”在方案中含周一；周一两个课时都是自主作业（R9），只在{days}排入。",
        "en": "“{activity}” is offered on Monday too; on Monday both periods are supervised homework (R9), "
        "so it is placed on {days} only.",
    },
    "activity_period_one": {
        "zh-CN": "活动“{activity}”在方案中为第1课时；第1课时是自主作业（R9），活动排在第2课时。",
        "en": "“{activity}” is listed in period 1, which is supervised homework (R9); activities are placed "
        "in period 2.",
    },
    "no_solution_in_time": {
        "zh-CN": "在 {seconds} 秒内没有找到课表，也未能证明无解；请延长时限或放宽要求后重试。",
        "en": "No timetable was found within {seconds} s, and none was proved impossible; allow more time or "
        "relax a requirement.",
    },
    "generation_failed": {
        "zh-CN": "排课任务出错（{reason}），课表未改变；请重试，若仍失败请联系技术支持。",
        "en": "The generation stopped with an error ({reason}); nothing was changed. Try again, and contact "
        "support if it fails again.",
    },
}

_PROBLEMS: dict[str, Template] = {
    "missing": {"zh-CN": "没有安排", "en": "has no cell"},
    "duplicate": {"zh-CN": "有多个安排", "en": "has more than one cell"},
    "extra": {"zh-CN": "的安排不在学校设置的课时内", "en": "has a cell outside the school's periods"},
    "unknown_class": {"zh-CN": "不是本校的班级", "en": "is not a class of the school"},
}
_THINGS: dict[str, Template] = {
    "class": {"zh-CN": "班级", "en": "class"},
    "venue": {"zh-CN": "场地", "en": "venue"},
    "adult": {"zh-CN": "成人", "en": "adult"},
    "activity": {"zh-CN": "活动", "en": "activity"},
    "period": {"zh-CN": "课时", "en": "period"},
}


NAMES = "|"  # separates names in a list param (codes use ","): names are the school's own and may hold commas


def names(items: list[str]) -> str:
    """A list of names as one param, joined per locale when rendered (``classes``, ``venues``)."""
    return NAMES.join(items)


def join(items: list[str], locale: Locale) -> str:
    """操场、体育馆 / 操场, 体育馆."""
    return ("、" if locale == "zh-CN" else ", ").join(items)


def _category(category: str, locale: Locale) -> str:
    """Mid-sentence, so lower case in English ("a venue for sports")."""
    text = category_label(category, locale)
    return text[:1].lower() + text[1:] if locale == "en" else text


def _split(value: object) -> list[str]:
    return [p for p in str(value).split(",") if p]


# Params whose values are codes to translate, not names to show as they are.
_LOCALIZERS: dict[str, Callable[[object, Locale], str]] = {
    "category": lambda v, loc: _category(str(v), loc),
    "categories": lambda v, loc: join([_category(c, loc) for c in _split(v)], loc),
    "found": lambda v, loc: _category(HOMEWORK, loc) if v == HOMEWORK else f"“{v}”",
    "grade": lambda v, loc: grade_label(int(str(v)), loc),
    "grades": lambda v, loc: join([grade_label(int(g), loc) for g in _split(v)], loc),
    "days": lambda v, loc: join([day_label(int(d), loc) for d in _split(v)], loc),
    "venue_type": lambda v, loc: venue_type_label(str(v), loc),
    "venue_types": lambda v, loc: ("或" if loc == "zh-CN" else " or ").join(
        venue_type_label(t, loc) for t in _split(v)
    ),
    "venues": lambda v, loc: join(str(v).split(NAMES), loc),
    "classes": lambda v, loc: join(str(v).split(NAMES), loc),
    "adults": lambda v, loc: join(str(v).split(NAMES), loc),
    "staff": lambda v, loc: join(str(v).split(NAMES), loc),
    "problem": lambda v, loc: _PROBLEMS[str(v)][loc],
    "thing": lambda v, loc: _THINGS[str(v)][loc],
    "rule": lambda v, loc: RULE_TITLES[str(v)][loc],
}


# Why a generation job failed, by its failure code (the page's headline above the problems).
GENERATION_FAILURES: dict[str, dict[str, str]] = {
    "inputs_not_ready": {
        "zh-CN": "排课条件不完整，请先处理下列问题。",
        "en": "The inputs are not ready: see the problems.",
    },
    "infeasible": {
        "zh-CN": "按现有条件无法排出符合规则的课表。",
        "en": "No timetable satisfies the rules with these inputs.",
    },
    "timeout": {"zh-CN": "在时限内未能排出课表，请稍后重试。", "en": "No timetable was found in time; try again."},
    "internal": {"zh-CN": "排课时出现系统错误，请重试。", "en": "Generation failed with a system error; try again."},
    "expired": {"zh-CN": "排课任务已中断，请重新生成。", "en": "The generation was interrupted; start it again."},
}


@dataclass(frozen=True)
class Violation:
    """One broken rule (or one reason no timetable exists): a stable ``code``, where it happens, and the
    params its message needs. Names (class, venue, adult, activity) are put into ``params`` by the check,
    so a message renders without the inputs."""

    code: str
    weekday: int | None = None
    period: int | None = None
    class_ids: tuple[str, ...] = ()
    venue_ids: tuple[str, ...] = ()
    adult_ids: tuple[str, ...] = ()
    params: Mapping[str, str | int] = field(default_factory=dict, hash=False)

    def message(self, locale: Locale = "zh-CN") -> str:
        return render(self, locale)

    def as_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "weekday": self.weekday,
            "period": self.period,
            "class_ids": list(self.class_ids),
            "venue_ids": list(self.venue_ids),
            "adult_ids": list(self.adult_ids),
            "params": dict(self.params),
            "message": {"zh-CN": render(self, "zh-CN"), "en": render(self, "en")},
        }


def render(v: Violation, locale: Locale) -> str:
    values: dict[str, str] = {k: _LOCALIZERS[k](p, locale) if k in _LOCALIZERS else str(p) for k, p in v.params.items()}
    if v.weekday is not None:
        values.setdefault("day", day_label(v.weekday, locale))
        if v.period is not None:
            values.setdefault("slot", slot_label(v.weekday, v.period, locale))
    text = MESSAGES[v.code][locale].format_map(_Missing(values))
    return text[:1].upper() + text[1:] if locale == "en" else text  # "Sports is needed ..."


class _Missing(dict[str, str]):
    """A placeholder without a value shows as itself rather than failing the whole message."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"
