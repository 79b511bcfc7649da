"""What handling one event tells the notifier Lambda: which notices exist and what they still owe."""

from __future__ import annotations

from dataclasses import dataclass, field

from .models import FAILED, PENDING, SENDING

# A channel in one of these states is not done: the message must come back (SQS redelivery).
OWED = frozenset({PENDING, SENDING, FAILED})
# Pseudo-channel of a fan-out: some guardian's notice is not written yet (an error, or the time ran out).
INBOX = "inbox"


@dataclass(frozen=True)
class HandleResult:
    """One guardian's notice for one event."""

    notice_id: str
    created: bool  # False: a duplicate or replay, which only retried unsent channels
    delivery: dict[str, str] = field(default_factory=dict)

    @property
    def failed(self) -> list[str]:
        """Channels that failed: the notifier Lambda raises on these so SQS redelivers (a replay)."""
        return [c for c, s in self.delivery.items() if s == FAILED]

    @property
    def owed(self) -> list[str]:
        """Channels not sent (nor skipped) yet: failed, or still claimed by another receiver."""
        return [c for c, s in self.delivery.items() if s in OWED]


@dataclass(frozen=True)
class FanOutResult:
    """One event's notices to many guardians (``TimetablePublished``).

    ``errors`` counts guardians whose notice could not be written or sent because something raised;
    ``deferred`` those not reached before the time budget ran out. Either makes the message owed, and
    its redelivery skips the guardians already done (one BatchGet per 100) and carries on.
    """

    event_id: str
    notices: tuple[HandleResult, ...] = ()
    errors: int = 0
    deferred: int = 0

    @property
    def created(self) -> int:
        return sum(1 for n in self.notices if n.created)

    @property
    def failed(self) -> list[str]:
        """Channels that failed for some guardian (plus ``inbox`` when a notice is missing)."""
        failed = {c for n in self.notices for c in n.failed}
        return sorted(failed | ({INBOX} if self.errors else set()))

    @property
    def owed(self) -> list[str]:
        """What keeps the event unfinished: any guardian's owed channel, ``inbox`` for unwritten notices."""
        owed = {c for n in self.notices for c in n.owed}
        return sorted(owed | ({INBOX} if self.errors or self.deferred else set()))
