"""The guardian's in-app inbox: writing a notice once per (event, guardian), paging, read marks."""

from __future__ import annotations

import time
from collections.abc import Callable

from pynamodb.connection import Connection
from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.core.clock import Clock, iso
from chalicelib.core.errors import NotFound
from chalicelib.core.pagination import Page, decode_cursor, page_of

from .events import NoticeEvent
from .models import CHANNELS, PENDING, Contact, InboxState, Notice, NoticeClaim, decode_notice_id

CREATE_ATTEMPTS = 5


class Inbox:
    def __init__(self, connection: Callable[[], Connection], clock: Clock):
        self._conn = connection  # asked per transaction: credentials may be scoped per request
        self._clock = clock

    def create(self, event: NoticeEvent, contact: Contact | None) -> tuple[Notice, bool]:
        """The event's notice, and whether this call created it (False: a duplicate or replay)."""
        now = iso(self._clock.now())
        notice = _new_notice(event, contact, now)
        claim = NoticeClaim(
            *NoticeClaim.key(event.school_id, event.event_id, event.guardian_sub),
            tenant_id=event.school_id,
            kind="NoticeClaim",
            notice_sk=notice.sk,
            created_at=now,
        )
        state = InboxState(*InboxState.key(event.school_id, event.guardian_sub))
        for attempt in range(1, CREATE_ATTEMPTS + 1):
            try:
                with TransactWrite(connection=self._conn()) as tx:
                    tx.save(claim, condition=NoticeClaim.pk.does_not_exist())
                    tx.save(notice, condition=Notice.pk.does_not_exist())
                    tx.update(
                        state,
                        actions=[
                            InboxState.unread.add(1),
                            InboxState.updated_at.set(now),
                            InboxState.tenant_id.set(event.school_id),
                            InboxState.kind.set("InboxState"),
                        ],
                    )
            except TransactWriteError as exc:
                codes = [r.code if r is not None else None for r in (exc.cancellation_reasons or [])]
                if "ConditionalCheckFailed" in codes:
                    return self._existing(event, claim), False
                if "TransactionConflict" in codes and attempt < CREATE_ATTEMPTS:
                    time.sleep(0.02 * attempt)  # a concurrent write to this inbox: try again
                    continue
                raise  # the consumer fails and the event is redelivered: nothing was written
            return notice, True
        raise AssertionError("unreachable")

    def _existing(self, event: NoticeEvent, claim: NoticeClaim) -> Notice:
        found = NoticeClaim.get(claim.pk, claim.sk, consistent_read=True)
        pk = Notice.partition(event.school_id, event.guardian_sub)
        return Notice.get(pk, found.notice_sk, consistent_read=True)

    def page(self, school_id: str, sub: str, limit: int, cursor: str | None) -> tuple[Page[Notice], int]:
        """Newest first, and how many of all the guardian's notices are unread."""
        pk = Notice.partition(school_id, sub)
        start = decode_cursor(cursor, partition_attr="pk", partition_value=pk)
        result = Notice.query(
            pk, scan_index_forward=False, limit=limit + 1, last_evaluated_key=start, page_size=limit + 1
        )
        return page_of(list(result), limit, ("pk", "sk")), self.unread(school_id, sub)

    def unread(self, school_id: str, sub: str) -> int:
        try:
            return max(0, int(InboxState.get(*InboxState.key(school_id, sub), consistent_read=True).unread))
        except InboxState.DoesNotExist:
            return 0

    def get(self, school_id: str, sub: str, notice_id: str) -> Notice:
        """Only ever inside the caller's own partition: another guardian's id is simply not found."""
        sk = decode_notice_id(notice_id)
        if sk is None:
            raise NotFound()
        try:
            return Notice.get(Notice.partition(school_id, sub), sk, consistent_read=True)
        except Notice.DoesNotExist as exc:
            raise NotFound() from exc

    def mark_read(self, school_id: str, sub: str, notice_id: str) -> Notice:
        """Idempotent: reading a read notice changes nothing; the unread count drops once."""
        notice = self.get(school_id, sub, notice_id)
        if notice.read_at is not None:
            return notice
        now = iso(self._clock.now())
        state = InboxState(*InboxState.key(school_id, sub))
        try:
            with TransactWrite(connection=self._conn()) as tx:
                tx.update(notice, actions=[Notice.read_at.set(now)], condition=Notice.read_at.does_not_exist())
                tx.update(state, actions=[InboxState.unread.add(-1), InboxState.updated_at.set(now)])
        except TransactWriteError:
            pass  # marked read concurrently: the other call decremented the count
        return self.get(school_id, sub, notice_id)


def _new_notice(event: NoticeEvent, contact: Contact | None, now: str) -> Notice:
    notice = Notice(
        Notice.partition(event.school_id, event.guardian_sub),
        Notice.sort_key(event.occurred_at, event.event_id),
        tenant_id=event.school_id,
        kind="Notice",
        guardian_sub=event.guardian_sub,
        event_id=event.event_id,
        detail_type=event.detail_type,
        code=event.code,
        params=dict(event.params),
        occurred_at=event.occurred_at,
        created_at=now,
    )
    for channel in CHANNELS:
        if contact is not None and contact.wants(channel):
            setattr(notice, f"{channel}_status", PENDING)
    return notice
