"""Notify routes: a guardian's contact preferences and in-app inbox (通知). Guardians of the school only."""

from __future__ import annotations

from functools import partial
from typing import Any

from chalice import Blueprint

from . import container
from .routing import Call, LazyModel, Operation, operation

schema = partial(LazyModel, "chalicelib.notify.schemas")

bp = Blueprint(__name__)
TAG = "notify"


def _svc() -> Any:
    return container.get().notify


@operation(
    bp,
    Operation(
        "PUT",
        "/schools/{school_id}/my/contact",
        "putMyContact",
        "Say how to reach me (e-mail, SMS, language)",
        TAG,
        body=schema("ContactUpdate"),
        example={"email": "parent@example.cn", "email_enabled": True, "sms": False, "locale": "zh-CN"},
        response=schema("ContactView"),
        errors=(403, 404),
        description="Guardians. SMS goes to the verified phone of the sign-in (403 sms_phone_not_verified without "
        "one); the number and the e-mail are stored sealed, and the number is only ever returned masked.",
    ),
)
def put_my_contact(call: Call, school_id: str) -> Any:
    return _svc().put_contact(call.principal, school_id, call.body)


@operation(
    bp,
    Operation(
        "GET",
        "/schools/{school_id}/my/contact",
        "getMyContact",
        "How I am reached",
        TAG,
        response=schema("ContactView"),
        errors=(403, 404),
        description="Guardians. `registered: false` until the first PUT: notices then only reach the inbox.",
    ),
)
def get_my_contact(call: Call, school_id: str) -> Any:
    return _svc().get_contact(call.principal, school_id)


@operation(
    bp,
    Operation(
        "GET",
        "/schools/{school_id}/my/inbox",
        "listMyInbox",
        "My notices, newest first",
        TAG,
        query=schema("InboxQuery"),
        response=schema("InboxPage"),
        errors=(403, 404),
        description="Guardians. Texts follow Accept-Language (zh-CN default); `unread` counts the whole inbox.",
    ),
)
def list_my_inbox(call: Call, school_id: str) -> Any:
    page, unread = _svc().inbox(call.principal, school_id, call.query.limit, call.query.cursor)
    items = [n.as_json(call.locale) for n in page.items]
    return {"items": items, "next_cursor": page.next_cursor, "unread": unread}


@operation(
    bp,
    Operation(
        "POST",
        "/schools/{school_id}/my/inbox/{notice_id}/read",
        "markNoticeRead",
        "Mark a notice read",
        TAG,
        response=schema("NoticeView"),
        errors=(403, 404),
        description="Guardians, their own notices only (another's answers 404). Idempotent.",
    ),
)
def mark_notice_read(call: Call, school_id: str, notice_id: str) -> Any:
    return _svc().mark_read(call.principal, school_id, notice_id).as_json(call.locale)
