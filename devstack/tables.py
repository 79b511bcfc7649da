"""Table definitions for the local stack; they mirror ``infra/`` (keys, indexes, TTL)."""

from __future__ import annotations

from typing import Any

from chalicelib.core.config import Settings


def _gsi(name: str, pk: str, sk: str) -> dict[str, Any]:
    return {
        "IndexName": name,
        "KeySchema": [{"AttributeName": pk, "KeyType": "HASH"}, {"AttributeName": sk, "KeyType": "RANGE"}],
        "Projection": {"ProjectionType": "ALL"},
    }


def definitions(s: Settings) -> list[dict[str, Any]]:
    attr = [{"AttributeName": n, "AttributeType": "S"} for n in ("pk", "sk", "gsi1pk", "gsi1sk", "op_pk", "op_sk")]
    return [
        {
            "TableName": s.main_table,
            "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": attr,
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            "GlobalSecondaryIndexes": [_gsi("gsi1", "gsi1pk", "gsi1sk"), _gsi("outbox_pending", "op_pk", "op_sk")],
            "StreamSpecification": {"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
        },
        {
            "TableName": s.idempotency_table,
            "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
        },
        {
            "TableName": s.ledger_table,
            "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [
                {"AttributeName": "pk", "AttributeType": "S"},
                {"AttributeName": "sk", "AttributeType": "S"},
            ],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        },
    ]


def create_tables(client: Any, s: Settings) -> list[str]:
    """Create missing tables (idempotent) and wait until they are active. Returns those created."""
    existing = set(client.list_tables().get("TableNames", []))
    created = []
    for spec in definitions(s):
        if spec["TableName"] not in existing:
            client.create_table(**spec)
            created.append(spec["TableName"])
    for name in created:
        client.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 0.2, "MaxAttempts": 100})
    return created
