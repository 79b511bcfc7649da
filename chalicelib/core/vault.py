"""Envelope encryption of personal data with a per-tenant KMS key (PIPL: a child's data is sensitive).

``seal`` encrypts a value with AES-256-GCM under a data key that KMS generated for the tenant's own
key (encryption context ``{"tenant": id}``); the sealed text carries the KMS-encrypted data key, so
only that tenant's key can open it. Data keys are reused for a few minutes (like the AWS Encryption
SDK's caching) so a 3,000-row import makes one KMS call, not 3,000.

``blind_index`` gives an HMAC of a normalised value (e.g. a phone number) under a per-tenant secret,
so "which students carry this guardian's phone" is an indexed lookup without storing the phone in
clear. The secret itself is stored KMS-encrypted in the tenant's partition.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import threading
import time
from typing import Any, Protocol

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from pynamodb.attributes import UnicodeAttribute
from pynamodb.exceptions import PutError

from .store import MainTableModel, table, tenant_pk

VERSION = "v1"
DATA_KEY_SECONDS = 300
DATA_KEY_MAX_USES = 50_000
MAX_OPENED_KEYS = 10_000


class PersonalDataVault(Protocol):
    def seal(self, tenant_id: str, plaintext: str) -> str: ...

    def open(self, tenant_id: str, sealed: str) -> str: ...

    def blind_index(self, tenant_id: str, value: str) -> str: ...


class SealedValueInvalid(ValueError):
    """The sealed text is malformed, or belongs to another tenant (authentication fails)."""


@table("main")
class IndexSecret(MainTableModel):
    """The tenant's blind-index secret, encrypted by the tenant's KMS key (pk T#<tenant>, sk VAULT#INDEX)."""

    encrypted_secret = UnicodeAttribute()


class KmsVault:
    def __init__(self, kms: Any, alias_prefix: str):
        self._kms = kms
        self._alias_prefix = alias_prefix
        self._lock = threading.Lock()
        self._key_ids: dict[str, str] = {}
        self._data_keys: dict[str, tuple[bytes, bytes, float, int]] = {}  # tenant -> key, blob, born, uses
        self._opened: dict[bytes, bytes] = {}  # encrypted data key -> plaintext key
        self._index_secrets: dict[str, bytes] = {}

    # -- public ------------------------------------------------------------------------------

    def seal(self, tenant_id: str, plaintext: str) -> str:
        key, blob = self._data_key(tenant_id)
        nonce = os.urandom(12)
        ciphertext = AESGCM(key).encrypt(nonce, plaintext.encode(), tenant_id.encode())
        return ".".join([VERSION, _b64(blob), _b64(nonce + ciphertext)])

    def open(self, tenant_id: str, sealed: str) -> str:
        try:
            version, blob_text, body_text = sealed.split(".")
            if version != VERSION:
                raise ValueError(version)
            blob, body = _unb64(blob_text), _unb64(body_text)
            key = self._open_data_key(tenant_id, blob)
            return AESGCM(key).decrypt(body[:12], body[12:], tenant_id.encode()).decode()
        except SealedValueInvalid:
            raise
        except Exception as exc:  # wrong tenant, tampering or garbage all look the same to callers
            raise SealedValueInvalid("cannot open sealed value") from exc

    def blind_index(self, tenant_id: str, value: str) -> str:
        secret = self._index_secret(tenant_id)
        return hmac.new(secret, value.encode(), hashlib.sha256).hexdigest()

    # -- keys --------------------------------------------------------------------------------

    def key_id(self, tenant_id: str) -> str:
        """The tenant's own KMS key, created (with its alias) the first time the tenant needs one."""
        if tenant_id in self._key_ids:
            return self._key_ids[tenant_id]
        alias = f"{self._alias_prefix}{tenant_id}"
        try:
            key_id = self._kms.describe_key(KeyId=alias)["KeyMetadata"]["KeyId"]
        except self._kms.exceptions.NotFoundException:
            created = self._kms.create_key(
                Description=f"Kehou personal data of tenant {tenant_id}",
                KeyUsage="ENCRYPT_DECRYPT",
                Tags=[{"TagKey": "tenant", "TagValue": tenant_id}],
            )["KeyMetadata"]["KeyId"]
            try:
                self._kms.create_alias(AliasName=alias, TargetKeyId=created)
                key_id = created
            except self._kms.exceptions.AlreadyExistsException:
                # Another process created it first: use theirs; ours stays unused (schedule deletion).
                self._kms.schedule_key_deletion(KeyId=created, PendingWindowInDays=7)
                key_id = self._kms.describe_key(KeyId=alias)["KeyMetadata"]["KeyId"]
        self._key_ids[tenant_id] = key_id
        return key_id

    def _data_key(self, tenant_id: str) -> tuple[bytes, bytes]:
        with self._lock:
            cached = self._data_keys.get(tenant_id)
            now = time.monotonic()
            if cached and now - cached[2] < DATA_KEY_SECONDS and cached[3] < DATA_KEY_MAX_USES:
                self._data_keys[tenant_id] = (cached[0], cached[1], cached[2], cached[3] + 1)
                return cached[0], cached[1]
        resp = self._kms.generate_data_key(
            KeyId=self.key_id(tenant_id), KeySpec="AES_256", EncryptionContext={"tenant": tenant_id}
        )
        key, blob = resp["Plaintext"], resp["CiphertextBlob"]
        with self._lock:
            self._data_keys[tenant_id] = (key, blob, time.monotonic(), 1)
            self._opened[blob] = key
        return key, blob

    def _open_data_key(self, tenant_id: str, blob: bytes) -> bytes:
        key = self._opened.get(blob)
        if key is None:
            # KMS refuses if the encryption context (tenant) differs from the one used to seal.
            key = self._kms.decrypt(CiphertextBlob=blob, EncryptionContext={"tenant": tenant_id})["Plaintext"]
            if len(self._opened) >= MAX_OPENED_KEYS:
                self._opened.clear()  # bounded memory in a long-lived container; reopening is cheap
            self._opened[blob] = key
        return key

    def _index_secret(self, tenant_id: str) -> bytes:
        if tenant_id in self._index_secrets:
            return self._index_secrets[tenant_id]
        pk, sk = tenant_pk(tenant_id), "VAULT#INDEX"
        try:
            item = IndexSecret.get(pk, sk, consistent_read=True)
        except IndexSecret.DoesNotExist:
            resp = self._kms.generate_data_key(
                KeyId=self.key_id(tenant_id), KeySpec="AES_256", EncryptionContext={"tenant": tenant_id}
            )
            item = IndexSecret(
                pk, sk, tenant_id=tenant_id, kind="IndexSecret", encrypted_secret=_b64(resp["CiphertextBlob"])
            )
            try:
                item.save(condition=IndexSecret.pk.does_not_exist())
            except PutError:  # a concurrent first use stored one already: everyone must use that one
                item = IndexSecret.get(pk, sk, consistent_read=True)
        secret = self._open_data_key(tenant_id, _unb64(item.encrypted_secret))
        self._index_secrets[tenant_id] = secret
        return secret


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
