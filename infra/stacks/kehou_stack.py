"""``KehouStack``: every AWS resource of one Kehou stage, with the Chalice app packaged into it.

The Chalice construct runs ``chalice package`` on ``source_dir`` while this stack is being
constructed (so synth needs PyPI for the Lambda wheels; ``infra/app.py`` passes a snapshot of the
repository's Chalice project, see there) and includes the resulting SAM template.

The timetable generator is not a Chalice function: it is a container-image Lambda of its own
(``generator.py``), built from the repository root at deploy time.

This module relies on three things of ``app.py`` only: the REST API (Chalice's ``APIHandler``) and
the pure functions ``outbox_dispatcher`` (``OutboxDispatcher``, fed by the main table's stream) and
``notify_consumer`` (``NotifyConsumer``, fed by the notify queue). Any other function Chalice
packages runs with the API role and gets its own log group.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from aws_cdk import CfnOutput, CfnResource, Duration, RemovalPolicy, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as event_sources
from aws_cdk import aws_logs as logs
from chalice.cdk import Chalice
from constructs import Construct, IConstruct

from .access import FunctionRoles, MailSettings, tenant_key_alias_prefix
from .data import DataTables
from .generator import TimetableGeneration
from .identity import Identity
from .messaging import DomainEvents
from .notifier import NotifyQueue

REPO_ROOT = Path(__file__).resolve().parents[2]
STAGE_PATTERN = re.compile(r"^[a-z][a-z0-9]{0,15}$")
MAIL_SENDER_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
REGION_PATTERN = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d$")
# chalicelib.core.config.Settings' defaults; a deployment sets its own with -c mail_sender=... .
DEFAULT_MAIL_SENDER = "noreply@kehou.example.cn"
DEFAULT_MAIL_REGION = "ap-southeast-1"  # SES is not offered in the China regions

# Logical ids Chalice gives its functions (chalice.utils.to_cfn_resource_name of the names).
API_FUNCTION = "APIHandler"
DISPATCHER_FUNCTION = "OutboxDispatcher"
NOTIFY_FUNCTION = "NotifyConsumer"
SERVERLESS_FUNCTION = "AWS::Serverless::Function"
API_GATEWAY_STAGE = "api"

# Outbox stream -> dispatcher. Lambda drops every other stream record before invoking anything, so
# ordinary writes to the main table cost no invocation. Mirrors the check at the top of
# chalicelib/core/outbox.py OutboxDispatcher.dispatch_stream (INSERT of an item of kind OutboxEvent);
# change both together.
OUTBOX_ITEM_KIND = "OutboxEvent"
OUTBOX_STREAM_FILTER = {
    "eventName": lambda_.FilterRule.is_equal("INSERT"),
    "dynamodb": {"NewImage": {"kind": {"S": lambda_.FilterRule.is_equal(OUTBOX_ITEM_KIND)}}},
}
OUTBOX_RETRY_ATTEMPTS = 5
OUTBOX_MAX_RECORD_AGE = Duration.hours(6)

LAMBDA_TIMEOUT_SECONDS = 30  # every function (Chalice's lambda_timeout); the notify queue depends on it
# Notify queue -> notifier. Up to 10 messages per invocation, no batching window (a notice should not
# wait), and at most this many concurrent invocations, which bounds the SES/SNS send rate and keeps a
# burst (a batch approval of a whole grade) from being throttled into the DLQ.
NOTIFY_BATCH_SIZE = 10
NOTIFY_MAX_CONCURRENCY = 5
# The notifier alone runs longer: a timetable publication notifies every family of a school (one
# notice per guardian, chalicelib/notify/fanout.py); its loop stops at the budget or, earlier, when
# the invocation's remaining time runs short, and the message's redelivery carries on from there.
NOTIFY_TIMEOUT_SECONDS = 300
NOTIFY_FANOUT_BUDGET_SECONDS = 240


def validate_stage(stage: str) -> str:
    if not STAGE_PATTERN.fullmatch(stage):
        raise ValueError(f"stage must match {STAGE_PATTERN.pattern!r}, got {stage!r}")
    return stage


def validate_mail(sender: str, region: str) -> MailSettings:
    if not MAIL_SENDER_PATTERN.fullmatch(sender):
        raise ValueError(f"mail_sender must be an e-mail address, got {sender!r}")
    if not REGION_PATTERN.fullmatch(region):
        raise ValueError(f"mail_region must be an AWS region name, got {region!r}")
    return MailSettings(sender, region)


class KehouStack(Stack):
    """Stack ``kehou-<stage>``. Its construct id is the stage itself, see ``__init__``."""

    def __init__(
        self,
        scope: Construct,
        *,
        stage: str,
        source_dir: Path = REPO_ROOT,
        mail_sender: str = DEFAULT_MAIL_SENDER,
        mail_region: str = DEFAULT_MAIL_REGION,
        generator_context_dir: Path = REPO_ROOT,
        **kwargs: Any,
    ) -> None:
        # chalice.cdk.Chalice uses its scope's path (scope.to_string()) as the Chalice stage name,
        # so the construct id *is* the stage: `chalice package --stage dev` for stage dev, and the
        # stage's section of .chalice/config.json applies (our stage_config still wins).
        validate_stage(stage)
        self.mail = validate_mail(mail_sender, mail_region)
        super().__init__(
            scope,
            stage,
            stack_name=f"kehou-{stage}",
            description=f"Kehou after-school service, stage {stage}",
            **kwargs,
        )
        self.stage = stage

        self.data = DataTables(self, "Data", stage=stage)
        self.domain_events = DomainEvents(self, "Events", stage=stage)
        self.notify = NotifyQueue(
            self, "Notify", bus=self.domain_events.bus, function_timeout_seconds=NOTIFY_TIMEOUT_SECONDS
        )
        self.identity = Identity(self, "Identity", stage=stage)
        self.roles = FunctionRoles(
            self,
            "Access",
            data=self.data,
            domain_events=self.domain_events,
            notify_queue=self.notify,
            mail=self.mail,
            stage=stage,
        )

        self.chalice = Chalice(
            self,
            "ChaliceApp",
            source_dir=str(source_dir),
            stage_config=self.chalice_stage_config(),
        )
        self._configure_functions()
        self._wire_outbox()
        self._wire_notifier()
        self.generation = TimetableGeneration(
            self,
            "Generation",
            bus=self.domain_events.bus,
            role=self.roles.generator,
            environment=self.generator_environment(),
            stage=stage,
            log_retention=self.log_retention(),
            context_dir=generator_context_dir,
        )
        self._add_outputs()

    def lambda_environment(self) -> dict[str, str]:
        """What ``chalicelib.core.config.Settings.from_env`` reads, for every function."""
        return {
            "KEHOU_STAGE": self.stage,
            "KEHOU_MAIN_TABLE": self.data.main.table_name,
            "KEHOU_IDEMPOTENCY_TABLE": self.data.idempotency.table_name,
            "KEHOU_LEDGER_TABLE": self.data.ledger.table_name,
            "KEHOU_EVENT_BUS": self.domain_events.bus.event_bus_name,
            "KEHOU_OIDC_ISSUER": self.identity.issuer,
            "KEHOU_OIDC_AUDIENCE": self.identity.api_client.user_pool_client_id,
            "KEHOU_OIDC_JWKS_URL": self.identity.jwks_url,
            # Password-less sign-in exists only in the devstack's issuer. Never in AWS.
            "KEHOU_DEV_SIGNIN": "false",
            "KEHOU_TENANT_SCOPED_ROLE_ARN": self.roles.tenant_scoped.role_arn,
            "KEHOU_KMS_ALIAS_PREFIX": tenant_key_alias_prefix(self.stage),
            "KEHOU_MAIL_SENDER": self.mail.sender,
            "KEHOU_MAIL_REGION": self.mail.region,
            "KEHOU_NOTIFY_FANOUT_BUDGET_SECONDS": str(NOTIFY_FANOUT_BUDGET_SECONDS),
            "POWERTOOLS_SERVICE_NAME": "kehou",
        }

    def generator_environment(self) -> dict[str, str]:
        """The functions' environment without ``KEHOU_TENANT_SCOPED_ROLE_ARN``.

        The generator works on its own role (a system job, no caller to scope to), which may not assume
        ``TenantScopedDataRole``. Without the variable ``Container`` has no credential broker, so any
        scoping falls back to the function's own role instead of failing with AccessDenied in AWS only.
        """
        environment = self.lambda_environment()
        del environment["KEHOU_TENANT_SCOPED_ROLE_ARN"]
        return environment

    def log_retention(self) -> logs.RetentionDays:
        return logs.RetentionDays.ONE_YEAR if self.stage == "prod" else logs.RetentionDays.ONE_MONTH

    def chalice_stage_config(self) -> dict[str, Any]:
        """Chalice config for this stage; takes precedence over ``.chalice/config.json``.

        Chalice has no per-function override in this user-provided config, so every function gets
        the API role here and ``_configure_functions`` re-points the dispatcher and the notifier at
        their own roles.
        """
        return {
            "api_gateway_stage": API_GATEWAY_STAGE,
            # REGIONAL: edge-optimized endpoints do not exist in the China regions.
            "api_gateway_endpoint_type": "REGIONAL",
            "manage_iam_role": False,
            "iam_role_arn": self.roles.api.role_arn,
            "lambda_memory_size": 512,
            "lambda_timeout": LAMBDA_TIMEOUT_SECONDS,
            "environment_variables": self.lambda_environment(),
        }

    def serverless_functions(self) -> dict[str, CfnResource]:
        """The ``AWS::Serverless::Function`` resources of the packaged app, by logical id."""
        return {
            child.node.id: child
            for child in self.chalice.sam_template.node.children
            if isinstance(child, CfnResource) and child.cfn_resource_type == SERVERLESS_FUNCTION
        }

    def _configure_functions(self) -> None:
        functions = self.serverless_functions()
        for required in (API_FUNCTION, DISPATCHER_FUNCTION, NOTIFY_FUNCTION):
            if required not in functions:
                raise LookupError(f"chalice package produced no {required}; found {sorted(functions)}")
        retention = self.log_retention()
        own_roles = {DISPATCHER_FUNCTION: self.roles.dispatcher, NOTIFY_FUNCTION: self.roles.notifier}
        for logical_id, function in functions.items():
            role = own_roles.get(logical_id, self.roles.api)
            if role is not self.roles.api:
                function.add_property_override("Role", role.role_arn)
            if logical_id == NOTIFY_FUNCTION:
                function.add_property_override("Timeout", NOTIFY_TIMEOUT_SECONDS)
            # A named log group per function: known retention, and the role may write to exactly
            # this group instead of /aws/lambda/* (no logs:CreateLogGroup needed).
            log_group = logs.LogGroup(
                self,
                f"{logical_id}Logs",
                log_group_name=f"/aws/lambda/kehou-{self.stage}/{logical_id}",
                retention=retention,
                removal_policy=RemovalPolicy.DESTROY,
            )
            FunctionRoles.grant_log_writing(role, log_group)
            function.add_property_override("LoggingConfig", {"LogGroup": log_group.log_group_name, "LogFormat": "Text"})
            # The Role GetAtt orders the function after the role, not after the role's policy.
            function.node.add_dependency(_default_policy(role))

    def _wire_outbox(self) -> None:
        stream_arn = self.data.main.table_stream_arn
        assert stream_arn is not None, "main table must have a stream"
        dispatcher = self.chalice.get_function(DISPATCHER_FUNCTION)
        # The same function with its role attached, so the on-failure destination's grant lands
        # on the dispatcher role instead of an unknown principal.
        target = lambda_.Function.from_function_attributes(
            self,
            "OutboxDispatcherWithRole",
            function_arn=dispatcher.function_arn,
            role=self.roles.dispatcher,
            same_environment=True,
        )
        mapping = lambda_.EventSourceMapping(
            self,
            "OutboxStreamMapping",
            target=target,
            event_source_arn=stream_arn,
            starting_position=lambda_.StartingPosition.TRIM_HORIZON,
            batch_size=100,
            max_batching_window=Duration.seconds(1),
            bisect_batch_on_error=True,
            retry_attempts=OUTBOX_RETRY_ATTEMPTS,
            max_record_age=OUTBOX_MAX_RECORD_AGE,
            report_batch_item_failures=True,
            parallelization_factor=1,
            filters=[lambda_.FilterCriteria.filter(OUTBOX_STREAM_FILTER)],
            on_failure=event_sources.SqsDlq(self.domain_events.outbox_dlq),
        )
        # Lambda validates the stream permissions when it creates the mapping.
        mapping.node.add_dependency(_default_policy(self.roles.dispatcher))

    def _wire_notifier(self) -> None:
        """Notify queue -> ``NotifyConsumer``, reporting failed messages one by one."""
        notifier = self.chalice.get_function(NOTIFY_FUNCTION)
        target = lambda_.Function.from_function_attributes(
            self,
            "NotifyConsumerWithRole",
            function_arn=notifier.function_arn,
            role=self.roles.notifier,
            same_environment=True,
        )
        mapping = lambda_.EventSourceMapping(
            self,
            "NotifyQueueMapping",
            target=target,
            event_source_arn=self.notify.queue.queue_arn,
            batch_size=NOTIFY_BATCH_SIZE,
            report_batch_item_failures=True,
            max_concurrency=NOTIFY_MAX_CONCURRENCY,
        )
        # Lambda checks that the role may receive from the queue when it creates the mapping.
        mapping.node.add_dependency(_default_policy(self.roles.notifier))

    def _add_outputs(self) -> None:
        outputs = {
            "ApiUrl": self.chalice.sam_template.get_output("EndpointURL").value,
            "EventBusName": self.domain_events.bus.event_bus_name,
            "MainTableName": self.data.main.table_name,
            "IdempotencyTableName": self.data.idempotency.table_name,
            "LedgerTableName": self.data.ledger.table_name,
            "UserPoolId": self.identity.user_pool.user_pool_id,
            "UserPoolClientId": self.identity.api_client.user_pool_client_id,
            "OidcIssuer": self.identity.issuer,
            "OutboxDlqUrl": self.domain_events.outbox_dlq.queue_url,
            "NotifyQueueUrl": self.notify.queue.queue_url,
            "NotifyDlqUrl": self.notify.dlq.queue_url,
            "GenerationQueueUrl": self.generation.queue.queue_url,
            "GenerationDlqUrl": self.generation.dlq.queue_url,
            "TimetableGeneratorName": self.generation.function.function_name,
            "TenantScopedDataRoleArn": self.roles.tenant_scoped.role_arn,
        }
        for name, value in outputs.items():
            CfnOutput(self, name, value=value)


def _default_policy(role: iam.Role) -> IConstruct:
    policy = role.node.try_find_child("DefaultPolicy")
    if policy is None:
        raise LookupError(f"{role.node.path} has no policy yet")
    return policy
