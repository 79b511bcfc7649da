"""PynamoDB items of the catalog, in the main table (DESIGN §3).

=================  ==========  ================================  ===============================================
item               pk          sk                                what
=================  ==========  ================================  ===============================================
Provider           T#<school>  PROVIDER#<provider id>            a 第三方机构 with its status history
ProgramDraft       T#<school>  PROGRAM#<term>#DRAFT              the editable program of a term (version locked)
ProgramVersion     T#<school>  PROGRAM#<term>#V#<000001>         an immutable published version (公示)
PublishedPointer   T#<school>  PROGRAM#<term>#PUBLISHED          the term's latest published version number
PublishedPointer   T#<school>  PROGRAM#LATEST                    the school's default public program (see below)
=================  ==========  ================================  ===============================================

The pointers make the public page two reads and no Scan: one BatchGetItem for the school and the
pointer, one GetItem for the version. ``PROGRAM#LATEST`` names the published term that starts
last (a school publishes next term's program while this one still runs, and parents want that one);
``?term_id=`` reaches any other published term.
"""

from __future__ import annotations

import json
from typing import Any

from pynamodb.attributes import ListAttribute, MapAttribute, NumberAttribute, UnicodeAttribute, VersionAttribute

from chalicelib.core.store import MainTableModel, table, tenant_pk

PROVIDER_PREFIX = "PROVIDER#"
LATEST_SK = "PROGRAM#LATEST"
VERSION_DIGITS = 6


def mask_phone(phone: str) -> str:
    """``13800000000`` -> ``138****0000``: enough for staff to recognise a number, not to call it."""
    digits = phone.replace("-", "")
    if len(digits) <= 7:
        return "*" * len(digits)
    return f"{digits[:3]}****{digits[-4:]}"


class StatusChangeAttribute(MapAttribute[str, Any]):
    from_status = UnicodeAttribute()
    to_status = UnicodeAttribute()
    reason = UnicodeAttribute()
    by = UnicodeAttribute()  # the acting principal's subject, for the audit trail
    at = UnicodeAttribute()


@table("main")
class Provider(MainTableModel):
    """A third-party provider (第三方社会机构): ``pending`` until the school_admin approves it."""

    provider_id = UnicodeAttribute()
    name = UnicodeAttribute()
    licence_number = UnicodeAttribute()
    contact_name = UnicodeAttribute()
    contact_phone = UnicodeAttribute()  # personal data: shown in full to school_admin only
    status = UnicodeAttribute()  # pending | approved | suspended
    status_reason = UnicodeAttribute(null=True)
    history = ListAttribute(of=StatusChangeAttribute, default=list)
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    version = VersionAttribute()

    @staticmethod
    def key(school_id: str, provider_id: str) -> tuple[str, str]:
        return tenant_pk(school_id), PROVIDER_PREFIX + provider_id

    def as_json(self, *, reveal_contact: bool) -> dict[str, Any]:
        return {
            "id": self.provider_id,
            "school_id": self.tenant_id,
            "name": self.name,
            "licence_number": self.licence_number,
            "contact_name": self.contact_name,
            "contact_phone": self.contact_phone if reveal_contact else mask_phone(self.contact_phone),
            "status": self.status,
            "status_reason": self.status_reason,
            "history": [
                {"from_status": h.from_status, "to_status": h.to_status, "reason": h.reason, "by": h.by, "at": h.at}
                for h in self.history
            ],
            "version": self.version,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
        }

    def summary(self) -> dict[str, str]:
        """What the public may know about a provider: name and licence, never the contact."""
        return {"id": self.provider_id, "name": self.name, "licence_number": self.licence_number}


@table("main")
class ProgramDraft(MainTableModel):
    term_id = UnicodeAttribute()
    document = UnicodeAttribute()  # JSON of schemas.ProgramDocument, activities with ids
    updated_at = UnicodeAttribute()
    updated_by = UnicodeAttribute()
    version = VersionAttribute()

    @staticmethod
    def key(school_id: str, term_id: str) -> tuple[str, str]:
        return tenant_pk(school_id), f"PROGRAM#{term_id}#DRAFT"

    def content(self) -> dict[str, Any]:
        loaded: dict[str, Any] = json.loads(self.document)
        return loaded


@table("main")
class ProgramVersion(MainTableModel):
    """One published version of a term's program; written once, never changed (公示 is a record)."""

    term_id = UnicodeAttribute()
    number = NumberAttribute()
    document = UnicodeAttribute()  # JSON: the draft's content plus term, currency and provider snapshots
    draft_version = NumberAttribute()  # which draft version was published
    published_at = UnicodeAttribute()
    published_by = UnicodeAttribute()

    @staticmethod
    def key(school_id: str, term_id: str, number: int) -> tuple[str, str]:
        return tenant_pk(school_id), f"PROGRAM#{term_id}#V#{number:0{VERSION_DIGITS}d}"

    def content(self) -> dict[str, Any]:
        loaded: dict[str, Any] = json.loads(self.document)
        return loaded

    def as_json(self) -> dict[str, Any]:
        return {
            **self.content(),
            "term_id": self.term_id,
            "version": int(self.number),
            "published_at": self.published_at,
        }


@table("main")
class PublishedPointer(MainTableModel):
    term_id = UnicodeAttribute()
    number = NumberAttribute()
    draft_version = NumberAttribute()
    term_starts_on = UnicodeAttribute()
    published_at = UnicodeAttribute()

    @staticmethod
    def term_key(school_id: str, term_id: str) -> tuple[str, str]:
        return tenant_pk(school_id), f"PROGRAM#{term_id}#PUBLISHED"

    @staticmethod
    def latest_key(school_id: str) -> tuple[str, str]:
        return tenant_pk(school_id), LATEST_SK
