"""Request and response shapes of a term's week: generation jobs, the draft, hand edits, published
versions and the views read off them (OpenAPI; responses are documented, requests validated)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from .schemas import ULID

Id = Field(pattern=ULID)
MAX_ADULTS_PER_CELL = 4


class CellWrite(BaseModel):
    """One period of one class: an activity (or null for supervised homework, 自主作业), where, with whom."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    activity_id: str | None = Field(default=None, pattern=ULID)
    venue_id: str = Id
    adult_ids: list[str] = Field(min_length=1, max_length=MAX_ADULTS_PER_CELL)


class Violation(BaseModel):
    code: str = Field(description="The rule's stable code, e.g. venue_capacity, adult_one_place")
    weekday: int | None
    period: int | None
    class_ids: list[str]
    venue_ids: list[str]
    adult_ids: list[str]
    params: dict[str, Any]
    message: str = Field(description="The rule's sentence in the caller's language")


class GenerationFailure(BaseModel):
    code: Literal["inputs_not_ready", "infeasible", "timeout", "internal", "expired"]
    message: str
    problems: list[Violation]


class Generation(BaseModel):
    generation_id: str
    term_id: str
    status: Literal["queued", "running", "succeeded", "failed"]
    phase: Literal["queued", "assembling", "solving", "storing", "done"]
    progress: int = Field(ge=0, le=100)
    requested_by: str
    requested_at: str
    started_at: str | None
    finished_at: str | None
    draft_version: int | None
    figures: dict[str, Any] | None
    failure: GenerationFailure | None


class PeriodTime(BaseModel):
    number: int
    starts_at: str
    ends_at: str


class Day(BaseModel):
    weekday: int
    periods: list[PeriodTime]


class Person(BaseModel):
    id: str
    name: str


class Entry(BaseModel):
    weekday: int
    period: int
    starts_at: str | None
    ends_at: str | None
    class_id: str
    class_name: str
    category: str = Field(description="homework (自主作业) or the activity's category")
    activity_id: str | None
    activity_name: str | None
    venue_id: str
    venue_name: str
    adults: list[Person]


class GridClass(BaseModel):
    id: str
    name: str
    grade: int
    size: int = Field(description="Children in the class")
    home_venue_id: str = Field(description="The class's own classroom")


class GridVenue(BaseModel):
    id: str
    name: str
    type: str
    capacity: int


class GridAdult(BaseModel):
    id: str
    name: str
    kind: str
    skills: list[str]
    available: list[list[int]] | None = Field(description="[weekday, period] pairs; null: every period")


class GridActivity(BaseModel):
    id: str
    name: str
    category: str
    grades: list[int]
    venue_types: list[str]
    staff_ids: list[str] = Field(description="Who may lead it; empty: any adult with the category as a skill")
    weekdays: list[int]


class Grid(BaseModel):
    days: list[Day]
    classes: list[GridClass]
    venues: list[GridVenue]
    adults: list[GridAdult]
    activities: list[GridActivity]
    entries: list[Entry]


class Draft(Grid):
    term_id: str
    version: int = Field(description="0 before the first generation")
    based_on_generation_id: str | None
    edits: int
    updated_at: str | None
    updated_by: str | None
    violations: list[Violation] = Field(description="The draft checked against today's inputs")
    publishable: bool
    published_version: int | None
    latest_generation: Generation | None


class ClassChange(BaseModel):
    class_id: str
    class_name: str | None
    weekdays: list[int]


class Publication(BaseModel):
    term_id: str
    version: int
    published_at: str
    published_by: str
    draft_version: int
    changes: list[ClassChange]


class Published(Grid, Publication):
    pass


class PublicationList(BaseModel):
    items: list[Publication]


class Subject(BaseModel):
    type: Literal["class", "adult", "venue", "student"]
    id: str
    name: str


class Week(BaseModel):
    term_id: str
    version: int
    subject: Subject
    days: list[Day]
    entries: list[Entry]
    class_: Person | None = Field(default=None, alias="class")


class Itinerary(BaseModel):
    term_id: str
    version: int
    date: str
    runs_weekday: int | None = Field(description="null: no service that day (weekend, holiday)")
    student: dict[str, Any]
    entries: list[Entry]
    class_: Person | None = Field(default=None, alias="class")


class StaffLoad(BaseModel):
    adult_id: str
    adult_name: str
    kind: str | None
    periods: int
    minutes: int


class StaffPeriods(BaseModel):
    term_id: str
    version: int
    items: list[StaffLoad]


class DayQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    date: str | None = Field(default=None, pattern=r"^\d{4}-\d{2}-\d{2}$")
