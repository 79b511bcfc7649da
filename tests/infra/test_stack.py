"""Infrastructure tests: one CDK synth per session, cfn-lint, then template assertions.

The synth runs ``infra/app.py`` in a subprocess, the way ``cdk synth`` does, rather than in the test
process: ``chalice package`` (inside ``chalice.cdk.Chalice``) imports the repository's ``app``
module and writes the stage's environment variables into ``os.environ``, and neither may leak into
other tests. The context is cdk.json's (feature flags) plus ``stage=dev``, and ambient AWS/CDK
settings are removed, so the template does not depend on the machine that synthesizes it. Under
pytest-xdist the first worker synthesizes and the others wait for it and reuse the result.

Synth must not need Docker (the generator's image is built at deploy time): ``docker`` on the synth's
``PATH`` (and ``CDK_DOCKER``) is a stub that fails and leaves a mark, which a test looks for.
"""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aws_cdk.assertions import Match, Template
from cfnlint.api import ManualArgs, lint_file

pytestmark = pytest.mark.infra

Json = dict[str, Any]
STAGE = "dev"
REPO_ROOT = Path(__file__).resolve().parents[2]
INFRA_DIR = REPO_ROOT / "infra"
STACK_ID = STAGE  # KehouStack's construct id is its stage
SYNTH_TIMEOUT_SECONDS = 900
AMBIENT_SETTINGS = (
    "AWS_PROFILE",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "CDK_DEFAULT_ACCOUNT",
    "CDK_DEFAULT_REGION",
    "CDK_CONTEXT_JSON",
    "CDK_OUTDIR",
)
if str(REPO_ROOT) not in sys.path:  # for the few tests that import infra.stacks directly
    sys.path.append(str(REPO_ROOT))


@dataclass(frozen=True)
class Synthesized:
    """One cloud assembly: where it is, the stack template, and how long synth took."""

    outdir: Path
    template_path: Path
    template: dict[str, Any]
    seconds: float


def docker_stub(directory: Path) -> Path:
    """A ``docker`` that fails and records that it was called (in ``directory/called``)."""
    directory.mkdir(parents=True, exist_ok=True)
    stub = directory / "docker"
    stub.write_text(f'#!/bin/sh\necho "$@" >> "{directory / "called"}"\nexit 1\n')
    stub.chmod(0o755)
    return stub


def synthesize(outdir: Path) -> float:
    """Run ``infra/app.py`` into ``outdir``; returns the wall-clock seconds it took.

    Without Docker: ``docker`` is the stub in ``outdir.parent / "no-docker"``.
    """
    context = json.loads((INFRA_DIR / "cdk.json").read_text())["context"]
    context["stage"] = STAGE
    env = {key: value for key, value in os.environ.items() if key not in AMBIENT_SETTINGS}
    env.update(
        CDK_OUTDIR=str(outdir),
        CDK_CONTEXT_JSON=json.dumps(context),
        AWS_EC2_METADATA_DISABLED="true",
        JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION="1",
        CDK_DOCKER=str(docker_stub(outdir.parent / "no-docker")),
    )
    env["PATH"] = os.pathsep.join([str(outdir.parent / "no-docker"), env.get("PATH", "")])
    outdir.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, str(INFRA_DIR / "app.py")],
        cwd=outdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=SYNTH_TIMEOUT_SECONDS,
        check=False,
    )
    seconds = time.monotonic() - started
    if proc.returncode != 0:
        pytest.fail(
            f"synth failed ({proc.returncode}):\n{proc.stdout[-4000:]}\n{proc.stderr[-8000:]}",
            pytrace=False,
        )
    return seconds


@pytest.fixture(scope="session")
def synthesized(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # shared by all workers of this run, fresh for every run
    outdir = base / "kehou-cdk-out"
    done = base / "kehou-cdk-out.done"
    with open(base / "kehou-cdk-out.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if not done.exists():
                done.write_text(json.dumps({"seconds": synthesize(outdir)}))
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    template_path = outdir / f"{STACK_ID}.template.json"
    return Synthesized(
        outdir=outdir,
        template_path=template_path,
        template=json.loads(template_path.read_text()),
        seconds=float(json.loads(done.read_text())["seconds"]),
    )


# cfn-lint warnings we accept; each one must also be listed and justified in infra/README.md.
ALLOWED_CFN_LINT_WARNINGS: frozenset[str] = frozenset()
# The only actions any policy may grant on Resource "*", and why.
ALLOWED_ON_ANY_RESOURCE = {
    "dynamodb:ListStreams",  # has no resource-level permissions (stream read of the dispatcher)
    "sns:Publish",  # SMS has no topic ARN: Cognito's SMS role (codes, MFA) and the notifier (notices)
    "kms:CreateKey",  # per-tenant personal-data keys: no key ARN exists before creation (tag-conditioned)
    "kms:TagResource",  # tagging the key at creation, same statement and conditions
}
API_FUNCTION = "APIHandler"
DISPATCHER_FUNCTION = "OutboxDispatcher"
NOTIFY_FUNCTION = "NotifyConsumer"
FUNCTIONS = (API_FUNCTION, DISPATCHER_FUNCTION, NOTIFY_FUNCTION)
TENANT_LEADING_KEYS = ["T#${aws:PrincipalTag/tenant}", "T#${aws:PrincipalTag/tenant}#*"]
# The stack's defaults are the app's (chalicelib.core.config.Settings); synth passes no mail context.
MAIL_SENDER = "noreply@kehou.example.cn"
MAIL_REGION = "ap-southeast-1"


# ---------------------------------------------------------------------------------------------
# helpers over the raw template


@pytest.fixture(scope="module")
def raw(synthesized: Synthesized) -> Json:
    return synthesized.template


@pytest.fixture(scope="module")
def template(raw: Json) -> Template:
    return Template.from_json(raw)


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _resources(raw: Json, resource_type: str) -> dict[str, Json]:
    return {key: res for key, res in raw["Resources"].items() if res["Type"] == resource_type}


def _output_target(raw: Json, output: str) -> str:
    """Logical id of the resource an output points at (``Ref`` or ``Fn::GetAtt``)."""
    value = raw["Outputs"][output]["Value"]
    if "Ref" in value:
        return str(value["Ref"])
    return str(value["Fn::GetAtt"][0])


def _getatt_arn(logical_id: str) -> Json:
    return {"Fn::GetAtt": [logical_id, "Arn"]}


def _role_of(function: Json) -> str:
    role = function["Properties"]["Role"]
    assert set(role) == {"Fn::GetAtt"} and role["Fn::GetAtt"][1] == "Arn", role
    return str(role["Fn::GetAtt"][0])


def _all_statements(raw: Json) -> Iterator[tuple[str, Json]]:
    """(policy owner, statement) for every identity-policy statement in the template."""
    for logical_id, res in raw["Resources"].items():
        props = res.get("Properties", {})
        documents: list[Json] = []
        if res["Type"] in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"):
            documents.append(props["PolicyDocument"])
        if res["Type"] == "AWS::IAM::Role":
            documents.extend(p["PolicyDocument"] for p in props.get("Policies", []))
        for document in documents:
            for statement in document["Statement"]:
                yield logical_id, statement


def _role_statements(raw: Json, role_id: str) -> list[Json]:
    statements: list[Json] = []
    for res in _resources(raw, "AWS::IAM::Policy").values():
        if {"Ref": role_id} in res["Properties"].get("Roles", []):
            statements.extend(res["Properties"]["PolicyDocument"]["Statement"])
    for policy in raw["Resources"][role_id]["Properties"].get("Policies", []):
        statements.extend(policy["PolicyDocument"]["Statement"])
    return statements


def _actions(statements: list[Json]) -> set[str]:
    return {action for s in statements for action in _as_list(s["Action"])}


def _canonical(values: list[Any]) -> list[str]:
    """Order-insensitive comparison of policy elements (CDK sorts and merges statements)."""
    return sorted(json.dumps(v, sort_keys=True) for v in values)


def _functions(raw: Json) -> dict[str, Json]:
    return _resources(raw, "AWS::Serverless::Function")


# ---------------------------------------------------------------------------------------------
# cfn-lint


def test_cfn_lint_reports_no_errors(synthesized: Synthesized) -> None:
    matches = lint_file(synthesized.template_path, config=ManualArgs(regions=["us-east-1"]))
    findings = [f"{m.rule.id} line {m.linenumber}: {m.message}" for m in matches]
    errors = [f for m, f in zip(matches, findings, strict=True) if m.rule.id.startswith("E")]
    unexpected_warnings = [
        f
        for m, f in zip(matches, findings, strict=True)
        if m.rule.id.startswith("W") and m.rule.id not in ALLOWED_CFN_LINT_WARNINGS
    ]
    assert errors == [], "\n".join(errors)
    assert unexpected_warnings == [], "\n".join(unexpected_warnings)


# ---------------------------------------------------------------------------------------------
# data


def test_main_table_keys_indexes_and_stream(template: Template, raw: Json) -> None:
    main = _output_target(raw, "MainTableName")
    props = raw["Resources"][main]["Properties"]
    assert props["KeySchema"] == [
        {"AttributeName": "pk", "KeyType": "HASH"},
        {"AttributeName": "sk", "KeyType": "RANGE"},
    ]
    assert props["StreamSpecification"] == {"StreamViewType": "NEW_IMAGE"}
    assert props["BillingMode"] == "PAY_PER_REQUEST"
    indexes = {gsi["IndexName"]: gsi for gsi in props["GlobalSecondaryIndexes"]}
    assert indexes == {
        "gsi1": {
            "IndexName": "gsi1",
            "KeySchema": [
                {"AttributeName": "gsi1pk", "KeyType": "HASH"},
                {"AttributeName": "gsi1sk", "KeyType": "RANGE"},
            ],
            "Projection": {"ProjectionType": "ALL"},
        },
        "outbox_pending": {
            "IndexName": "outbox_pending",
            "KeySchema": [
                {"AttributeName": "op_pk", "KeyType": "HASH"},
                {"AttributeName": "op_sk", "KeyType": "RANGE"},
            ],
            "Projection": {"ProjectionType": "ALL"},
        },
    }
    assert {(a["AttributeName"], a["AttributeType"]) for a in props["AttributeDefinitions"]} == {
        ("pk", "S"),
        ("sk", "S"),
        ("gsi1pk", "S"),
        ("gsi1sk", "S"),
        ("op_pk", "S"),
        ("op_sk", "S"),
    }
    template.resource_count_is("AWS::DynamoDB::Table", 3)


def test_idempotency_table_has_ttl_and_partition_key_only(raw: Json) -> None:
    props = raw["Resources"][_output_target(raw, "IdempotencyTableName")]["Properties"]
    assert props["KeySchema"] == [{"AttributeName": "pk", "KeyType": "HASH"}]
    assert props["TimeToLiveSpecification"] == {"AttributeName": "expires_at", "Enabled": True}


def test_ledger_is_its_own_table(raw: Json) -> None:
    ledger = _output_target(raw, "LedgerTableName")
    assert ledger not in {_output_target(raw, "MainTableName"), _output_target(raw, "IdempotencyTableName")}
    assert raw["Resources"][ledger]["Properties"]["KeySchema"] == [
        {"AttributeName": "pk", "KeyType": "HASH"},
        {"AttributeName": "sk", "KeyType": "RANGE"},
    ]


@pytest.mark.parametrize("output", ["MainTableName", "IdempotencyTableName", "LedgerTableName"])
def test_every_table_is_retained_recoverable_and_encrypted_with_the_data_key(
    template: Template, raw: Json, output: str
) -> None:
    table = raw["Resources"][_output_target(raw, output)]
    (key_id,) = _resources(raw, "AWS::KMS::Key")
    assert raw["Resources"][key_id]["Properties"]["EnableKeyRotation"] is True
    assert raw["Resources"][key_id]["DeletionPolicy"] == "Retain"
    assert table["DeletionPolicy"] == "Retain"
    assert table["UpdateReplacePolicy"] == "Retain"
    assert table["Properties"]["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert table["Properties"]["SSESpecification"] == {
        "SSEEnabled": True,
        "SSEType": "KMS",
        "KMSMasterKeyId": _getatt_arn(key_id),
    }
    template.has_resource("AWS::DynamoDB::Table", {"DeletionPolicy": "Retain"})


# ---------------------------------------------------------------------------------------------
# events and the outbox


def test_event_bus_and_archive(template: Template, raw: Json) -> None:
    template.has_resource_properties("AWS::Events::EventBus", {"Name": f"kehou-events-{STAGE}"})
    bus = _output_target(raw, "EventBusName")
    template.has_resource_properties(
        "AWS::Events::Archive", {"SourceArn": _getatt_arn(bus), "RetentionDays": Match.any_value()}
    )


def _mapping_of(raw: Json, function: str) -> Json:
    (mapping,) = [
        m["Properties"]
        for m in _resources(raw, "AWS::Lambda::EventSourceMapping").values()
        if {"Fn::GetAtt": [function, "Arn"]} in _nested_values(m["Properties"]["FunctionName"])
    ]
    return mapping


def test_outbox_stream_mapping_targets_the_dispatcher_with_a_dlq(template: Template, raw: Json) -> None:
    props = _mapping_of(raw, DISPATCHER_FUNCTION)
    assert props["EventSourceArn"] == {"Fn::GetAtt": [_output_target(raw, "MainTableName"), "StreamArn"]}
    assert props["BisectBatchOnFunctionError"] is True
    assert 1 <= props["MaximumRetryAttempts"] <= 10
    assert props["StartingPosition"] == "TRIM_HORIZON"
    patterns = [json.loads(f["Pattern"]) for f in props["FilterCriteria"]["Filters"]]
    assert patterns == [{"eventName": ["INSERT"], "dynamodb": {"NewImage": {"kind": {"S": ["OutboxEvent"]}}}}]
    dlq = props["DestinationConfig"]["OnFailure"]["Destination"]["Fn::GetAtt"][0]
    assert raw["Resources"][dlq]["Type"] == "AWS::SQS::Queue"
    template.has_resource_properties(
        "AWS::SQS::Queue", {"SqsManagedSseEnabled": True, "MessageRetentionPeriod": 1209600}
    )


def _nested_values(value: Any) -> Iterator[Any]:
    yield value
    if isinstance(value, dict):
        for item in value.values():
            yield from _nested_values(item)
    elif isinstance(value, list):
        for item in value:
            yield from _nested_values(item)


# ---------------------------------------------------------------------------------------------
# notices: bus rule -> SQS (+ DLQ) -> the notifier


def _notify_queue(raw: Json) -> str:
    return _output_target(raw, "NotifyQueueUrl")


def _notify_dlq(raw: Json) -> str:
    return _output_target(raw, "NotifyDlqUrl")


def _rules_targeting(raw: Json, queue: str) -> dict[str, Json]:
    """The bus rules with a target on ``queue``, by logical id."""
    return {
        rule_id: rule["Properties"]
        for rule_id, rule in _resources(raw, "AWS::Events::Rule").items()
        if any(t["Arn"] == _getatt_arn(queue) for t in rule["Properties"]["Targets"])
    }


def _assert_whole_event_to(rule: Json, queue: str, dlq: str, bus: str) -> None:
    """On the Kehou bus, enabled, one target: ``queue``, the whole event, undeliverable ones to ``dlq``."""
    assert rule["EventBusName"] == {"Ref": bus}
    assert rule["State"] == "ENABLED"
    (target,) = rule["Targets"]
    assert target["Arn"] == _getatt_arn(queue)
    assert target["DeadLetterConfig"] == {"Arn": _getatt_arn(dlq)}
    assert "InputTransformer" not in target and "Input" not in target  # the whole event: what the consumer parses


# What Container.handle_event routes to the notify context: every enrolment event, and timetable
# publications (not the timetable's other events, e.g. generation requests).
NOTIFY_PATTERNS = [
    {"source": ["kehou.enrollment"]},
    {"source": ["kehou.timetable"], "detail-type": ["TimetablePublished"]},
]


def test_enrollment_events_and_timetable_publications_go_to_the_notify_queue_with_the_dlq(raw: Json) -> None:
    bus = _output_target(raw, "EventBusName")
    queue, dlq = _notify_queue(raw), _notify_dlq(raw)
    rules = _rules_targeting(raw, queue)
    assert _canonical([r["EventPattern"] for r in rules.values()]) == _canonical(NOTIFY_PATTERNS)
    for rule in rules.values():
        _assert_whole_event_to(rule, queue, dlq, bus)


def test_notify_queue_is_encrypted_redrives_after_five_receives_and_outlasts_the_function(raw: Json) -> None:
    from chalicelib.notify.delivery import SEND_LEASE

    queue = raw["Resources"][_notify_queue(raw)]["Properties"]
    dlq = raw["Resources"][_notify_dlq(raw)]["Properties"]
    timeout = raw["Resources"][NOTIFY_FUNCTION]["Properties"]["Timeout"]
    assert queue["SqsManagedSseEnabled"] is True and dlq["SqsManagedSseEnabled"] is True
    assert queue["RedrivePolicy"] == {"deadLetterTargetArn": _getatt_arn(_notify_dlq(raw)), "maxReceiveCount": 5}
    assert queue["VisibilityTimeout"] >= 6 * timeout
    # A claim left by a receiver that died mid-send is taken over after SEND_LEASE: redelivery must last longer.
    assert queue["VisibilityTimeout"] * queue["RedrivePolicy"]["maxReceiveCount"] > SEND_LEASE.total_seconds()
    assert dlq["MessageRetentionPeriod"] == 14 * 24 * 3600 > queue["MessageRetentionPeriod"]


def test_the_notifier_has_time_for_a_schools_fan_out_and_stops_before_its_timeout(raw: Json) -> None:
    """A timetable publication notifies every family: the notifier alone runs 5 minutes, its fan-out
    budget ends well before (the loop also watches the invocation's remaining time)."""
    from chalicelib.core.deadline import SAFETY_SECONDS

    functions = {k: v["Properties"] for k, v in raw["Resources"].items() if v["Type"] == "AWS::Serverless::Function"}
    notifier = functions[NOTIFY_FUNCTION]
    budget = float(notifier["Environment"]["Variables"]["KEHOU_NOTIFY_FANOUT_BUDGET_SECONDS"])
    assert notifier["Timeout"] == 300
    assert budget + SAFETY_SECONDS < notifier["Timeout"]
    assert all(p["Timeout"] == 30 for k, p in functions.items() if k != NOTIFY_FUNCTION)  # the API stays at 30 s


def _assert_only_rules_send_over_tls(raw: Json, queues: tuple[str, ...], rule_ids: set[str]) -> None:
    """Each queue's policy: ``events.amazonaws.com`` may send, only for ``rule_ids``; non-TLS denied."""
    for queue in queues:
        (policy,) = [
            p["Properties"]["PolicyDocument"]["Statement"]
            for p in _resources(raw, "AWS::SQS::QueuePolicy").values()
            if {"Ref": queue} in p["Properties"]["Queues"]
        ]
        allows = [s for s in policy if s["Effect"] == "Allow"]
        assert allows and all(s["Principal"] == {"Service": "events.amazonaws.com"} for s in allows), allows
        sources = [s["Condition"]["ArnEquals"]["aws:SourceArn"] for s in allows]
        assert _canonical(sources) == _canonical([_getatt_arn(r) for r in rule_ids]), (queue, sources)
        assert any(
            s["Effect"] == "Deny" and s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}} for s in policy
        )


def test_only_the_notify_rules_may_send_to_the_notify_queues_and_only_over_tls(raw: Json) -> None:
    rule_ids = set(_rules_targeting(raw, _notify_queue(raw)))
    assert len(rule_ids) == len(NOTIFY_PATTERNS)
    _assert_only_rules_send_over_tls(raw, (_notify_queue(raw), _notify_dlq(raw)), rule_ids)


def test_notify_queue_mapping_reports_batch_item_failures(raw: Json) -> None:
    props = _mapping_of(raw, NOTIFY_FUNCTION)
    assert props["EventSourceArn"] == _getatt_arn(_notify_queue(raw))
    assert props["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert props["BatchSize"] == 10
    assert props["ScalingConfig"]["MaximumConcurrency"] >= 2
    assert "DestinationConfig" not in props  # an SQS source dead-letters through the queue's redrive policy


def test_notifier_role_has_what_notify_needs_and_nothing_else(raw: Json) -> None:
    role = _role_of(raw["Resources"][NOTIFY_FUNCTION])
    assert role not in {_role_of(raw["Resources"][f]) for f in (API_FUNCTION, DISPATCHER_FUNCTION)}
    statements = _role_statements(raw, role)
    main = _getatt_arn(_output_target(raw, "MainTableName"))
    (key_id,) = _resources(raw, "AWS::KMS::Key")
    by_service: dict[str, list[Json]] = {}
    for s in statements:
        assert s["Effect"] == "Allow", s
        services = {a.split(":")[0] for a in _as_list(s["Action"])}
        assert len(services) == 1, s
        by_service.setdefault(services.pop(), []).append(s)
    assert set(by_service) == {"dynamodb", "kms", "ses", "sns", "sqs", "logs"}

    dynamo = by_service["dynamodb"]
    gsi1 = {"Fn::Join": ["", [main, "/index/gsi1"]]}  # a timetable publication's recipients
    assert _canonical([r for s in dynamo for r in _as_list(s["Resource"])]) == _canonical([main, gsi1])
    # no other index, no ledger or idempotency table; on the index only Query
    assert [_as_list(s["Action"]) for s in dynamo if _as_list(s["Resource"]) == [gsi1]] == [["dynamodb:Query"]]
    assert "dynamodb:TransactWriteItems" not in _actions(dynamo) and {
        "dynamodb:GetItem",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "dynamodb:Query",
    } <= _actions(dynamo)

    kms_by_resource = {json.dumps(s["Resource"], sort_keys=True): s for s in by_service["kms"]}
    table_key = kms_by_resource.pop(json.dumps(_getatt_arn(key_id), sort_keys=True))
    assert "kms:Decrypt" in _as_list(table_key["Action"])
    (tenant_keys,) = kms_by_resource.values()
    assert _as_list(tenant_keys["Action"]) == ["kms:Decrypt"]  # opens contacts; never creates or seals
    assert tenant_keys["Condition"]["StringLike"] == {"aws:ResourceTag/tenant": "?*"}
    assert tenant_keys["Condition"]["ForAllValues:StringEquals"] == {"kms:EncryptionContextKeys": ["tenant"]}

    (ses,) = by_service["ses"]
    assert _as_list(ses["Action"]) == ["ses:SendEmail"]
    assert ses["Condition"] == {"StringEquals": {"ses:FromAddress": MAIL_SENDER}}
    assert f":ses:{MAIL_REGION}:" in json.dumps(ses["Resource"]) and ":identity/*" in json.dumps(ses["Resource"])
    (sns,) = by_service["sns"]
    assert _as_list(sns["Action"]) == ["sns:Publish"] and sns["Resource"] == "*"  # SMS has no ARN

    (sqs,) = by_service["sqs"]
    assert sqs["Resource"] == _getatt_arn(_notify_queue(raw))
    assert {"sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility"} <= _actions([sqs])
    assert not _actions([sqs]) & {"sqs:SendMessage", "sqs:PurgeQueue"}


def test_stack_mail_defaults_are_the_apps() -> None:
    from chalicelib.core.config import Settings
    from infra.stacks.kehou_stack import validate_mail

    assert (Settings().mail_sender, Settings().mail_region) == (MAIL_SENDER, MAIL_REGION)
    assert validate_mail("notices@school.example.cn", "us-east-1").region == "us-east-1"
    for sender, region in (("no-at-sign", "us-east-1"), (MAIL_SENDER, "cn north 1"), ("a@b", MAIL_REGION)):
        with pytest.raises(ValueError):
            validate_mail(sender, region)


# ---------------------------------------------------------------------------------------------
# the timetable generator: bus rule -> SQS (+ DLQ) -> a container-image Lambda

GENERATOR_HANDLER = "chalicelib.timetable.worker.handler"
GENERATOR_DOCKERFILE = "infra/generator/Dockerfile"
GENERATION_PATTERN = {"source": ["kehou.timetable"], "detail-type": ["TimetableGenerationRequested"]}


def _generator(raw: Json) -> str:
    return _output_target(raw, "TimetableGeneratorName")


def _generation_queue(raw: Json) -> str:
    return _output_target(raw, "GenerationQueueUrl")


def _generation_dlq(raw: Json) -> str:
    return _output_target(raw, "GenerationDlqUrl")


def _dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of the generator's Dockerfile, continuation lines joined."""
    text = (REPO_ROOT / GENERATOR_DOCKERFILE).read_text().replace("\\\n", " ")
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith("#")]
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1]) for line in lines]


def _generator_asset(synthesized: Synthesized) -> Json:
    """The cloud assembly's entry for the generator's image: what cdk-assets builds at deploy time."""
    images = json.loads((synthesized.outdir / f"{STACK_ID}.assets.json").read_text())["dockerImages"]
    (asset,) = images.values()
    return dict(asset["source"])


def test_generator_is_a_container_image_running_the_worker_handler(raw: Json, synthesized: Synthesized) -> None:
    props = raw["Resources"][_generator(raw)]["Properties"]
    assert raw["Resources"][_generator(raw)]["Type"] == "AWS::Lambda::Function"
    assert props["PackageType"] == "Image"
    assert props["ImageConfig"] == {"Command": [GENERATOR_HANDLER]}
    assert ("CMD", json.dumps([GENERATOR_HANDLER])) == _dockerfile_instructions()[-1]  # the image's own CMD
    assert (props["MemorySize"], props["Timeout"]) == (2048, 600)
    # x86_64, like the Chalice functions; the image is built for that platform
    assert props["Architectures"] == ["x86_64"]
    assert all(_functions(raw)[f]["Properties"]["Architectures"] == ["x86_64"] for f in FUNCTIONS)
    asset = _generator_asset(synthesized)
    assert asset["dockerFile"] == GENERATOR_DOCKERFILE and asset["platform"] == "linux/amd64"
    image_tag = asset["directory"].removeprefix("asset.")
    assert json.dumps(props["Code"]["ImageUri"]).endswith(f':{image_tag}"}}')
    assert "ReservedConcurrentExecutions" not in props  # bounded on the mapping instead, see generator.py


def test_generator_timeout_leaves_headroom_and_stays_below_the_job_lease(raw: Json) -> None:
    from chalicelib.timetable.generator import SolverOptions
    from chalicelib.timetable.plan_models import LEASE_SECONDS

    timeout = raw["Resources"][_generator(raw)]["Properties"]["Timeout"]
    # A live worker must never outlast its job's lease, after which another generation may start.
    assert timeout < LEASE_SECONDS
    # The solver's wall-clock limits (solving, then explaining an infeasible term), with ample headroom.
    options = SolverOptions()
    assert timeout >= 10 * (options.time_limit_s + options.explain_time_limit_s)


def test_dockerfile_installs_runtime_requirements_and_copies_chalicelib_only() -> None:
    instructions = _dockerfile_instructions()
    assert instructions[0] == ("FROM", "public.ecr.aws/lambda/python:3.11")
    runs = " ".join(args for name, args in instructions if name == "RUN")
    assert "requirements.txt" in runs and "requirements-timetable.txt" in runs
    assert "requirements-dev" not in runs
    copies = [args.split() for name, args in instructions if name in ("COPY", "ADD")]
    sources = [src for args in copies for src in args[:-1]]
    assert sorted(sources) == ["chalicelib/", "requirements-timetable.txt", "requirements.txt"]
    assert ["chalicelib/", "${LAMBDA_TASK_ROOT}/chalicelib/"] in copies


def test_generator_build_context_holds_only_what_the_image_needs(synthesized: Synthesized) -> None:
    # What synth staged from the repository root (a plain copy: it must not take .venv, node_modules...).
    staged = synthesized.outdir / _generator_asset(synthesized)["directory"]
    files = {p.relative_to(staged).as_posix() for p in staged.rglob("*") if p.is_file()}
    others = {f for f in files if not f.startswith("chalicelib/")}
    assert others == {"requirements.txt", "requirements-timetable.txt", GENERATOR_DOCKERFILE}
    assert {"chalicelib/__init__.py", "chalicelib/timetable/__init__.py"} <= files
    assert not [f for f in files if "__pycache__" in f or f.endswith(".pyc")]


def test_dockerignore_of_the_dockerfile_is_the_asset_exclude_list() -> None:
    from infra.stacks.generator import ASSET_EXCLUDE

    text = (REPO_ROOT / f"{GENERATOR_DOCKERFILE}.dockerignore").read_text()
    patterns = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    assert patterns == list(ASSET_EXCLUDE)


def test_synth_needs_no_docker(synthesized: Synthesized) -> None:
    assert (synthesized.outdir.parent / "no-docker" / "docker").exists()  # the stub was on the PATH
    assert not (synthesized.outdir.parent / "no-docker" / "called").exists()


def test_worker_handler_answers_a_batch_without_chalice_or_dev_packages() -> None:
    # The image has requirements.txt + requirements-timetable.txt only: not chalice (the zip functions
    # get Chalice's runtime from `chalice package`), nor any dev package. One SQS message holding a
    # generation request without ids runs the handler's whole import path (container, batch handling,
    # the job service) and touches no AWS service; whatever it decides, it answers a partial batch.
    if not (REPO_ROOT / "chalicelib/timetable/worker.py").exists():
        pytest.skip("chalicelib/timetable/worker.py not written yet")
    module, _, name = GENERATOR_HANDLER.rpartition(".")
    body = {"version": "0", "id": "1", "source": "kehou.timetable", "detail-type": GENERATION_PATTERN["detail-type"][0]}
    record = {
        "messageId": "m1",
        "receiptHandle": "r1",
        "body": json.dumps({**body, "detail": {}}),
        "attributes": {},
        "messageAttributes": {},
        "eventSource": "aws:sqs",
        "eventSourceARN": "arn:aws:sqs:us-east-1:000000000000:q",
        "awsRegion": "us-east-1",
    }
    script = "\n".join(
        [
            "import importlib, json, sys",
            "for m in ('chalice', 'pytest', 'moto', 'aws_cdk'): sys.modules[m] = None",
            f"handler = getattr(importlib.import_module({module!r}), {name!r})",
            f"print(json.dumps(handler({{'Records': [{record!r}]}}, None)))",
        ]
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KEHOU_", "AWS_"))}
    env["AWS_EC2_METADATA_DISABLED"] = "true"
    proc = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    response = json.loads(proc.stdout.strip().splitlines()[-1])
    assert isinstance(response["batchItemFailures"], list)


def test_generation_requests_rule_sends_to_the_generation_queue_with_the_dlq(raw: Json) -> None:
    queue, dlq = _generation_queue(raw), _generation_dlq(raw)
    (rule,) = _rules_targeting(raw, queue).values()
    assert rule["EventPattern"] == GENERATION_PATTERN  # what chalicelib.timetable.worker handles
    _assert_whole_event_to(rule, queue, dlq, _output_target(raw, "EventBusName"))
    # and no notify rule takes generation requests
    assert GENERATION_PATTERN not in [r["EventPattern"] for r in _rules_targeting(raw, _notify_queue(raw)).values()]


def test_only_the_generation_rule_may_send_to_the_generation_queues_and_only_over_tls(raw: Json) -> None:
    rule_ids = set(_rules_targeting(raw, _generation_queue(raw)))
    _assert_only_rules_send_over_tls(raw, (_generation_queue(raw), _generation_dlq(raw)), rule_ids)


def test_generation_queue_is_encrypted_redrives_after_three_receives_and_outlasts_the_function(raw: Json) -> None:
    queue = raw["Resources"][_generation_queue(raw)]["Properties"]
    dlq = raw["Resources"][_generation_dlq(raw)]["Properties"]
    timeout = raw["Resources"][_generator(raw)]["Properties"]["Timeout"]
    assert queue["SqsManagedSseEnabled"] is True and dlq["SqsManagedSseEnabled"] is True
    assert queue["RedrivePolicy"] == {"deadLetterTargetArn": _getatt_arn(_generation_dlq(raw)), "maxReceiveCount": 3}
    assert queue["VisibilityTimeout"] >= 6 * timeout
    assert dlq["MessageRetentionPeriod"] == 14 * 24 * 3600 > queue["MessageRetentionPeriod"]


def test_generation_queue_mapping_hands_one_request_at_a_time_and_reports_failures(raw: Json) -> None:
    (props,) = [
        m["Properties"]
        for m in _resources(raw, "AWS::Lambda::EventSourceMapping").values()
        if m["Properties"]["EventSourceArn"] == _getatt_arn(_generation_queue(raw))
    ]
    assert props["FunctionName"] == {"Ref": _generator(raw)}
    assert props["BatchSize"] == 1
    assert props["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert props["ScalingConfig"] == {"MaximumConcurrency": 10}
    assert "MaximumBatchingWindowInSeconds" not in props  # else the visibility timeout must include it
    assert "DestinationConfig" not in props


def test_generator_role_has_the_main_table_its_queue_and_logs_only(raw: Json) -> None:
    generator = raw["Resources"][_generator(raw)]
    role = _role_of(generator)
    assert role not in {_role_of(raw["Resources"][f]) for f in FUNCTIONS}
    by_service: dict[str, list[Json]] = {}
    for s in _role_statements(raw, role):
        assert s["Effect"] == "Allow" and "Condition" not in s, s
        services = {a.split(":")[0] for a in _as_list(s["Action"])}
        assert len(services) == 1, s
        by_service.setdefault(services.pop(), []).append(s)
    assert set(by_service) == {"dynamodb", "kms", "sqs", "logs"}  # no ses, sns, events, sts

    main = _getatt_arn(_output_target(raw, "MainTableName"))
    dynamo = by_service["dynamodb"]
    assert [r for s in dynamo for r in _as_list(s["Resource"])] == [main]  # no index, ledger or idempotency
    assert {"dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:Query"} <= _actions(dynamo)
    assert "dynamodb:Scan" not in _actions(dynamo)
    (key_id,) = _resources(raw, "AWS::KMS::Key")
    assert [s["Resource"] for s in by_service["kms"]] == [_getatt_arn(key_id)]  # the table key; no tenant keys
    (sqs,) = by_service["sqs"]
    assert sqs["Resource"] == _getatt_arn(_generation_queue(raw))
    assert {"sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility"} <= _actions([sqs])
    assert not _actions([sqs]) & {"sqs:SendMessage", "sqs:PurgeQueue"}
    log_group = generator["Properties"]["LoggingConfig"]["LogGroup"]["Ref"]
    assert [s["Resource"] for s in by_service["logs"]] == [_getatt_arn(log_group)]
    assert raw["Resources"][log_group]["Properties"] == {
        "LogGroupName": f"/aws/lambda/kehou-{STAGE}/TimetableGenerator",
        "RetentionInDays": 30,
    }
    # Lambda checks the queue permissions when it creates the mapping, and logs from the start.
    policies = {p for p, r in _resources(raw, "AWS::IAM::Policy").items() if {"Ref": role} in r["Properties"]["Roles"]}
    assert policies <= set(raw["Resources"][_generator(raw)]["DependsOn"])


def test_generator_environment_is_the_apis_without_the_tenant_scoped_role(raw: Json) -> None:
    env = raw["Resources"][_generator(raw)]["Properties"]["Environment"]["Variables"]
    api_env = dict(raw["Resources"][API_FUNCTION]["Properties"]["Environment"]["Variables"])
    # A system job on its own role, which may not assume TenantScopedDataRole (see kehou_stack.py).
    del api_env["KEHOU_TENANT_SCOPED_ROLE_ARN"]
    assert env == api_env


# ---------------------------------------------------------------------------------------------
# identity


def test_user_pool_custom_attributes_and_phone_alias(template: Template) -> None:
    template.has_resource_properties(
        "AWS::Cognito::UserPool",
        {
            "Schema": Match.array_with(
                [
                    Match.object_like({"Name": name, "AttributeDataType": "String", "Mutable": True})
                    for name in ("roles", "tenant", "district")
                ]
            ),
            "AliasAttributes": Match.array_with(["phone_number"]),
            "AutoVerifiedAttributes": Match.array_with(["phone_number"]),
            "AdminCreateUserConfig": {"AllowAdminCreateUserOnly": True},
        },
    )


def test_app_client_reads_but_never_writes_the_authorization_claims(raw: Json) -> None:
    (client,) = _resources(raw, "AWS::Cognito::UserPoolClient").values()
    props = client["Properties"]
    assert props["ClientName"] == "kehou-api"
    assert props["GenerateSecret"] is False
    assert {"custom:roles", "custom:tenant", "custom:district"} <= set(props["ReadAttributes"])
    assert not [a for a in props["WriteAttributes"] if a.startswith("custom:")]
    assert props["AllowedOAuthFlowsUserPoolClient"] is False


# ---------------------------------------------------------------------------------------------
# the Chalice functions


def test_chalice_functions_are_packaged(raw: Json) -> None:
    assert set(FUNCTIONS) <= set(_functions(raw))
    assert raw["Transform"] == "AWS::Serverless-2016-10-31"


@pytest.mark.parametrize("function", FUNCTIONS)
def test_function_environment(raw: Json, function: str) -> None:
    env = raw["Resources"][function]["Properties"]["Environment"]["Variables"]
    pool = _output_target(raw, "UserPoolId")
    issuer = {"Fn::Join": ["", ["https://", {"Fn::GetAtt": [pool, "ProviderURL"]}]]}
    assert env["KEHOU_DEV_SIGNIN"] == "false"
    assert env["KEHOU_STAGE"] == STAGE
    assert env["KEHOU_MAIN_TABLE"] == {"Ref": _output_target(raw, "MainTableName")}
    assert env["KEHOU_IDEMPOTENCY_TABLE"] == {"Ref": _output_target(raw, "IdempotencyTableName")}
    assert env["KEHOU_LEDGER_TABLE"] == {"Ref": _output_target(raw, "LedgerTableName")}
    assert env["KEHOU_EVENT_BUS"] == {"Ref": _output_target(raw, "EventBusName")}
    assert env["KEHOU_OIDC_ISSUER"] == issuer
    assert env["KEHOU_OIDC_AUDIENCE"] == {"Ref": _output_target(raw, "UserPoolClientId")}
    assert env["KEHOU_OIDC_JWKS_URL"] == {
        "Fn::Join": ["", ["https://", {"Fn::GetAtt": [pool, "ProviderURL"]}, "/.well-known/jwks.json"]]
    }
    assert env["KEHOU_TENANT_SCOPED_ROLE_ARN"] == _getatt_arn(_output_target(raw, "TenantScopedDataRoleArn"))
    assert env["POWERTOOLS_SERVICE_NAME"] == "kehou"
    assert env["KEHOU_KMS_ALIAS_PREFIX"] == f"alias/kehou/{STAGE}/tenant/"
    assert (env["KEHOU_MAIL_SENDER"], env["KEHOU_MAIL_REGION"]) == (MAIL_SENDER, MAIL_REGION)


def test_api_role_creates_and_uses_only_tenant_tagged_keys(raw: Json) -> None:
    statements = {s.get("Sid"): s for s in _role_statements(raw, _role_of(raw["Resources"][API_FUNCTION]))}
    create = statements["CreateTenantKeys"]
    assert create["Condition"]["ForAllValues:StringEquals"] == {"aws:TagKeys": ["tenant"]}
    assert create["Condition"]["StringLike"] == {"aws:RequestTag/tenant": "?*"}
    data_keys = statements["TenantDataKeys"]
    assert sorted(_as_list(data_keys["Action"])) == ["kms:Decrypt", "kms:GenerateDataKey"]
    assert data_keys["Condition"]["ForAllValues:StringEquals"] == {"kms:EncryptionContextKeys": ["tenant"]}
    assert data_keys["Condition"]["StringLike"] == {"aws:ResourceTag/tenant": "?*"}
    assert statements["UseTenantKeys"]["Condition"]["StringLike"] == {"aws:ResourceTag/tenant": "?*"}


def test_every_function_signs_in_the_production_way(raw: Json) -> None:
    for name, function in _functions(raw).items():
        env = function["Properties"]["Environment"]["Variables"]
        assert env["KEHOU_DEV_SIGNIN"] == "false", name


def test_functions_use_our_roles_and_their_own_log_groups(raw: Json) -> None:
    roles = _resources(raw, "AWS::IAM::Role")
    assert "DefaultRole" not in raw["Resources"]  # chalice's managed role is switched off
    own = {_role_of(raw["Resources"][f]) for f in FUNCTIONS}
    assert own <= set(roles) and len(own) == len(FUNCTIONS)  # one role each
    for name, function in _functions(raw).items():
        log_group = function["Properties"]["LoggingConfig"]["LogGroup"]["Ref"]
        assert raw["Resources"][log_group]["Properties"]["RetentionInDays"] > 0
        log_statements = [
            s for s in _role_statements(raw, _role_of(function)) if "logs:PutLogEvents" in _as_list(s["Action"])
        ]
        assert {"Fn::GetAtt": [log_group, "Arn"]} in [s["Resource"] for s in log_statements], name


# ---------------------------------------------------------------------------------------------
# IAM


def test_no_wildcard_actions_and_nothing_sensitive_on_any_resource(raw: Json) -> None:
    for owner, statement in _all_statements(raw):
        actions = _as_list(statement["Action"])
        assert not [a for a in actions if a == "*" or a.endswith(":*")], (owner, statement)
        if "*" in _as_list(statement.get("Resource", [])):
            assert set(actions) <= ALLOWED_ON_ANY_RESOURCE, (owner, statement)
        assert "dynamodb:Scan" not in actions, (owner, statement)


def test_no_role_attaches_managed_policies(raw: Json) -> None:
    # AWS managed policies (e.g. AWSLambdaBasicExecutionRole: logs on every group) are broader
    # than the inline grants this stack writes out action by action.
    for role_id, role in _resources(raw, "AWS::IAM::Role").items():
        assert "ManagedPolicyArns" not in role["Properties"], role_id
    assert not _resources(raw, "AWS::IAM::ManagedPolicy")


def test_put_events_only_on_the_kehou_bus(raw: Json) -> None:
    bus_arn = _getatt_arn(_output_target(raw, "EventBusName"))
    put_events = [s for _, s in _all_statements(raw) if "events:PutEvents" in _as_list(s["Action"])]
    assert put_events
    for statement in put_events:
        assert _as_list(statement["Resource"]) == [bus_arn], statement


def test_only_the_dispatcher_reads_the_stream(raw: Json) -> None:
    stream_actions = {"dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:DescribeStream"}
    dispatcher_role = _role_of(raw["Resources"][DISPATCHER_FUNCTION])
    readers = {owner for owner, s in _all_statements(raw) if stream_actions & set(_as_list(s["Action"]))}
    owners = {
        policy_id
        for policy_id, res in _resources(raw, "AWS::IAM::Policy").items()
        if {"Ref": dispatcher_role} in res["Properties"]["Roles"]
    }
    assert readers and readers <= owners
    stream_statements = [
        s for s in _role_statements(raw, dispatcher_role) if stream_actions & set(_as_list(s["Action"]))
    ]
    main = _output_target(raw, "MainTableName")
    assert [s["Resource"] for s in stream_statements] == [{"Fn::GetAtt": [main, "StreamArn"]}]


def test_api_role_table_access_is_limited_to_the_three_tables(raw: Json) -> None:
    api_role = _role_of(raw["Resources"][API_FUNCTION])
    tables = [_output_target(raw, o) for o in ("MainTableName", "IdempotencyTableName", "LedgerTableName")]
    allowed = [_getatt_arn(t) for t in tables]
    main_indexes = {"Fn::Join": ["", [_getatt_arn(tables[0]), "/index/*"]]}
    for statement in _role_statements(raw, api_role):
        if any(a.startswith("dynamodb:") for a in _as_list(statement["Action"])):
            for resource in _as_list(statement["Resource"]):
                assert resource in allowed or resource == main_indexes, resource
    dispatcher_role = _role_of(raw["Resources"][DISPATCHER_FUNCTION])
    dispatcher_resources = [r for s in _role_statements(raw, dispatcher_role) for r in _as_list(s["Resource"])]
    assert _getatt_arn(tables[2]) not in dispatcher_resources  # no ledger for the dispatcher


def test_tenant_scoped_role_conditions_items_on_leading_keys(raw: Json) -> None:
    scoped = _output_target(raw, "TenantScopedDataRoleArn")
    api_role = _role_of(raw["Resources"][API_FUNCTION])
    item_statements = [s for s in _role_statements(raw, scoped) if "dynamodb:GetItem" in _as_list(s["Action"])]
    assert len(item_statements) == 1
    (statement,) = item_statements
    assert statement["Condition"]["ForAllValues:StringLike"] == {"dynamodb:LeadingKeys": TENANT_LEADING_KEYS}
    assert statement["Condition"]["Null"] == {"dynamodb:LeadingKeys": "false"}
    main = _getatt_arn(_output_target(raw, "MainTableName"))
    scoped_resources = [
        main,
        {"Fn::Join": ["", [main, "/index/gsi1"]]},  # not outbox_pending: its key is no tenant's
        _getatt_arn(_output_target(raw, "IdempotencyTableName")),
    ]  # and not the ledger
    assert _canonical(statement["Resource"]) == _canonical(scoped_resources)
    # every item action the role has is under that condition
    unconditioned = [
        s
        for s in _role_statements(raw, scoped)
        if "Condition" not in s and any(a.startswith("dynamodb:") for a in _as_list(s["Action"]))
    ]
    assert _actions(unconditioned) <= {"dynamodb:DescribeTable"}

    (trust,) = raw["Resources"][scoped]["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    assert trust["Principal"] == {"AWS": _getatt_arn(api_role)}
    assert set(trust["Action"]) == {"sts:AssumeRole", "sts:TagSession"}
    assert trust["Condition"]["StringLike"] == {"aws:RequestTag/tenant": "?*"}
    assert any(
        s["Resource"] == _getatt_arn(scoped) and "sts:AssumeRole" in _as_list(s["Action"])
        for s in _role_statements(raw, api_role)
    )


def test_outputs(raw: Json) -> None:
    assert {
        "ApiUrl",
        "EventBusName",
        "MainTableName",
        "IdempotencyTableName",
        "LedgerTableName",
        "UserPoolId",
        "UserPoolClientId",
        "NotifyQueueUrl",
        "NotifyDlqUrl",
        "GenerationQueueUrl",
        "GenerationDlqUrl",
        "TimetableGeneratorName",
    } <= set(raw["Outputs"])
    assert "execute-api" in json.dumps(raw["Outputs"]["ApiUrl"]["Value"])


def test_stage_names_are_validated() -> None:
    from infra.stacks.kehou_stack import validate_stage

    assert validate_stage("prod") == "prod"
    for bad in ("", "Prod", "dev/1", "a" * 17, "1dev"):
        with pytest.raises(ValueError):
            validate_stage(bad)


def test_synth_is_fast_enough_for_ci(synthesized: Synthesized) -> None:
    # Generous bound: ~20-30 s measured on 2 cores, most of it pip-downloading Lambda wheels.
    assert synthesized.seconds < 300
