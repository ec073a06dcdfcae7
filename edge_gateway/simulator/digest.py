"""HTTP digest authentication (RFC 7616, MD5 with qop=auth), the camera's side."""

from __future__ import annotations

import hashlib
import secrets
from urllib.request import parse_http_list, parse_keqv_list

REALM = "IP Camera"


class DigestChallenger:
    """Issues nonces and checks Authorization headers against one user."""

    def __init__(self, username: str, password: str) -> None:
        self._username = username
        self._password = password
        self._nonces: set[str] = set()

    def challenge(self) -> str:
        """A WWW-Authenticate value with a fresh nonce."""
        nonce = secrets.token_hex(16)
        self._nonces.add(nonce)
        return f'Digest realm="{REALM}", qop="auth", nonce="{nonce}", algorithm=MD5'

    def is_valid(self, authorization: str | None, method: str) -> bool:
        """Whether `authorization` answers one of our challenges correctly."""
        if not authorization or not authorization.lower().startswith("digest "):
            return False
        fields = parse_keqv_list(parse_http_list(authorization[7:]))
        if fields.get("username") != self._username:
            return False
        if fields.get("nonce") not in self._nonces or fields.get("realm") != REALM:
            return False
        ha1 = _md5(f"{self._username}:{REALM}:{self._password}")
        ha2 = _md5(f"{method}:{fields.get('uri', '')}")
        expected = _md5(
            f"{ha1}:{fields['nonce']}:{fields.get('nc', '')}:"
            f"{fields.get('cnonce', '')}:{fields.get('qop', '')}:{ha2}"
        )
        return secrets.compare_digest(expected, fields.get("response", ""))


def _md5(text: str) -> str:
    return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()
