"""One event, many guardians: ``TimetablePublished`` → a notice (inbox, e-mail, SMS) per guardian.

Per guardian the steps are those of an enrolment event (``NotifyService.handle``): the contact, the
notice written once under its (event, guardian) dedupe record, then only the channels still owed.
What a fan-out adds:

* **Cheap redelivery.** Before the loop, one BatchGet per 100 guardians reads the dedupe records and
  their notices; a guardian whose notice owes nothing is skipped without a write. A redelivered
  message (a failed SMS somewhere, or the time budget) so costs a few reads, not a transaction per
  guardian, and nobody gets a second notice or a second e-mail.
* **Isolation.** One guardian's failure (a throttled write, an SES error) does not stop the others;
  it is counted and makes the result owed, so SQS redelivers and the next receive retries it.
* **A time budget.** A school publishing version 1 notifies every enrolled family. The loop stops at
  its budget (``KEHOU_NOTIFY_FANOUT_BUDGET_SECONDS``; in AWS the notifier has 5 minutes and a budget
  of 4) or earlier when the invocation's own time runs short (:mod:`chalicelib.core.deadline`, set
  by the consumer from the Lambda context, so a second fan-out in the same batch cannot overrun).
  Guardians not started in time are ``deferred``: the result is owed, the message comes back after
  the visibility timeout, and the next receive carries on where this one stopped (guardians are
  handled in sub order, the finished ones skipped).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from chalicelib.core import deadline as invocation
from chalicelib.core.logging import logger

from . import timetable
from .contacts import ContactBook
from .delivery import Deliverer
from .events import BadEvent, NoticeEvent
from .inbox import Inbox
from .models import CHANNELS, Notice, NoticeClaim
from .results import OWED, FanOutResult, HandleResult

# (school_id, term_id, class_ids) -> the term's active enrolments in those classes.
RecipientFinder = Callable[[str, str, Sequence[str]], Iterable[timetable.Enrolment]]

DEFAULT_BUDGET_SECONDS = 20.0  # locally, where a fan-out runs inside the publishing request's drain


class TimetableFanOut:
    def __init__(
        self,
        inbox: Inbox,
        contacts: ContactBook,
        deliverer: Deliverer,
        recipients: RecipientFinder,
        budget_seconds: float = DEFAULT_BUDGET_SECONDS,
        monotonic: Callable[[], float] = time.monotonic,
    ):
        self._inbox = inbox
        self._contacts = contacts
        self._deliverer = deliverer
        self._recipients = recipients
        self._budget = budget_seconds
        self._monotonic = monotonic

    def handle(self, detail: Mapping[str, Any]) -> FanOutResult | None:
        """Notify the guardians of the term's active enrolments in the changed classes; None if malformed."""
        try:
            event = timetable.parse(detail)
        except BadEvent as exc:  # retrying cannot mend it: log and drop, no redelivery storm
            logger.error("malformed timetable event ignored", extra={"problem": str(exc)})
            return None
        deadline = min(self._monotonic() + self._budget, invocation.current() or math.inf)
        enrolments = self._recipients(event.school_id, event.term_id, event.class_ids) if event.changes else []
        notices = timetable.notices_for(event, enrolments)
        done = _finished(event.school_id, event.event_id, [n.guardian_sub for n in notices])
        results: list[HandleResult] = []
        errors = deferred = 0
        for notice in notices:
            if notice.guardian_sub in done:
                results.append(done[notice.guardian_sub])
                continue
            if self._monotonic() >= deadline:
                deferred += 1
                continue
            try:
                results.append(self._one(notice))
            except Exception:  # this guardian only; the message is redelivered for them
                logger.exception("timetable notice failed", extra={"event_id": event.event_id})
                errors += 1
        result = FanOutResult(event.event_id, tuple(results), errors, deferred)
        logger.info(
            "timetable notices",
            extra={
                "event_id": event.event_id,
                "guardians": len(notices),
                "notices_created": result.created,
                "errors": errors,
                "deferred": deferred,
            },
        )
        return result

    def _one(self, event: NoticeEvent) -> HandleResult:
        contact = self._contacts.find(event.school_id, event.guardian_sub)
        notice, created = self._inbox.create(event, contact)
        return HandleResult(notice.notice_id, created, self._deliverer.deliver(notice, contact))


def _finished(school_id: str, event_id: str, subs: list[str]) -> dict[str, HandleResult]:
    """Guardians whose notice for this event exists and owes no channel: nothing left to do for them.

    Reads are batched (PynamoDB splits them into BatchGetItem calls of 100 and retries unprocessed
    keys); consistent, so a notice written by the previous receive is seen.
    """
    if not subs:
        return {}
    sub_of = {NoticeClaim.key(school_id, event_id, s)[0]: s for s in subs}  # claim pk -> guardian
    claims = NoticeClaim.batch_get([NoticeClaim.key(school_id, event_id, s) for s in subs], consistent_read=True)
    keys = [(Notice.partition(school_id, sub_of[c.pk]), c.notice_sk) for c in claims]
    done: dict[str, HandleResult] = {}
    for notice in Notice.batch_get(keys, consistent_read=True) if keys else []:
        delivery = {c: s for c in CHANNELS if (s := notice.status(c))}
        if not any(s in OWED for s in delivery.values()):
            done[notice.guardian_sub] = HandleResult(notice.notice_id, False, delivery)
    return done
