"""Access tokens: short-lived JWTs signed with the key ring's Ed25519 key.

The algorithm is pinned to EdDSA: a token naming any other (`none`, or HS256 signed
with the public key as an HMAC secret) is refused before its signature is looked
at, and so is one whose `kid` the ring does not hold.
"""

from __future__ import annotations

import secrets
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import jwt

from edge_gateway.auth.keys import KeyRing
from edge_gateway.auth.roles import Role
from edge_gateway.errors import UnauthenticatedError
from edge_gateway.settings import AuthSettings

ALGORITHM = "EdDSA"
REQUIRED_CLAIMS = ["sub", "role", "iat", "nbf", "exp", "iss", "aud", "jti", "sid"]
# Verified tokens kept so a client's repeated requests skip the signature check;
# expiry and revocation are still checked on every use.
VERIFIED_CACHE_SIZE = 2048


@dataclass(frozen=True)
class AccessClaims:
    """What a verified access token says."""

    subject: str
    name: str
    role: Role
    token_id: str
    session_id: str
    expires_at: float


class AccessTokens:
    """Issues and verifies access tokens."""

    def __init__(self, keys: KeyRing, settings: AuthSettings) -> None:
        self._keys = keys
        self._settings = settings
        self._verified: OrderedDict[str, AccessClaims] = OrderedDict()

    def issue(
        self, subject: str, name: str, role: Role, session_id: str
    ) -> tuple[str, AccessClaims]:
        """A signed token for `subject`, and its claims."""
        now = int(time.time())
        claims = {
            "sub": subject,
            "name": name,
            "role": str(role),
            "iat": now,
            "nbf": now,
            "exp": now + self._settings.access_token_ttl_s,
            "iss": self._settings.issuer,
            "aud": self._settings.audience,
            "jti": secrets.token_urlsafe(12),
            "sid": session_id,
        }
        key = self._keys.current
        token = jwt.encode(
            claims, key.private_key, algorithm=ALGORITHM, headers={"kid": key.kid}
        )
        return token, _claims_of(claims)

    def verify(self, token: str) -> AccessClaims:
        """The claims of a valid token; `UnauthenticatedError` for any other."""
        claims = self._verified.get(token)
        if claims is None:
            claims = self._verify_signature(token)
            self._remember(token, claims)
        if claims.expires_at + self._settings.leeway_s < time.time():
            raise UnauthenticatedError("the access token has expired")
        return claims

    def _verify_signature(self, token: str) -> AccessClaims:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.InvalidTokenError:
            raise UnauthenticatedError("the access token is malformed") from None
        if header.get("alg") != ALGORITHM:
            raise UnauthenticatedError(
                "the access token is not signed the way ours are"
            )
        public_key = self._keys.public_key(str(header.get("kid", "")))
        if public_key is None:
            raise UnauthenticatedError("the access token was signed by an unknown key")
        try:
            claims = jwt.decode(
                token,
                public_key,
                algorithms=[ALGORITHM],
                audience=self._settings.audience,
                issuer=self._settings.issuer,
                leeway=self._settings.leeway_s,
                options={"require": REQUIRED_CLAIMS},
            )
        except jwt.ExpiredSignatureError:
            raise UnauthenticatedError("the access token has expired") from None
        except jwt.ImmatureSignatureError:
            raise UnauthenticatedError("the access token is not valid yet") from None
        except jwt.InvalidTokenError as err:
            raise UnauthenticatedError(f"the access token is invalid ({err})") from None
        try:
            return _claims_of(claims)
        except (KeyError, ValueError, TypeError):
            raise UnauthenticatedError(
                "the access token's claims are invalid"
            ) from None

    def _remember(self, token: str, claims: AccessClaims) -> None:
        self._verified[token] = claims
        if len(self._verified) > VERIFIED_CACHE_SIZE:
            self._verified.popitem(last=False)


def _claims_of(claims: dict[str, Any]) -> AccessClaims:
    return AccessClaims(
        subject=str(claims["sub"]),
        name=str(claims.get("name", "")),
        role=Role(claims["role"]),
        token_id=str(claims["jti"]),
        session_id=str(claims["sid"]),
        expires_at=float(claims["exp"]),
    )
