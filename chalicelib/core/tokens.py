"""Bearer-token verification against the issuer's JWKS (Cognito in AWS, devstack locally)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .errors import Unauthorized
from .identity import Principal, principal_from_claims

if TYPE_CHECKING:
    from jwt import PyJWKClient

# Pinned: asymmetric signatures only. "none" and HMAC (key-confusion attacks) are never accepted.
ALLOWED_ALGORITHMS = ["RS256"]


class TokenVerifier:
    def __init__(self, issuer: str, audience: str, jwks_url: str, jwks_client: PyJWKClient | None = None):
        self.issuer = issuer
        self.audience = audience
        from jwt import PyJWKClient

        # PyJWKClient caches keys and refetches when it meets an unknown kid (key rotation).
        self._jwks = jwks_client or PyJWKClient(jwks_url, cache_keys=True, lifespan=300, timeout=5)

    def verify(self, authorization: str | None) -> Principal:
        import jwt

        token = _bearer(authorization)
        try:
            header = jwt.get_unverified_header(token)
            if header.get("alg") not in ALLOWED_ALGORITHMS:
                raise Unauthorized({"reason": "algorithm_not_allowed"})
            key = self._jwks.get_signing_key_from_jwt(token)
            claims: dict[str, Any] = jwt.decode(
                token,
                key.key,
                algorithms=ALLOWED_ALGORITHMS,
                audience=self.audience,
                issuer=self.issuer,
                options={"require": ["exp", "iss", "aud", "sub"]},
                leeway=30,
            )
        except Unauthorized:
            raise
        except jwt.ExpiredSignatureError as exc:
            raise Unauthorized({"reason": "token_expired"}) from exc
        except (jwt.PyJWTError, ValueError, KeyError) as exc:
            raise Unauthorized({"reason": "token_invalid"}) from exc
        try:
            return principal_from_claims(claims)
        except (KeyError, TypeError) as exc:
            raise Unauthorized({"reason": "claims_invalid"}) from exc


def _bearer(authorization: str | None) -> str:
    if not authorization:
        raise Unauthorized({"reason": "token_missing"})
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized({"reason": "token_missing"})
    return token.strip()
