"""Use cases of the tenants context: provision and supervise schools, invite staff.

Each mutating method writes the state change, its uniqueness claims and its outbox event in a
single DynamoDB transaction: bad input or a lost race leaves nothing half-written.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from pynamodb.connection import Connection
from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.core import idempotency, outbox
from chalicelib.core.clock import Clock, iso
from chalicelib.core.errors import Conflict, NotFound, TenantSuspended, VersionConflict
from chalicelib.core.identity import Principal, Role
from chalicelib.core.ids import is_id, new_id
from chalicelib.core.pagination import DEFAULT_LIMIT, GSI1_KEY, Page, query_page
from chalicelib.core.store import tenant_pk
from chalicelib.core.versioning import expected_version

from . import policy, schemas
from .models import District, School, SchoolCodeClaim, StaffEmailClaim, StaffMember, load_school

SOURCE = "kehou.tenants"
INVITATION_TTL = timedelta(days=14)


@dataclass(frozen=True)
class Invitation:
    member: StaffMember
    code: str  # returned once to the inviter; only its hash is stored


class TenantsService:
    def __init__(
        self,
        connection: Callable[[], Connection],
        clock: Clock,
        after_commit: Callable[[], None] | None = None,
        ids: Callable[[], str] = new_id,
    ):
        self._conn = connection  # asked per transaction: credentials may be scoped per request
        self._clock = clock
        self._after_commit = after_commit or (lambda: None)
        self._ids = ids  # injectable so the devstack can seed with fixed, documented ids

    # -- districts -----------------------------------------------------------------------------

    def create_district(self, p: Principal, cmd: schemas.DistrictCreate) -> District:
        policy.require_role(p, Role.PLATFORM_ADMIN)
        now = self._clock.now()
        district_id = self._ids()
        pk, sk = District.key(district_id)
        item = District(
            pk,
            sk,
            tenant_id=district_id,
            kind="District",
            name=cmd.name,
            region_code=cmd.region_code,
            created_at=iso(now),
            created_by=p.sub,
        )
        with self._tx() as tx:
            tx.save(item, condition=District.pk.does_not_exist())
            outbox.record(
                tx,
                outbox.DomainEvent(
                    SOURCE, "DistrictCreated", district_id, {"district_id": district_id, "name": cmd.name}
                ),
                now,
            )
        self._after_commit()
        return item

    def get_district(self, p: Principal, district_id: str) -> District:
        policy.require_district_scope(p, district_id)
        return self._load_district(district_id)

    # -- schools -------------------------------------------------------------------------------

    def provision_school(
        self, p: Principal, district_id: str, cmd: schemas.SchoolCreate, idempotency_key: str | None
    ) -> tuple[School, Invitation | None]:
        """Create a school (tenant) with default settings and its first school_admin invitation.

        Returns the invitation only on first creation; a replay with the same key and body returns
        the same school and no new invitation code.
        """
        policy.require_district_scope(p, district_id)
        req = idempotency.make_request(district_id, "provision_school", idempotency_key, cmd.model_dump(mode="json"))
        previous = idempotency.find_previous(req)
        if previous:
            return load_school(previous), None
        now = self._clock.now()
        school_id = self._ids()
        pk, sk = School.key(school_id)
        school = School(
            pk,
            sk,
            tenant_id=school_id,
            kind="School",
            district_id=district_id,
            name=cmd.name,
            code=cmd.code,
            address=cmd.address,
            time_zone=cmd.time_zone,
            locale=cmd.locale,
            currency=cmd.currency,
            workday_end=cmd.workday_end,
            status="active",
            created_at=iso(now),
            updated_at=iso(now),
            gsi1pk=School.district_partition(district_id),
            gsi1sk=school_id,
        )
        invitation = self._new_invitation(
            p, school_id, cmd.first_admin.name, str(cmd.first_admin.email), Role.SCHOOL_ADMIN.value
        )
        claim = SchoolCodeClaim(
            tenant_pk(district_id, "SCHOOLCODE"),
            cmd.code.upper(),
            tenant_id=district_id,
            kind="SchoolCodeClaim",
            school_id=school_id,
        )
        try:
            with self._tx() as tx:
                # The district must exist: checked inside the transaction, saving a round trip.
                tx.condition_check(District, *District.key(district_id), condition=District.pk.exists())
                tx.save(school, condition=School.pk.does_not_exist())
                tx.save(claim, condition=SchoolCodeClaim.pk.does_not_exist())
                self._stage_invitation(tx, invitation.member)
                idempotency.remember(tx, req, school_id, now)
                outbox.record(
                    tx,
                    outbox.DomainEvent(
                        SOURCE,
                        "SchoolProvisioned",
                        school_id,
                        {
                            "school_id": school_id,
                            "district_id": district_id,
                            "name": cmd.name,
                            "code": cmd.code,
                        },
                    ),
                    now,
                )
                outbox.record(tx, self._invited_event(invitation.member), now)
        except TransactWriteError as exc:
            failed = _failed_items(exc, ["district", "school", "code", "member", "email", "idempotency"])
            if "district" in failed:
                raise NotFound() from exc
            if "idempotency" in failed:
                # A concurrent request with the same key won the race: answer as a replay.
                again = idempotency.find_previous(req)
                if again:
                    return load_school(again), None
            if "code" in failed:
                raise Conflict([{"field": "code", "message": "taken"}], code="school_code_taken") from exc
            raise
        school.version = 1
        self._after_commit()
        return school, invitation

    def get_school(self, p: Principal, school_id: str) -> School:
        school = load_school(school_id)
        policy.require_school_visible(p, school)
        return school

    def list_schools(
        self, p: Principal, district_id: str, limit: int = DEFAULT_LIMIT, cursor: str | None = None
    ) -> Page[School]:
        policy.require_district_scope(p, district_id)
        partition = School.district_partition(district_id)
        page = query_page(School.by_district.query, partition, limit=limit, cursor=cursor, index_key=GSI1_KEY)
        if not page.items and cursor is None:
            self._load_district(district_id)  # empty first page: unknown district answers 404
        return page

    def update_school(self, p: Principal, school_id: str, cmd: schemas.SchoolUpdate, if_match: str | None) -> School:
        school = load_school(school_id)
        policy.require_school_manager(p, school)
        expected = expected_version(if_match, cmd.version)
        if expected != school.version:
            raise VersionConflict({"current_version": school.version})
        changes = cmd.model_dump(exclude_unset=True, exclude={"version"})
        for field, value in changes.items():
            if value is not None:
                setattr(school, field, value)
        school.updated_at = iso(self._clock.now())
        self._save_with_event(school, "SchoolSettingsChanged", {"school_id": school_id, "fields": sorted(changes)})
        return school

    def suspend_school(self, p: Principal, school_id: str, reason: str) -> School:
        school = load_school(school_id)
        policy.require_school_supervisor(p, school)
        if school.status == "suspended":
            raise Conflict(code="already_suspended")
        school.status, school.suspended_reason = "suspended", reason
        school.updated_at = iso(self._clock.now())
        self._save_with_event(school, "SchoolSuspended", {"school_id": school_id, "reason": reason})
        return school

    def reactivate_school(self, p: Principal, school_id: str) -> School:
        school = load_school(school_id)
        policy.require_school_supervisor(p, school)
        if school.status != "suspended":
            raise Conflict(code="not_suspended")
        school.status, school.suspended_reason = "active", None
        school.updated_at = iso(self._clock.now())
        self._save_with_event(school, "SchoolReactivated", {"school_id": school_id})
        return school

    def ensure_tenant_active(self, p: Principal) -> School | None:
        """A suspended school's staff and guardians are refused everywhere (403 tenant_suspended).

        District and platform admins are not: they must be able to look at and reactivate it.
        """
        if not policy.is_school_member(p) or p.is_platform_admin or p.has(Role.DISTRICT_ADMIN):
            return None
        assert p.tenant is not None
        try:
            school = load_school(p.tenant)
        except NotFound:
            return None
        if school.status == "suspended":
            raise TenantSuspended()
        return school

    # -- staff ---------------------------------------------------------------------------------

    def invite_staff(self, p: Principal, school_id: str, cmd: schemas.StaffInvite) -> Invitation:
        school = load_school(school_id)
        policy.require_school_manager(p, school)
        invitation = self._new_invitation(p, school_id, cmd.name, str(cmd.email), cmd.role)
        now = self._clock.now()
        try:
            with self._tx() as tx:
                self._stage_invitation(tx, invitation.member)
                outbox.record(tx, self._invited_event(invitation.member), now)
        except TransactWriteError as exc:
            if "email" in _failed_items(exc, ["member", "email"]):
                raise Conflict([{"field": "email", "message": "taken"}], code="staff_exists") from exc
            raise
        self._after_commit()
        return invitation

    def list_staff(
        self, p: Principal, school_id: str, limit: int = DEFAULT_LIMIT, cursor: str | None = None
    ) -> Page[StaffMember]:
        school = load_school(school_id)
        policy.require_school_manager(p, school)
        condition = StaffMember.sk.startswith("STAFF#")
        return query_page(StaffMember.query, tenant_pk(school_id), condition, limit=limit, cursor=cursor)

    # -- helpers -------------------------------------------------------------------------------

    def _tx(self) -> TransactWrite:
        return TransactWrite(connection=self._conn())

    def _load_district(self, district_id: str) -> District:
        if not is_id(district_id):
            raise NotFound()
        try:
            return District.get(*District.key(district_id), consistent_read=True)
        except District.DoesNotExist as exc:
            raise NotFound() from exc

    def _save_with_event(self, school: School, detail_type: str, detail: dict[str, object]) -> None:
        now = self._clock.now()
        try:
            with self._tx() as tx:
                tx.save(school)  # PynamoDB adds the version condition and increments it
                outbox.record(tx, outbox.DomainEvent(SOURCE, detail_type, school.school_id, detail), now)
        except TransactWriteError as exc:
            if "school" in _failed_items(exc, ["school"]):
                raise VersionConflict() from exc
            raise
        self._after_commit()

    def _new_invitation(self, p: Principal, school_id: str, name: str, email: str, role: str) -> Invitation:
        now = self._clock.now()
        code = secrets.token_urlsafe(24)
        member_id = self._ids()
        member = StaffMember(
            tenant_pk(school_id),
            f"STAFF#{member_id}",
            tenant_id=school_id,
            kind="StaffMember",
            member_id=member_id,
            name=name,
            email=email.lower(),
            role=role,
            status="invited",
            invited_by=p.sub,
            invited_at=iso(now),
            invitation_expires_at=iso(now + INVITATION_TTL),
            invitation_hash=hashlib.sha256(code.encode()).hexdigest(),
        )
        return Invitation(member, code)

    @staticmethod
    def _stage_invitation(tx: TransactWrite, member: StaffMember) -> None:
        claim = StaffEmailClaim(
            member.pk,
            f"CLAIM#EMAIL#{member.email}",
            tenant_id=member.tenant_id,
            kind="StaffEmailClaim",
            member_id=member.member_id,
        )
        tx.save(member, condition=StaffMember.sk.does_not_exist())
        tx.save(claim, condition=StaffEmailClaim.sk.does_not_exist())

    @staticmethod
    def _invited_event(member: StaffMember) -> outbox.DomainEvent:
        # No e-mail address or name in the event: consumers fetch personal data with permission.
        return outbox.DomainEvent(
            SOURCE,
            "StaffInvited",
            member.tenant_id,
            {
                "school_id": member.tenant_id,
                "member_id": member.member_id,
                "role": member.role,
            },
        )


def _failed_items(exc: TransactWriteError, names: list[str]) -> set[str]:
    """Names of the transaction items (in the order they were added) whose condition failed."""
    reasons = exc.cancellation_reasons or []
    return {
        name for name, r in zip(names, reasons, strict=False) if r is not None and r.code == "ConditionalCheckFailed"
    }
