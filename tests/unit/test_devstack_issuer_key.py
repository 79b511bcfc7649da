"""The local issuer's signing key is created once even when several processes start at the same time
(two pytest workers on a fresh clone): every caller ends up with the same key and no stray files."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization

from devstack import issuer


def _pem(key: object) -> bytes:
    return key.public_key().public_bytes(  # type: ignore[attr-defined]
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def test_concurrent_first_runs_agree_on_one_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KEHOU_DEVSTACK_DIR", str(tmp_path))
    with ThreadPoolExecutor(max_workers=8) as pool:
        keys = list(pool.map(lambda _: _pem(issuer.load_private_key()), range(16)))
    assert len(set(keys)) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["issuer_key.pem"]
    assert _pem(issuer.load_private_key()) == keys[0]  # later runs read the same key
