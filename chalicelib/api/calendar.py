"""Term calendar routes: a school's 学期 with holidays and 调休, and the day-by-day service calendar."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

from chalice import Blueprint, Response

from . import container
from .routing import Call, LazyModel, Operation, json_response, operation

if TYPE_CHECKING:
    from chalicelib.roster.calendar.models import Term

# Schemas are named, not imported: pydantic models are built on first use, keeping cold starts short.
schema = partial(LazyModel, "chalicelib.roster.calendar.schemas")

bp = Blueprint(__name__)
TAG = "calendar"
TERM = "/schools/{school_id}/terms/{term_id}"
EXAMPLE_TERM = {
    "name": "2026秋季学期",
    "starts_on": "2026-09-01",
    "ends_on": "2027-01-15",
    "holidays": [{"starts_on": "2026-10-01", "ends_on": "2026-10-07", "name": "国庆节"}],
    "make_up_days": [{"date": "2026-09-27", "runs_weekday": 3, "name": "国庆调休"}],
}
LOCKING = "Optimistic locking: send the version you read in If-Match; a stale version answers 409 version_conflict."


def _svc() -> Any:
    return container.get().calendar


def _term(term: Term, status: int = 200) -> Response:
    return json_response(term.as_json(), status, {"ETag": f'"{term.version}"'})


@operation(
    bp,
    Operation(
        "POST",
        "/schools/{school_id}/terms",
        "createTerm",
        "Create a term (学期) with its holidays and make-up days (调休)",
        TAG,
        body=schema("TermCreate"),
        example=EXAMPLE_TERM,
        response=schema("Term"),
        status=201,
        optional_headers=("Idempotency-Key",),
        errors=(400, 403, 404, 409, 422),
        description="Weekdays inside the term are school days unless a holiday covers them; a make-up day "
        "(调休) is a Saturday or Sunday that runs the timetable of `runs_weekday`. Terms of one school "
        "never overlap (409 term_overlaps). A broken rule (a holiday outside the term, a make-up day on a "
        "weekday, ...) answers 400 validation_error with one detail per problem: `field`, `code` (also in "
        "`type`), `params` and `message` in the Accept-Language language. "
        "Only the school's school_admin may create terms. "
        "Idempotency-Key is optional: replaying the same key and body returns the term the first request "
        "created (200); the same key with another body answers 422 idempotency_key_reused.",
    ),
)
def create_term(call: Call, school_id: str) -> Any:
    key = call.header("idempotency-key")
    term, created = _svc().create_term_with_key(call.principal, school_id, call.body, key, call.locale)
    return _term(term, 201 if created else 200)


@operation(
    bp,
    Operation(
        "GET",
        "/schools/{school_id}/terms",
        "listTerms",
        "List a school's terms",
        TAG,
        query=schema("PageQuery"),
        response=schema("TermPage"),
        errors=(400, 403, 404),
    ),
)
def list_terms(call: Call, school_id: str) -> Any:
    page = _svc().list_terms(call.principal, school_id, call.query.limit, call.query.cursor)
    return {"items": [t.as_json() for t in page.items], "next_cursor": page.next_cursor}


@operation(bp, Operation("GET", TERM, "getTerm", "Get a term", TAG, response=schema("Term"), errors=(403, 404)))
def get_term(call: Call, school_id: str, term_id: str) -> Any:
    return _term(_svc().get_term(call.principal, school_id, term_id))


@operation(
    bp,
    Operation(
        "PATCH",
        TERM,
        "updateTerm",
        "Change a term",
        TAG,
        body=schema("TermUpdate"),
        example={"name": "2026秋季学期（调整）"},
        response=schema("Term"),
        headers=("If-Match",),
        errors=(400, 403, 404, 409, 428),
        description=f"{LOCKING} (`version` in the body works too). `holidays` and `make_up_days` replace the "
        "whole list; the changed term is validated again as a whole, overlaps included.",
    ),
)
def update_term(call: Call, school_id: str, term_id: str) -> Any:
    cmd, if_match = call.body, call.header("if-match")
    return _term(_svc().update_term(call.principal, school_id, term_id, cmd, if_match, call.locale))


@operation(
    bp,
    Operation(
        "DELETE",
        TERM,
        "deleteTerm",
        "Delete a term",
        TAG,
        status=204,
        headers=("If-Match",),
        errors=(403, 404, 409, 428),
        description=LOCKING,
    ),
)
def delete_term(call: Call, school_id: str, term_id: str) -> Any:
    _svc().delete_term(call.principal, school_id, term_id, call.header("if-match"))
    return Response(body="", status_code=204)


@operation(
    bp,
    Operation(
        "GET",
        "/schools/{school_id}/calendar",
        "getServiceCalendar",
        "Service days from one date to another",
        TAG,
        query=schema("CalendarQuery"),
        query_example={"from": "2026-09-01", "to": "2026-09-30"},
        response=schema("Calendar"),
        errors=(400, 403, 404),
        description="For each date: whether the after-school service runs, whose weekday timetable runs "
        "(a make-up day, 调休, runs another weekday's), why, and which term it belongs to. At most 370 days.",
    ),
)
def get_calendar(call: Call, school_id: str) -> Any:
    days = _svc().calendar(call.principal, school_id, getattr(call.query, "from"), call.query.to, call.locale)
    return {"days": [d.as_json() for d in days]}
