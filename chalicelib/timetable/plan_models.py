"""PynamoDB items of a term's timetable: generation jobs, the draft a principal edits, the published
versions, all in the school's partition of the main table (DESIGN §3).

=================  ==========  ====================================  =============================================
item               pk          sk                                    what
=================  ==========  ====================================  =============================================
GenerationJob      T#<school>  TTPLAN#<term>#GEN#<generation id>     one asynchronous generation: status, progress
GenerationLock     T#<school>  TTPLAN#<term>#RUNNING                 at most one generation per term at a time
Draft              T#<school>  TTPLAN#<term>#DRAFT                   the week being prepared (version locked)
Publication        T#<school>  TTPLAN#<term>#PUB#<version, 6 digits> a frozen version: cells and the inputs then
VersionSummary     T#<school>  TTPLAN#<term>#VER#<version, 6 digits> who published it when, what changed (no cells)
=================  ==========  ====================================  =============================================

The prefix is ``TTPLAN#``, not ``TIMETABLE#``: the assembler reads the whole ``TIMETABLE#`` range in
one Query and must not drag weeks of cells along. The latest publication is one Query (descending,
limit 1) on ``TTPLAN#<term>#PUB#``; a publication is written once (must not exist) and never changed.
Cells and inputs are packed (:mod:`.snapshot`); names of adults stay in items, never in events.
"""

from __future__ import annotations

import json
from typing import Any, TypeVar

from pynamodb.attributes import BinaryAttribute, NumberAttribute, UnicodeAttribute, VersionAttribute

from chalicelib.core.ids import is_id
from chalicelib.core.store import MainTableModel, table, tenant_pk

from . import snapshot
from .timetable import Timetable

PREFIX = "TTPLAN#"
LEASE_SECONDS = 20 * 60  # a generation takes seconds; past this its worker is taken for dead


def term_prefix(term_id: str) -> str:
    return f"{PREFIX}{term_id}#"


class PackedAttribute(BinaryAttribute):
    """A JSON document, zlib-compressed (:func:`.snapshot.pack`); stored as DynamoDB binary."""

    def __init__(self, **kwargs: Any):
        super().__init__(legacy_encoding=False, **kwargs)


@table("main")
class GenerationJob(MainTableModel):
    """One run of the generator for a term. ``status`` queued → running → succeeded | failed; ``phase``
    and ``progress`` say where a running one is, for the page's progress bar."""

    generation_id = UnicodeAttribute()
    term_id = UnicodeAttribute()
    status = UnicodeAttribute()
    phase = UnicodeAttribute()
    progress = NumberAttribute()
    requested_by = UnicodeAttribute()
    requested_at = UnicodeAttribute()
    lease_until = UnicodeAttribute()  # ISO UTC; a queued/running generation past it has died
    started_at = UnicodeAttribute(null=True)
    finished_at = UnicodeAttribute(null=True)
    attempts = NumberAttribute(default=0)
    draft_version = NumberAttribute(null=True)
    figures = UnicodeAttribute(null=True)  # JSON of generator.Figures
    failure = UnicodeAttribute(null=True)  # JSON {code, problems: [Violation.as_json()]}

    @staticmethod
    def key(school_id: str, term_id: str, generation_id: str) -> tuple[str, str]:
        return tenant_pk(school_id), f"{term_prefix(term_id)}GEN#{generation_id}"

    @property
    def finished(self) -> bool:
        return self.status in ("succeeded", "failed")

    def failure_json(self) -> dict[str, Any] | None:
        return None if self.failure is None else dict(json.loads(self.failure))


@table("main")
class GenerationLock(MainTableModel):
    """Held by the term's queued or running generation; released when it finishes, or taken over once
    ``lease_until`` has passed (a worker that died)."""

    generation_id = UnicodeAttribute()
    lease_until = UnicodeAttribute()

    @staticmethod
    def key(school_id: str, term_id: str) -> tuple[str, str]:
        return tenant_pk(school_id), f"{term_prefix(term_id)}RUNNING"


@table("main")
class Draft(MainTableModel):
    """The term's week in preparation: what the last generation produced, with the principal's edits."""

    term_id = UnicodeAttribute()
    cells = PackedAttribute()  # snapshot.pack(Timetable.as_json())
    based_on_generation_id = UnicodeAttribute(null=True)
    edits = NumberAttribute(default=0)  # hand edits since the generation
    updated_at = UnicodeAttribute()
    updated_by = UnicodeAttribute()
    version = VersionAttribute()

    @staticmethod
    def key(school_id: str, term_id: str) -> tuple[str, str]:
        return tenant_pk(school_id), f"{term_prefix(term_id)}DRAFT"

    def timetable(self) -> Timetable:
        return Timetable.from_json(snapshot.unpack(self.cells))


@table("main")
class Publication(MainTableModel):
    """A published, frozen version: its cells, the inputs they were checked against, and which classes'
    days changed since the previous version."""

    term_id = UnicodeAttribute()
    number = NumberAttribute()
    cells = PackedAttribute()
    inputs = PackedAttribute()  # snapshot.pack(snapshot.inputs_to_json(...))
    changes = UnicodeAttribute()  # JSON {class_id: [weekday, ...]}
    draft_version = NumberAttribute()
    published_at = UnicodeAttribute()
    published_by = UnicodeAttribute()

    @staticmethod
    def key(school_id: str, term_id: str, number: int) -> tuple[str, str]:
        return tenant_pk(school_id), f"{publication_prefix(term_id)}{number:06d}"

    def timetable(self) -> Timetable:
        return Timetable.from_json(snapshot.unpack(self.cells))

    def changes_json(self) -> dict[str, list[int]]:
        return _changes(self.changes)


@table("main")
class VersionSummary(MainTableModel):
    """A publication without its cells and inputs, written with it: the version list reads these
    (a few hundred bytes each) instead of every frozen week."""

    term_id = UnicodeAttribute()
    number = NumberAttribute()
    changes = UnicodeAttribute()
    draft_version = NumberAttribute()
    published_at = UnicodeAttribute()
    published_by = UnicodeAttribute()

    @staticmethod
    def key(school_id: str, term_id: str, number: int) -> tuple[str, str]:
        return tenant_pk(school_id), f"{summary_prefix(term_id)}{number:06d}"

    @classmethod
    def of(cls, pub: Publication) -> VersionSummary:
        return cls(
            *cls.key(pub.tenant_id, pub.term_id, int(pub.number)),
            tenant_id=pub.tenant_id,
            kind="VersionSummary",
            term_id=pub.term_id,
            number=pub.number,
            changes=pub.changes,
            draft_version=pub.draft_version,
            published_at=pub.published_at,
            published_by=pub.published_by,
        )

    def changes_json(self) -> dict[str, list[int]]:
        return _changes(self.changes)


def summary_prefix(term_id: str) -> str:
    return f"{term_prefix(term_id)}VER#"


def publication_prefix(term_id: str) -> str:
    return f"{term_prefix(term_id)}PUB#"


def latest_publication(school_id: str, term_id: str) -> Publication | None:
    """The newest version."""
    return _newest(Publication, school_id, publication_prefix(term_id))


def latest_job(school_id: str, term_id: str) -> GenerationJob | None:
    """The term's newest generation (its ids are time-ordered)."""
    return _newest(GenerationJob, school_id, f"{term_prefix(term_id)}GEN#")


def load_draft(school_id: str, term_id: str) -> Draft | None:
    if not is_id(term_id):
        return None
    try:
        return Draft.get(*Draft.key(school_id, term_id), consistent_read=True)
    except Draft.DoesNotExist:
        return None


M = TypeVar("M", bound=MainTableModel)


def _newest(model: type[M], school_id: str, prefix: str) -> M | None:
    """The last item under ``prefix`` in the school's partition: one Query, descending, one item."""
    found = model.query(
        tenant_pk(school_id), model.sk.startswith(prefix), scan_index_forward=False, limit=1, consistent_read=True
    )
    return next(iter(found), None)


def _changes(raw: str) -> dict[str, list[int]]:
    """A publication's changed weekdays per class, as stored (JSON)."""
    return {k: [int(d) for d in v] for k, v in json.loads(raw).items()}
