"""Sending a notice's e-mail and SMS at most once per channel, retrying only what failed.

Before sending, a channel is claimed with a conditional update (``pending``/``failed`` → ``sending``),
so a duplicated event handled concurrently sends once. A claim older than ``SEND_LEASE`` is taken
over (the process holding it died mid-send): that is the only case where a message may go twice.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from pynamodb.exceptions import UpdateError

from chalicelib.core.clock import Clock, iso
from chalicelib.core.logging import logger
from chalicelib.core.vault import PersonalDataVault

from . import templates
from .channels import Mailer, Texter, error_code
from .models import CHANNELS, FAILED, PENDING, SENDING, SENT, SKIPPED, Contact, Notice

SEND_LEASE = timedelta(minutes=5)


class Deliverer:
    def __init__(self, clock: Clock, vault: PersonalDataVault, mailer: Mailer, texter: Texter):
        self._clock = clock
        self._vault = vault
        self._mailer = mailer
        self._texter = texter

    def deliver(self, notice: Notice, contact: Contact | None) -> dict[str, str]:
        """Send every channel still owed; return the status per channel the notice uses."""
        for channel in CHANNELS:
            if notice.status(channel) in (PENDING, FAILED, SENDING) and self._claim(notice, channel):
                self._send(notice, channel, contact)
        return {c: s for c in CHANNELS if (s := notice.status(c))}

    def _claim(self, notice: Notice, channel: str) -> bool:
        status, claimed_at = _attr(channel, "status"), _attr(channel, "claimed_at")
        now = self._clock.now()
        stale = iso(now - SEND_LEASE)
        try:
            notice.update(
                actions=[status.set(SENDING), claimed_at.set(iso(now)), _attr(channel, "attempts").add(1)],
                condition=status.is_in(PENDING, FAILED) | ((status == SENDING) & (claimed_at < stale)),
            )
        except UpdateError:
            return False  # sent already, or another handler is sending it right now
        return True

    def _send(self, notice: Notice, channel: str, contact: Contact | None) -> None:
        if contact is None or not contact.wants(channel):
            self._finish(notice, channel, SKIPPED, None)  # the guardian switched this channel off since
            return
        locale, params = contact.locale, notice.param_values()
        try:
            if channel == "email":
                subject, text = templates.email(notice.code, params, locale)
                self._mailer.send(self._vault.open(notice.tenant_id, contact.email_sealed or ""), subject, text)
            else:
                text = templates.sms_text(notice.code, params, locale)
                self._texter.send(self._vault.open(notice.tenant_id, contact.phone_sealed or ""), text)
        except Exception as exc:  # any failure: record it, a replay of the event retries
            code = error_code(exc)
            logger.warning("notice delivery failed", extra={"channel": channel, "error": code})
            self._finish(notice, channel, FAILED, code)
            return
        self._finish(notice, channel, SENT, None)

    def _finish(self, notice: Notice, channel: str, status: str, error: str | None) -> None:
        actions: list[Any] = [_attr(channel, "status").set(status)]
        actions.append(_attr(channel, "error").set(error) if error else _attr(channel, "error").remove())
        if status == SENT:
            actions.append(_attr(channel, "sent_at").set(iso(self._clock.now())))
        notice.update(actions=actions)


def _attr(channel: str, name: str) -> Any:
    return getattr(Notice, f"{channel}_{name}")
