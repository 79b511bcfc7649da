"""The three DynamoDB tables (DESIGN.md section 3) and the customer-managed key that encrypts them.

* ``main``: every domain item (PynamoDB models). Partition keys begin with the tenant id
  (``T#<tenant>#...``). ``gsi1`` serves the secondary access patterns; ``outbox_pending`` is a
  *sparse* index: only outbox items that still carry ``op_pk`` appear in it, so a sweeper can find
  events the stream dispatcher has not published yet. The stream (NEW_IMAGE) feeds that dispatcher.
* ``idempotency``: request/webhook idempotency records, expired by DynamoDB TTL on ``expires_at``.
* ``ledger``: the segregated double-entry books (money). A table of its own so that its IAM grants,
  backups and alarms can be reasoned about separately from everything else.

All three use one customer-managed KMS key (rotation on) rather than the AWS managed
``aws/dynamodb`` key: access to the key is then visible and revocable in IAM/CloudTrail, and the key
outlives the stack (RETAIN) exactly like the tables it protects.
"""

from __future__ import annotations

from aws_cdk import RemovalPolicy
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_kms as kms
from constructs import Construct

PK = "pk"
SK = "sk"
GSI1 = "gsi1"
OUTBOX_PENDING = "outbox_pending"
IDEMPOTENCY_TTL_ATTRIBUTE = "expires_at"


def _string(name: str) -> dynamodb.Attribute:
    return dynamodb.Attribute(name=name, type=dynamodb.AttributeType.STRING)


class DataTables(Construct):
    """KMS key + main, idempotency and ledger tables. Nothing here is ever deleted with the stack."""

    def __init__(self, scope: Construct, construct_id: str, *, stage: str) -> None:
        super().__init__(scope, construct_id)

        self.key = kms.Key(
            self,
            "DataKey",
            alias=f"alias/kehou-{stage}-data",
            description=f"Kehou {stage}: encrypts the main, idempotency and ledger tables",
            enable_key_rotation=True,
            removal_policy=RemovalPolicy.RETAIN,
        )

        self.main = self._table(
            "MainTable",
            sort_key=True,
            stream=dynamodb.StreamViewType.NEW_IMAGE,
        )
        self.main.add_global_secondary_index(
            index_name=GSI1,
            partition_key=_string("gsi1pk"),
            sort_key=_string("gsi1sk"),
            projection_type=dynamodb.ProjectionType.ALL,
        )
        self.main.add_global_secondary_index(
            index_name=OUTBOX_PENDING,
            partition_key=_string("op_pk"),
            sort_key=_string("op_sk"),
            projection_type=dynamodb.ProjectionType.ALL,
        )

        self.idempotency = self._table(
            "IdempotencyTable",
            sort_key=False,
            time_to_live_attribute=IDEMPOTENCY_TTL_ATTRIBUTE,
        )
        self.ledger = self._table("LedgerTable", sort_key=True)

    def _table(
        self,
        construct_id: str,
        *,
        sort_key: bool,
        stream: dynamodb.StreamViewType | None = None,
        time_to_live_attribute: str | None = None,
    ) -> dynamodb.Table:
        # No explicit table_name: CloudFormation-generated names let a key-schema change replace a
        # table without a name clash, and the Lambdas get the names from environment variables.
        return dynamodb.Table(
            self,
            construct_id,
            partition_key=_string(PK),
            sort_key=_string(SK) if sort_key else None,
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            encryption=dynamodb.TableEncryption.CUSTOMER_MANAGED,
            encryption_key=self.key,
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=True,
            ),
            deletion_protection=True,
            removal_policy=RemovalPolicy.RETAIN,
            stream=stream,
            time_to_live_attribute=time_to_live_attribute,
        )

    @property
    def tables(self) -> tuple[dynamodb.Table, dynamodb.Table, dynamodb.Table]:
        return (self.main, self.idempotency, self.ledger)
