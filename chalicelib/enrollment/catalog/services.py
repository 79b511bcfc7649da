"""Use cases of the catalog: register and approve providers, edit a term's program, publish it (公示).

Authorization first, on the school from the token (``core.authz``): another school's caller gets
404, a member whose role cannot act gets 403. The school_admin writes; all staff read providers and
drafts; guardians read published versions; anyone reads the public program (:mod:`.public`).

Every state change that others must hear of is one transaction with its outbox event
(``ProviderRegistered``, ``ProviderApproved``, ``ProviderSuspended``, ``ProgramPublished``; source
``kehou.enrollment``; ids and statuses only, never names or phone numbers).

A provider's contact phone is personal data (PIPL): it is sealed with the school's KMS key before
it is stored (like the roster's guardian phones), opened only to be shown, masked (``138****0000``)
in listings and to staff other than the school_admin, in full only in the school_admin's reads of
one provider, and never in the public notice (公示 shows a provider's name and licence only).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from pynamodb.connection import Connection
from pynamodb.exceptions import PutError, TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.core import authz, idempotency, outbox, phone
from chalicelib.core.clock import Clock, iso
from chalicelib.core.errors import Conflict, NotFound, ValidationFailed, VersionConflict
from chalicelib.core.identity import Principal, Role
from chalicelib.core.ids import is_id, new_id
from chalicelib.core.pagination import DEFAULT_LIMIT, Page, query_page
from chalicelib.core.store import tenant_pk
from chalicelib.core.versioning import expected_version

from . import rules, schemas
from .models import (
    HIDDEN_PHONE,
    PROVIDER_PREFIX,
    ContactView,
    ProgramDraft,
    ProgramVersion,
    Provider,
    PublishedPointer,
    StatusChangeAttribute,
)
from .public import PublicProgram, read_public

if TYPE_CHECKING:
    from chalicelib.core.vault import PersonalDataVault
    from chalicelib.roster.calendar.services import CalendarService
    from chalicelib.tenants.services import TenantsService

SOURCE = "kehou.enrollment"
EMPTY_DOCUMENT: dict[str, Any] = {"services": [], "activities": [], "safety_measures": ""}
STATUS_EVENTS = {"approved": "ProviderApproved", "suspended": "ProviderSuspended"}
LOST_RACE = frozenset({"ConditionalCheckFailed", "TransactionConflict"})


class CatalogService:
    def __init__(
        self,
        connection: Callable[[], Connection],
        clock: Clock,
        after_commit: Callable[[], None],
        calendar: CalendarService,
        tenants: TenantsService,
        vault: PersonalDataVault,
        ids: Callable[[], str] = new_id,
    ):
        self._conn = connection  # asked per transaction: credentials may be scoped per request
        self._clock = clock
        self._after_commit = after_commit
        self._calendar = calendar
        self._tenants = tenants
        self._vault = vault
        self._ids = ids

    # -- providers (第三方机构) ----------------------------------------------------------------

    def register_provider(self, p: Principal, school_id: str, cmd: schemas.ProviderCreate) -> Provider:
        """Register a provider (``pending``); see :meth:`register_provider_with_key`."""
        return self.register_provider_with_key(p, school_id, cmd, None)[0]

    def register_provider_with_key(
        self, p: Principal, school_id: str, cmd: schemas.ProviderCreate, idempotency_key: str | None
    ) -> tuple[Provider, bool]:
        """Register a provider (``pending``); ``(provider, created)``.

        With an ``Idempotency-Key``, a retry with the same body returns the provider the first
        request created (``created`` False) and a different body is refused (422); the key is
        claimed in the provider's own transaction, so two racing retries still make one provider.
        """
        authz.require_school_admin(p, school_id)
        req = self._idempotent(school_id, "register_provider", idempotency_key, cmd)
        previous = idempotency.find_previous(req) if req else None
        if previous:
            return self._replayed_provider(school_id, previous), False
        provider_id, clock_now = self._ids(), self._clock.now()
        now = iso(clock_now)
        provider = Provider(
            *Provider.key(school_id, provider_id),
            tenant_id=school_id,
            kind="Provider",
            provider_id=provider_id,
            status="pending",
            created_at=now,
            updated_at=now,
            contact_phone_sealed=self._vault.seal(school_id, cmd.contact_phone),
            **cmd.model_dump(exclude={"contact_phone"}),
        )
        try:
            with self._tx() as tx:
                tx.save(provider, condition=Provider.sk.does_not_exist())
                self._record(tx, school_id, "ProviderRegistered", {"provider_id": provider_id, "status": "pending"})
                if req:
                    idempotency.remember(tx, req, provider_id, clock_now)
        except TransactWriteError as exc:
            again = idempotency.find_previous(req) if req and _lost_race(exc) else None
            if again:  # a concurrent request with the same key won the race: answer as a replay
                return self._replayed_provider(school_id, again), False
            raise
        self._after_commit()
        return self._shown(provider, full=True), True

    def list_providers(
        self, p: Principal, school_id: str, limit: int = DEFAULT_LIMIT, cursor: str | None = None
    ) -> Page[Provider]:
        """A page of providers; contact phones masked for everyone, the school_admin too (a list is
        for finding a provider; the full number is one deliberate read away)."""
        authz.require_staff(p, school_id)
        condition = Provider.sk.startswith(PROVIDER_PREFIX)
        page = query_page(Provider.query, tenant_pk(school_id), condition, limit=limit, cursor=cursor)
        for provider in page.items:
            self._shown(provider, full=False)
        return page

    def get_provider(self, p: Principal, school_id: str, provider_id: str) -> Provider:
        """One provider; the contact phone in full for the school_admin, masked for other staff."""
        authz.require_staff(p, school_id)
        return self._shown(_load_provider(school_id, provider_id), full=can_see_contact(p))

    def update_provider(
        self, p: Principal, school_id: str, provider_id: str, cmd: schemas.ProviderUpdate, if_match: str | None
    ) -> Provider:
        authz.require_school_admin(p, school_id)
        provider = _load_provider(school_id, provider_id)
        expected = expected_version(if_match, cmd.version)
        if expected != provider.version:
            raise VersionConflict({"current_version": provider.version})
        for name, value in cmd.model_dump(exclude_unset=True, exclude={"version", "contact_phone"}).items():
            if value is not None:
                setattr(provider, name, value)
        if cmd.contact_phone is not None:
            provider.contact_phone_sealed, provider.contact_phone = self._vault.seal(school_id, cmd.contact_phone), None
        self._seal_legacy(provider)
        provider.updated_at = iso(self._clock.now())
        try:
            provider.save()  # PynamoDB adds the version condition; no event: contact details stay here
        except PutError as exc:
            if exc.cause_response_code == "ConditionalCheckFailedException":
                raise VersionConflict() from exc
            raise
        return self._shown(provider, full=True)

    def change_provider_status(
        self, p: Principal, school_id: str, provider_id: str, cmd: schemas.ProviderStatusChange
    ) -> Provider:
        """pending -> approved <-> suspended, with the reason kept in the provider's history."""
        authz.require_school_admin(p, school_id)
        provider = _load_provider(school_id, provider_id)
        if not rules.can_transition(provider.status, cmd.status):
            raise Conflict({"from": provider.status, "to": cmd.status}, code="invalid_status_transition")
        now = iso(self._clock.now())
        change = StatusChangeAttribute(
            from_status=provider.status, to_status=cmd.status, reason=cmd.reason, by=p.sub, at=now
        )
        provider.history = [*provider.history, change]
        provider.status, provider.status_reason, provider.updated_at = cmd.status, cmd.reason, now
        self._seal_legacy(provider)
        detail = {"provider_id": provider_id, "status": cmd.status}
        try:
            with self._tx() as tx:
                tx.save(provider)  # version condition: a concurrent change makes this one fail
                self._record(tx, school_id, STATUS_EVENTS[cmd.status], detail)
        except TransactWriteError as exc:
            if _lost_race(exc):
                raise VersionConflict() from exc
            raise
        self._after_commit()
        return self._shown(provider, full=True)

    # -- the program of a term ------------------------------------------------------------------

    def get_draft(self, p: Principal, school_id: str, term_id: str) -> dict[str, Any]:
        authz.require_staff(p, school_id)
        school = self._tenants.get_school(p, school_id)
        self._calendar.require_term(school_id, term_id)
        draft = _load_draft(school_id, term_id)
        pointer = _load_pointer(*PublishedPointer.term_key(school_id, term_id))
        return _draft_json(term_id, draft, school.currency, pointer)

    def save_draft(
        self, p: Principal, school_id: str, term_id: str, cmd: schemas.ProgramDraftWrite, if_match: str | None
    ) -> dict[str, Any]:
        """Replace the draft (services, activities, safety measures) as one document.

        New activities get ids; an activity keeps its id across edits when the client sends it
        back. Provider ids must name providers of this school (approval is checked at publishing).
        """
        authz.require_school_admin(p, school_id)
        school = self._tenants.get_school(p, school_id)
        expected = expected_version(if_match, cmd.version)
        self._calendar.require_term(school_id, term_id)
        draft = _load_draft(school_id, term_id)
        if expected != (draft.version if draft else 0):
            raise VersionConflict({"current_version": draft.version if draft else 0})
        existing = {a["id"] for a in (draft.content() if draft else EMPTY_DOCUMENT)["activities"]}
        known = {pid: pr.status for pid, pr in _load_providers(school_id, rules.referenced_providers(cmd)).items()}
        problems = rules.unknown_activity_problems(cmd, existing) + rules.unknown_provider_problems(cmd, known)
        if problems:
            raise ValidationFailed(problems)
        document = cmd.model_dump(mode="json", exclude={"version"})
        for activity in document["activities"]:
            activity["id"] = activity["id"] or self._ids()
        if draft is None:
            draft = ProgramDraft(
                *ProgramDraft.key(school_id, term_id), tenant_id=school_id, kind="ProgramDraft", term_id=term_id
            )
        draft.document = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
        draft.updated_at, draft.updated_by = iso(self._clock.now()), p.sub
        try:
            draft.save()  # version condition (attribute_not_exists for the first save)
        except PutError as exc:
            if exc.cause_response_code == "ConditionalCheckFailedException":
                raise VersionConflict() from exc
            raise
        pointer = _load_pointer(*PublishedPointer.term_key(school_id, term_id))
        return _draft_json(term_id, draft, school.currency, pointer)

    def publish(self, p: Principal, school_id: str, term_id: str) -> tuple[ProgramVersion, bool]:
        """Freeze the draft as the next published version; ``(version, created)``.

        Publishing a draft that is already the latest published version returns that version
        (``created`` False) instead of a copy, so a retried request is harmless.
        """
        authz.require_school_admin(p, school_id)
        school = self._tenants.get_school(p, school_id)
        term = self._calendar.require_term(school_id, term_id)
        draft = _load_draft(school_id, term_id)
        pointer = _load_pointer(*PublishedPointer.term_key(school_id, term_id))
        if draft is not None and pointer is not None and int(pointer.draft_version) == draft.version:
            return _load_version(school_id, term_id, int(pointer.number)), False
        doc, problems = rules.parse_document(draft.content() if draft else EMPTY_DOCUMENT)
        providers: dict[str, Provider] = {}
        if doc is not None:
            providers = _load_providers(school_id, rules.referenced_providers(doc))
            problems = rules.publish_problems(doc, {pid: pr.status for pid, pr in providers.items()})
        if problems or doc is None or draft is None:
            raise Conflict(problems, code="program_not_publishable")
        number = int(pointer.number) + 1 if pointer else 1
        content = {
            **doc.model_dump(mode="json"),
            "term": {"id": term.term_id, "name": term.name, "starts_on": term.starts_on, "ends_on": term.ends_on},
            "currency": school.currency,
            "providers": [pr.summary() for pr in providers.values()],
        }
        version = ProgramVersion(
            *ProgramVersion.key(school_id, term_id, number),
            tenant_id=school_id,
            kind="ProgramVersion",
            term_id=term_id,
            number=number,
            document=json.dumps(content, ensure_ascii=False, separators=(",", ":")),
            draft_version=draft.version,
            published_at=iso(self._clock.now()),
            published_by=p.sub,
            activity_count=len(doc.activities),
        )
        detail = {"term_id": term_id, "version": number, "activities": len(doc.activities)}
        self._commit_publication(version, draft, pointer, term.starts_on, detail)
        return version, True

    def get_version(self, p: Principal, school_id: str, term_id: str, number: str) -> ProgramVersion:
        """A published version: any member of the school, guardians included, may read it."""
        authz.require_member(p, school_id)
        if not (number.isdigit() and 0 < int(number) < 10**6):
            raise NotFound()
        return _load_version(school_id, term_id, int(number))

    def list_versions(
        self, p: Principal, school_id: str, term_id: str, limit: int = DEFAULT_LIMIT, cursor: str | None = None
    ) -> Page[ProgramVersion]:
        """The term's published versions, newest first, for staff: one Query on the versions' prefix.

        An empty first page checks the term (404 when the school has no such term), so the common
        case stays one Query.
        """
        authz.require_staff(p, school_id)
        if not is_id(term_id):
            raise NotFound()
        newest_first = partial(ProgramVersion.query, scan_index_forward=False)
        condition = ProgramVersion.sk.startswith(ProgramVersion.prefix(term_id))
        page = query_page(newest_first, tenant_pk(school_id), condition, limit=limit, cursor=cursor)
        if not page.items and cursor is None:
            self._calendar.require_term(school_id, term_id)
        return page

    def existing_providers(self, school_id: str, provider_ids: list[str]) -> set[str]:
        """For other contexts, after their own authorization (e.g. the timetable's provider staff):
        which of ``provider_ids`` are providers of this school, whatever their status (one BatchGetItem)."""
        return set(_load_providers(school_id, [pid for pid in provider_ids if is_id(pid)]))

    def public_program(self, school_id: str, term_id: str | None) -> PublicProgram:
        """The published program anyone may read (公示); 404 when none, or the school is not active."""
        return read_public(school_id, term_id)

    # -- helpers -------------------------------------------------------------------------------------

    def _commit_publication(
        self,
        version: ProgramVersion,
        draft: ProgramDraft,
        pointer: PublishedPointer | None,
        starts_on: str,
        detail: dict[str, Any],
    ) -> None:
        school_id, term_id, number = version.tenant_id, version.term_id, int(version.number)
        fresh = PublishedPointer(
            *PublishedPointer.term_key(school_id, term_id),
            tenant_id=school_id,
            kind="PublishedPointer",
            term_id=term_id,
            number=number,
            draft_version=draft.version,
            term_starts_on=starts_on,
            published_at=version.published_at,
        )
        latest = _load_pointer(*PublishedPointer.latest_key(school_id))
        try:
            with self._tx() as tx:
                # Publish exactly the draft that was validated: an edit in between fails the commit.
                tx.condition_check(ProgramDraft, draft.pk, draft.sk, condition=ProgramDraft.version == draft.version)
                tx.save(version, condition=ProgramVersion.sk.does_not_exist())
                tx.save(fresh, condition=_unchanged(pointer))
                if latest is None or latest.term_id == term_id or latest.term_starts_on <= starts_on:
                    pk, sk = PublishedPointer.latest_key(school_id)
                    tx.save(PublishedPointer(pk, sk, **_pointer_fields(fresh)), condition=_unchanged(latest))
                self._record(tx, school_id, "ProgramPublished", detail)
        except TransactWriteError as exc:
            if _lost_race(exc):
                raise VersionConflict() from exc  # someone edited or published meanwhile: reload, retry
            raise
        self._after_commit()

    def _idempotent(
        self, school_id: str, operation: str, key: str | None, cmd: schemas.ProviderCreate
    ) -> idempotency.IdempotentRequest | None:
        """The optional Idempotency-Key's request; the body is fingerprinted with the contact phone
        replaced by its blind index (HMAC), so the idempotency table never holds a hash of a bare number."""
        if key is None or not key.strip():
            return None
        fingerprint = {
            **cmd.model_dump(mode="json", exclude={"contact_phone"}),
            "contact_phone": self._vault.blind_index(school_id, cmd.contact_phone),
        }
        return idempotency.make_request(school_id, operation, key, fingerprint)

    def _replayed_provider(self, school_id: str, provider_id: str) -> Provider:
        """The provider an earlier request with the same key created, as the school_admin sees it."""
        return self._shown(_load_provider(school_id, provider_id), full=True)

    def _shown(self, provider: Provider, *, full: bool) -> Provider:
        """Open the contact phone and attach what the response may show: the mask, plus the number
        itself only when ``full`` (the caller may see it)."""
        clear = self._contact_phone(provider)
        masked = phone.mask(clear) if clear else HIDDEN_PHONE
        provider.show_contact(ContactView(masked, clear if full and clear else None))
        return provider

    def _contact_phone(self, provider: Provider) -> str | None:
        """The number in clear: opened from the sealed attribute, or a legacy item's clear one."""
        if provider.contact_phone_sealed:
            return self._vault.open(provider.tenant_id, provider.contact_phone_sealed)
        return provider.contact_phone

    def _seal_legacy(self, provider: Provider) -> None:
        """Migration: a provider stored before sealing gets its clear phone sealed on its next write;
        the write replaces the whole item, so the clear attribute is gone from then on."""
        if not provider.contact_phone_sealed and provider.contact_phone:
            provider.contact_phone_sealed = self._vault.seal(provider.tenant_id, provider.contact_phone)
        provider.contact_phone = None

    def _record(self, tx: TransactWrite, school_id: str, detail_type: str, detail: dict[str, Any]) -> None:
        event = outbox.DomainEvent(SOURCE, detail_type, school_id, {"school_id": school_id, **detail})
        outbox.record(tx, event, self._clock.now())

    def _tx(self) -> TransactWrite:
        return TransactWrite(connection=self._conn())


def can_see_contact(p: Principal) -> bool:
    """Contact phone numbers are personal data: in full for the school_admin, masked for other staff."""
    return p.has(Role.SCHOOL_ADMIN)


def _load_provider(school_id: str, provider_id: str) -> Provider:
    if not is_id(provider_id):
        raise NotFound()
    try:
        return Provider.get(*Provider.key(school_id, provider_id), consistent_read=True)
    except Provider.DoesNotExist as exc:
        raise NotFound() from exc


def _load_providers(school_id: str, provider_ids: list[str]) -> dict[str, Provider]:
    """The named providers of this school that exist, in the order they were named (one BatchGetItem)."""
    if not provider_ids:
        return {}
    keys = [Provider.key(school_id, pid) for pid in provider_ids]
    found = {p.provider_id: p for p in Provider.batch_get(keys, consistent_read=True)}
    return {pid: found[pid] for pid in provider_ids if pid in found}


def _lost_race(exc: TransactWriteError) -> bool:
    """A condition failed, or a concurrent transaction held an item: either way another write won."""
    return any(r is not None and r.code in LOST_RACE for r in exc.cancellation_reasons or [])


def _load_draft(school_id: str, term_id: str) -> ProgramDraft | None:
    try:
        return ProgramDraft.get(*ProgramDraft.key(school_id, term_id), consistent_read=True)
    except ProgramDraft.DoesNotExist:
        return None


def _load_pointer(pk: str, sk: str) -> PublishedPointer | None:
    try:
        return PublishedPointer.get(pk, sk, consistent_read=True)
    except PublishedPointer.DoesNotExist:
        return None


def _load_version(school_id: str, term_id: str, number: int) -> ProgramVersion:
    if not is_id(term_id):
        raise NotFound()
    try:
        return ProgramVersion.get(*ProgramVersion.key(school_id, term_id, number), consistent_read=True)
    except ProgramVersion.DoesNotExist as exc:
        raise NotFound() from exc


def _unchanged(pointer: PublishedPointer | None) -> Any:
    """Condition: the pointer is still what we read (absent, or at the same version of the same term)."""
    if pointer is None:
        return PublishedPointer.sk.does_not_exist()
    return (PublishedPointer.term_id == pointer.term_id) & (PublishedPointer.number == pointer.number)


def _pointer_fields(p: PublishedPointer) -> dict[str, Any]:
    return {
        "tenant_id": p.tenant_id,
        "kind": p.kind,
        "term_id": p.term_id,
        "number": p.number,
        "draft_version": p.draft_version,
        "term_starts_on": p.term_starts_on,
        "published_at": p.published_at,
    }


def _draft_json(
    term_id: str, draft: ProgramDraft | None, currency: str, pointer: PublishedPointer | None
) -> dict[str, Any]:
    return {
        **(draft.content() if draft else EMPTY_DOCUMENT),
        "term_id": term_id,
        "version": draft.version if draft else 0,
        "currency": currency,
        "updated_at": draft.updated_at if draft else None,
        "latest_published_version": int(pointer.number) if pointer else None,
        "unpublished_changes": draft is not None and (pointer is None or int(pointer.draft_version) != draft.version),
    }
