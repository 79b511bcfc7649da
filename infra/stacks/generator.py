"""The timetable generation job in AWS (issue 4): bus rule → SQS queue (+ DLQ) → a container-image Lambda.

``POST …/timetable/terms/{term}/generations`` stores a queued job and, through the outbox, puts
``kehou.timetable`` / ``TimetableGenerationRequested`` on the Kehou bus. ``Requested`` (a rule) sends
it to ``Queue``; ``QueueMapping`` hands each message to ``Function``, which runs
``chalicelib.timetable.worker.handler`` (one job per message; a partial batch response names the
message to redeliver). After ``MAX_RECEIVE_COUNT`` receives, or when EventBridge cannot deliver it at
all, the event lands in ``Dlq``; its body is the EventBridge event either way, so one redrive sends
both kinds back.

Why a container image: OR-Tools with numpy and pandas (``requirements-timetable.txt``, ~240 MB
unpacked) does not fit next to the API's dependencies in a zip Lambda (250 MB unpacked); an image may
be 10 GB. The image holds ``requirements.txt`` + ``requirements-timetable.txt`` and ``chalicelib/``
only (``infra/generator/Dockerfile``). ``cdk synth`` only *stages* the build context (the repository
root, filtered by ``ASSET_EXCLUDE``) into the cloud assembly; Docker builds and pushes the image at
``cdk deploy`` (cdk-assets), so synth needs no Docker.

Numbers and why:

* Function timeout ``TIMEOUT`` (10 min): a large school's generation takes seconds (the solver stops
  at ``SolverOptions.time_limit_s``, 20 s, plus at most 10 s explaining an infeasible term); the
  rest is headroom for assembling a big school and a cold start that pulls the ~700 MB image. It must
  stay below the job's lease (``LEASE_SECONDS`` in ``chalicelib/timetable/plan_models.py``, 20 min),
  after which a job reads as failed and another may start: a live worker must never outlast it.
* Queue visibility 6 × the timeout (60 min), AWS's advice for an SQS event source. The price is that
  a crashed attempt (timeout, out of memory) is retried only after an hour. Handled failures
  (infeasible, inputs not ready, a bug the worker catches) finish the job and delete the message.
* ``MAX_RECEIVE_COUNT`` 3, batch size 1 (a job is long: one failure must not redeliver others).
* At most ``MAX_CONCURRENCY`` concurrent jobs, set on the event source mapping (``ScalingConfig``)
  rather than as reserved concurrency: with reserved concurrency below the SQS pollers' count,
  throttled invocations return messages to the queue and count as receives, sending jobs to the DLQ
  after 3; and reserving capacity fails deployment in accounts with a low concurrency quota.
"""

from __future__ import annotations

from pathlib import Path

from aws_cdk import CfnElement, CfnResource, Duration, RemovalPolicy, Stack
from aws_cdk import aws_ecr_assets as ecr_assets
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct, IConstruct

from .notifier import queue_with_dlq, visibility_timeout

SOURCE = "kehou.timetable"
DETAIL_TYPE = "TimetableGenerationRequested"
HANDLER = "chalicelib.timetable.worker.handler"
DOCKERFILE = "infra/generator/Dockerfile"  # relative to the build context, the repository root
MEMORY_MB = 2048
TIMEOUT = Duration.minutes(10)
MAX_RECEIVE_COUNT = 3
BATCH_SIZE = 1
MAX_CONCURRENCY = 10
# x86_64 like the Chalice functions (Chalice's default). The platform makes a build on an arm64
# machine produce an amd64 image too.
ARCHITECTURE = lambda_.Architecture.X86_64
PLATFORM = ecr_assets.Platform.LINUX_AMD64

# The build context, as Docker ignore patterns over the repository root (an allow-list: the last
# matching pattern wins, `!` re-includes). Without it synth would copy .venv, node_modules, .git,
# .devstack... into the cloud assembly. CDK prunes a directory only when no later `!` pattern could
# re-include something in it, so `infra/cdk.out` (a local synth's output, inside `infra`, which the
# Dockerfile's pattern re-opens) is excluded by name. infra/generator/Dockerfile.dockerignore repeats
# this list for a plain `docker build -f infra/generator/Dockerfile .` (BuildKit); the tests keep
# the two equal.
ASSET_EXCLUDE = (
    "*",
    "!chalicelib",
    "!requirements.txt",
    "!requirements-timetable.txt",
    "!infra/generator/Dockerfile",
    "infra/cdk.out",
    "**/__pycache__",
    "**/*.pyc",
)


def image_code(context_dir: Path) -> lambda_.DockerImageCode:
    """The generator image, built from ``context_dir`` (the repository root) at deploy time.

    ``cmd`` repeats the Dockerfile's ``CMD`` so that the template (``ImageConfig.Command``) names the
    handler; the tests check the two agree.
    """
    return lambda_.DockerImageCode.from_image_asset(
        str(context_dir),
        file=DOCKERFILE,
        exclude=list(ASSET_EXCLUDE),
        platform=PLATFORM,
        cmd=[HANDLER],
    )


class TimetableGeneration(Construct):
    """``Requested`` (rule) → ``Queue`` (SSE, TLS only; ``Dlq``) → ``QueueMapping`` → ``Function``.

    ``role`` is the function's execution role (data access, see ``access.py``); this construct adds
    what only it knows: consuming ``Queue`` and writing ``Logs``.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        bus: events.IEventBus,
        role: iam.Role,
        environment: dict[str, str],
        stage: str,
        log_retention: logs.RetentionDays,
        context_dir: Path,
    ) -> None:
        super().__init__(scope, construct_id)

        self.queue, self.dlq = queue_with_dlq(self, visibility_timeout(int(TIMEOUT.to_seconds())), MAX_RECEIVE_COUNT)
        # The target adds the queue policies: events.amazonaws.com may send, only for this rule.
        self.rule = events.Rule(
            self,
            "Requested",
            event_bus=bus,
            description="Timetable generation requests to the generator's queue",
            event_pattern=events.EventPattern(source=[SOURCE], detail_type=[DETAIL_TYPE]),
            targets=[targets.SqsQueue(self.queue, dead_letter_queue=self.dlq)],
        )

        self.log_group = logs.LogGroup(
            self,
            "Logs",
            log_group_name=f"/aws/lambda/kehou-{stage}/TimetableGenerator",
            retention=log_retention,
            removal_policy=RemovalPolicy.DESTROY,
        )
        self.log_group.grant_write(role)
        self.queue.grant_consume_messages(role)

        self.function = lambda_.DockerImageFunction(
            self,
            "Function",
            description="Kehou timetable generation job (OR-Tools CP-SAT), one request per SQS message",
            code=image_code(context_dir),
            architecture=ARCHITECTURE,
            memory_size=MEMORY_MB,
            timeout=TIMEOUT,
            role=role,
            environment=environment,
            log_group=self.log_group,
            logging_format=lambda_.LoggingFormat.TEXT,
        )
        policy = role.node.find_child("DefaultPolicy")
        # CDK makes the function depend on the role *and* its policy; the Role GetAtt already orders it
        # after the role (cfn-lint W3005), so keep only the policy: logs and queue access from the start.
        function_resource = self.function.node.default_child
        assert isinstance(function_resource, CfnResource)
        function_resource.add_override("DependsOn", [Stack.of(self).get_logical_id(_cfn(policy))])
        mapping = lambda_.EventSourceMapping(
            self,
            "QueueMapping",
            target=self.function,
            event_source_arn=self.queue.queue_arn,
            batch_size=BATCH_SIZE,
            report_batch_item_failures=True,
            max_concurrency=MAX_CONCURRENCY,
        )
        # Lambda checks that the role may receive from the queue when it creates the mapping.
        mapping.node.add_dependency(policy)


def _cfn(construct: IConstruct) -> CfnElement:
    resource = construct.node.default_child
    assert isinstance(resource, CfnElement), construct.node.path
    return resource
