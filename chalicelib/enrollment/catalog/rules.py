"""Pure rules of the catalog: provider status transitions and what makes a program publishable.

No I/O: the service loads the draft and the providers and asks these functions. Problems use the
same ``{"field", "message", "type"}`` shape as validation errors, with request-body field names.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from pydantic import ValidationError

from .schemas import ProgramDocument

Problem = dict[str, Any]

# pending -> approved <-> suspended. A pending provider is not suspended (it never ran anything);
# approval is the only way in, and a suspended one comes back only through a new approval.
TRANSITIONS = frozenset({("pending", "approved"), ("approved", "suspended"), ("suspended", "approved")})
SCHOOL = "school"


def can_transition(current: str, target: str) -> bool:
    return (current, target) in TRANSITIONS


def parse_document(raw: Mapping[str, Any]) -> tuple[ProgramDocument | None, list[Problem]]:
    """Validate a stored draft again: rules added after it was saved (e.g. a longer tutoring word
    list) still apply at publishing time."""
    try:
        return ProgramDocument.model_validate(dict(raw)), []
    except ValidationError as exc:
        return None, [
            {"field": ".".join(str(p) for p in e["loc"]), "message": e["msg"], "type": e["type"]}
            for e in exc.errors(include_url=False, include_input=False)
        ]


def referenced_providers(doc: ProgramDocument) -> list[str]:
    """Provider ids the activities name, first mention first, without ``school``."""
    seen: dict[str, None] = {}
    for a in doc.activities:
        if a.provider != SCHOOL:
            seen.setdefault(a.provider)
    return list(seen)


def unknown_provider_problems(doc: ProgramDocument, known: Mapping[str, str]) -> list[Problem]:
    """Draft-time check: every named provider exists in this school (any status)."""
    return [
        _problem(f"activities.{i}.provider", "unknown_provider", "no such provider in this school")
        for i, a in enumerate(doc.activities)
        if a.provider != SCHOOL and a.provider not in known
    ]


def unknown_activity_problems(doc: ProgramDocument, existing: set[str]) -> list[Problem]:
    """An activity id in a draft must be one the server gave out: clients cannot mint ids."""
    return [
        _problem(f"activities.{i}.id", "unknown_activity", "not an activity of this draft; omit id for a new one")
        for i, a in enumerate(doc.activities)
        if a.id is not None and a.id not in existing
    ]


def publish_problems(doc: ProgramDocument, statuses: Mapping[str, str]) -> list[Problem]:
    """Everything that keeps a (valid) draft from being published, all at once.

    ``statuses`` maps provider id to its current status; a missing id is an unknown provider.
    """
    return [*_service_problems(doc), *_provider_problems(doc, statuses)]


def _service_problems(doc: ProgramDocument) -> Iterator[Problem]:
    if not doc.services:
        yield _problem("services", "no_services", "offer at least one service (care, lunch or nap)")


def _provider_problems(doc: ProgramDocument, statuses: Mapping[str, str]) -> Iterator[Problem]:
    for i, a in enumerate(doc.activities):
        if a.provider == SCHOOL:
            continue
        status = statuses.get(a.provider)
        if status != "approved":
            problem = _problem(f"activities.{i}.provider", "provider_not_approved", "the provider is not approved")
            yield {**problem, "provider_id": a.provider, "status": status or "unknown"}


def _problem(field: str, kind: str, message: str) -> Problem:
    return {"field": field, "message": message, "type": kind}
