"""Places in activities and their waiting lists (候补).

A :class:`SeatCounter` per (term, activity) holds ``taken``; taking a place is an update in the
transition's own transaction with the condition ``taken < capacity``, so however many approvals race,
an activity never takes more children than its capacity. A child who finds it full goes on the
activity's waiting list (:class:`WaitEntry`), where the position is visible. Capacity comes from the
term's latest published program (公示).

The waiting list is ordered by R4 priority, then arrival (:mod:`.priority`): the entry's sort key is
``<rank>#<ulid>``, so DynamoDB keeps the order itself. Reading the list, counting a position and
finding who gets a freed place are all one Query in sort-key order; nothing is re-sorted in memory,
and joining the list stays one conditional put in the approval's transaction, as before. A child
who joins ahead while a freed place is being handed over counts as arriving just after that
hand-over (which read the list first), as any later arrival always did; the counter is untouched.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from chalicelib.core.clock import iso
from chalicelib.core.errors import NotFound
from chalicelib.core.ids import new_id
from chalicelib.enrollment.catalog.public import read_public

from . import priority
from .models import SeatCounter, WaitEntry
from .tx import Transaction

SEATED, WAITLISTED, REQUESTED, DROPPED = "seated", "waitlisted", "requested", "dropped"
UNAVAILABLE = "unavailable"


@dataclass(frozen=True)
class Program:
    """What the published program says an application may choose, and what it costs."""

    school_name: str
    term: dict[str, Any]
    currency: str
    activities: dict[str, dict[str, Any]]
    services: dict[str, dict[str, Any]]

    @property
    def offers_lunch(self) -> bool:
        return "lunch" in self.services


def load_program(school_id: str, term_id: str) -> Program | None:
    try:
        public = read_public(school_id, term_id)
    except NotFound:
        return None
    content = public.version.content()
    return Program(
        public.school_name,
        content["term"],
        content["currency"],
        {a["id"]: a for a in content["activities"]},
        {s["kind"]: s for s in content["services"]},
    )


def free_places(school_id: str, term_id: str, program: Program, activity_ids: list[str]) -> dict[str, int]:
    """Places left per activity now (a consistent read; the transaction re-checks)."""
    taken = {aid: 0 for aid in activity_ids}
    for aid in activity_ids:
        try:
            counter = SeatCounter.get(*SeatCounter.key(school_id, term_id, aid), consistent_read=True)
            taken[aid] = int(counter.taken or 0)
        except SeatCounter.DoesNotExist:
            pass
    return {aid: int(program.activities[aid]["capacity"]) - taken[aid] for aid in activity_ids}


def stage_take(tx: Transaction, school_id: str, term_id: str, activity_id: str, capacity: int) -> None:
    """Take one place: ``taken + 1`` only while ``taken < capacity`` (checked by DynamoDB)."""
    counter = SeatCounter(*SeatCounter.key(school_id, term_id, activity_id))
    tx.update(
        f"seat:{activity_id}",
        counter,
        actions=[
            SeatCounter.taken.set((SeatCounter.taken | 0) + 1),
            SeatCounter.capacity.set(capacity),
            SeatCounter.tenant_id.set(school_id),
            SeatCounter.kind.set("SeatCounter"),
        ],
        condition=SeatCounter.taken.does_not_exist() | (SeatCounter.taken < capacity),
    )


def stage_release(tx: Transaction, school_id: str, term_id: str, activity_id: str) -> None:
    """Give one place back (never below zero)."""
    counter = SeatCounter(*SeatCounter.key(school_id, term_id, activity_id))
    tx.update(f"release:{activity_id}", counter, actions=[SeatCounter.taken.add(-1)], condition=SeatCounter.taken > 0)


def wait_key(situation: str, arrival_id: str) -> str:
    """The waiting-list sort key: rank first (1 before 4), then arrival (a ULID sorts by time).

    >>> wait_key("no_one_available", "01K0B") < wait_key("other", "01K0A")
    True
    """
    return f"{priority.rank(situation)}#{arrival_id}"


def stage_wait(
    tx: Transaction,
    school_id: str,
    term_id: str,
    activity_id: str,
    application_id: str,
    situation: str,
    now: datetime,
) -> str:
    """Put the application on the activity's waiting list, after everyone of the same or a higher
    priority (a lower rank) and before everyone of a lower one; returns the entry's sort key."""
    sk = wait_key(situation, new_id())
    entry = WaitEntry(
        WaitEntry.partition(school_id, term_id, activity_id),
        sk,
        tenant_id=school_id,
        kind="WaitEntry",
        application_id=application_id,
        at=iso(now),
        situation=situation,
        priority=priority.rank(situation),
    )
    tx.save(f"wait:{activity_id}", entry, WaitEntry.pk.does_not_exist())
    return sk


def stage_unwait(tx: Transaction, school_id: str, term_id: str, activity_id: str, wait_sk: str) -> None:
    entry = WaitEntry(WaitEntry.partition(school_id, term_id, activity_id), wait_sk)
    tx.delete(f"unwait:{activity_id}", entry, WaitEntry.pk.exists())


def position(school_id: str, term_id: str, activity_id: str, wait_sk: str) -> int:
    """1 for the first on the list: entries at or before this one (in priority, then arrival, order)."""
    partition = WaitEntry.partition(school_id, term_id, activity_id)
    return int(WaitEntry.count(partition, WaitEntry.sk <= wait_sk, consistent_read=True))


def ahead_of(school_id: str, term_id: str, activity_id: str, wait_sk: str) -> int:
    """Entries before ``wait_sk``: a new entry's position is this plus one (it may go ahead of others)."""
    partition = WaitEntry.partition(school_id, term_id, activity_id)
    return int(WaitEntry.count(partition, WaitEntry.sk < wait_sk, consistent_read=True))


def waiting_count(school_id: str, term_id: str, activity_id: str) -> int:
    return int(WaitEntry.count(WaitEntry.partition(school_id, term_id, activity_id), consistent_read=True))


def first_waiting(school_id: str, term_id: str, activity_id: str) -> WaitEntry | None:
    partition = WaitEntry.partition(school_id, term_id, activity_id)
    for entry in WaitEntry.query(partition, limit=1, consistent_read=True):
        return entry
    return None


def waiting(school_id: str, term_id: str, activity_id: str, limit: int = 10) -> list[WaitEntry]:
    """The first ``limit`` entries of the waiting list, highest priority first, then by arrival."""
    partition = WaitEntry.partition(school_id, term_id, activity_id)
    return list(WaitEntry.query(partition, limit=limit, consistent_read=True))
