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
hand-over (which read the list first), as any later arrival always did.

The counter also keeps ``waiting``, changed in the same transaction as every entry written or
removed, so :func:`places` answers a whole term with one Query. Joining a waiting list is
conditional too (``taken >= capacity``): nobody waits while a place is free.

Within one request the published program and each counter are read once (:func:`load_program`,
:func:`counter`; a per-request memo, :mod:`chalicelib.core.request_scope`): a batch of approvals
keeps the counter's view up to date after each of its own commits, and forgets it after a lost race
so the retry reads it again. The conditions above, checked by DynamoDB, are what keep the places
right; the memo only decides which of them to try first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pynamodb.expressions.update import Action

from chalicelib.core.clock import iso
from chalicelib.core.errors import NotFound
from chalicelib.core.ids import new_id
from chalicelib.core.request_scope import memo
from chalicelib.core.store import tenant_pk
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

    def capacity(self, activity_id: str) -> int:
        return int(self.activities[activity_id]["capacity"])


def load_program(school_id: str, term_id: str) -> Program | None:
    """The term's latest published program (公示), read once per request."""
    return memo(("PublishedProgram", school_id, term_id), lambda: _read_program(school_id, term_id))


def _read_program(school_id: str, term_id: str) -> Program | None:
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


# -- counters ------------------------------------------------------------------------------------


@dataclass
class CounterView:
    """One activity's counter as this request last saw it (a consistent read, then its own commits).

    ``waiting`` is the stored count, or, on a counter written before counts were kept, the list
    counted when it was read: every write stores ``if_not_exists(waiting, <this>) ± n``, so the
    first change after the upgrade stores the right number and later ones keep it.
    """

    school_id: str
    term_id: str
    activity_id: str
    taken: int = 0
    waiting: int = 0

    def free(self, capacity: int) -> int:
        return capacity - self.taken

    def committed(self, taken: int = 0, waiting: int = 0) -> None:
        """Our own transaction changed the counter: keep the view in step without reading it again."""
        self.taken += taken
        self.waiting = max(0, self.waiting + waiting)

    @property
    def item(self) -> SeatCounter:
        return SeatCounter(*SeatCounter.key(self.school_id, self.term_id, self.activity_id))


def counter(school_id: str, term_id: str, activity_id: str) -> CounterView:
    """The activity's counter, read once per request (consistent; the transactions re-check)."""
    views = _views(school_id, term_id)
    if activity_id not in views:
        views[activity_id] = _read_counter(school_id, term_id, activity_id)
    return views[activity_id]


def forget(school_id: str, term_id: str, activity_ids: list[str]) -> None:
    """A transaction lost a race: the next attempt reads these counters again."""
    views = _views(school_id, term_id)
    for aid in activity_ids:
        views.pop(aid, None)


def _views(school_id: str, term_id: str) -> dict[str, CounterView]:
    return memo(("SeatCounters", school_id, term_id), dict)


def _read_counter(school_id: str, term_id: str, activity_id: str) -> CounterView:
    view = CounterView(school_id, term_id, activity_id)
    try:
        item = SeatCounter.get(*SeatCounter.key(school_id, term_id, activity_id), consistent_read=True)
    except SeatCounter.DoesNotExist:
        return view  # no place taken yet, so nobody waits either
    view.taken = int(item.taken or 0)
    view.waiting = _waiting_of(item, school_id, term_id, activity_id)
    return view


def _waiting_of(item: SeatCounter, school_id: str, term_id: str, activity_id: str) -> int:
    if item.waiting is not None:
        return max(0, int(item.waiting))
    return waiting_count(school_id, term_id, activity_id)  # a counter from before waiting counts


def places(school_id: str, term_id: str, program: Program) -> list[dict[str, Any]]:
    """Capacity, places taken and children waiting per activity of the program: one Query."""
    prefix = SeatCounter.term_prefix(term_id)
    rows = SeatCounter.query(tenant_pk(school_id), SeatCounter.sk.startswith(prefix), consistent_read=True)
    found = {c.sk[len(prefix) :]: c for c in rows}
    out = []
    for aid in program.activities:
        item = found.get(aid)
        out.append(
            {
                "activity_id": aid,
                "capacity": program.capacity(aid),
                "taken": int(item.taken or 0) if item else 0,
                "waiting": _waiting_of(item, school_id, term_id, aid) if item else 0,
            }
        )
    return out


def stage_take(tx: Transaction, view: CounterView, capacity: int) -> None:
    """Take one place: ``taken + 1`` only while ``taken < capacity`` (checked by DynamoDB)."""
    tx.update(
        f"seat:{view.activity_id}",
        view.item,
        actions=[
            SeatCounter.taken.set((SeatCounter.taken | 0) + 1),
            SeatCounter.capacity.set(capacity),
            SeatCounter.waiting.set(SeatCounter.waiting | view.waiting),
            SeatCounter.tenant_id.set(view.school_id),
            SeatCounter.kind.set("SeatCounter"),
        ],
        condition=SeatCounter.taken.does_not_exist() | (SeatCounter.taken < capacity),
    )


def stage_counter_change(tx: Transaction, view: CounterView, taken: int, waiting: int) -> None:
    """Give places back (``taken`` < 0, never below zero) and count entries removed from the list."""
    actions: list[Action] = [
        SeatCounter.waiting.set((SeatCounter.waiting | view.waiting) + waiting),
        SeatCounter.tenant_id.set(view.school_id),
        SeatCounter.kind.set("SeatCounter"),
    ]
    condition = None
    if taken:
        actions.append(SeatCounter.taken.add(taken))
        condition = SeatCounter.taken >= -taken
    tx.update(f"release:{view.activity_id}", view.item, actions=actions, condition=condition)


def wait_key(situation: str, arrival_id: str) -> str:
    """The waiting-list sort key: rank first (1 before 4), then arrival (a ULID sorts by time).

    >>> wait_key("no_one_available", "01K0B") < wait_key("other", "01K0A")
    True
    """
    return f"{priority.rank(situation)}#{arrival_id}"


def stage_wait(
    tx: Transaction,
    view: CounterView,
    capacity: int,
    application_id: str,
    situation: str,
    now: datetime,
) -> str:
    """Put the application on the activity's waiting list, after everyone of the same or a higher
    priority (a lower rank) and before everyone of a lower one; returns the entry's sort key.

    Only while the activity is full (``taken >= capacity``, checked by DynamoDB with the count)."""
    sk = wait_key(situation, new_id())
    entry = WaitEntry(
        WaitEntry.partition(view.school_id, view.term_id, view.activity_id),
        sk,
        tenant_id=view.school_id,
        kind="WaitEntry",
        application_id=application_id,
        at=iso(now),
        situation=situation,
        priority=priority.rank(situation),
    )
    tx.save(f"wait:{view.activity_id}", entry, WaitEntry.pk.does_not_exist())
    tx.update(
        f"seat:{view.activity_id}",
        view.item,
        actions=[SeatCounter.waiting.set((SeatCounter.waiting | view.waiting) + 1)],
        # The waiting count must still be the one this request read before counting the entries ahead:
        # every entry added or removed changes it in the same transaction, so if it is unchanged the
        # position reported (and put in the Waitlisted event) is exact; if not, the caller reads again.
        # A counter written before counts were kept has none; the next write stores it.
        condition=(SeatCounter.taken >= capacity)
        & ((SeatCounter.waiting == view.waiting) | SeatCounter.waiting.does_not_exist()),
    )
    return sk


def stage_unwait(tx: Transaction, school_id: str, term_id: str, activity_id: str, wait_sk: str) -> None:
    """Remove an entry; the caller counts it in the same transaction (:func:`stage_counter_change`)."""
    entry = WaitEntry(WaitEntry.partition(school_id, term_id, activity_id), wait_sk)
    tx.delete(f"unwait:{activity_id}:{wait_sk}", entry, WaitEntry.pk.exists())


def position(school_id: str, term_id: str, activity_id: str, wait_sk: str) -> int:
    """1 for the first on the list: entries at or before this one (in priority, then arrival, order).

    Once per request and entry: an approval that just computed it (:func:`remember_position`)
    answers without counting again."""
    return memo(
        ("WaitPosition", school_id, term_id, activity_id, wait_sk),
        lambda: count_position(school_id, term_id, activity_id, wait_sk),
    )


def remember_position(school_id: str, term_id: str, activity_id: str, wait_sk: str, value: int) -> None:
    memo(("WaitPosition", school_id, term_id, activity_id, wait_sk), lambda: value)


def count_position(school_id: str, term_id: str, activity_id: str, wait_sk: str) -> int:
    """:func:`position` counted now, whatever this request saw before."""
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
