"""A local OIDC issuer standing in for Cognito: signing key, JWKS endpoint, token minting.

The RSA key is created once in the devstack state directory, so tokens minted by the CLI verify
against the JWKS served by a running ``make run``.
"""

from __future__ import annotations

import json
import os
import secrets
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from .paths import state_dir

AUDIENCE = "kehou-api"
KID = "devstack-1"


def load_private_key() -> rsa.RSAPrivateKey:
    path = state_dir() / "issuer_key.pem"
    if not path.exists():
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        # Concurrent first runs (two test workers) each write their own temporary file and link it
        # into place: link fails when the key exists, so the first key wins, nobody reads half a key,
        # and no process keeps a key that another replaced.
        tmp = path.with_name(f"issuer_key.{os.getpid()}.{secrets.token_hex(4)}.tmp")
        tmp.write_bytes(pem)
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    loaded = serialization.load_pem_private_key(path.read_bytes(), password=None)
    assert isinstance(loaded, rsa.RSAPrivateKey)
    return loaded


def jwks() -> dict[str, Any]:
    public = json.loads(RSAAlgorithm.to_jwk(load_private_key().public_key()))
    return {"keys": [{**public, "kid": KID, "use": "sig", "alg": "RS256"}]}


def mint(
    issuer: str,
    *,
    sub: str,
    roles: list[str],
    tenant: str | None = None,
    district: str | None = None,
    phone: str | None = None,
    ttl: int = 3600,
    audience: str = AUDIENCE,
    extra: dict[str, Any] | None = None,
) -> str:
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": issuer,
        "aud": audience,
        "sub": sub,
        "iat": now,
        "exp": now + ttl,
        "roles": roles,
        "token_use": "id",
    }
    if tenant:
        claims["tenant"] = tenant
    if district:
        claims["district"] = district
    if phone:
        claims["phone_number"], claims["phone_number_verified"] = phone, True
    claims.update(extra or {})
    return jwt.encode(claims, load_private_key(), algorithm="RS256", headers={"kid": KID})


class _Server(ThreadingHTTPServer):
    issuer: str
    users: Callable[[], list[dict[str, Any]]]


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
        return

    def _send(self, status: int, payload: Any) -> None:
        body = b"" if status == 204 else json.dumps(payload, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Access-Control-Allow-Origin", "*")  # the web shell on :8000 signs in here
        self.send_header("Access-Control-Allow-Headers", "Content-Type")
        self.end_headers()
        self.wfile.write(body)

    def do_OPTIONS(self) -> None:
        self._send(204, {})

    def do_GET(self) -> None:
        issuer = self.server.issuer
        routes: dict[str, Callable[[], Any]] = {
            "/.well-known/openid-configuration": lambda: {
                "issuer": issuer,
                "jwks_uri": f"{issuer}/.well-known/jwks.json",
                "id_token_signing_alg_values_supported": ["RS256"],
            },
            "/.well-known/jwks.json": jwks,
            "/dev/users": lambda: {"users": self.server.users()},
        }
        if self.path in routes:
            self._send(200, routes[self.path]())
        else:
            self._send(404, {"error": {"code": "not_found", "message": "not found"}})

    def do_POST(self) -> None:
        """Password-less sign-in as a seeded user: exists only in the devstack issuer."""
        if self.path != "/dev/token":
            self._send(404, {"error": {"code": "not_found", "message": "not found"}})
            return
        length = int(self.headers.get("Content-Length") or 0)
        try:
            sub = json.loads(self.rfile.read(length) or b"{}").get("sub")
        except (ValueError, AttributeError):
            sub = None
        user = next((u for u in self.server.users() if u["sub"] == sub), None)
        if user is None:
            self._send(404, {"error": {"code": "unknown_user", "message": "no such seeded user"}})
            return
        token = mint(
            self.server.issuer,
            sub=user["sub"],
            roles=[user["role"]],
            tenant=user.get("tenant"),
            district=user.get("district"),
            phone=user.get("phone"),
        )
        self._send(200, {"token": token, "user": user})


class IssuerServer:
    """Serves discovery + JWKS, and (devstack only) password-less sign-in as a seeded user."""

    def __init__(self, host: str, port: int, users: Callable[[], list[dict[str, Any]]] | None = None):
        self.issuer = f"http://{host}:{port}"
        self._server = _Server((host, port), _Handler)
        self._server.issuer = self.issuer
        self._server.users = users or (lambda: [])
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True, name="devstack-issuer")

    def start(self) -> IssuerServer:
        jwks()  # make sure the key exists before anyone asks
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
