"""Token attacks: every malformed, forged or mis-addressed token gets 401 with a JSON error."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from devstack.issuer import KID, load_private_key, mint
from tests.functional.conftest import Api, World


def _b64(obj: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()


def _claims(issuer: str, **over: Any) -> dict[str, Any]:
    now = int(time.time())
    claims = {
        "iss": issuer,
        "aud": "kehou-api",
        "sub": "attacker",
        "iat": now,
        "exp": now + 600,
        "roles": ["platform_admin"],
    }
    claims.update(over)
    return {k: v for k, v in claims.items() if v is not None}


def _signed(claims: dict[str, Any], key: Any = None, alg: str = "RS256", kid: str = KID) -> str:
    return jwt.encode(claims, key or load_private_key(), algorithm=alg, headers={"kid": kid})


def attacks(issuer: str) -> dict[str, str | None]:
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public_pem = (
        load_private_key()
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    return {
        "missing": None,
        "garbage": "Bearer not.a.token",
        "not_bearer": "Basic " + base64.b64encode(b"admin:admin").decode(),
        "empty_bearer": "Bearer ",
        "expired": "Bearer " + mint(issuer, sub="x", roles=["platform_admin"], ttl=-120),
        "alg_none": "Bearer " + _b64({"alg": "none", "typ": "JWT", "kid": KID}) + "." + _b64(_claims(issuer)) + ".",
        # key confusion: HMAC "signed" with the public key, hoping the server treats it as a secret
        "hs256_with_public_key": "Bearer " + _hmac_forged(_claims(issuer), public_pem),
        "wrong_key": "Bearer " + _signed(_claims(issuer), other_key),
        "unknown_kid": "Bearer " + _signed(_claims(issuer), other_key, kid="someone-else"),
        "wrong_audience": "Bearer " + _signed(_claims(issuer, aud="another-app")),
        "wrong_issuer": "Bearer " + _signed(_claims(issuer, iss="https://evil.example.cn")),
        "no_exp": "Bearer " + _signed(_claims(issuer, exp=None)),
        "no_sub": "Bearer " + _signed(_claims(issuer, sub=None)),
        "tampered_payload": "Bearer " + _tamper(mint(issuer, sub="x", roles=["guardian"])),
    }


def _hmac_forged(claims: dict[str, Any], secret: bytes) -> str:
    signing_input = _b64({"alg": "HS256", "typ": "JWT", "kid": KID}) + "." + _b64(claims)
    sig = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return signing_input + "." + base64.urlsafe_b64encode(sig).rstrip(b"=").decode()


def _tamper(token: str) -> str:
    head, _, sig = token.split(".")
    return ".".join([head, _b64(_claims("http://x", roles=["platform_admin"])), sig])


@pytest.fixture(scope="module")
def attack_headers(api: Api) -> dict[str, str | None]:
    return attacks(api.tokens.issuer)


NAMES = [
    "missing",
    "garbage",
    "not_bearer",
    "empty_bearer",
    "expired",
    "alg_none",
    "hs256_with_public_key",
    "wrong_key",
    "unknown_kid",
    "wrong_audience",
    "wrong_issuer",
    "no_exp",
    "no_sub",
    "tampered_payload",
]


def test_every_attack_is_parametrized(attack_headers: dict[str, str | None]) -> None:
    assert sorted(attack_headers) == sorted(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_bad_tokens_get_401_json(api: Api, world: World, attack_headers: dict[str, str | None], name: str) -> None:
    header = attack_headers[name]
    for path in ("/me", f"/schools/{world.school_id}", f"/districts/{world.district_id}/schools"):
        r = api.get(path, headers={"Authorization": header} if header is not None else {})
        assert r.status_code == 401, (name, path, r.body)
        assert r.json["error"]["code"] == "unauthorized"
        assert r.headers.get("WWW-Authenticate", "").startswith("Bearer")
    r = api.post("/districts", {"name": "不应创建"}, headers={"Authorization": header} if header else {})
    assert r.status_code == 401


def test_valid_token_yields_identity(api: Api, world: World) -> None:
    r = api.get("/me", as_=world.school_admin)
    assert r.status_code == 200
    assert r.json["roles"] == ["school_admin"] and r.json["tenant"] == world.school_id
    assert r.json["tenant_status"] == "active"


def test_cognito_style_custom_claims_are_understood(api: Api, world: World) -> None:
    token = mint(
        api.tokens.issuer,
        sub="cognito-user",
        roles=[],
        extra={"custom:roles": "teacher,guardian", "custom:tenant": world.school_id},
    )
    r = api.get("/me", as_=token)
    assert r.status_code == 200 and r.json["roles"] == ["guardian", "teacher"]
    assert r.json["tenant"] == world.school_id


def test_unknown_roles_grant_nothing(api: Api, world: World) -> None:
    token = mint(api.tokens.issuer, sub="x", roles=["superuser", "root"])
    assert api.get("/me", as_=token).json["roles"] == []
    assert api.post("/districts", {"name": "x"}, as_=token).status_code == 403
