"""School people's requests run on tenant-scoped STS credentials (LeadingKeys defence in depth)."""

from __future__ import annotations

import boto3
from botocore.exceptions import ClientError
from pynamodb.exceptions import GetError

from chalicelib.api.container import Container
from chalicelib.core.scoped_access import StsCredentialBroker, is_access_denied
from chalicelib.tenants.models import School
from tests.functional.conftest import Api, World


def test_broker_assumes_the_role_tagged_with_the_tenant_and_caches(
    container: Container, world: World, other: World
) -> None:
    s = container.settings
    assert s.tenant_scoped_role_arn
    sts = boto3.client("sts", region_name=s.region, endpoint_url=s.sts_endpoint)
    broker = StsCredentialBroker(sts, s.tenant_scoped_role_arn, container.clock)
    mine = broker.credentials_for(world.school_id)
    assert broker.credentials_for(world.school_id) == mine  # cached, not re-assumed
    theirs = broker.credentials_for(other.school_id)
    assert theirs.access_key_id != mine.access_key_id
    who = boto3.client(
        "sts",
        region_name=s.region,
        endpoint_url=s.sts_endpoint,
        aws_access_key_id=mine.access_key_id,
        aws_secret_access_key=mine.secret_access_key,
        aws_session_token=mine.session_token,
    )
    assert who.get_caller_identity()["Arn"].endswith(f"/kehou-{world.school_id}")


def test_school_people_use_scoped_credentials_admins_do_not(api: Api, container: Container, world: World) -> None:
    assert container.broker is not None
    expected = container.broker.credentials_for(world.school_id).access_key_id
    for who in (world.teacher, world.school_admin, world.guardian):
        assert api.get(f"/schools/{world.school_id}", as_=who).status_code == 200
        assert School.Meta.aws_access_key_id == expected  # type: ignore[attr-defined]
    assert api.get(f"/schools/{world.school_id}", as_=world.district_admin).status_code == 200
    assert School.Meta.aws_access_key_id is None  # type: ignore[attr-defined]
    assert api.get("/health").status_code == 200
    assert School.Meta.aws_access_key_id is None  # type: ignore[attr-defined]


def test_writes_under_scoped_credentials_work_and_drain_unscoped(api: Api, world: World) -> None:
    r = api.post(
        f"/schools/{world.school_id}/staff",
        {"name": "周老师", "email": "zhou@scoped.cn", "role": "teacher"},
        as_=world.school_admin,
    )
    assert r.status_code == 201


def test_access_denied_is_recognised_through_pynamodb_wrapping() -> None:
    denied = ClientError({"Error": {"Code": "AccessDeniedException", "Message": "LeadingKeys"}}, "GetItem")
    assert is_access_denied(denied)
    assert is_access_denied(GetError("Failed to get item", cause=denied))
    other = ClientError({"Error": {"Code": "ProvisionedThroughputExceededException", "Message": ""}}, "GetItem")
    assert not is_access_denied(other) and not is_access_denied(GetError("x", cause=other))
    assert not is_access_denied(ValueError("x"))
