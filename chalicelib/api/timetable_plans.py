"""Timetable routes (课表), the week itself: asynchronous generation, the draft and its hand edits,
publication of frozen versions, and the weeks read off the published version."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

from chalice import Blueprint, Response

from . import container
from .routing import Call, LazyModel, Operation, json_response, operation

if TYPE_CHECKING:
    from chalicelib.timetable.generation_jobs import GenerationJobs
    from chalicelib.timetable.plans import TimetablePlans
    from chalicelib.timetable.vocabulary import Locale

schema = partial(LazyModel, "chalicelib.timetable.plan_schemas")

bp = Blueprint(__name__)
TAG = "timetable"
TERM = "/schools/{school_id}/timetable/terms/{term_id}"
PUBLISHED = TERM + "/published"
STAFF = "The school's staff (school_admin, teachers, provider staff)."
FROZEN = (
    "Read off the latest published version: names and times as they were when it was published. "
    "404 not_published before the first publication."
)
CELL_EXAMPLE = {
    "activity_id": None,
    "venue_id": "01K0SEED000000000000000V01",
    "adult_ids": ["01K0SEED000000000000000A01"],
}


def _plans() -> TimetablePlans:
    return container.get().timetable_plans


def _jobs() -> GenerationJobs:
    return container.get().timetable_jobs


def _locale(call: Call) -> Locale:
    return "en" if call.locale == "en" else "zh-CN"


def _versioned(item: dict[str, Any], status: int = 200) -> Response:
    return json_response(item, status, {"ETag": f'"{item["version"]}"'})


# -- generation ----------------------------------------------------------------------------------------


@operation(
    bp,
    Operation(
        "POST",
        TERM + "/generations",
        "startTimetableGeneration",
        "Generate the term's timetable (asynchronous)",
        TAG,
        response=schema("Generation"),
        status=202,
        errors=(400, 403, 404, 409),
        description="school_admin. Checks the inputs (400 inputs_not_ready with the readiness problems), queues "
        "a generation job and answers 202 at once; poll GET …/generations/{generation_id} for its phase and "
        "progress. On success the job replaces the term's draft (hand edits included) with the generated week; "
        "on failure `failure` says why (infeasible: the conflicting rules and where; timeout; inputs_not_ready). "
        "409 generation_running while another generation of the term is queued or running.",
    ),
)
def start_generation(call: Call, school_id: str, term_id: str) -> Any:
    return json_response(_jobs().start(call.principal, school_id, term_id, _locale(call)), 202)


@operation(
    bp,
    Operation(
        "GET",
        TERM + "/generations/{generation_id}",
        "getTimetableGeneration",
        "A generation job's status, progress and result",
        TAG,
        response=schema("Generation"),
        errors=(403, 404),
        description=f"{STAFF} status queued → running → succeeded | failed; phase and progress (0..100) for a "
        "progress bar. A job whose worker died reads as failed with failure.code expired.",
    ),
)
def get_generation(call: Call, school_id: str, term_id: str, generation_id: str) -> Any:
    return _jobs().get(call.principal, school_id, term_id, generation_id, _locale(call))


# -- draft ---------------------------------------------------------------------------------------------


@operation(
    bp,
    Operation(
        "GET",
        TERM + "/draft",
        "getTimetableDraft",
        "The term's draft week, its conflicts and whether it can be published",
        TAG,
        response=schema("Draft"),
        errors=(403, 404),
        description=f"{STAFF} The draft checked against today's inputs: `violations` are the conflicts to "
        "highlight (a venue over capacity, an adult in two places...), each with the rule's code and message. "
        "Version 0 with no entries before the first generation. ETag: the draft's version.",
    ),
)
def get_draft(call: Call, school_id: str, term_id: str) -> Any:
    return _versioned(_plans().draft(call.principal, school_id, term_id, _locale(call)))


@operation(
    bp,
    Operation(
        "PUT",
        TERM + "/draft/cells/{weekday}/{period}/{class_id}",
        "editTimetableCell",
        "Edit one period of one class by hand",
        TAG,
        body=schema("CellWrite"),
        example=CELL_EXAMPLE,
        response=schema("Draft"),
        headers=("If-Match",),
        errors=(400, 403, 404, 409, 422, 428),
        description="school_admin. If-Match: the draft's version. The edit is checked against the same rules as "
        "the generator; one that brings a new violation is refused with 422 timetable_rule_broken, the first "
        "broken rule's sentence as the message and every new violation in details; nothing is saved. "
        "`activity_id` null is supervised homework (自主作业). 404 no_draft / cell_not_found.",
    ),
)
def edit_cell(call: Call, school_id: str, term_id: str, weekday: str, period: str, class_id: str) -> Any:
    slot = (weekday, period, class_id)
    draft = _plans().edit_cell(
        call.principal, school_id, term_id, slot, call.body, call.header("if-match"), _locale(call)
    )
    return _versioned(draft)


# -- publication ---------------------------------------------------------------------------------------


@operation(
    bp,
    Operation(
        "POST",
        TERM + "/publications",
        "publishTimetable",
        "Publish the draft as the next frozen version",
        TAG,
        response=schema("Publication"),
        status=201,
        headers=("If-Match",),
        errors=(403, 404, 409, 428),
        description="school_admin. If-Match: the draft's version. Refused with 409 timetable_invalid (details: "
        "the violations) when the draft breaks a rule and 409 nothing_to_publish when it equals the latest "
        "version. `changes` lists the classes whose days changed; their guardians are notified (version 1: "
        "every class).",
    ),
)
def publish(call: Call, school_id: str, term_id: str) -> Any:
    published = _plans().publish(call.principal, school_id, term_id, call.header("if-match"), _locale(call))
    return json_response(published, 201)


@operation(
    bp,
    Operation(
        "GET",
        PUBLISHED,
        "getPublishedTimetable",
        "The latest published week",
        TAG,
        response=schema("Published"),
        errors=(403, 404),
        description=f"{STAFF} {FROZEN}",
    ),
)
def get_published(call: Call, school_id: str, term_id: str) -> Any:
    return _plans().published(call.principal, school_id, term_id)


@operation(
    bp,
    Operation(
        "GET",
        PUBLISHED + "/versions",
        "listTimetableVersions",
        "Published versions, newest first",
        TAG,
        response=schema("PublicationList"),
        errors=(403, 404),
        description=f"{STAFF} Each version's number, time, author and the classes whose days changed.",
    ),
)
def list_versions(call: Call, school_id: str, term_id: str) -> Any:
    return _plans().versions(call.principal, school_id, term_id)


# -- views ---------------------------------------------------------------------------------------------


def _week_operation(subject: str, plural: str, param: str, summary: str) -> Operation:
    return Operation(
        "GET",
        f"{PUBLISHED}/{plural}/{{{param}}}/week",
        f"get{subject.capitalize()}Week",
        summary,
        TAG,
        response=schema("Week"),
        errors=(403, 404),
        description=f"{STAFF} {FROZEN}",
    )


@operation(bp, _week_operation("class", "classes", "class_id", "A class's week (each of its children's)"))
def class_week(call: Call, school_id: str, term_id: str, class_id: str) -> Any:
    return _plans().week(call.principal, school_id, term_id, "class", class_id)


@operation(bp, _week_operation("adult", "adults", "adult_id", "An adult's week"))
def adult_week(call: Call, school_id: str, term_id: str, adult_id: str) -> Any:
    return _plans().week(call.principal, school_id, term_id, "adult", adult_id)


@operation(bp, _week_operation("venue", "venues", "venue_id", "A venue's week"))
def venue_week(call: Call, school_id: str, term_id: str, venue_id: str) -> Any:
    return _plans().week(call.principal, school_id, term_id, "venue", venue_id)


@operation(
    bp,
    Operation(
        "GET",
        PUBLISHED + "/my-week",
        "getMyTimetableWeek",
        "My week (the caller's own periods)",
        TAG,
        response=schema("Week"),
        errors=(403, 404),
        description=f"{STAFF} The periods of the adult whose account_sub is the caller's; 404 not_on_timetable "
        f"when no adult is linked to the caller's account. {FROZEN}",
    ),
)
def my_week(call: Call, school_id: str, term_id: str) -> Any:
    return _plans().my_week(call.principal, school_id, term_id)


@operation(
    bp,
    Operation(
        "GET",
        PUBLISHED + "/students/{student_id}/week",
        "getStudentWeek",
        "A child's week",
        TAG,
        response=schema("Week"),
        errors=(403, 404),
        description=f"The child's guardian (by verified phone, as the roster knows it) or the school's staff "
        f"(access-logged). The child follows the class's week. {FROZEN}",
    ),
)
def student_week(call: Call, school_id: str, term_id: str, student_id: str) -> Any:
    return _plans().student_week(call.principal, school_id, term_id, student_id)


@operation(
    bp,
    Operation(
        "GET",
        PUBLISHED + "/students/{student_id}/itinerary",
        "getStudentItinerary",
        "A child's afternoon on a date: where and with whom, each period",
        TAG,
        query=schema("DayQuery"),
        response=schema("Itinerary"),
        errors=(400, 403, 404),
        description="Like the child's week, for one `date` (YYYY-MM-DD; when omitted, today in the school's time "
        "zone). A make-up "
        "day (调休) runs the weekday it stands for; a weekend, holiday or a date outside the term has no "
        f"service (`runs_weekday` null, no entries). {FROZEN}",
    ),
)
def student_itinerary(call: Call, school_id: str, term_id: str, student_id: str) -> Any:
    return _plans().student_day(call.principal, school_id, term_id, student_id, call.query.date)


@operation(
    bp,
    Operation(
        "GET",
        PUBLISHED + "/staff-periods",
        "getStaffPeriods",
        "Planned periods and minutes per adult and week (staff hours, R13)",
        TAG,
        response=schema("StaffPeriods"),
        errors=(403, 404),
        description="school_admin. Every adult of the published version, those without periods too, with the "
        f"planned periods and minutes a week: the staff-hours record for performance evaluation. {FROZEN}",
    ),
)
def get_staff_periods(call: Call, school_id: str, term_id: str) -> Any:
    return _plans().staff_periods(call.principal, school_id, term_id)
