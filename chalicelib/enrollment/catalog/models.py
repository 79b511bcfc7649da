"""PynamoDB items of the catalog, in the main table (DESIGN §3).

=================  ==========  ================================  ===============================================
item               pk          sk                                what
=================  ==========  ================================  ===============================================
Provider           T#<school>  PROVIDER#<provider id>            a 第三方机构 with its status history
ProgramDraft       T#<school>  PROGRAM#<term>#DRAFT              the editable program of a term (version locked)
ProgramVersion     T#<school>  PROGRAM#<term>#V#<000001>         an immutable published version (公示); one
                                                                 Query on the prefix lists a term's versions
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
from dataclasses import dataclass
from typing import Any

from pynamodb.attributes import ListAttribute, MapAttribute, NumberAttribute, UnicodeAttribute, VersionAttribute

from chalicelib.core.store import MainTableModel, table, tenant_pk

PROVIDER_PREFIX = "PROVIDER#"
LATEST_SK = "PROGRAM#LATEST"
VERSION_DIGITS = 6


HIDDEN_PHONE = "****"  # shown when no view of the phone was prepared: never the number itself


@dataclass(frozen=True)
class ContactView:
    """What one response may show of a provider's contact phone, prepared by the service.

    ``full`` is set only when the caller may see the number (the school_admin reading one provider);
    a listing prepares the mask alone, so no flag at rendering time can reveal it.
    """

    masked: str
    full: str | None = None


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
    # The contact's phone is personal data (PIPL): stored sealed under the school's KMS key
    # (core.vault), opened only to be shown, in full to the school_admin reading one provider.
    contact_phone_sealed = UnicodeAttribute(null=True)
    # Legacy: providers written before sealing kept the number in clear here. Read as a fallback
    # and dropped by the next write, which seals it (services.CatalogService._seal_legacy).
    contact_phone = UnicodeAttribute(null=True)
    status = UnicodeAttribute()  # pending | approved | suspended
    status_reason = UnicodeAttribute(null=True)
    history = ListAttribute(of=StatusChangeAttribute, default=list)
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    version = VersionAttribute()

    @staticmethod
    def key(school_id: str, provider_id: str) -> tuple[str, str]:
        return tenant_pk(school_id), PROVIDER_PREFIX + provider_id

    def show_contact(self, view: ContactView) -> None:
        """Attach what this response may show of the phone (not stored; see :class:`ContactView`)."""
        self._contact_view = view

    def as_json(self, *, reveal_contact: bool) -> dict[str, Any]:
        """The provider for staff; the phone in full only if ``reveal_contact`` and the service
        prepared the full number for this caller, else masked (``138****0000``)."""
        view: ContactView = getattr(self, "_contact_view", None) or ContactView(HIDDEN_PHONE)
        full = view.full if reveal_contact else None
        return {
            "id": self.provider_id,
            "school_id": self.tenant_id,
            "name": self.name,
            "licence_number": self.licence_number,
            "contact_name": self.contact_name,
            "contact_phone": full or view.masked,
            "contact_phone_masked": not full,
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
    # Kept beside the document so the list of versions need not parse every document; versions
    # published before it existed have none and are counted from their document.
    activity_count = NumberAttribute(null=True)

    @staticmethod
    def key(school_id: str, term_id: str, number: int) -> tuple[str, str]:
        return tenant_pk(school_id), f"{ProgramVersion.prefix(term_id)}{number:0{VERSION_DIGITS}d}"

    @staticmethod
    def prefix(term_id: str) -> str:
        """Sort-key prefix of a term's versions: one Query lists them in number order."""
        return f"PROGRAM#{term_id}#V#"

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

    def summary(self) -> dict[str, Any]:
        """One row of the list of published versions (staff only: ``published_by`` is an account)."""
        count = self.activity_count
        return {
            "version": int(self.number),
            "published_at": self.published_at,
            "published_by": self.published_by,
            "activity_count": int(count) if count is not None else len(self.content().get("activities", [])),
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
