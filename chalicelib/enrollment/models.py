"""PynamoDB items of enrolment (报名), all in the main table and the school's partitions (DESIGN §3).

=================  ================================  ===================================  ==========================
item               pk                                sk                                   gsi1 (pk / sk)
=================  ================================  ===================================  ==========================
Consent            T#<school>                        CONSENT#<student>#<guardian sub>
ConsentChange      T#<school>                        CONSENT#<student>#<guardian sub>#H#<ulid>
Application        T#<school>                        APP#<application id>                 T#<school>#APPS#<status> /
                                                                                          <class id>#<application id>
Transition         T#<school>                        APP#<application id>#H#<ulid>
ApplicationClaim   T#<school>                        CLAIM#APP#<term>#<student>           (one open application)
StudentAppEntry    T#<school>#APPS#STUDENT#<child>   APP#<application id>
SeatCounter        T#<school>                        SEAT#<term>#<activity>               (a term's: one Query)
WaitEntry          T#<school>#WAIT#<term>#<activity> <rank>#<ulid>                        (候补: R4 rank, arrival)
AgreementTemplate  T#<school>                        AGREEMENT#<term>#V#<000001>
TemplatePointer    T#<school>                        AGREEMENT#<term>#CURRENT
SignedAgreement    T#<school>                        APP#<application id>#AGREEMENT       (协议书, immutable)
=================  ================================  ===================================  ==========================

No phone numbers are stored here, and the guardian is referred to by id. The exceptions to "ids
only" are the application's snapshot of the child's name and class name, and the 班主任's name on its
class review (see :class:`Application`).
"""

from __future__ import annotations

import json
from typing import Any

from pynamodb.attributes import Attribute, BooleanAttribute, NumberAttribute, UnicodeAttribute, VersionAttribute
from pynamodb.constants import STRING

from chalicelib.core.store import Gsi1, MainTableModel, table, tenant_pk

VERSION_DIGITS = 6


class JsonAttribute(Attribute[Any]):
    """A small JSON document stored as text (nobody queries inside it)."""

    attr_type = STRING

    def serialize(self, value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)

    def deserialize(self, value: str) -> Any:
        return json.loads(value)


@table("main")
class Consent(MainTableModel):
    """A guardian's separate consent to processing the child's data (PIPL 单独同意), current state."""

    student_id = UnicodeAttribute()
    guardian_sub = UnicodeAttribute()
    status = UnicodeAttribute()  # granted | withdrawn
    text_version = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    version = VersionAttribute()

    @staticmethod
    def key(school_id: str, student_id: str, guardian_sub: str) -> tuple[str, str]:
        return tenant_pk(school_id), f"CONSENT#{student_id}#{guardian_sub}"


@table("main")
class ConsentChange(MainTableModel):
    """One grant or withdrawal of consent, kept for ever (append-only)."""

    status = UnicodeAttribute()
    text_version = UnicodeAttribute()
    at = UnicodeAttribute()
    ip = UnicodeAttribute(null=True)

    def as_json(self) -> dict[str, Any]:
        return {"status": self.status, "text_version": self.text_version, "at": self.at}


@table("main")
class Application(MainTableModel):
    """A guardian's application (家长申请) for one child and one term, through 班级审核 and 校长审定."""

    application_id = UnicodeAttribute()
    student_id = UnicodeAttribute()
    class_id = UnicodeAttribute()
    # A snapshot of the roster's names, taken when the guardian creates or edits the application.
    # The review queues list many applications; reading the roster for each (or a class listing,
    # an access-logged read that also returns guardians' phones) just to show a name costs a read
    # per child and exposes more than a queue needs. A rename after the last edit shows the old
    # name here; the roster stays the source of truth (the 协议书 is rendered from it). Null on
    # applications written before the snapshot existed.
    student_name = UnicodeAttribute(null=True)
    class_name = UnicodeAttribute(null=True)
    term_id = UnicodeAttribute()
    guardian_sub = UnicodeAttribute()
    status = UnicodeAttribute()
    care_reason = JsonAttribute()  # R4: who picks the child up and when, why the service is needed
    services = JsonAttribute()  # ["care", "nap"]
    lunch = BooleanAttribute()
    activities = JsonAttribute()  # [{"activity_id", "state": requested|seated|waitlisted|dropped, "wait_sk"?}]
    status_reason = UnicodeAttribute(null=True)
    # The 班主任's latest 班级审核 decision, written in the class review's own transaction:
    # {"decision": approve|return|reject, "by": sub, "by_name": the class's 班主任 name or null,
    # "at": ISO time, "reason"?: text}. The principal's queue shows it without reading each
    # application's history. Null on applications reviewed before it existed (the history has it).
    class_review = JsonAttribute(null=True)
    effective_on = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    version = VersionAttribute()
    gsi1pk = UnicodeAttribute()
    gsi1sk = UnicodeAttribute()
    by_status = Gsi1()

    @staticmethod
    def key(school_id: str, application_id: str) -> tuple[str, str]:
        return tenant_pk(school_id), f"APP#{application_id}"

    @staticmethod
    def status_partition(school_id: str, status: str) -> str:
        return tenant_pk(school_id, "APPS", status)

    def file_under(self, status: str) -> None:
        """Set the status and the queue (gsi1) the application is listed in."""
        self.status = status
        self.gsi1pk = Application.status_partition(self.tenant_id, status)
        self.gsi1sk = f"{self.class_id}#{self.application_id}"


@table("main")
class Transition(MainTableModel):
    """One step of an application's history: who, when, from, to, why (append-only)."""

    actor_sub = UnicodeAttribute()
    actor_role = UnicodeAttribute()
    at = UnicodeAttribute()
    from_status = UnicodeAttribute()
    to_status = UnicodeAttribute()
    action = UnicodeAttribute()
    reason = UnicodeAttribute(null=True)
    activity_id = UnicodeAttribute(null=True)

    def as_json(self) -> dict[str, Any]:
        return {
            "at": self.at,
            "by": self.actor_sub,
            "role": self.actor_role,
            "action": self.action,
            "from": self.from_status,
            "to": self.to_status,
            "reason": self.reason,
            "activity_id": self.activity_id,
        }


@table("main")
class ApplicationClaim(MainTableModel):
    """At most one open application per child and term."""

    application_id = UnicodeAttribute()

    @staticmethod
    def key(school_id: str, term_id: str, student_id: str) -> tuple[str, str]:
        return tenant_pk(school_id), f"CLAIM#APP#{term_id}#{student_id}"


@table("main")
class StudentAppEntry(MainTableModel):
    """ "This child has this application": lists a child's applications for its guardians."""

    application_id = UnicodeAttribute()

    @staticmethod
    def key(school_id: str, student_id: str, application_id: str) -> tuple[str, str]:
        return tenant_pk(school_id, "APPS", "STUDENT", student_id), f"APP#{application_id}"


@table("main")
class SeatCounter(MainTableModel):
    """Places taken in one activity of a term, and how many children wait for one (候补).

    ``taken < capacity`` is checked in every transaction that takes a place. ``waiting`` changes in
    the same transaction as every waiting-list entry written or removed, so a term's places are one
    Query on the ``SEAT#<term>#`` prefix. Counters written before ``waiting`` existed lack it (null):
    whoever reads one counts the list instead, and the next change stores that count.
    """

    taken = NumberAttribute(null=True)
    capacity = NumberAttribute(null=True)
    waiting = NumberAttribute(null=True)

    @staticmethod
    def key(school_id: str, term_id: str, activity_id: str) -> tuple[str, str]:
        return tenant_pk(school_id), f"{SeatCounter.term_prefix(term_id)}{activity_id}"

    @staticmethod
    def term_prefix(term_id: str) -> str:
        return f"SEAT#{term_id}#"


@table("main")
class WaitEntry(MainTableModel):
    """A place on an activity's waiting list (候补).

    The sort key ``<rank>#<ulid>`` is the list's order: the R4 rank of the application's situation
    (:mod:`chalicelib.enrollment.priority`, 1 first), then the arrival time the ULID carries. A Query
    reads the list in order, and "entries up to mine" is the visible position. Entries written
    before ranks existed have a bare ULID key, which sorts before every ranked key: children already
    waiting keep their place when the rule arrives.
    """

    application_id = UnicodeAttribute()
    at = UnicodeAttribute()
    situation = UnicodeAttribute(null=True)  # null on entries written before R4 ranks
    priority = NumberAttribute(null=True)

    @staticmethod
    def partition(school_id: str, term_id: str, activity_id: str) -> str:
        return tenant_pk(school_id, "WAIT", term_id, activity_id)


@table("main")
class AgreementTemplate(MainTableModel):
    """One version of a term's 协议书 template, with {{placeholders}}; never changed once written."""

    term_id = UnicodeAttribute()
    number = NumberAttribute()
    text = UnicodeAttribute()
    created_at = UnicodeAttribute()
    created_by = UnicodeAttribute()

    @staticmethod
    def key(school_id: str, term_id: str, number: int) -> tuple[str, str]:
        return tenant_pk(school_id), f"AGREEMENT#{term_id}#V#{number:0{VERSION_DIGITS}d}"


@table("main")
class TemplatePointer(MainTableModel):
    number = NumberAttribute()
    version = VersionAttribute()

    @staticmethod
    def key(school_id: str, term_id: str) -> tuple[str, str]:
        return tenant_pk(school_id), f"AGREEMENT#{term_id}#CURRENT"


@table("main")
class SignedAgreement(MainTableModel):
    """The 协议书 exactly as the guardian signed it, with its SHA-256; written once."""

    application_id = UnicodeAttribute()
    template_version = NumberAttribute()
    text = UnicodeAttribute()
    sha256 = UnicodeAttribute()
    signer_sub = UnicodeAttribute()
    signed_at = UnicodeAttribute()
    ip = UnicodeAttribute()
    user_agent = UnicodeAttribute()

    @staticmethod
    def key(school_id: str, application_id: str) -> tuple[str, str]:
        return tenant_pk(school_id), f"APP#{application_id}#AGREEMENT"

    def as_json(self) -> dict[str, Any]:
        return {
            "application_id": self.application_id,
            "template_version": int(self.template_version),
            "text": self.text,
            "sha256": self.sha256,
            "signed_by": self.signer_sub,
            "signed_at": self.signed_at,
            "ip": self.ip,
            "user_agent": self.user_agent,
        }
