"""Use cases of the timetable's stored inputs: the school's settings (service periods, 错峰, fairness
minima), venues (场地) and adults (成人), and the readiness of a term's inputs (:mod:`.assembler`).

Every change is one transaction: the item (version-checked), its uniqueness claims (a venue's name,
a class's own classroom) and a ``kehou.timetable`` outbox event with ids only, never names.
Settings are checked with the engine's own R5 rules and refused with the rule's code and message.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

from pydantic import BaseModel, ValidationError
from pynamodb.connection import Connection
from pynamodb.exceptions import TransactWriteError

from chalicelib.core.clock import Clock, iso
from chalicelib.core.errors import Conflict, NotFound, ValidationFailed, VersionConflict
from chalicelib.core.identity import Principal
from chalicelib.core.ids import is_id, new_id
from chalicelib.core.pagination import Page, query_page
from chalicelib.core.store import tenant_pk

from . import periods, policy, schemas
from .assembler import InputsAssembler, Readiness
from .messages import Violation
from .models import (
    ADULT_PREFIX,
    VENUE_PREFIX,
    Adult,
    AdultAccountClaim,
    HomeClassroomClaim,
    TimetableSettings,
    Venue,
    VenueNameClaim,
    adult_of_account,
)
from .vocabulary import Locale, name_key
from .writes import Transaction, expected_version

if TYPE_CHECKING:
    from chalicelib.enrollment.catalog.services import CatalogService
    from chalicelib.roster.calendar.services import CalendarService
    from chalicelib.roster.services import RosterService
    from chalicelib.tenants.services import TenantsService

M = TypeVar("M", bound=BaseModel)
VENUE_FIELDS = ("name", "type", "capacity", "home_class_ids")
ADULT_FIELDS = ("name", "kind", "account_sub", "provider_id", "skills", "availability", "max_periods_per_week")
CLEARABLE = frozenset({"account_sub", "provider_id", "availability", "max_periods_per_week"})  # null clears these
NAME_TAKEN = [{"field": "name", "message": "taken in this school"}]


class TimetableService:
    def __init__(
        self,
        connection: Callable[[], Connection],
        clock: Clock,
        after_commit: Callable[[], None],
        tenants: TenantsService,
        calendar: CalendarService,
        roster: RosterService,
        catalog: CatalogService,
        ids: Callable[[], str] = new_id,
    ):
        self._conn = connection  # asked per transaction: credentials may be scoped per request
        self._clock = clock
        self._after_commit = after_commit
        self._tenants = tenants
        self._roster = roster
        self._catalog = catalog
        self._ids = ids
        self._assembler = InputsAssembler(tenants, calendar, roster, catalog)

    @property
    def assembler(self) -> InputsAssembler:
        """Shared with the generation jobs and the drafts (one assembler, one way to read inputs)."""
        return self._assembler

    # -- settings --------------------------------------------------------------------------------

    def get_settings(self, p: Principal, school_id: str) -> dict[str, Any]:
        """The school's settings; before the first save, the defaults (version 0)."""
        policy.require_reader(p, school_id)
        school = self._tenants.get_school(p, school_id)
        return _settings_json(school_id, _load_settings(school_id), school.workday_end)

    def save_settings(
        self,
        p: Principal,
        school_id: str,
        cmd: schemas.TimetableSettingsWrite,
        if_match: str | None,
        locale: Locale = "zh-CN",
    ) -> dict[str, Any]:
        """Replace the settings (If-Match: "0" the first time). R5 is checked with the engine's rules:
        400 ``service_times_invalid``, each broken rule in details with its code and message."""
        policy.require_writer(p, school_id)
        school = self._tenants.get_school(p, school_id)
        expected = expected_version(if_match, cmd.version)
        item = _load_settings(school_id)
        if expected != (item.version if item else 0):
            raise VersionConflict({"current_version": item.version if item else 0})
        document = cmd.model_dump(mode="json", exclude={"version"})
        broken = periods.rule_problems(document, school.workday_end)
        if broken:
            raise ValidationFailed([_rule_detail(v, document, locale) for v in broken], code="service_times_invalid")
        if item is None:
            pk, sk = TimetableSettings.key(school_id)
            item = TimetableSettings(pk, sk, tenant_id=school_id, kind="TimetableSettings")
        item.document = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
        item.updated_at, item.updated_by = iso(self._clock.now()), p.sub
        tx = Transaction(self._conn())
        try:
            with tx:
                tx.save("settings", item)  # version condition ("must not exist yet" the first time)
                detail = {"school_id": school_id, "version": (item.version or 0) + 1}
                tx.event("TimetableSettingsChanged", school_id, detail, self._clock.now())
        except TransactWriteError as exc:
            if "settings" in tx.failed(exc):
                raise VersionConflict() from exc
            raise
        self._after_commit()
        return _settings_json(school_id, item, school.workday_end)

    # -- venues (场地) ------------------------------------------------------------------------------

    def create_venue(self, p: Principal, school_id: str, cmd: schemas.VenueCreate) -> Venue:
        policy.require_writer(p, school_id)
        self._require_classes(p, school_id, cmd.home_class_ids)
        now = iso(self._clock.now())
        venue_id = self._ids()
        venue = Venue(
            *Venue.key(school_id, venue_id),
            tenant_id=school_id,
            kind="Venue",
            venue_id=venue_id,
            name=cmd.name,
            venue_type=cmd.type,
            capacity=cmd.capacity,
            home_class_ids=list(cmd.home_class_ids),
            created_at=now,
            updated_at=now,
        )
        tx = Transaction(self._conn())
        try:
            with tx:
                tx.save("venue", venue, Venue.pk.does_not_exist())
                tx.save("name", VenueNameClaim.of(venue), VenueNameClaim.pk.does_not_exist())
                for class_id in cmd.home_class_ids:
                    claim = HomeClassroomClaim.of(venue, class_id)
                    tx.save(f"home:{class_id}", claim, HomeClassroomClaim.pk.does_not_exist())
                tx.event("VenueCreated", school_id, {"venue_id": venue_id, "type": cmd.type}, self._clock.now())
        except TransactWriteError as exc:
            _raise_venue_conflict(tx.failed(exc), cmd.home_class_ids, exc)
        self._after_commit()
        return venue

    def list_venues(self, p: Principal, school_id: str, limit: int, cursor: str | None) -> Page[Venue]:
        policy.require_reader(p, school_id)
        condition = Venue.sk.startswith(VENUE_PREFIX)
        return query_page(Venue.query, tenant_pk(school_id), condition, limit=limit, cursor=cursor)

    def get_venue(self, p: Principal, school_id: str, venue_id: str) -> Venue:
        policy.require_reader(p, school_id)
        return _load_venue(school_id, venue_id)

    def update_venue(
        self, p: Principal, school_id: str, venue_id: str, cmd: schemas.VenueUpdate, if_match: str | None
    ) -> Venue:
        """Change a venue; the result is checked as a whole (a classroom's home classes fit its capacity)."""
        policy.require_writer(p, school_id)
        venue = _load_venue(school_id, venue_id)
        if expected_version(if_match, cmd.version) != venue.version:
            raise VersionConflict({"current_version": venue.version})
        current = {k: v for k, v in venue.as_json().items() if k in VENUE_FIELDS}
        changes = {k: v for k, v in cmd.model_dump(exclude_unset=True, exclude={"version"}).items() if v is not None}
        wanted = _validated(schemas.VenueCreate, {**current, **changes})
        new = wanted.model_dump(mode="json")
        changed = [f for f in VENUE_FIELDS if new[f] != current[f]]
        if not changed:
            return venue
        added = [c for c in wanted.home_class_ids if c not in current["home_class_ids"]]
        removed = [c for c in current["home_class_ids"] if c not in wanted.home_class_ids]
        self._require_classes(p, school_id, added)
        old_claim = VenueNameClaim.of(venue)
        venue.name, venue.venue_type, venue.capacity = wanted.name, wanted.type, wanted.capacity
        venue.home_class_ids = list(wanted.home_class_ids)
        venue.updated_at = iso(self._clock.now())
        tx = Transaction(self._conn())
        try:
            with tx:
                tx.save("venue", venue)  # version condition
                if name_key(venue.name) != name_key(current["name"]):
                    tx.delete("old_name", old_claim)
                    tx.save("name", VenueNameClaim.of(venue), VenueNameClaim.pk.does_not_exist())
                for class_id in added:
                    claim = HomeClassroomClaim.of(venue, class_id)
                    tx.save(f"home:{class_id}", claim, HomeClassroomClaim.pk.does_not_exist())
                for class_id in removed:
                    tx.delete("old_home", HomeClassroomClaim.of(venue, class_id))
                detail = {"venue_id": venue_id, "fields": changed}
                tx.event("VenueChanged", school_id, detail, self._clock.now())
        except TransactWriteError as exc:
            _raise_venue_conflict(tx.failed(exc), added, exc)
        self._after_commit()
        return venue

    def delete_venue(self, p: Principal, school_id: str, venue_id: str, if_match: str | None) -> None:
        """Delete a venue with its name and home-class claims (the classes are then without a classroom)."""
        policy.require_writer(p, school_id)
        venue = _load_venue(school_id, venue_id)
        if expected_version(if_match, None) != venue.version:
            raise VersionConflict({"current_version": venue.version})
        tx = Transaction(self._conn())
        try:
            with tx:
                tx.delete("venue", venue)  # version condition
                tx.delete("name", VenueNameClaim.of(venue))
                for class_id in venue.home_class_ids or []:
                    tx.delete("home", HomeClassroomClaim.of(venue, class_id))
                tx.event("VenueDeleted", school_id, {"venue_id": venue_id}, self._clock.now())
        except TransactWriteError as exc:
            if "venue" in tx.failed(exc):
                raise VersionConflict() from exc
            raise
        self._after_commit()

    # -- adults (成人) ------------------------------------------------------------------------------

    def create_adult(self, p: Principal, school_id: str, cmd: schemas.AdultCreate) -> Adult:
        policy.require_writer(p, school_id)
        self._require_provider(school_id, cmd.provider_id)
        now = iso(self._clock.now())
        adult_id = self._ids()
        adult = Adult(
            *Adult.key(school_id, adult_id), tenant_id=school_id, kind="Adult", adult_id=adult_id, created_at=now
        )
        _apply_adult(adult, cmd)
        adult.updated_at = now
        self._commit_adult("AdultCreated", adult, {"kind": cmd.kind}, None, Adult.pk.does_not_exist())
        return adult

    def list_adults(self, p: Principal, school_id: str, limit: int, cursor: str | None) -> Page[Adult]:
        policy.require_reader(p, school_id)
        condition = Adult.sk.startswith(ADULT_PREFIX)
        return query_page(Adult.query, tenant_pk(school_id), condition, limit=limit, cursor=cursor)

    def get_adult(self, p: Principal, school_id: str, adult_id: str) -> Adult:
        policy.require_reader(p, school_id)
        return _load_adult(school_id, adult_id)

    def update_adult(
        self, p: Principal, school_id: str, adult_id: str, cmd: schemas.AdultUpdate, if_match: str | None
    ) -> Adult:
        """Change an adult; the result is checked as a whole (only provider staff belong to a provider)."""
        policy.require_writer(p, school_id)
        adult = _load_adult(school_id, adult_id)
        if expected_version(if_match, cmd.version) != adult.version:
            raise VersionConflict({"current_version": adult.version})
        current = {k: v for k, v in adult.as_json().items() if k in ADULT_FIELDS}
        changes = cmd.model_dump(exclude_unset=True, exclude={"version"})
        changes = {k: v for k, v in changes.items() if v is not None or k in CLEARABLE}
        wanted = _validated(schemas.AdultCreate, {**current, **changes})
        new = wanted.model_dump(mode="json")
        changed = [f for f in ADULT_FIELDS if new[f] != current[f]]
        if not changed:
            return adult
        if "provider_id" in changed:
            self._require_provider(school_id, wanted.provider_id)
        old_account = adult.account_sub
        _apply_adult(adult, wanted)
        adult.updated_at = iso(self._clock.now())
        self._commit_adult("AdultChanged", adult, {"fields": changed}, old_account)
        return adult

    def delete_adult(self, p: Principal, school_id: str, adult_id: str, if_match: str | None) -> None:
        policy.require_writer(p, school_id)
        adult = _load_adult(school_id, adult_id)
        if expected_version(if_match, None) != adult.version:
            raise VersionConflict({"current_version": adult.version})
        tx = Transaction(self._conn())
        try:
            with tx:
                tx.delete("adult", adult)  # version condition
                if adult.account_sub:
                    tx.delete("account", AdultAccountClaim.of(school_id, adult.account_sub, adult_id))
                tx.event("AdultDeleted", school_id, {"adult_id": adult_id}, self._clock.now())
        except TransactWriteError as exc:
            if "adult" in tx.failed(exc):
                raise VersionConflict() from exc
            raise
        self._after_commit()

    # -- readiness ---------------------------------------------------------------------------------

    def readiness(self, p: Principal, school_id: str, term_id: str) -> Readiness:
        """Can a timetable be generated for the term? Every mapping problem and pre-check finding."""
        policy.require_reader(p, school_id)
        return self._assembler.readiness(p, school_id, term_id)

    # -- helpers -----------------------------------------------------------------------------------

    def _require_classes(self, p: Principal, school_id: str, class_ids: list[str]) -> None:
        """Every id names a class of the school (the roster's read, memoized per request)."""
        missing = []
        for i, class_id in enumerate(class_ids):
            try:
                self._roster.get_class(p, school_id, class_id)
            except NotFound:
                missing.append({"field": f"home_class_ids.{i}", "message": "no such class in this school"})
        if missing:
            raise ValidationFailed(missing)

    def _require_provider(self, school_id: str, provider_id: str | None) -> None:
        if provider_id is not None and not self._catalog.existing_providers(school_id, [provider_id]):
            raise ValidationFailed([{"field": "provider_id", "message": "no such provider in this school"}])

    def _commit_adult(
        self, detail_type: str, adult: Adult, extra: dict[str, Any], old_account: str | None, condition: Any = None
    ) -> None:
        """The adult with its account claim moved along (409 ``account_linked`` when the account is
        already another adult's)."""
        school_id, new_account = adult.tenant_id, adult.account_sub
        tx = Transaction(self._conn())
        try:
            with tx:
                tx.save("adult", adult, condition)  # plus the version condition
                if new_account != old_account:
                    if new_account:
                        claim = AdultAccountClaim.of(school_id, new_account, adult.adult_id)
                        tx.save("account", claim, AdultAccountClaim.pk.does_not_exist())
                    if old_account:
                        tx.delete("old_account", AdultAccountClaim.of(school_id, old_account, adult.adult_id))
                detail = {"adult_id": adult.adult_id, **extra}
                tx.event(detail_type, school_id, detail, self._clock.now())
        except TransactWriteError as exc:
            failed = tx.failed(exc)
            if "account" in failed:
                other = adult_of_account(school_id, new_account or "")
                raise Conflict([{"field": "account_sub", "adult_id": other}], code="account_linked") from exc
            if "adult" in failed:
                raise VersionConflict() from exc
            raise
        self._after_commit()


def _apply_adult(adult: Adult, cmd: schemas.AdultCreate) -> None:
    adult.name, adult.adult_kind = cmd.name, cmd.kind
    adult.account_sub, adult.provider_id = cmd.account_sub, cmd.provider_id
    adult.skills = list(cmd.skills)
    adult.availability = None if cmd.availability is None else {d.weekday: list(d.periods) for d in cmd.availability}
    adult.max_periods_per_week = cmd.max_periods_per_week


def _validated(model: type[M], data: dict[str, Any]) -> M:
    """An edited object checked as a whole by the model that checks new ones; field errors as in a 400."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        details = [
            {"field": ".".join(str(p) for p in e["loc"]), "message": e["msg"], "type": e["type"]}
            for e in exc.errors(include_url=False, include_input=False)
        ]
        raise ValidationFailed(details) from exc


def _raise_venue_conflict(failed: set[str], class_ids: list[str], exc: TransactWriteError) -> NoReturn:
    if "name" in failed:
        raise Conflict(NAME_TAKEN, code="venue_name_taken") from exc
    taken = [
        {"field": "home_class_ids", "class_id": c, "message": "the class already has its own classroom"}
        for c in class_ids
        if f"home:{c}" in failed
    ]
    if taken:
        raise Conflict(taken, code="class_has_classroom") from exc
    if "venue" in failed:
        raise VersionConflict() from exc
    raise exc


def _rule_detail(v: Violation, document: dict[str, Any], locale: Locale) -> dict[str, Any]:
    """A broken R5 rule as a field error: the rule's code, the day, and its message."""
    field = "days"
    if v.weekday is not None:
        index = next((i for i, d in enumerate(document["days"]) if d["weekday"] == v.weekday), None)
        field = f"days.{index}.periods" if index is not None else field
    return {
        "field": field,
        "type": v.code,
        "code": v.code,
        "weekday": v.weekday,
        "message": v.message(locale),
        "params": dict(v.params),
    }


def _settings_json(school_id: str, item: TimetableSettings | None, workday_end: str) -> dict[str, Any]:
    document = item.content() if item else periods.default_document(workday_end)
    return {
        **document,
        "school_id": school_id,
        "working_day_ends_at": workday_end,
        "version": item.version if item else 0,
        "updated_at": item.updated_at if item else None,
    }


def _load_settings(school_id: str) -> TimetableSettings | None:
    try:
        return TimetableSettings.get(*TimetableSettings.key(school_id), consistent_read=True)
    except TimetableSettings.DoesNotExist:
        return None


def _load_venue(school_id: str, venue_id: str) -> Venue:
    if not is_id(venue_id):
        raise NotFound()
    try:
        return Venue.get(*Venue.key(school_id, venue_id), consistent_read=True)
    except Venue.DoesNotExist as exc:
        raise NotFound() from exc


def _load_adult(school_id: str, adult_id: str) -> Adult:
    if not is_id(adult_id):
        raise NotFound()
    try:
        return Adult.get(*Adult.key(school_id, adult_id), consistent_read=True)
    except Adult.DoesNotExist as exc:
        raise NotFound() from exc
