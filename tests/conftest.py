"""Shared fixtures: one real local stack (DynamoDB Local, moto server, issuer) per test session.

Each test gets fresh districts and schools with new ids, which also exercises tenant isolation.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest

from devstack.issuer import mint
from devstack.stack import LocalStack, Ports


@pytest.fixture(scope="session")
def stack() -> Iterator[LocalStack]:
    with LocalStack(Ports.free(), prefix=f"t{uuid.uuid4().hex[:8]}") as s:
        yield s


@dataclass
class EventTap:
    """An SQS queue subscribed to every event on the bus, to see what was really published."""

    sqs: Any
    queue_url: str

    def drain(self) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        while True:
            resp = self.sqs.receive_message(QueueUrl=self.queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=0)
            msgs = resp.get("Messages", [])
            if not msgs:
                return out
            for m in msgs:
                out.append(json.loads(m["Body"]))
                self.sqs.delete_message(QueueUrl=self.queue_url, ReceiptHandle=m["ReceiptHandle"])


@pytest.fixture(scope="session")
def event_tap(stack: LocalStack) -> EventTap:
    s = stack.settings
    sqs = boto3.client("sqs", region_name=s.region, endpoint_url=s.events_endpoint)
    events = boto3.client("events", region_name=s.region, endpoint_url=s.events_endpoint)
    url = sqs.create_queue(QueueName=f"{s.event_bus}-tap")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    events.put_rule(
        Name="tap-all", EventBusName=s.event_bus, EventPattern=json.dumps({"source": [{"prefix": "kehou."}]})
    )
    events.put_targets(Rule="tap-all", EventBusName=s.event_bus, Targets=[{"Id": "tap", "Arn": arn}])
    return EventTap(sqs, url)


@dataclass
class Tokens:
    issuer: str

    def __call__(
        self, role: str, *, tenant: str | None = None, district: str | None = None, sub: str | None = None, **kw: Any
    ) -> str:
        return mint(
            self.issuer,
            sub=sub or f"{role}-{uuid.uuid4().hex[:8]}",
            roles=[role],
            tenant=tenant,
            district=district,
            **kw,
        )

    def headers(self, role: str, **kw: Any) -> dict[str, str]:
        return {"Authorization": f"Bearer {self(role, **kw)}"}


@pytest.fixture(scope="session")
def tokens(stack: LocalStack) -> Tokens:
    return Tokens(stack.settings.oidc_issuer)
