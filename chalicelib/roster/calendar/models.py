"""PynamoDB items of the term calendar, in the main table (DESIGN §3).

=============  ===============  ==================  ==============================================
item           pk               sk                  what
=============  ===============  ==================  ==============================================
Term           T#<school>       TERM#<term id>      one 学期 with its holidays and 调休 days
TermsGuard     T#<school>       CALENDAR            version bumped by every term write (see below)
=============  ===============  ==================  ==============================================

"Terms of one school never overlap" spans several items, which no single conditional write can
protect. Every term write therefore also saves the school's :class:`TermsGuard` with its version
condition in the same transaction: two writers that both checked for overlaps against the same
snapshot cannot both commit, and the loser re-reads and checks again.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pynamodb.attributes import ListAttribute, MapAttribute, NumberAttribute, UnicodeAttribute, VersionAttribute

from chalicelib.core.store import MainTableModel, table, tenant_pk

from .rules import Holiday, MakeUpDay, TermRules

TERM_PREFIX = "TERM#"
GUARD_SK = "CALENDAR"


class HolidayAttribute(MapAttribute[str, Any]):
    starts_on = UnicodeAttribute()
    ends_on = UnicodeAttribute()
    name = UnicodeAttribute()


class MakeUpDayAttribute(MapAttribute[str, Any]):
    date = UnicodeAttribute()
    runs_weekday = NumberAttribute()
    name = UnicodeAttribute()


@table("main")
class Term(MainTableModel):
    """A 学期: dates are ISO ``YYYY-MM-DD`` strings in the school's own time zone."""

    term_id = UnicodeAttribute()
    name = UnicodeAttribute()
    starts_on = UnicodeAttribute()
    ends_on = UnicodeAttribute()
    holidays = ListAttribute(of=HolidayAttribute, default=list)
    make_up_days = ListAttribute(of=MakeUpDayAttribute, default=list)
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    version = VersionAttribute()

    @property
    def school_id(self) -> str:
        return self.tenant_id

    @staticmethod
    def key(school_id: str, term_id: str) -> tuple[str, str]:
        return tenant_pk(school_id), TERM_PREFIX + term_id

    def rules(self) -> TermRules:
        return TermRules(
            dt.date.fromisoformat(self.starts_on),
            dt.date.fromisoformat(self.ends_on),
            tuple(
                Holiday(dt.date.fromisoformat(h.starts_on), dt.date.fromisoformat(h.ends_on), h.name)
                for h in self.holidays
            ),
            tuple(MakeUpDay(dt.date.fromisoformat(m.date), int(m.runs_weekday), m.name) for m in self.make_up_days),
            self.term_id,
        )

    def set_rules(self, rules: TermRules) -> None:
        """Store a (validated) term's dates, holidays and 调休 days on this item."""
        self.starts_on, self.ends_on = rules.starts_on.isoformat(), rules.ends_on.isoformat()
        self.holidays = [
            HolidayAttribute(starts_on=h.starts_on.isoformat(), ends_on=h.ends_on.isoformat(), name=h.name)
            for h in rules.holidays
        ]
        self.make_up_days = [
            MakeUpDayAttribute(date=m.date.isoformat(), runs_weekday=m.runs_weekday, name=m.name)
            for m in rules.make_up_days
        ]

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.term_id,
            "school_id": self.school_id,
            "name": self.name,
            "starts_on": self.starts_on,
            "ends_on": self.ends_on,
            "holidays": [{"starts_on": h.starts_on, "ends_on": h.ends_on, "name": h.name} for h in self.holidays],
            "make_up_days": [
                {"date": m.date, "runs_weekday": int(m.runs_weekday), "name": m.name} for m in self.make_up_days
            ],
            "version": self.version,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
        }


@table("main")
class TermsGuard(MainTableModel):
    """Per-school item whose version serialises term writes (the no-overlap invariant)."""

    updated_at = UnicodeAttribute()
    version = VersionAttribute()

    @staticmethod
    def key(school_id: str) -> tuple[str, str]:
        return tenant_pk(school_id), GUARD_SK
