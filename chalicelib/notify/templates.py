"""Notice texts, zh-CN first with English (DESIGN §5), rendered when a notice is read or sent.

A notice stores only its message code and parameters (ids, a position, the school's reason), never a
rendered text: the guardian's inbox shows it in the language the app asks for, and e-mail and SMS
go out in the language the guardian chose for their contact. Enrollment and timetable events carry
no names, so the texts speak of "your application" and "your child".

A few texts have fields (``{weekdays}``, ``{children}``) filled from the notice's parameters by
:data:`FIELDS`, in the reader's language; the parameters themselves stay ids and numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

LOCALES = ("zh-CN", "en")
DEFAULT_LOCALE = "zh-CN"
MAX_REASON = 500

# code -> locale -> (title, body)
TEMPLATES: dict[str, dict[str, tuple[str, str]]] = {
    "application_submitted": {
        "zh-CN": ("课后服务申请已提交", "您的课后服务申请已提交，等待班主任审核。"),
        "en": (
            "Application submitted",
            "Your after-school service application has been submitted and awaits the homeroom teacher's review.",
        ),
    },
    "application_returned": {
        "zh-CN": ("申请已退回修改", "您的课后服务申请已被退回，请修改后重新提交。"),
        "en": (
            "Application returned",
            "Your after-school service application was returned; please revise and resubmit it.",
        ),
    },
    "application_rejected": {
        "zh-CN": ("申请未通过", "很抱歉，您的课后服务申请未获通过。"),
        "en": ("Application not approved", "We are sorry: your after-school service application was not approved."),
    },
    "application_approved_by_teacher": {
        "zh-CN": ("班主任已审核通过", "班主任已审核通过您的课后服务申请，等待校长审定。"),
        "en": (
            "Approved by the homeroom teacher",
            "The homeroom teacher approved your application; it now awaits the principal's decision.",
        ),
    },
    "application_approved": {
        "zh-CN": ("申请已获批准", "学校已审定通过您的课后服务申请，请尽快签署课后服务协议书。"),
        "en": (
            "Application approved",
            "The school approved your application; please sign the after-school service agreement.",
        ),
    },
    "agreement_signed": {
        "zh-CN": ("协议书已签署", "您已签署课后服务协议书，孩子将按课表参加课后服务。"),
        "en": (
            "Agreement signed",
            "You signed the after-school service agreement; your child will attend as timetabled.",
        ),
    },
    "waitlisted": {
        "zh-CN": ("已进入候补名单", "您为孩子选择的活动名额已满，孩子已进入候补名单。"),
        "en": (
            "On the waiting list",
            "The activity you chose for your child is full; your child is on its waiting list.",
        ),
    },
    "place_offered": {
        "zh-CN": ("候补名额已释放", "您候补的活动有了空位，请尽快登录确认。"),
        "en": (
            "A place is available",
            "A place is free in the activity you were waiting for; please sign in to confirm it.",
        ),
    },
    "withdrawn": {
        "zh-CN": ("已退出课后服务", "孩子已退出课后服务。课后服务自愿参加，您可随时重新申请。"),
        "en": (
            "Withdrawn",
            "Your child has left the after-school service; taking part is voluntary and you may apply again.",
        ),
    },
    "activity_dropped": {
        "zh-CN": ("活动已退选", "孩子已退出您选择的一项课后活动。"),
        "en": ("Activity dropped", "Your child no longer takes part in one of the activities you chose."),
    },
    "timetable_published": {
        "zh-CN": ("课表已发布", "课表已发布：本学期课后服务课表已发布，请查看孩子的课表。"),
        "en": (
            "Timetable published",
            "Timetable published: this term's after-school timetable is out; please check the timetable of {children}.",
        ),
    },
    "timetable_changed": {
        "zh-CN": ("课表已更新", "课表已更新：{children}{weekdays}的课后服务安排有变化，请查看孩子的课表。"),
        "en": (
            "Timetable updated",
            "Timetable updated: the after-school schedule of {children} has changed on {weekdays}; "
            "please check the timetable.",
        ),
    },
}

WEEKDAY_NAMES = {
    "zh-CN": ("周一", "周二", "周三", "周四", "周五", "周六", "周日"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}

# Sentences appended when the event carries the parameter, in this order.
EXTRAS: tuple[tuple[str, dict[str, str]], ...] = (
    ("position", {"zh-CN": "当前候补第 {position} 位。", "en": "Place on the waiting list: {position}."}),
    ("reason", {"zh-CN": "原因：{reason}", "en": "Reason: {reason}"}),
)
SMS_SIGNATURE = {"zh-CN": "【课后服务】", "en": "[Kehou] "}
EMAIL_FOOTER = {
    "zh-CN": "此邮件由课后服务系统自动发送，请勿直接回复。",
    "en": "This e-mail was sent automatically by the after-school service; please do not reply.",
}


def weekdays_text(days: Any, lang: str) -> str:
    """ISO weekdays as words: 周二、周四 / Tuesday and Thursday (unknown values are left out)."""
    names = [WEEKDAY_NAMES[lang][d - 1] for d in days or () if isinstance(d, int) and 1 <= d <= 7]
    if lang == "zh-CN":
        return "、".join(names)
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def children_text(children: Any, lang: str) -> str:
    """Who the notice is about, without names (events carry none): 您的孩子 / your 2 children."""
    n = len(children) if isinstance(children, list) else 1
    if lang == "zh-CN":
        return "您的孩子" if n <= 1 else f"您的{n}个孩子"
    return "your child" if n <= 1 else f"your {n} children"


def _timetable_fields(params: Mapping[str, Any], lang: str) -> dict[str, str]:
    return {
        "children": children_text(params.get("children"), lang),
        "weekdays": weekdays_text(params.get("weekdays"), lang),
    }


# code -> the values of the fields its texts have; a code not listed has none (its text is fixed).
FIELDS: dict[str, Callable[[Mapping[str, Any], str], dict[str, str]]] = {
    "timetable_published": _timetable_fields,
    "timetable_changed": _timetable_fields,
}


@dataclass(frozen=True)
class Rendered:
    title: str
    body: str


def locale_of(value: str | None) -> str:
    return value if value in LOCALES else DEFAULT_LOCALE


def render(code: str, params: Mapping[str, Any], locale: str) -> Rendered:
    """The notice in ``locale`` (zh-CN for anything else). Parameters are values, never format strings."""
    lang = locale_of(locale)
    title, body = TEMPLATES[code][lang]
    fields = FIELDS.get(code)
    if fields is not None:
        body = body.format(**fields(params, lang))  # the values are ours (words), never the caller's text
    extras = [
        texts[lang].format(**{name: params[name]}) for name, texts in EXTRAS if params.get(name) not in (None, "")
    ]
    sep = "" if lang == "zh-CN" else " "
    return Rendered(title, sep.join([body, *extras]))


def sms_text(code: str, params: Mapping[str, Any], locale: str) -> str:
    lang = locale_of(locale)
    rendered = render(code, params, lang)
    return f"{SMS_SIGNATURE[lang]}{rendered.body}"


def email(code: str, params: Mapping[str, Any], locale: str) -> tuple[str, str]:
    """(subject, plain text) of the notice's e-mail."""
    lang = locale_of(locale)
    rendered = render(code, params, lang)
    return rendered.title, f"{rendered.body}\n\n{EMAIL_FOOTER[lang]}\n"
