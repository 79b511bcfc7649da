"""Timetable routes (课表), the stored inputs: the school's service periods, 错峰 and fairness minima,
its venues (场地) and adults (成人), and whether a term's inputs are ready for the generator."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

from chalice import Blueprint, Response

from . import container
from .routing import Call, LazyModel, Operation, json_response, operation

if TYPE_CHECKING:
    from chalicelib.timetable.services import TimetableService
    from chalicelib.timetable.vocabulary import Locale

schema = partial(LazyModel, "chalicelib.timetable.schemas")

bp = Blueprint(__name__)
TAG = "timetable"
BASE = "/schools/{school_id}/timetable"
VENUE = BASE + "/venues/{venue_id}"
ADULT = BASE + "/adults/{adult_id}"
EXAMPLE_CLASS_ID = "01K0SEED0000000000000C1A55"
EXAMPLE_PROVIDER_ID = "01K0SEED0000000000000P0V1D"
LOCKING = "Optimistic locking: send the version you read in If-Match (or `version`); a stale one answers 409."
READERS = "school_admin writes; the school's staff (school_admin, teachers, provider staff) read."
PERIODS = [
    {"number": 1, "starts_at": "15:30", "ends_at": "16:20"},
    {"number": 2, "starts_at": "16:30", "ends_at": "17:20"},
]
SETTINGS_EXAMPLE = {
    "days": [{"weekday": d, "periods": PERIODS} for d in range(1, 6)],
    "stagger_by_grade": True,
    "fairness": {"sports": 1, "reading": 1, "grades": [{"grade": 6, "sports": 2, "reading": 1}]},
}
VENUE_EXAMPLE = {"name": "三年级2班教室", "type": "classroom", "capacity": 1, "home_class_ids": [EXAMPLE_CLASS_ID]}
ADULT_EXAMPLE = {
    "name": "赵教练",
    "kind": "provider_staff",
    "provider_id": EXAMPLE_PROVIDER_ID,
    "skills": ["sports"],
    "availability": [{"weekday": 3, "periods": [2]}, {"weekday": 5, "periods": [2]}],
    "max_periods_per_week": 4,
}


def _svc() -> TimetableService:
    return container.get().timetable


def _locale(call: Call) -> Locale:
    return "en" if call.locale == "en" else "zh-CN"


def _versioned(item: dict[str, Any], status: int = 200) -> Response:
    return json_response(item, status, {"ETag": f'"{item["version"]}"'})


def _deleted() -> Response:
    return Response(body="", status_code=204)


# -- settings -----------------------------------------------------------------------------------------


@operation(
    bp,
    Operation(
        "GET",
        BASE + "/settings",
        "getTimetableSettings",
        "Get the school's timetable settings",
        TAG,
        response=schema("TimetableSettings"),
        errors=(403, 404),
        description=f"{READERS} Before the first save: the defaults, version 0 (two periods Monday to Friday, "
        "the last ending at least 30 minutes after the school's workday_end, 错峰 on, sports and reading once "
        "a week for every grade).",
    ),
)
def get_settings(call: Call, school_id: str) -> Any:
    return _versioned(_svc().get_settings(call.principal, school_id))


@operation(
    bp,
    Operation(
        "PUT",
        BASE + "/settings",
        "saveTimetableSettings",
        "Replace the school's timetable settings",
        TAG,
        body=schema("TimetableSettingsWrite"),
        example=SETTINGS_EXAMPLE,
        response=schema("TimetableSettings"),
        headers=("If-Match",),
        errors=(400, 403, 404, 409, 428),
        description=f'school_admin. {LOCKING} If-Match: "0" saves the first time. The engine\'s R5 rules '
        "apply: Monday to Friday, at least 2 periods a day, the last ending no earlier than 30 minutes after "
        "the school's workday_end; a broken rule answers 400 service_times_invalid with one detail per rule "
        "(`code` five_weekdays, two_afternoon_periods or ends_after_work, `field`, `weekday`, `message`).",
    ),
)
def save_settings(call: Call, school_id: str) -> Any:
    saved = _svc().save_settings(call.principal, school_id, call.body, call.header("if-match"), _locale(call))
    return _versioned(saved)


# -- venues -------------------------------------------------------------------------------------------


@operation(
    bp,
    Operation(
        "POST",
        BASE + "/venues",
        "createVenue",
        "Register a venue (场地)",
        TAG,
        body=schema("VenueCreate"),
        example=VENUE_EXAMPLE,
        response=schema("Venue"),
        status=201,
        errors=(400, 403, 404, 409),
        description="school_admin. Names are unique in the school (409 venue_name_taken). A classroom may name "
        "the classes whose own classroom it is (`home_class_ids`, at most `capacity`); a class has one "
        "(409 class_has_classroom).",
    ),
)
def create_venue(call: Call, school_id: str) -> Any:
    return _versioned(_svc().create_venue(call.principal, school_id, call.body).as_json(), 201)


@operation(
    bp,
    Operation(
        "GET",
        BASE + "/venues",
        "listVenues",
        "List the school's venues",
        TAG,
        query=schema("PageQuery"),
        response=schema("VenuePage"),
        errors=(403, 404),
        description=READERS,
    ),
)
def list_venues(call: Call, school_id: str) -> Any:
    page = _svc().list_venues(call.principal, school_id, call.query.limit, call.query.cursor)
    return {"items": [v.as_json() for v in page.items], "next_cursor": page.next_cursor}


@operation(bp, Operation("GET", VENUE, "getVenue", "Get a venue", TAG, response=schema("Venue"), errors=(403, 404)))
def get_venue(call: Call, school_id: str, venue_id: str) -> Any:
    return _versioned(_svc().get_venue(call.principal, school_id, venue_id).as_json())


@operation(
    bp,
    Operation(
        "PATCH",
        VENUE,
        "updateVenue",
        "Change a venue",
        TAG,
        body=schema("VenueUpdate"),
        example={"capacity": 2, "home_class_ids": []},
        response=schema("Venue"),
        headers=("If-Match",),
        errors=(400, 403, 404, 409, 428),
        description=f"school_admin. {LOCKING} Fields left out keep their value; `home_class_ids` replaces the list.",
    ),
)
def update_venue(call: Call, school_id: str, venue_id: str) -> Any:
    venue = _svc().update_venue(call.principal, school_id, venue_id, call.body, call.header("if-match"))
    return _versioned(venue.as_json())


@operation(
    bp,
    Operation(
        "DELETE",
        VENUE,
        "deleteVenue",
        "Delete a venue",
        TAG,
        status=204,
        headers=("If-Match",),
        errors=(403, 404, 409, 428),
        description=f"school_admin. {LOCKING}",
    ),
)
def delete_venue(call: Call, school_id: str, venue_id: str) -> Any:
    _svc().delete_venue(call.principal, school_id, venue_id, call.header("if-match"))
    return _deleted()


# -- adults -------------------------------------------------------------------------------------------


@operation(
    bp,
    Operation(
        "POST",
        BASE + "/adults",
        "createAdult",
        "Add an adult who supervises or leads (成人)",
        TAG,
        body=schema("AdultCreate"),
        example=ADULT_EXAMPLE,
        response=schema("Adult"),
        status=201,
        errors=(400, 403, 404),
        description="school_admin. `kind`: teacher, cadre (干部), volunteer, specialist, provider_staff; `skills`: "
        "homework (supervising 自主作业) and activity categories; `availability` per weekday (null: every "
        "period). Provider staff may name their provider (`provider_id`, a provider of this school). The "
        "program's staff names are matched to adults by name.",
    ),
)
def create_adult(call: Call, school_id: str) -> Any:
    return _versioned(_svc().create_adult(call.principal, school_id, call.body).as_json(), 201)


@operation(
    bp,
    Operation(
        "GET",
        BASE + "/adults",
        "listAdults",
        "List the school's adults",
        TAG,
        query=schema("PageQuery"),
        response=schema("AdultPage"),
        errors=(403, 404),
        description=READERS,
    ),
)
def list_adults(call: Call, school_id: str) -> Any:
    page = _svc().list_adults(call.principal, school_id, call.query.limit, call.query.cursor)
    return {"items": [a.as_json() for a in page.items], "next_cursor": page.next_cursor}


@operation(bp, Operation("GET", ADULT, "getAdult", "Get an adult", TAG, response=schema("Adult"), errors=(403, 404)))
def get_adult(call: Call, school_id: str, adult_id: str) -> Any:
    return _versioned(_svc().get_adult(call.principal, school_id, adult_id).as_json())


@operation(
    bp,
    Operation(
        "PATCH",
        ADULT,
        "updateAdult",
        "Change an adult",
        TAG,
        body=schema("AdultUpdate"),
        example={"availability": [{"weekday": 2, "periods": [1, 2]}], "max_periods_per_week": None},
        response=schema("Adult"),
        headers=("If-Match",),
        errors=(400, 403, 404, 409, 428),
        description=f"school_admin. {LOCKING} Fields left out keep their value; null clears account_sub, "
        "provider_id, availability (every period) and max_periods_per_week.",
    ),
)
def update_adult(call: Call, school_id: str, adult_id: str) -> Any:
    adult = _svc().update_adult(call.principal, school_id, adult_id, call.body, call.header("if-match"))
    return _versioned(adult.as_json())


@operation(
    bp,
    Operation(
        "DELETE",
        ADULT,
        "deleteAdult",
        "Delete an adult",
        TAG,
        status=204,
        headers=("If-Match",),
        errors=(403, 404, 409, 428),
        description=f"school_admin. {LOCKING}",
    ),
)
def delete_adult(call: Call, school_id: str, adult_id: str) -> Any:
    _svc().delete_adult(call.principal, school_id, adult_id, call.header("if-match"))
    return _deleted()


# -- readiness ----------------------------------------------------------------------------------------


@operation(
    bp,
    Operation(
        "GET",
        BASE + "/terms/{term_id}/readiness",
        "getTimetableReadiness",
        "Are the term's timetable inputs ready for the generator?",
        TAG,
        response=schema("Readiness"),
        errors=(403, 404),
        description="The school's staff. Builds the engine's inputs from the settings, venues, adults, the "
        "roster's classes and the term's published program (公示), and runs the engine's counting pre-checks. "
        "`problems` lists every mapping problem (a class without a classroom, a provider without adults, an "
        "unknown staff name...) and every pre-check finding, errors first, each with a stable `code` and a "
        "`message` in the negotiated language; `ready` is true when none is an error. No Scan: a handful of "
        "reads whatever the school's size.",
    ),
)
def get_readiness(call: Call, school_id: str, term_id: str) -> Any:
    return _svc().readiness(call.principal, school_id, term_id).as_json(_locale(call))
