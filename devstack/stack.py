"""Start and stop the whole local stack; shared by ``make run`` and the test fixtures."""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3

from chalicelib.core.config import Settings

from . import seed as seed_data
from .dynamodb import DynamoDBLocal
from .issuer import IssuerServer
from .tables import create_tables

LOCAL_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local", "AWS_DEFAULT_REGION": "cn-north-1"}


@dataclass
class Ports:
    dynamodb: int = 8010
    issuer: int = 8011
    moto: int = 8012

    @classmethod
    def free(cls) -> Ports:
        return cls(free_port(), free_port(), free_port())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def port_taken(port: int) -> bool:
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False


@dataclass
class LocalStack:
    ports: Ports = field(default_factory=Ports)
    prefix: str = "kehou"
    db_path: Path | None = None  # None: in-memory (tests); a folder: survives restarts (make run)
    stage: str = "local"

    def __post_init__(self) -> None:
        self._started: list[Any] = []
        self.settings = Settings(
            stage=self.stage,
            main_table=f"{self.prefix}-main",
            idempotency_table=f"{self.prefix}-idempotency",
            ledger_table=f"{self.prefix}-ledger",
            dynamodb_endpoint=f"http://127.0.0.1:{self.ports.dynamodb}",
            event_bus=f"{self.prefix}-events",
            events_endpoint=f"http://127.0.0.1:{self.ports.moto}",
            oidc_issuer=f"http://127.0.0.1:{self.ports.issuer}",
            oidc_jwks_url=f"http://127.0.0.1:{self.ports.issuer}/.well-known/jwks.json",
            dev_signin=True,
            # moto's STS issues the per-request tenant credentials; DynamoDB Local accepts any
            # credentials, so the scoped path runs everywhere even though only AWS enforces it.
            tenant_scoped_role_arn=f"arn:aws:iam::123456789012:role/{self.prefix}-tenant-scoped",
            sts_endpoint=f"http://127.0.0.1:{self.ports.moto}",
            kms_endpoint=f"http://127.0.0.1:{self.ports.moto}",
            notify_endpoint=f"http://127.0.0.1:{self.ports.moto}",
            kms_alias_prefix=f"alias/{self.prefix}/tenant/",
        )

    @property
    def env(self) -> dict[str, str]:
        """Environment for a process that should talk to this stack (chalice local, tests)."""
        s = self.settings
        return {
            **LOCAL_CREDENTIALS,
            "AWS_REGION": s.region,
            "KEHOU_STAGE": s.stage,
            "KEHOU_MAIN_TABLE": s.main_table,
            "KEHOU_IDEMPOTENCY_TABLE": s.idempotency_table,
            "KEHOU_LEDGER_TABLE": s.ledger_table,
            "KEHOU_DYNAMODB_ENDPOINT": s.dynamodb_endpoint or "",
            "KEHOU_EVENT_BUS": s.event_bus,
            "KEHOU_EVENTS_ENDPOINT": s.events_endpoint or "",
            "KEHOU_OIDC_ISSUER": s.oidc_issuer,
            "KEHOU_OIDC_AUDIENCE": s.oidc_audience,
            "KEHOU_OIDC_JWKS_URL": s.oidc_jwks_url,
            "KEHOU_DEV_SIGNIN": "true" if s.dev_signin else "false",
            "KEHOU_TENANT_SCOPED_ROLE_ARN": s.tenant_scoped_role_arn or "",
            "KEHOU_STS_ENDPOINT": s.sts_endpoint or "",
            "KEHOU_KMS_ENDPOINT": s.kms_endpoint or "",
            "KEHOU_NOTIFY_ENDPOINT": s.notify_endpoint or "",
            "KEHOU_MAIL_SENDER": s.mail_sender,
            "KEHOU_MAIL_REGION": s.mail_region,
            "KEHOU_KMS_ALIAS_PREFIX": s.kms_alias_prefix,
        }

    def busy_ports(self) -> list[int]:
        return [p for p in (self.ports.dynamodb, self.ports.issuer, self.ports.moto) if port_taken(p)]

    def start(self) -> LocalStack:
        os.environ.update(LOCAL_CREDENTIALS)
        try:
            self._started.append(DynamoDBLocal(self.ports.dynamodb, db_path=self.db_path).start())
            self._started.append(_start_moto(self.ports.moto))
            self._started.append(IssuerServer("127.0.0.1", self.ports.issuer, users=lambda: seed_data.USERS).start())
            self.create_resources()
        except BaseException:
            self.stop()
            raise
        return self

    def create_resources(self) -> None:
        create_tables(self.dynamodb_client(), self.settings)
        events = boto3.client("events", region_name=self.settings.region, endpoint_url=self.settings.events_endpoint)
        names = {b["Name"] for b in events.list_event_buses().get("EventBuses", [])}
        if self.settings.event_bus not in names:
            events.create_event_bus(Name=self.settings.event_bus)
        # SES (moto) only sends from verified identities, as in AWS.
        ses = boto3.client("ses", region_name=self.settings.mail_region, endpoint_url=self.settings.notify_endpoint)
        ses.verify_email_identity(EmailAddress=self.settings.mail_sender)

    def dynamodb_client(self) -> Any:
        return boto3.client("dynamodb", region_name=self.settings.region, endpoint_url=self.settings.dynamodb_endpoint)

    def stop(self) -> None:
        while self._started:
            part = self._started.pop()
            try:
                part.stop()
            except Exception:  # stopping the rest matters more than one failure
                pass

    def __enter__(self) -> LocalStack:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _start_moto(port: int) -> Any:
    import logging

    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per AWS call drowns the API's logs
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    return server
