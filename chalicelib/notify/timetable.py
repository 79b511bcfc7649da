"""``TimetablePublished`` (source ``kehou.timetable``) as guardian notices (pure: parsing and grouping).

The event names the classes whose days changed and the weekdays (ISO 1..5) per class; version 1
(``previous_version`` null) lists every class with every weekday, and its notice says the timetable
is published rather than changed. Like enrolment events it carries ids only, so a notice keeps ids
(term, children, classes) and weekday numbers; the texts say "your child" and the app links to
each child's week from the ids.

One notice per (event, guardian): a guardian with two children in changed classes gets one notice
naming both children (``params.children``), because the inbox's dedupe record is keyed by (event,
guardian) and one message per family is what a parent wants from one publication.

Example::

    event = parse(detail)  # BadEvent when malformed
    notices = notices_for(event, guardians_of_active(event.school_id, event.term_id, event.class_ids))
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from chalicelib.core.ids import is_id

from .events import OCCURRED_AT, SUB, BadEvent, NoticeEvent

SOURCE = "kehou.timetable"
PUBLISHED = "TimetablePublished"
CODE_PUBLISHED, CODE_CHANGED = "timetable_published", "timetable_changed"
WEEKDAYS = range(1, 6)  # ISO Monday..Friday: the after-school service's days
MAX_CLASSES = 500  # far above any school; a bigger list is not a timetable's change list


class Enrolment(Protocol):
    """What the fan-out needs of one active enrolment (``chalicelib.enrollment.recipients``)."""

    @property
    def guardian_sub(self) -> str: ...

    @property
    def student_id(self) -> str: ...

    @property
    def class_id(self) -> str: ...


@dataclass(frozen=True)
class TimetablePublished:
    event_id: str
    occurred_at: str
    school_id: str
    term_id: str
    version: int
    previous_version: int | None
    changes: Mapping[str, tuple[int, ...]]  # class id -> changed weekdays, ascending

    @property
    def first(self) -> bool:
        """Version 1: the term's timetable appears rather than changes."""
        return self.previous_version is None

    @property
    def code(self) -> str:
        return CODE_PUBLISHED if self.first else CODE_CHANGED

    @property
    def class_ids(self) -> list[str]:
        return list(self.changes)


def parse(detail: Mapping[str, Any]) -> TimetablePublished:
    """The event's ids, versions and changes; BadEvent when anything is malformed (logged, not retried)."""
    event_id, school_id = _str(detail, "event_id"), _str(detail, "school_id")
    term_id, occurred_at = _str(detail, "term_id"), _str(detail, "occurred_at")
    if not (is_id(event_id) and is_id(school_id) and is_id(term_id)):
        raise BadEvent("event_id, school_id and term_id must be ids")
    if detail.get("tenant_id") != school_id:
        raise BadEvent("tenant_id differs from school_id")
    if not OCCURRED_AT.match(occurred_at):
        raise BadEvent("occurred_at is not an ISO UTC timestamp")
    version, previous = _positive(detail.get("version")), _positive(detail.get("previous_version"))
    if version is None:
        raise BadEvent("version must be a positive integer")
    if detail.get("previous_version") is not None and not (previous is not None and previous < version):
        raise BadEvent("previous_version must be null or a version before this one")
    if previous is None and version != 1:
        raise BadEvent("only version 1 has no previous version")
    return TimetablePublished(event_id, occurred_at, school_id, term_id, version, previous, _changes(detail))


def _changes(detail: Mapping[str, Any]) -> dict[str, tuple[int, ...]]:
    changes = detail.get("changes")
    if not isinstance(changes, list) or len(changes) > MAX_CLASSES:
        raise BadEvent(f"changes must be a list of at most {MAX_CLASSES} classes")
    merged: dict[str, set[int]] = {}
    for change in changes:
        if not isinstance(change, dict) or not is_id(_str(change, "class_id")):
            raise BadEvent("every change needs a class_id")
        days = change.get("weekdays")
        if not isinstance(days, list) or not all(_int(d) and d in WEEKDAYS for d in days):
            raise BadEvent("weekdays must be a list of ISO weekdays 1..5")
        merged.setdefault(change["class_id"], set()).update(days)
    # A class listed with no weekday changed nothing anyone should hear about.
    return {class_id: tuple(sorted(days)) for class_id, days in merged.items() if days}


def notices_for(event: TimetablePublished, enrolments: Iterable[Enrolment]) -> list[NoticeEvent]:
    """One notice per guardian, naming each of their children in a changed class, by guardian sub."""
    children: dict[str, dict[str, dict[str, Any]]] = {}
    for e in enrolments:
        days = event.changes.get(e.class_id)
        if not days or not SUB.match(e.guardian_sub or ""):
            continue  # not a changed class, or no account to write an inbox for
        children.setdefault(e.guardian_sub, {})[e.student_id] = {
            "student_id": e.student_id,
            "class_id": e.class_id,
            "weekdays": list(days),
        }
    return [_notice(event, sub, list(mine.values())) for sub, mine in sorted(children.items())]


def _notice(event: TimetablePublished, guardian_sub: str, children: list[dict[str, Any]]) -> NoticeEvent:
    children.sort(key=lambda c: c["student_id"])
    params: dict[str, Any] = {
        "term_id": event.term_id,
        "version": event.version,
        "weekdays": sorted({d for c in children for d in c["weekdays"]}),
        "children": children,
    }
    if len(children) == 1:
        params["student_id"] = children[0]["student_id"]  # the common case links straight to the week
    return NoticeEvent(event.event_id, event.occurred_at, event.school_id, guardian_sub, PUBLISHED, event.code, params)


def _str(d: Mapping[str, Any], key: str) -> str:
    value = d.get(key)
    return value if isinstance(value, str) else ""


def _positive(value: Any) -> int | None:
    return value if _int(value) and value >= 1 else None


def _int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
