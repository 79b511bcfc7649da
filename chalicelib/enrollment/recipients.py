"""Who follows a class's after-school timetable: the term's active enrolments (协议书 signed) in some classes.

Read-only and without a principal: system consumers (the notify context's fan-out of
``TimetablePublished``) call it on the function's own credentials, as they read everything else.

Access path: the applications' status queue (gsi1, ``T#<school>#APPS#active`` / ``<class id>#<application
id>``), one Query per class on the ``<class id>#`` prefix, paged by PynamoDB (a further call per 1 MB).
The queue is not keyed by term, so the term is a filter: an active application of an earlier term in
the same class is read (and paid for) but not returned. Class ids are fixed-length ULIDs, so one class's
prefix never matches another class.

Example::

    for e in guardians_of_active(school_id, term_id, ["01J...A", "01J...B"]):
        print(e.guardian_sub, e.student_id, e.class_id)
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from chalicelib.core.ids import is_id

from . import states
from .models import Application

# Only what a recipient needs: the rest of an application (care reason, activities) stays unread.
ATTRIBUTES = ["application_id", "student_id", "class_id", "guardian_sub", "term_id", "status"]


class ActiveEnrolment(NamedTuple):
    """One child enrolled (active) in a class for the term, and the guardian who applied (and signed)."""

    guardian_sub: str
    student_id: str
    class_id: str
    application_id: str


def guardians_of_active(school_id: str, term_id: str, class_ids: Iterable[str]) -> list[ActiveEnrolment]:
    """The active enrolments of ``term_id`` whose application's class is one of ``class_ids``.

    The guardian is the application's ``guardian_sub``: the one who applied and signed the 协议书,
    the only guardian of the child the enrolment model knows by account (the roster knows the
    others by phone only). At most one per child, since a child has one open application per term.
    """
    partition = Application.status_partition(school_id, states.ACTIVE)
    found: list[ActiveEnrolment] = []
    for class_id in dict.fromkeys(class_ids):  # a class named twice is read once
        if not is_id(class_id):
            continue  # never a key prefix built from a malformed id
        items = Application.by_status.query(
            partition,
            Application.gsi1sk.startswith(f"{class_id}#"),
            filter_condition=Application.term_id == term_id,
            attributes_to_get=ATTRIBUTES,
        )
        # The index is eventually consistent: re-check status and class on what it returns.
        found += [
            ActiveEnrolment(a.guardian_sub, a.student_id, a.class_id, a.application_id)
            for a in items
            if a.status == states.ACTIVE and a.class_id == class_id
        ]
    return found
