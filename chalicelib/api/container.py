"""Composition of services for one process. Built lazily so importing ``app`` stays cheap."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from chalicelib.core.clock import Clock, SystemClock
from chalicelib.core.config import Settings
from chalicelib.core.identity import Role
from chalicelib.core.ids import new_id

if TYPE_CHECKING:
    from chalicelib.core.identity import Principal
    from chalicelib.core.outbox import EventPublisher, OutboxDispatcher
    from chalicelib.core.scoped_access import StsCredentialBroker
    from chalicelib.core.tokens import TokenVerifier
    from chalicelib.core.vault import PersonalDataVault
    from chalicelib.enrollment.catalog.services import CatalogService
    from chalicelib.enrollment.services import EnrollmentService
    from chalicelib.notify.services import NotifyService
    from chalicelib.roster.calendar.services import CalendarService
    from chalicelib.roster.services import RosterService
    from chalicelib.tenants.services import TenantsService
    from chalicelib.timetable.generation_jobs import GenerationJobs
    from chalicelib.timetable.plans import TimetablePlans
    from chalicelib.timetable.services import TimetableService
    from chalicelib.timetable.worker import GenerationRunner


@dataclass
class Container:
    """Builds collaborators on first use: a request pays only for what its route needs.

    ``publisher`` and ``verifier`` may be given (tests swap the edges); otherwise the EventBridge
    publisher and the JWKS verifier are made from the settings.
    """

    settings: Settings
    clock: Clock = field(default_factory=SystemClock)
    publisher: EventPublisher | None = None
    verifier: TokenVerifier | None = None
    # Locally and in tests the outbox is drained in-process after each change (DESIGN §5);
    # in AWS the table's stream drives the dispatcher instead.
    drain_inline: bool = False

    def __post_init__(self) -> None:
        # Imported here, not at module level: importing ``app`` stays cheap (cold-start budget).
        from chalicelib.core.store import DataAccess, bind_tables

        bind_tables(self.settings)
        self.data = DataAccess(self.settings)

    @cached_property
    def broker(self) -> StsCredentialBroker | None:
        """Issues tenant-scoped credentials when a scoped role is configured (always in AWS)."""
        if not self.settings.tenant_scoped_role_arn:
            return None
        import boto3

        from chalicelib.core.scoped_access import StsCredentialBroker

        sts = boto3.client("sts", region_name=self.settings.region, endpoint_url=self.settings.sts_endpoint)
        return StsCredentialBroker(sts, self.settings.tenant_scoped_role_arn, self.clock)

    def scope_to(self, principal: Principal | None) -> None:
        """Make this request's DynamoDB calls use the caller's tenant-scoped credentials, if any.

        District and platform admins work across tenants and keep the function's own role; the
        application's object checks (404 for others' objects) apply to them as to everyone.
        """
        if principal is None or self.broker is None or not principal.tenant or not principal.roles:
            self.data.use(None)
        elif principal.is_platform_admin or principal.has(Role.DISTRICT_ADMIN):
            self.data.use(None)
        else:
            self.data.use(self.broker.credentials_for(principal.tenant))

    @cached_property
    def auth(self) -> TokenVerifier:
        from chalicelib.core.tokens import TokenVerifier

        s = self.settings
        return self.verifier or TokenVerifier(s.oidc_issuer, s.oidc_audience, s.oidc_jwks_url)

    @cached_property
    def events(self) -> EventPublisher:
        if self.publisher is not None:
            return self.publisher
        import boto3  # only the dispatcher path needs an EventBridge client

        from chalicelib.core.outbox import EventBridgePublisher

        client = boto3.client("events", region_name=self.settings.region, endpoint_url=self.settings.events_endpoint)
        return EventBridgePublisher(client, self.settings.event_bus)

    @cached_property
    def dispatcher(self) -> OutboxDispatcher:
        from chalicelib.core.outbox import OutboxDispatcher

        return OutboxDispatcher(self.events, self._deliver_locally if self.drain_inline else None)

    def _deliver_locally(self, source: str, detail_type: str, detail: dict[str, Any]) -> None:
        from chalicelib.timetable.worker import REQUESTED as GENERATION_REQUESTED  # local only: no import cost in AWS

        if (source, detail_type) == GENERATION_REQUESTED:
            # In AWS its own rule feeds the generator Lambda (chalicelib/timetable/worker.py); here a
            # background thread runs it, so the request that queued it answers at once.
            self.generation_runner.submit(detail)
            return
        self.handle_event(source, detail_type, detail)

    @cached_property
    def generation_runner(self) -> GenerationRunner:
        from chalicelib.timetable.generation_jobs import GenerationJobs
        from chalicelib.timetable.worker import GenerationRunner

        # The thread's jobs do not drain the outbox themselves (the next request's drain publishes
        # their events): a drain switches the process's class-level DynamoDB connections
        # (DataAccess.unscoped), which must stay the request thread's alone.
        jobs = GenerationJobs(self.data.connection, self.clock, lambda: None, self.timetable.assembler)
        return GenerationRunner(jobs)

    def handle_event(self, source: str, detail_type: str, detail: dict[str, Any]) -> object:
        """Consumers of domain events: in AWS an EventBridge rule → SQS → this, in the notifier Lambda.

        Returns the consumer's result (notify's ``HandleResult``, or ``FanOutResult`` for a timetable
        publication's many guardians), from which the notifier Lambda tells a message whose e-mail or
        SMS failed and has SQS redeliver it; the local drain ignores it.
        """
        if source == "kehou.enrollment":
            return self.notify.handle(detail_type, detail)
        if source == "kehou.timetable" and detail_type == "TimetablePublished":
            # Guardians of the term's active enrolments in the changed classes (notify/fanout.py).
            return self.notify.handle_timetable(detail_type, detail)
        return None

    @cached_property
    def tenants(self) -> TenantsService:
        return self.tenants_service()

    @cached_property
    def vault(self) -> PersonalDataVault:
        """Envelope encryption of personal data with a per-tenant KMS key (PIPL)."""
        import boto3

        from chalicelib.core.vault import KmsVault

        kms = boto3.client("kms", region_name=self.settings.region, endpoint_url=self.settings.kms_endpoint)
        return KmsVault(kms, self.settings.kms_alias_prefix)

    @cached_property
    def roster(self) -> RosterService:
        from chalicelib.roster.services import RosterService

        return RosterService(self.data.connection, self.clock, self._after_commit(), self.vault)

    @cached_property
    def calendar(self) -> CalendarService:
        from chalicelib.roster.calendar.services import CalendarService

        return CalendarService(self.data.connection, self.clock, self._after_commit())

    @cached_property
    def catalog(self) -> CatalogService:
        from chalicelib.enrollment.catalog.services import CatalogService

        return CatalogService(
            self.data.connection, self.clock, self._after_commit(), self.calendar, self.tenants, self.vault
        )

    @cached_property
    def enrollment(self) -> EnrollmentService:
        from chalicelib.enrollment.services import EnrollmentService

        return EnrollmentService(
            self.data.connection, self.clock, self._after_commit(), self.vault, self.roster, self.catalog
        )

    @cached_property
    def timetable(self) -> TimetableService:
        from chalicelib.timetable.services import TimetableService

        return TimetableService(
            self.data.connection,
            self.clock,
            self._after_commit(),
            self.tenants,
            self.calendar,
            self.roster,
            self.catalog,
        )

    @cached_property
    def timetable_jobs(self) -> GenerationJobs:
        from chalicelib.timetable.generation_jobs import GenerationJobs

        return GenerationJobs(self.data.connection, self.clock, self._after_commit(), self.timetable.assembler)

    @cached_property
    def timetable_plans(self) -> TimetablePlans:
        from chalicelib.timetable.plans import TimetablePlans

        t = self.timetable
        return TimetablePlans(
            self.data.connection,
            self.clock,
            self._after_commit(),
            t.assembler,
            self.timetable_jobs,
            self.roster,
            self.calendar,
            self.tenants,
        )

    @cached_property
    def notify(self) -> NotifyService:
        import boto3

        from chalicelib.notify.services import NotifyService, SesMailer, SnsTexter

        s = self.settings
        ses = boto3.client("ses", region_name=s.mail_region, endpoint_url=s.notify_endpoint)
        sns = boto3.client("sns", region_name=s.region, endpoint_url=s.notify_endpoint)
        return NotifyService(
            self.data.connection,
            self.clock,
            self.vault,
            SesMailer(ses, s.mail_sender),
            SnsTexter(sns),
            fanout_budget_seconds=s.notify_fanout_budget_seconds,
        )

    def _after_commit(self) -> Callable[[], None]:
        return self._drain if self.drain_inline else (lambda: None)

    def tenants_service(self, ids: Callable[[], str] = new_id) -> TenantsService:
        """A TenantsService on this container's wiring; ``ids`` lets the devstack seed fixed ids."""
        from chalicelib.tenants.services import TenantsService

        return TenantsService(self.data.connection, self.clock, after_commit=self._after_commit(), ids=ids)

    def _drain(self) -> None:
        from chalicelib.core.logging import logger

        try:
            with self.data.unscoped():
                self.dispatcher.drain()
        except Exception:  # the event stays pending and is retried on the next drain
            logger.exception("outbox drain failed; events stay pending")


_factory: Callable[[], Container] | None = None
_container: Container | None = None


def configure(factory: Callable[[], Container]) -> None:
    """Set how the process builds its container on first use (app.py); a container given to
    :func:`use` (tests, devstack) takes precedence."""
    global _factory
    _factory = factory


def use(container: Container) -> None:
    global _container
    _container = container


def get() -> Container:
    global _container
    if _container is None:
        if _factory is None:
            raise RuntimeError("container not configured")
        _container = _factory()
    return _container
