"""PynamoDB plumbing shared by every context: table binding and key helpers (DESIGN §3).

Models declare which logical table they live in (``main``, ``idempotency``, ``ledger``);
:func:`bind_tables` points every registered model at the configured table names and endpoint,
so the same classes serve DynamoDB Local, tests with per-run table names, and AWS.
"""

from __future__ import annotations

from typing import Any, TypeVar

from pynamodb.attributes import UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from .config import Settings

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
