"""Request and response shapes of the term calendar API (学期、节假日、调休).

Pydantic checks each field's form (ISO dates, 1..5 weekdays, lengths, unknown fields refused);
:mod:`.rules` then checks the term as a whole, with field names in the same ``holidays.0.ends_on``
form, so a client sees one kind of error detail either way.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, create_model
from pydantic_core import PydanticCustomError

from .rules import MAX_CALENDAR_DAYS, Holiday, MakeUpDay, TermRules

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MAX_HOLIDAYS = 60
MAX_MAKE_UP_DAYS = 60


def _iso_date_only(value: Any) -> Any:
    """Only ``YYYY-MM-DD`` strings: pydantic alone would also take timestamps and datetimes.

    Refused as pydantic's own ``date_parsing`` error, so the API says it in the caller's language.
    """
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if not (isinstance(value, str) and ISO_DATE.match(value.strip())):
        raise PydanticCustomError("date_parsing", "use an ISO date, YYYY-MM-DD")
    return value.strip()


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date_only)]
Weekday = Annotated[int, Field(ge=1, le=5, strict=True, description="1 = Monday ... 5 = Friday")]
Name = Annotated[str, Field(min_length=1, max_length=60)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class HolidayIn(Strict):
    starts_on: IsoDate
    ends_on: IsoDate = Field(description="Last day of the holiday, included")
    name: Name = Field(description="e.g. 国庆节")


class MakeUpDayIn(Strict):
    date: IsoDate = Field(description="A Saturday or Sunday inside the term, outside every holiday")
    runs_weekday: Weekday = Field(description="Whose timetable runs that day: 1 = Monday ... 5 = Friday")
    name: Name = Field(description="e.g. 国庆调休")


def _holidays(items: list[HolidayIn]) -> tuple[Holiday, ...]:
    return tuple(Holiday(h.starts_on, h.ends_on, h.name) for h in items)


def _make_up_days(items: list[MakeUpDayIn]) -> tuple[MakeUpDay, ...]:
    return tuple(MakeUpDay(m.date, m.runs_weekday, m.name) for m in items)


class TermCreate(Strict):
    name: Name = Field(description="e.g. 2026秋季学期")
    starts_on: IsoDate = Field(description="First day of the term")
    ends_on: IsoDate = Field(description="Last day of the term, included; at most one year after starts_on")
    holidays: list[HolidayIn] = Field(default_factory=list, max_length=MAX_HOLIDAYS)
    make_up_days: list[MakeUpDayIn] = Field(default_factory=list, max_length=MAX_MAKE_UP_DAYS)

    def rules(self) -> TermRules:
        return TermRules(self.starts_on, self.ends_on, _holidays(self.holidays), _make_up_days(self.make_up_days))


class TermUpdate(Strict):
    """Fields left out keep their value; ``holidays`` and ``make_up_days`` replace the whole list."""

    name: Name | None = None
    starts_on: IsoDate | None = None
    ends_on: IsoDate | None = None
    holidays: list[HolidayIn] | None = Field(default=None, max_length=MAX_HOLIDAYS)
    make_up_days: list[MakeUpDayIn] | None = Field(default=None, max_length=MAX_MAKE_UP_DAYS)
    version: int | None = Field(default=None, ge=1, description="Alternative to the If-Match header")

    def applied_to(self, current: TermRules) -> TermRules:
        """The whole term after this change (validated again as a whole by the service)."""
        return TermRules(
            self.starts_on or current.starts_on,
            self.ends_on or current.ends_on,
            current.holidays if self.holidays is None else _holidays(self.holidays),
            current.make_up_days if self.make_up_days is None else _make_up_days(self.make_up_days),
            current.term_id,
        )


class HolidayOut(BaseModel):
    starts_on: str
    ends_on: str
    name: str


class MakeUpDayOut(BaseModel):
    date: str
    runs_weekday: int
    name: str


class Term(BaseModel):
    id: str
    school_id: str
    name: str
    starts_on: str
    ends_on: str
    holidays: list[HolidayOut]
    make_up_days: list[MakeUpDayOut]
    version: int
    created_at: str
    updated_at: str


class TermPage(BaseModel):
    items: list[Term]
    next_cursor: str | None


class PageQuery(Strict):
    limit: int = Field(default=20, ge=1, le=100, description="Page size, at most 100")
    cursor: str | None = Field(default=None, max_length=2048, description="next_cursor of the previous page")


# ``from`` is a Python keyword, so this query model is built with create_model; read it with getattr.
_CALENDAR_FIELDS: dict[str, Any] = {
    "from": (IsoDate, Field(description="First date, YYYY-MM-DD")),
    "to": (IsoDate, Field(description=f"Last date, included; at most {MAX_CALENDAR_DAYS} days")),
}
CalendarQuery = create_model("CalendarQuery", __base__=Strict, **_CALENDAR_FIELDS)


class CalendarDay(BaseModel):
    date: str
    service_day: bool
    runs_weekday: int | None = Field(description="Whose timetable runs (1 = Monday ... 5 = Friday); null if none")
    reason: str = Field(description="school_day | weekend | holiday:<name> | make_up:<name> | outside_term")
    term_id: str | None


class Calendar(BaseModel):
    days: list[CalendarDay]
