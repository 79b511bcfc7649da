"""Request and response shapes of the timetable's stored inputs: settings (课时、错峰、最低次数), venues
(场地) and adults (成人), and the readiness of a term's inputs.

Pydantic checks each field's form (HH:MM times, weekdays 1..5, the engine's closed lists of venue
types, kinds of adult and skills; unknown fields refused). What the engine's rules say about the
settings as a whole (R5) is checked by the service with the rules themselves (:mod:`.periods`).
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator
from pydantic_core import PydanticCustomError

from .vocabulary import AdultKind, Skill, VenueType

ULID = r"^[0-9A-HJKMNP-TV-Z]{26}$"
HHMM = re.compile(r"^(?:[01]\d|2[0-3]):[0-5]\d$")
MAX_PERIODS = 6  # afternoon periods a day; 2 is usual (R5 asks for at least 2)
ACTIVITY_DAYS = 4  # Tuesday to Friday, period 2 (R9): no grade can have more minima than that
MAX_VENUE_CAPACITY = 60
MAX_HOME_CLASSES = 6

Weekday = Annotated[int, Field(strict=True, ge=1, le=5, description="1 = Monday ... 5 = Friday")]
PeriodNumber = Annotated[int, Field(strict=True, ge=1, le=MAX_PERIODS)]
Grade = Annotated[int, Field(strict=True, ge=1, le=9, description="1..6 primary, 7..9 middle school")]
Times = Annotated[int, Field(strict=True, ge=0, le=ACTIVITY_DAYS, description="Times a week, 0..4")]
Name = Annotated[str, Field(min_length=1, max_length=60)]
ClassId = Annotated[str, Field(pattern=ULID)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def _hhmm(value: str) -> str:
    if not HHMM.match(value):
        raise PydanticCustomError("time_format", "use HH:MM, 24-hour clock")
    return value


def _unique(values: list[Any], what: str = "values") -> list[Any]:
    if len(set(values)) != len(values):
        raise PydanticCustomError("duplicate", "{what} must be unique", {"what": what})
    return values


# -- settings ---------------------------------------------------------------------------------------


class ServicePeriod(Strict):
    number: PeriodNumber = Field(description="1, 2, ... in time order")
    starts_at: str = Field(description="HH:MM, school-local")
    ends_at: str = Field(description="HH:MM, school-local")

    _times = field_validator("starts_at", "ends_at")(_hhmm)

    @field_validator("ends_at")
    @classmethod
    def _ordered(cls, v: str, info: ValidationInfo) -> str:
        starts = info.data.get("starts_at")
        if starts is not None and v <= starts:
            raise PydanticCustomError("period_order", "a period ends after it starts")
        return v


class ServiceWeekday(Strict):
    weekday: Weekday
    periods: list[ServicePeriod] = Field(max_length=MAX_PERIODS, description="At least 2 (R5)")

    @field_validator("periods")
    @classmethod
    def _sequence(cls, v: list[ServicePeriod]) -> list[ServicePeriod]:
        if [p.number for p in v] != list(range(1, len(v) + 1)):
            raise PydanticCustomError("period_numbers", "number the periods 1, 2, ... in order")
        for earlier, later in zip(v, v[1:], strict=False):
            if later.starts_at < earlier.ends_at:
                raise PydanticCustomError("periods_overlap", "a period starts after the one before it ends")
        return v


class Minima(Strict):
    sports: Times = 1
    reading: Times = 1

    @model_validator(mode="after")
    def _fits_the_week(self) -> Minima:
        if self.sports + self.reading > ACTIVITY_DAYS:
            raise PydanticCustomError(
                "minima_exceed_week", "sports and reading together fit in 4 activity periods a week (Tue-Fri)"
            )
        return self


class GradeMinima(Minima):
    grade: Grade


class FairnessSettings(Minima):
    """Every grade gets ``sports`` and ``reading`` at least so many times a week, except the grades
    listed in ``grades`` with their own minima."""

    grades: list[GradeMinima] = Field(default_factory=list, max_length=9)

    @field_validator("grades")
    @classmethod
    def _one_per_grade(cls, v: list[GradeMinima]) -> list[GradeMinima]:
        _unique([g.grade for g in v], "grades")
        return sorted(v, key=lambda g: g.grade)


class TimetableSettingsDocument(Strict):
    days: list[ServiceWeekday] = Field(min_length=1, max_length=5, description="Monday to Friday (R5)")
    stagger_by_grade: bool = Field(
        default=True, description="错峰: on Tuesday-Friday period 2 all classes of a grade take the same kind"
    )
    fairness: FairnessSettings = Field(default_factory=FairnessSettings)

    @field_validator("days")
    @classmethod
    def _one_per_weekday(cls, v: list[ServiceWeekday]) -> list[ServiceWeekday]:
        _unique([d.weekday for d in v], "weekdays")
        return sorted(v, key=lambda d: d.weekday)


class TimetableSettingsWrite(TimetableSettingsDocument):
    version: int | None = Field(default=None, ge=0, description="Alternative to If-Match; 0 saves the first time")


class TimetableSettings(TimetableSettingsDocument):
    school_id: str
    working_day_ends_at: str = Field(description="The school's usual end of the working day (the school's workday_end)")
    version: int = Field(description="0 while the school uses the defaults")
    updated_at: str | None


# -- venues -----------------------------------------------------------------------------------------


def _home_classes(home: list[str], info: ValidationInfo) -> list[str]:
    """Distinct classes, only for a classroom, no more than it holds (in period 1 all are in it)."""
    _unique(home, "home_class_ids")
    if home and info.data.get("type") not in (None, "classroom"):
        raise PydanticCustomError("home_classes_classroom_only", "only a classroom is a class's own room")
    capacity = info.data.get("capacity")
    if capacity is not None and len(home) > capacity:
        raise PydanticCustomError(
            "home_classes_exceed_capacity", "a classroom is home to at most {capacity} classes", {"capacity": capacity}
        )
    return home


class VenueCreate(Strict):
    name: Name = Field(description="e.g. 田径场, 三年级2班教室; unique in the school")
    type: VenueType
    capacity: int = Field(strict=True, ge=1, le=MAX_VENUE_CAPACITY, description="Classes it holds at once")
    home_class_ids: list[ClassId] = Field(
        default_factory=list,
        max_length=MAX_HOME_CLASSES,
        description="Classroom only: the classes whose own classroom this is (one classroom per class)",
    )

    _home = field_validator("home_class_ids")(_home_classes)


class VenueUpdate(Strict):
    """Fields left out keep their value; ``home_class_ids`` replaces the whole list."""

    name: Name | None = None
    type: VenueType | None = None
    capacity: int | None = Field(default=None, strict=True, ge=1, le=MAX_VENUE_CAPACITY)
    home_class_ids: list[ClassId] | None = Field(default=None, max_length=MAX_HOME_CLASSES)
    version: int | None = Field(default=None, ge=1, description="Alternative to the If-Match header")

    @field_validator("home_class_ids")
    @classmethod
    def _distinct(cls, v: list[str] | None) -> list[str] | None:
        return _unique(v, "home_class_ids") if v is not None else v


class Venue(BaseModel):
    id: str
    school_id: str
    name: str
    type: VenueType
    capacity: int
    home_class_ids: list[str]
    version: int
    created_at: str
    updated_at: str


class VenuePage(BaseModel):
    items: list[Venue]
    next_cursor: str | None


# -- adults -----------------------------------------------------------------------------------------


class WeekdayAvailability(Strict):
    weekday: Weekday
    periods: list[PeriodNumber] = Field(max_length=MAX_PERIODS, description="Period numbers the adult can take")

    @field_validator("periods")
    @classmethod
    def _distinct(cls, v: list[int]) -> list[int]:
        return sorted(_unique(v, "periods"))


def _availability(v: list[WeekdayAvailability] | None) -> list[WeekdayAvailability] | None:
    if v is None:
        return v
    _unique([d.weekday for d in v], "weekdays")
    return sorted(v, key=lambda d: d.weekday)


def _provider_link(provider_id: str | None, info: ValidationInfo) -> str | None:
    if provider_id is not None and info.data.get("kind") not in (None, "provider_staff"):
        raise PydanticCustomError("provider_staff_only", "only provider_staff belong to a provider")
    return provider_id


class AdultCreate(Strict):
    name: Annotated[str, Field(min_length=1, max_length=40)] = Field(
        description="As the program names staff (activities' staff names are matched to adults by name)"
    )
    kind: AdultKind
    account_sub: str | None = Field(default=None, min_length=1, max_length=128, description="Staff account (sub)")
    provider_id: str | None = Field(default=None, pattern=ULID, description="provider_staff: their provider")
    skills: list[Skill] = Field(
        min_length=1, max_length=7, description="homework (supervising 自主作业) and activity categories"
    )
    availability: list[WeekdayAvailability] | None = Field(
        default=None, max_length=5, description="Per weekday, the periods the adult can take; null: every period"
    )
    max_periods_per_week: int | None = Field(default=None, strict=True, ge=1, le=30)

    _one_entry_per_day = field_validator("availability")(_availability)

    @field_validator("skills")
    @classmethod
    def _distinct(cls, v: list[str]) -> list[str]:
        return sorted(_unique(v, "skills"))

    _provider = field_validator("provider_id")(_provider_link)


class AdultUpdate(Strict):
    """Fields left out keep their value; null clears account_sub, provider_id, availability (every period)
    and max_periods_per_week."""

    name: Annotated[str, Field(min_length=1, max_length=40)] | None = None
    kind: AdultKind | None = None
    account_sub: str | None = Field(default=None, min_length=1, max_length=128)
    provider_id: str | None = Field(default=None, pattern=ULID)
    skills: list[Skill] | None = Field(default=None, min_length=1, max_length=7)
    availability: list[WeekdayAvailability] | None = Field(default=None, max_length=5)
    max_periods_per_week: int | None = Field(default=None, strict=True, ge=1, le=30)
    version: int | None = Field(default=None, ge=1, description="Alternative to the If-Match header")

    _one_entry_per_day = field_validator("availability")(_availability)

    @field_validator("skills")
    @classmethod
    def _distinct(cls, v: list[str] | None) -> list[str] | None:
        return sorted(_unique(v, "skills")) if v is not None else v


class Adult(BaseModel):
    id: str
    school_id: str
    name: str
    kind: AdultKind
    account_sub: str | None
    provider_id: str | None
    skills: list[Skill]
    availability: list[WeekdayAvailability] | None
    max_periods_per_week: int | None = Field(
        description="The most periods a week the adult may be placed in (null: no limit); the generator and "
        "hand edits respect it (rule adult_max_periods)"
    )
    version: int
    created_at: str
    updated_at: str


class AdultPage(BaseModel):
    items: list[Adult]
    next_cursor: str | None


class PageQuery(Strict):
    limit: int = Field(default=20, ge=1, le=100, description="Page size, at most 100")
    cursor: str | None = Field(default=None, max_length=2048, description="next_cursor of the previous page")


# -- readiness --------------------------------------------------------------------------------------


class ReadinessProblem(BaseModel):
    code: str = Field(description="Stable code: an engine rule, a pre-check, or a mapping problem")
    severity: Literal["error", "warning"] = Field(description="error: blocks generation; warning: worth knowing")
    source: Literal["records", "precheck"] = Field(
        description="records: found while loading the school's records; precheck: the engine's counting checks"
    )
    message: str = Field(description="In the negotiated language")
    weekday: int | None
    period: int | None
    class_ids: list[str]
    venue_ids: list[str]
    adult_ids: list[str]
    activity_ids: list[str]
    params: dict[str, str | int]


class ReadinessCounts(BaseModel):
    classes: int = Field(description="Classes of the roster")
    venues: int
    adults: int
    activities: int = Field(description="Activities of the published program the timetable places (Tue-Fri period 2)")


class Readiness(BaseModel):
    term_id: str
    ready: bool = Field(description="True when no problem is an error")
    program_version: int | None = Field(description="The published program version read, if any")
    problems: list[ReadinessProblem]
    counts: ReadinessCounts
