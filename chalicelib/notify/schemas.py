"""Request and response shapes of the notify API (contact preferences, inbox)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field, model_validator

Locale = Literal["zh-CN", "en"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ContactUpdate(Strict):
    email: EmailStr | None = Field(default=None, max_length=254, description="Where e-mail notices go")
    email_enabled: bool = Field(default=False, description="Send notices by e-mail (needs `email`)")
    sms: bool = Field(
        default=False, description="Send notices by SMS to the verified phone you signed in with (else 403)"
    )
    locale: Locale = Field(default="zh-CN", description="Language of e-mail and SMS")

    @model_validator(mode="after")
    def _email_needed(self) -> ContactUpdate:
        if self.email_enabled and not self.email:
            raise ValueError("email_enabled needs an email address")
        return self


class ContactView(BaseModel):
    registered: bool
    email: str | None
    email_enabled: bool
    sms: bool
    sms_number: str | None = Field(description="Masked, e.g. 138****0000; never returned in full")
    locale: Locale
    updated_at: str | None


class InboxQuery(Strict):
    limit: int = Field(default=20, ge=1, le=100, description="Page size, at most 100")
    cursor: str | None = Field(default=None, max_length=2048, description="next_cursor of the previous page")


class NoticeView(BaseModel):
    id: str = Field(description="Opaque notice id")
    type: str = Field(description="The domain event, e.g. ApplicationReturned or TimetablePublished")
    code: str = Field(description="Message code, e.g. application_returned")
    params: dict[str, Any]
    title: str = Field(description="In the Accept-Language locale (zh-CN default)")
    body: str
    locale: Locale
    occurred_at: str
    read: bool
    read_at: str | None
    delivery: dict[str, str] = Field(description="Per channel: pending | sending | sent | failed | skipped")


class InboxPage(BaseModel):
    items: list[NoticeView]
    next_cursor: str | None
    unread: int = Field(description="Unread notices in the whole inbox")
