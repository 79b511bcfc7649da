"""The access log of children's records (PIPL accountability): who read which child, when, and how.

Every staff read of a child's record writes an entry *before* the record is returned, so a read
that could not be logged is not served. Entries live in one partition per school-local day
(``T#<school>#ACCESS#<YYYY-MM-DD>``), sorted by time (ULID ids); the school_admin reads a day's page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from zoneinfo import ZoneInfo

from pynamodb.connection import Connection

from chalicelib.core.clock import Clock, iso
from chalicelib.core.errors import NotFound
from chalicelib.core.identity import Principal
from chalicelib.core.ids import new_id
from chalicelib.core.pagination import Page, query_page
from chalicelib.tenants.local_time import school_zone
from chalicelib.tenants.models import load_school

from . import policy
from .bulk import BatchWriter
from .models import AccessLogEntry


class AccessLog:
    def __init__(self, connection: Callable[[], Connection], clock: Clock):
        self._conn = connection
        self._clock = clock

    def record(self, p: Principal, school_id: str, student_ids: Sequence[str], action: str) -> None:
        """One entry per child read (``view``: a record; ``export``: a row of a class listing)."""
        now = self._clock.now()
        day = now.astimezone(self._zone(school_id)).date().isoformat()
        role = policy.actor_role(p)
        entries = []
        for student_id in student_ids:
            entry_id = new_id()
            entries.append(
                AccessLogEntry(
                    AccessLogEntry.partition(school_id, day),
                    entry_id,
                    tenant_id=school_id,
                    kind="AccessLogEntry",
                    entry_id=entry_id,
                    at=iso(now),
                    actor_sub=p.sub,
                    actor_role=role,
                    student_id=student_id,
                    action=action,
                )
            )
        if len(entries) == 1:
            entries[0].save()
        elif entries:
            BatchWriter(self._conn(), AccessLogEntry.Meta.table_name).write(entries)

    def today(self, school_id: str) -> dt.date:
        return self._clock.now().astimezone(self._zone(school_id)).date()

    def page(self, school_id: str, day: dt.date, limit: int, cursor: str | None) -> Page[AccessLogEntry]:
        partition = AccessLogEntry.partition(school_id, day.isoformat())
        return query_page(AccessLogEntry.query, partition, limit=limit, cursor=cursor)

    @staticmethod
    def _zone(school_id: str) -> ZoneInfo:
        """The school's time zone; the suspended-tenant check already read the school in this request."""
        try:
            school = load_school(school_id)
        except NotFound:
            return school_zone(None)
        return school_zone(school.time_zone)
