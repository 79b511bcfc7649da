"""PynamoDB plumbing shared by every context: table binding and key helpers (DESIGN §3).

Models declare which logical table they live in (``main``, ``idempotency``, ``ledger``);
:func:`bind_tables` points every registered model at the configured table names and endpoint,
so the same classes serve DynamoDB Local, tests with per-run table names, and AWS.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from pynamodb.attributes import UnicodeAttribute
from pynamodb.connection import Connection
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from .config import Settings
from .scoped_access import Credentials

_REGISTRY: list[tuple[type[Model], str]] = []
_bound: Settings | None = None
M = TypeVar("M", bound=type[Model])


def table(logical: str) -> Any:
    """Class decorator: register a model as living in the ``logical`` table.

    A model whose module is imported after :func:`bind_tables` ran is bound on registration, so
    lazy imports can never leave a model pointing at the default (AWS) endpoint.
    """

    def register(cls: M) -> M:
        _REGISTRY.append((cls, logical))
        if _bound is not None:
            _bind(cls, logical, _bound)
        return cls

    return register


def bind_tables(settings: Settings) -> None:
    global _bound
    _bound = settings
    for model, logical in _REGISTRY:
        _bind(model, logical, settings)


class DataAccess:
    """Which credentials this process's DynamoDB calls use: the Lambda role's, or a tenant's.

    PynamoDB keeps one connection per model class; for a tenant-scoped request we point every
    model (and transactions) at connections built from that tenant's credentials, cached per
    access key so a warm container does not rebuild clients on every request. Lambda serves one
    request at a time per process, which is what makes swapping class-level connections safe.
    """

    def __init__(self, settings: Settings):
        self._settings = settings
        self._scoped: dict[str, dict[type[Model], Any]] = {}
        self._default: dict[type[Model], Any] = {}
        self._tx_connections: dict[str | None, Connection] = {}
        self._current: Credentials | None = None

    def use(self, creds: Credentials | None) -> None:
        if creds == self._current:
            return
        self._save_current()
        self._current = creds
        cached = self._scoped.get(creds.access_key_id, {}) if creds else self._default
        for model, _ in _REGISTRY:
            meta = model.Meta
            meta.aws_access_key_id = creds.access_key_id if creds else None
            meta.aws_secret_access_key = creds.secret_access_key if creds else None
            meta.aws_session_token = creds.session_token if creds else None
            model._connection = cached.get(model)

    @contextmanager
    def unscoped(self) -> Iterator[None]:
        """Run platform work (e.g. the local outbox drain) on the process's own credentials."""
        previous = self._current
        self.use(None)
        try:
            yield
        finally:
            self.use(previous)

    def connection(self) -> Connection:
        """A connection for transactions, with the current credentials."""
        key = self._current.access_key_id if self._current else None
        if key not in self._tx_connections:
            c = self._current
            self._tx_connections[key] = Connection(
                region=self._settings.region,
                host=self._settings.dynamodb_endpoint,
                aws_access_key_id=c.access_key_id if c else None,
                aws_secret_access_key=c.secret_access_key if c else None,
                aws_session_token=c.session_token if c else None,
            )
        return self._tx_connections[key]

    def _save_current(self) -> None:
        built = {model: model._connection for model, _ in _REGISTRY if model._connection is not None}
        if self._current is None:
            self._default.update(built)
        else:
            if len(self._scoped) >= MAX_SCOPED_CONNECTIONS and self._current.access_key_id not in self._scoped:
                oldest = next(iter(self._scoped))
                self._scoped.pop(oldest)
                self._tx_connections.pop(oldest, None)
            self._scoped.setdefault(self._current.access_key_id, {}).update(built)


MAX_SCOPED_CONNECTIONS = 64


def _bind(model: type[Model], logical: str, settings: Settings) -> None:
    names = {"main": settings.main_table, "idempotency": settings.idempotency_table, "ledger": settings.ledger_table}
    meta = model.Meta
    meta.table_name = names[logical]
    meta.region = settings.region
    meta.host = settings.dynamodb_endpoint
    # PynamoDB caches a connection per class; drop it so the new binding takes effect.
    model._connection = None


def tenant_pk(tenant_id: str, *parts: str) -> str:
    """Partition key for a tenant's items: ``T#<tenant>`` or ``T#<tenant>#<part>#...``."""
    return "#".join(["T", tenant_id, *parts])


class Gsi1(GlobalSecondaryIndex[Any]):
    """Tenant-prefixed secondary access path, e.g. a district's schools in creation order."""

    class Meta:
        index_name = "gsi1"
        projection = AllProjection()

    gsi1pk = UnicodeAttribute(hash_key=True)
    gsi1sk = UnicodeAttribute(range_key=True)


class MainTableModel(Model):
    """Base of every item in the main single table."""

    class Meta:
        table_name = "kehou-main"

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    tenant_id = UnicodeAttribute()
    kind = UnicodeAttribute()
