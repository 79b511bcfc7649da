"""Runtime configuration, read once from the environment.

Every setting has a local default that matches the devstack (``make run``), so a developer needs no
environment file. In AWS the CDK stack sets each variable explicitly (see ``infra/``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Settings:
    stage: str = "local"
    region: str = "cn-north-1"
    main_table: str = "kehou-main"
    idempotency_table: str = "kehou-idempotency"
    ledger_table: str = "kehou-ledger"
    dynamodb_endpoint: str | None = None
    event_bus: str = "kehou-events"
    events_endpoint: str | None = None
    oidc_issuer: str = "http://127.0.0.1:8011"
    oidc_audience: str = "kehou-api"
    oidc_jwks_url: str = "http://127.0.0.1:8011/.well-known/jwks.json"
    # Role assumed per request for a school's own people (DynamoDB LeadingKeys-scoped); see infra/.
    tenant_scoped_role_arn: str | None = None
    kms_endpoint: str | None = None
    notify_endpoint: str | None = None  # SES and SNS (moto locally)
    mail_sender: str = "noreply@kehou.example.cn"
    # SES is not offered in the China regions: e-mail goes through a region that has it.
    mail_region: str = "ap-southeast-1"
    # How long one notifier invocation may spend on a fan-out to many guardians (see notify/fanout.py).
    notify_fanout_budget_seconds: float = 20.0
    kms_alias_prefix: str = "alias/kehou/tenant/"
    sts_endpoint: str | None = None
    # Only the devstack issuer offers password-less sign-in; never enabled in a deployed stage.
    dev_signin: bool = False
    log_level: str = "INFO"
    extra: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        e = dict(os.environ if env is None else env)
        d = cls()
        return cls(
            stage=e.get("KEHOU_STAGE", d.stage),
            region=e.get("AWS_REGION", e.get("AWS_DEFAULT_REGION", d.region)),
            main_table=e.get("KEHOU_MAIN_TABLE", d.main_table),
            idempotency_table=e.get("KEHOU_IDEMPOTENCY_TABLE", d.idempotency_table),
            ledger_table=e.get("KEHOU_LEDGER_TABLE", d.ledger_table),
            dynamodb_endpoint=e.get("KEHOU_DYNAMODB_ENDPOINT") or None,
            event_bus=e.get("KEHOU_EVENT_BUS", d.event_bus),
            events_endpoint=e.get("KEHOU_EVENTS_ENDPOINT") or None,
            oidc_issuer=e.get("KEHOU_OIDC_ISSUER", d.oidc_issuer),
            oidc_audience=e.get("KEHOU_OIDC_AUDIENCE", d.oidc_audience),
            oidc_jwks_url=e.get("KEHOU_OIDC_JWKS_URL", d.oidc_jwks_url),
            dev_signin=_flag(e.get("KEHOU_DEV_SIGNIN")),
            tenant_scoped_role_arn=e.get("KEHOU_TENANT_SCOPED_ROLE_ARN") or None,
            sts_endpoint=e.get("KEHOU_STS_ENDPOINT") or None,
            kms_endpoint=e.get("KEHOU_KMS_ENDPOINT") or None,
            notify_endpoint=e.get("KEHOU_NOTIFY_ENDPOINT") or None,
            mail_sender=e.get("KEHOU_MAIL_SENDER", d.mail_sender),
            notify_fanout_budget_seconds=float(
                e.get("KEHOU_NOTIFY_FANOUT_BUDGET_SECONDS", d.notify_fanout_budget_seconds)
            ),
            mail_region=e.get("KEHOU_MAIL_REGION", d.mail_region),
            kms_alias_prefix=e.get("KEHOU_KMS_ALIAS_PREFIX", d.kms_alias_prefix),
            log_level=e.get("KEHOU_LOG_LEVEL", d.log_level),
        )
