"""IAM for the Lambda functions: least privilege per role, spelled out action by action.

* ``ApiFunctionRole``: every Chalice function except the outbox dispatcher (today the REST API
  handler). Item access on the three tables and the main table's indexes, ``events:PutEvents`` on
  the Kehou bus, and permission to assume ``TenantScopedDataRole`` with a ``tenant`` session tag.
* ``OutboxDispatcherRole``: the stream consumer. Reads the main table's stream, reads/updates the
  main table (to mark outbox items as published), publishes to the bus, reports failed batches to
  the DLQ. It cannot touch the ledger or idempotency tables.
* ``NotifyConsumerRole``: the notifier Lambda. Consumes the notify queue, reads/writes main-table
  items (notices, their claims, unread counts, contacts), queries ``gsi1`` (a timetable
  publication's recipients: the term's active enrolments per class), opens sealed contacts with the
  tenants' keys (decrypt only), sends e-mail from the configured sender only (SES) and SMS (SNS).
  No other index, no ledger, no idempotency table, no bus.
* ``TimetableGeneratorRole``: the generation job (``generator.py``). Reads a school's inputs and
  writes the job, its lock and the draft: main-table items only (no index, ledger, idempotency
  table, tenant keys, bus, mail or SMS; its outbox items reach the bus through the stream).
  ``TimetableGeneration`` adds consuming its queue and writing its log group.
* ``TenantScopedDataRole``: the per-request scoped credential path of DESIGN.md section 3; see
  ``infra/README.md`` for what it does and, as importantly, does not cover.

No role gets ``Scan``: DESIGN.md forbids it on any request path, and under a ``LeadingKeys``
condition a Scan would not even be constrained (it has no leading key). CloudWatch Logs access is
granted per function log group by ``KehouStack`` once the functions are known.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from aws_cdk import Stack
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from constructs import Construct

from .data import GSI1, DataTables
from .messaging import DomainEvents
from .notifier import NotifyQueue

ITEM_READ_ACTIONS = (
    "dynamodb:GetItem",
    "dynamodb:BatchGetItem",
    "dynamodb:Query",
    "dynamodb:ConditionCheckItem",
)
ITEM_WRITE_ACTIONS = (
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:BatchWriteItem",
)
# TransactWriteItems / TransactGetItems have no IAM action of their own: DynamoDB authorizes each
# element as the Put/Update/Delete/ConditionCheck/Get it contains, so the lists above cover them.
TABLE_METADATA_ACTIONS = ("dynamodb:DescribeTable",)
# What DynamoDB needs from the caller to use a customer-managed table key.
TABLE_KEY_ACTIONS = (
    "kms:Decrypt",
    "kms:Encrypt",
    "kms:GenerateDataKey*",
    "kms:ReEncrypt*",
    "kms:DescribeKey",
)

TENANT_TAG = "tenant"
# IAM policy variables, not CDK tokens: evaluated by IAM against the session tag at request time.
TENANT_LEADING_KEYS = (
    f"T#${{aws:PrincipalTag/{TENANT_TAG}}}",
    f"T#${{aws:PrincipalTag/{TENANT_TAG}}}#*",
)


def _lambda_role(scope: Construct, construct_id: str, description: str) -> iam.Role:
    return iam.Role(
        scope,
        construct_id,
        assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
        description=description,
    )


def grant_item_access(role: iam.IRole, table: dynamodb.ITable, *, index_names: Sequence[str] | None = None) -> None:
    """Item read/write on ``table``; on its indexes too (``index_names``, ``["*"]`` for all)."""
    resources = [table.table_arn]
    resources += [f"{table.table_arn}/index/{name}" for name in index_names or ()]
    role.add_to_principal_policy(
        iam.PolicyStatement(
            actions=[*ITEM_READ_ACTIONS, *ITEM_WRITE_ACTIONS, *TABLE_METADATA_ACTIONS],
            resources=resources,
        )
    )


def grant_index_query(role: iam.IRole, table: dynamodb.ITable, index_name: str) -> None:
    """``Query`` on one index of ``table``: the only item action an index serves (no Scan)."""
    role.add_to_principal_policy(
        iam.PolicyStatement(actions=["dynamodb:Query"], resources=[f"{table.table_arn}/index/{index_name}"])
    )


def tenant_key_alias_prefix(stage: str) -> str:
    """KMS aliases of the per-tenant personal-data keys (``chalicelib.core.vault.KmsVault``)."""
    return f"alias/kehou/{stage}/tenant/"


def grant_tenant_keys(role: iam.IRole, stage: str) -> None:
    """Create, and then use only, per-tenant keys for personal data (PIPL; DESIGN §3, issue 3).

    A tenant's key is created on first use with a ``tenant`` tag and an alias under this stage's
    prefix. ``kms:CreateKey`` has no resource to scope by (the key does not exist yet), so it is
    conditioned on the request carrying exactly the ``tenant`` tag; every other action is limited
    to keys that carry that tag, and data keys only with a ``tenant`` encryption context.
    """
    stack = Stack.of(role)
    key_arns = f"arn:{stack.partition}:kms:{stack.region}:{stack.account}:key/*"
    alias_arns = f"arn:{stack.partition}:kms:{stack.region}:{stack.account}:{tenant_key_alias_prefix(stage)}*"
    role.add_to_principal_policy(
        iam.PolicyStatement(
            sid="CreateTenantKeys",
            actions=["kms:CreateKey", "kms:TagResource"],
            resources=["*"],
            conditions={
                "StringLike": {f"aws:RequestTag/{TENANT_TAG}": "?*"},
                "ForAllValues:StringEquals": {"aws:TagKeys": [TENANT_TAG]},
            },
        )
    )
    role.add_to_principal_policy(
        iam.PolicyStatement(sid="AliasTenantKeys", actions=["kms:CreateAlias"], resources=[alias_arns, key_arns])
    )
    role.add_to_principal_policy(
        iam.PolicyStatement(
            sid="UseTenantKeys",
            actions=["kms:DescribeKey", "kms:ScheduleKeyDeletion"],
            resources=[key_arns],
            conditions={"StringLike": {f"aws:ResourceTag/{TENANT_TAG}": "?*"}},
        )
    )
    role.add_to_principal_policy(
        iam.PolicyStatement(
            sid="TenantDataKeys",
            actions=["kms:GenerateDataKey", "kms:Decrypt"],
            resources=[key_arns],
            conditions={
                "StringLike": {f"aws:ResourceTag/{TENANT_TAG}": "?*"},
                "ForAllValues:StringEquals": {"kms:EncryptionContextKeys": [TENANT_TAG]},
            },
        )
    )


def grant_tenant_key_decrypt(role: iam.IRole) -> None:
    """Open what was sealed under a tenant's key (``PersonalDataVault.open``), and nothing else."""
    stack = Stack.of(role)
    role.add_to_principal_policy(
        iam.PolicyStatement(
            sid="OpenTenantData",
            actions=["kms:Decrypt"],
            resources=[f"arn:{stack.partition}:kms:{stack.region}:{stack.account}:key/*"],
            conditions={
                "StringLike": {f"aws:ResourceTag/{TENANT_TAG}": "?*"},
                "ForAllValues:StringEquals": {"kms:EncryptionContextKeys": [TENANT_TAG]},
            },
        )
    )


@dataclass(frozen=True)
class MailSettings:
    """Where notices' e-mail comes from: a verified SES identity in a region that offers SES."""

    sender: str
    region: str


def grant_mail_and_sms(role: iam.IRole, mail: MailSettings) -> None:
    """``ses:SendEmail`` from ``mail.sender`` only, and ``sns:Publish`` for SMS.

    SendEmail is authorized against the SES identities in the mail region (the sender's domain or
    address; in the SES sandbox also the recipients'), so the statement names that region's identities
    and pins the From address with ``ses:FromAddress``. An SMS has no ARN to name: SNS checks direct
    publishing to a phone number against ``*``.
    """
    stack = Stack.of(role)
    role.add_to_principal_policy(
        iam.PolicyStatement(
            sid="SendNoticeEmail",
            actions=["ses:SendEmail"],
            resources=[f"arn:{stack.partition}:ses:{mail.region}:{stack.account}:identity/*"],
            conditions={"StringEquals": {"ses:FromAddress": mail.sender}},
        )
    )
    role.add_to_principal_policy(iam.PolicyStatement(sid="SendNoticeSms", actions=["sns:Publish"], resources=["*"]))


def grant_table_key(role: iam.IRole, key: kms.IKey) -> None:
    role.add_to_principal_policy(iam.PolicyStatement(actions=list(TABLE_KEY_ACTIONS), resources=[key.key_arn]))


class FunctionRoles(Construct):
    """The functions' execution roles: the Chalice functions' (``manage_iam_role: false``) and the generator's."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        data: DataTables,
        domain_events: DomainEvents,
        notify_queue: NotifyQueue,
        mail: MailSettings,
        stage: str,
    ) -> None:
        super().__init__(scope, construct_id)

        self.api = _lambda_role(
            self,
            "ApiFunctionRole",
            "Kehou API Lambda: table-level item access, PutEvents on the Kehou bus",
        )
        for table in data.tables:
            grant_item_access(self.api, table, index_names=["*"] if table is data.main else None)
        grant_table_key(self.api, data.key)
        grant_tenant_keys(self.api, stage)
        domain_events.bus.grant_put_events_to(self.api)

        self.dispatcher = _lambda_role(
            self,
            "OutboxDispatcherRole",
            "Kehou outbox dispatcher: main table stream to the Kehou bus",
        )
        grant_item_access(self.dispatcher, data.main, index_names=["*"])
        data.main.grant_stream_read(self.dispatcher)
        grant_table_key(self.dispatcher, data.key)
        domain_events.bus.grant_put_events_to(self.dispatcher)
        domain_events.outbox_dlq.grant_send_messages(self.dispatcher)

        self.notifier = _lambda_role(
            self,
            "NotifyConsumerRole",
            "Kehou notifier: notify queue to guardians' inbox, e-mail (SES) and SMS (SNS)",
        )
        grant_item_access(self.notifier, data.main)  # notices, claims, unread counts, contacts
        # chalicelib/enrollment/recipients.py: a TimetablePublished's guardians, from the applications'
        # status queue on gsi1.
        grant_index_query(self.notifier, data.main, GSI1)
        grant_table_key(self.notifier, data.key)
        grant_tenant_key_decrypt(self.notifier)
        grant_mail_and_sms(self.notifier, mail)
        notify_queue.queue.grant_consume_messages(self.notifier)

        self.generator = _lambda_role(
            self,
            "TimetableGeneratorRole",
            "Kehou timetable generator: a school's timetable inputs, generation job and draft (main table)",
        )
        # Inputs (school, term, classes, program, venues, adults), the job, its lock and the draft are
        # all read by key or partition: no index. It never opens sealed contacts: no tenant keys.
        grant_item_access(self.generator, data.main)
        grant_table_key(self.generator, data.key)

        self.tenant_scoped = self._tenant_scoped_data_role(data)

    def _tenant_scoped_data_role(self, data: DataTables) -> iam.Role:
        """A role whose DynamoDB item access is confined to one tenant's partitions.

        The API assumes it per request (``sts:AssumeRole`` with ``Tags=[{"Key": "tenant", ...}]``,
        tenant taken from the verified token) and uses the returned credentials for school-scoped
        repository calls. IAM then refuses any main-table or idempotency item whose partition key is
        not ``T#<tenant>`` or ``T#<tenant>#...``, whatever the application code asked for.
        """
        role = iam.Role(
            self,
            "TenantScopedDataRole",
            description=(
                "Kehou per-request credentials: main and idempotency items whose partition key "
                "starts with T#<tenant session tag>"
            ),
            assumed_by=iam.PrincipalWithConditions(
                iam.SessionTagsPrincipal(self.api),
                conditions={
                    # A session without a tenant tag (or with any other tag) cannot be created.
                    "StringLike": {f"aws:RequestTag/{TENANT_TAG}": "?*"},
                    "ForAllValues:StringEquals": {"aws:TagKeys": [TENANT_TAG]},
                },
            ),
        )
        role.add_to_policy(
            iam.PolicyStatement(
                sid="TenantPartitionsOnly",
                actions=[*ITEM_READ_ACTIONS, *ITEM_WRITE_ACTIONS],
                resources=[
                    data.main.table_arn,
                    f"{data.main.table_arn}/index/{GSI1}",
                    # Idempotency records (T#<scope>#IDEM#...) are written in the same transaction
                    # as the state change they guard, so a scoped path needs them too.
                    data.idempotency.table_arn,
                ],
                conditions={
                    "ForAllValues:StringLike": {"dynamodb:LeadingKeys": list(TENANT_LEADING_KEYS)},
                    # ForAllValues is vacuously true for a request without leading keys; deny those.
                    "Null": {"dynamodb:LeadingKeys": "false"},
                },
            )
        )
        role.add_to_policy(
            iam.PolicyStatement(
                sid="TableMetadata",
                actions=list(TABLE_METADATA_ACTIONS),
                resources=[data.main.table_arn, data.idempotency.table_arn],
            )
        )
        grant_table_key(role, data.key)
        self.api.add_to_principal_policy(
            iam.PolicyStatement(
                actions=["sts:AssumeRole", "sts:TagSession"],
                resources=[role.role_arn],
            )
        )
        return role

    @staticmethod
    def grant_log_writing(role: iam.IRole, log_group: logs.ILogGroup) -> None:
        log_group.grant_write(role)
