"""PynamoDB items of the notify context, in the main table (DESIGN §3).

=============  ==========================================  ====================  ==========================
item           pk                                          sk                    what
=============  ==========================================  ====================  ==========================
Notice         T#<school>#INBOX#<guardian sub>             <occurred_at>#<event>  one inbox notice, with the
                                                                                 delivery status per channel
NoticeClaim    T#<school>#NOTICE#<event id>#<guardian sub> CLAIM                 "this event already made
                                                                                 this guardian's notice"
InboxState     T#<school>#INBOXSTATE#<guardian sub>        UNREAD                unread count
Contact        T#<school>#CONTACT#<guardian sub>           CONTACT               e-mail (sealed), SMS number
                                                                                 (sealed), locale
=============  ==========================================  ====================  ==========================

The claim, the notice and the unread count are written in one transaction; the claim's
``attribute_not_exists`` condition is what makes a duplicated or replayed event create nothing.
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any

from pynamodb.attributes import BooleanAttribute, MapAttribute, NumberAttribute, UnicodeAttribute

from chalicelib.core.store import MainTableModel, table, tenant_pk

from . import templates

CHANNELS = ("email", "sms")
# Delivery status per channel; absent when the guardian had no such contact when the notice was made.
PENDING, SENDING, SENT, FAILED, SKIPPED = "pending", "sending", "sent", "failed", "skipped"
NOTICE_SK = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z#[0-9A-HJKMNP-TV-Z]{26}$")


@table("main")
class Notice(MainTableModel):
    guardian_sub = UnicodeAttribute()
    event_id = UnicodeAttribute()
    detail_type = UnicodeAttribute()
    code = UnicodeAttribute()
    params: MapAttribute[str, Any] = MapAttribute(default=dict)
    occurred_at = UnicodeAttribute()
    created_at = UnicodeAttribute()
    read_at = UnicodeAttribute(null=True)
    email_status = UnicodeAttribute(null=True)
    email_attempts = NumberAttribute(default=0)
    email_claimed_at = UnicodeAttribute(null=True)
    email_sent_at = UnicodeAttribute(null=True)
    email_error = UnicodeAttribute(null=True)
    sms_status = UnicodeAttribute(null=True)
    sms_attempts = NumberAttribute(default=0)
    sms_claimed_at = UnicodeAttribute(null=True)
    sms_sent_at = UnicodeAttribute(null=True)
    sms_error = UnicodeAttribute(null=True)

    @staticmethod
    def partition(school_id: str, guardian_sub: str) -> str:
        return tenant_pk(school_id, "INBOX", guardian_sub)

    @staticmethod
    def sort_key(occurred_at: str, event_id: str) -> str:
        return f"{occurred_at}#{event_id}"

    @property
    def notice_id(self) -> str:
        return encode_notice_id(self.sk)

    def param_values(self) -> dict[str, Any]:
        return {
            k: (int(v) if k == "position" else v) for k, v in (self.params.as_dict() if self.params else {}).items()
        }

    def status(self, channel: str) -> str | None:
        value: str | None = getattr(self, f"{channel}_status")
        return value

    def as_json(self, locale: str) -> dict[str, Any]:
        params = self.param_values()
        text = templates.render(self.code, params, locale)
        return {
            "id": self.notice_id,
            "type": self.detail_type,
            "code": self.code,
            "params": params,
            "title": text.title,
            "body": text.body,
            "locale": templates.locale_of(locale),
            "occurred_at": self.occurred_at,
            "read": self.read_at is not None,
            "read_at": self.read_at,
            "delivery": {c: self.status(c) for c in CHANNELS if self.status(c)},
        }


@table("main")
class NoticeClaim(MainTableModel):
    """Dedupe record per (event, guardian); points at the notice so a replay can retry its sends."""

    notice_sk = UnicodeAttribute()
    created_at = UnicodeAttribute()

    @staticmethod
    def key(school_id: str, event_id: str, guardian_sub: str) -> tuple[str, str]:
        return tenant_pk(school_id, "NOTICE", event_id, guardian_sub), "CLAIM"


@table("main")
class InboxState(MainTableModel):
    unread = NumberAttribute(default=0)
    updated_at = UnicodeAttribute(null=True)

    @staticmethod
    def key(school_id: str, guardian_sub: str) -> tuple[str, str]:
        return tenant_pk(school_id, "INBOXSTATE", guardian_sub), "UNREAD"


@table("main")
class Contact(MainTableModel):
    """How a guardian wants to be reached. Addresses are sealed under the school's KMS key (PIPL)."""

    guardian_sub = UnicodeAttribute()
    email_sealed = UnicodeAttribute(null=True)
    email_enabled = BooleanAttribute(default=False)
    sms = BooleanAttribute(default=False)
    phone_sealed = UnicodeAttribute(null=True)
    locale = UnicodeAttribute(default=templates.DEFAULT_LOCALE)
    updated_at = UnicodeAttribute()

    @staticmethod
    def key(school_id: str, guardian_sub: str) -> tuple[str, str]:
        return tenant_pk(school_id, "CONTACT", guardian_sub), "CONTACT"

    def wants(self, channel: str) -> bool:
        if channel == "email":
            return bool(self.email_enabled and self.email_sealed)
        return bool(self.sms and self.phone_sealed)


def encode_notice_id(sk: str) -> str:
    """Opaque to clients; meaningful only inside the caller's own inbox partition."""
    return base64.urlsafe_b64encode(sk.encode()).decode().rstrip("=")


def decode_notice_id(notice_id: str) -> str | None:
    if not notice_id or len(notice_id) > 100:
        return None
    try:
        sk = base64.urlsafe_b64decode(notice_id + "=" * (-len(notice_id) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    return sk if NOTICE_SK.match(sk) else None
