"""Notify objects for the cross-tenant matrix (``PARAMS``/``objects``), and helpers the notify tests share."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from botocore.exceptions import ClientError

from chalicelib.api import container as container_mod
from chalicelib.core.clock import iso
from chalicelib.core.ids import new_id
from tests.functional.conftest import Api, World

PARAMS = ("notice_id",)
PHONE = "+8613800000000"


def event_detail(school_id: str, guardian_sub: str, *, seconds: int = 0, **over: Any) -> dict[str, Any]:
    """An enrollment event's detail as the outbox publishes it: ids only, no names or phones."""
    detail: dict[str, Any] = {
        "event_id": new_id(),
        "occurred_at": iso(datetime.now(UTC) + timedelta(seconds=seconds)),
        "tenant_id": school_id,
        "school_id": school_id,
        "application_id": new_id(),
        "student_id": new_id(),
        "guardian_sub": guardian_sub,
        "term_id": new_id(),
        "from": "submitted",
        "to": "returned",
    }
    detail.update(over)
    return detail


def guardian(api: Api, w: World, sub: str = "g-1", phone: str | None = PHONE) -> str:
    return api.tokens("guardian", tenant=w.school_id, phone=phone, sub=sub)


def put_contact(api: Api, w: World, token: str, **body: Any) -> Any:
    return api.call("PUT", f"/schools/{w.school_id}/my/contact", body, as_=token)


def objects(api: Api, owner: World) -> dict[str, str]:
    """A notice in the inbox of a guardian of ``owner``'s school, made through the real service."""
    c = container_mod.get()
    with c.data.unscoped():
        result = c.notify.handle("ApplicationSubmitted", event_detail(owner.school_id, "g-owner"))
    assert result is not None
    return {"notice_id": result.notice_id}


class Recording:
    """A real (moto) SES or SNS client that records what it sent and can fail the first calls."""

    def __init__(self, inner: Any, fail_first: int = 0):
        self.inner, self.fail_first = inner, fail_first
        self.attempts: list[dict[str, Any]] = []
        self.sent: list[dict[str, Any]] = []

    def send_email(self, **kw: Any) -> Any:
        return self._call("send_email", kw)

    def publish(self, **kw: Any) -> Any:
        return self._call("publish", kw)

    def _call(self, name: str, kw: dict[str, Any]) -> Any:
        self.attempts.append(kw)
        if self.fail_first > 0:
            self.fail_first -= 1
            raise ClientError({"Error": {"Code": "Throttling", "Message": f"rate exceeded for {kw}"}}, name)
        resp = getattr(self.inner, name)(**kw)
        self.sent.append(kw)
        return resp
