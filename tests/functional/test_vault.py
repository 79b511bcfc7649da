"""Personal data is sealed under each tenant's own KMS key (moto KMS) and only that tenant opens it."""

from __future__ import annotations

from typing import Any

import boto3
import pytest

from chalicelib.api.container import Container
from chalicelib.core import phone
from chalicelib.core.ids import new_id
from chalicelib.core.vault import KmsVault, SealedValueInvalid


class CountingKms:
    """The real (moto) KMS client, counting calls by operation."""

    def __init__(self, inner: Any):
        self.inner, self.calls = inner, {}  # type: ignore[var-annotated]
        self.exceptions = inner.exceptions

    def __getattr__(self, name: str) -> Any:
        method = getattr(self.inner, name)

        def call(**kw: Any) -> Any:
            self.calls[name] = self.calls.get(name, 0) + 1
            return method(**kw)

        return call


@pytest.fixture
def kms(container: Container) -> CountingKms:
    s = container.settings
    return CountingKms(boto3.client("kms", region_name=s.region, endpoint_url=s.kms_endpoint))


def test_seal_and_open_round_trip_per_tenant(container: Container, kms: CountingKms) -> None:
    vault = KmsVault(kms, container.settings.kms_alias_prefix)
    a, b = new_id(), new_id()
    sealed = vault.seal(a, "+8613800000000")
    assert "13800000000" not in sealed and sealed != vault.seal(a, "+8613800000000")  # random nonce
    assert vault.open(a, sealed) == "+8613800000000"
    with pytest.raises(SealedValueInvalid):
        vault.open(b, sealed)  # another tenant's key context cannot open it
    tampered = sealed[:-4] + ("AAAA" if not sealed.endswith("AAAA") else "BBBB")
    with pytest.raises(SealedValueInvalid):
        vault.open(a, tampered)
    assert vault.key_id(a) != vault.key_id(b)


def test_a_fresh_process_opens_what_another_sealed(container: Container, kms: CountingKms) -> None:
    tenant = new_id()
    sealed = KmsVault(kms, container.settings.kms_alias_prefix).seal(tenant, "王小明")
    assert KmsVault(kms, container.settings.kms_alias_prefix).open(tenant, sealed) == "王小明"


def test_bulk_sealing_reuses_one_data_key(container: Container, kms: CountingKms) -> None:
    vault = KmsVault(kms, container.settings.kms_alias_prefix)
    tenant = new_id()
    for i in range(500):
        vault.seal(tenant, f"+86138{i:08d}")
    assert kms.calls.get("generate_data_key") == 1 and kms.calls.get("create_key") == 1


def test_blind_index_is_stable_per_tenant_and_differs_across_tenants(container: Container, kms: CountingKms) -> None:
    a, b = new_id(), new_id()
    one = KmsVault(kms, container.settings.kms_alias_prefix)
    other_process = KmsVault(kms, container.settings.kms_alias_prefix)
    value = phone.normalize("138 0000 0000")
    assert one.blind_index(a, value) == other_process.blind_index(a, value)
    assert one.blind_index(a, value) != one.blind_index(b, value)
    assert value not in one.blind_index(a, value)


@pytest.mark.parametrize(
    ("raw", "e164"),
    [
        ("13800000000", "+8613800000000"),
        ("+86 138-0000-0000", "+8613800000000"),
        ("008613800000000", "+8613800000000"),
        ("+85291234567", "+85291234567"),
    ],
)
def test_phone_normalisation(raw: str, e164: str) -> None:
    assert phone.normalize(raw) == e164
    assert phone.mask("+8613812345678") == "138****5678"


@pytest.mark.parametrize("raw", ["", "12345", "+86 123 4567 8901", "abc", "+1"])
def test_invalid_phones(raw: str) -> None:
    with pytest.raises(phone.InvalidPhone):
        phone.normalize(raw)
