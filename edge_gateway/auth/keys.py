"""The signing keys of access tokens: Ed25519, kept owner-only in the state directory.

The newest key signs. A rotated-out key stays, for verification only, until every
token it signed has expired; then it is dropped at the next rotation or start. The
file may be rotated by `edge-gateway keys rotate` while the gateway runs: the
gateway reads it again when it changes.
"""

from __future__ import annotations

import json
import os
import secrets
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

KEYS_FILE = "signing-keys.json"


@dataclass(frozen=True)
class SigningKey:
    """One key pair, named by its key id (`kid`)."""

    kid: str
    created_at: datetime
    private_key: Ed25519PrivateKey

    @property
    def public_key(self) -> Ed25519PublicKey:
        """The half that verifies."""
        return self.private_key.public_key()


class KeyRing:
    """The keys in `<state dir>/signing-keys.json`, newest last."""

    def __init__(self, state_dir: Path, keep_retired: timedelta) -> None:
        self.path = state_dir / KEYS_FILE
        self._keep_retired = keep_retired
        self._keys: list[SigningKey] = []
        self._loaded_mtime: float | None = None

    def load_or_create(self) -> None:
        """Read the keys, making the first one if there is none yet."""
        if self.path.exists():
            self._read()
        if not self._keys:
            self._keys = [_new_key()]
            self._write()

    def rotate(self) -> SigningKey:
        """Add a new signing key and drop keys no token can still need."""
        self.load_or_create()
        new = _new_key()
        self._keys = [*self._still_needed(new.created_at), new]
        self._write()
        return new

    @property
    def current(self) -> SigningKey:
        """The key that signs new tokens."""
        self._reload_if_changed()
        return self._keys[-1]

    def public_key(self, kid: str) -> Ed25519PublicKey | None:
        """The verifying key with this id, if the ring holds it."""
        self._reload_if_changed()
        for key in self._keys:
            if key.kid == kid:
                return key.public_key
        return None

    def kids(self) -> list[str]:
        """The key ids held, oldest first."""
        return [key.kid for key in self._keys]

    def _still_needed(self, now: datetime) -> list[SigningKey]:
        kept = []
        for key, successor in zip(self._keys, [*self._keys[1:], None], strict=True):
            retired_at = successor.created_at if successor else now
            if now - retired_at < self._keep_retired:
                kept.append(key)
        return kept

    def _reload_if_changed(self) -> None:
        try:
            mtime = self.path.stat().st_mtime
        except FileNotFoundError:
            return
        if mtime != self._loaded_mtime:
            self._read()

    def _read(self) -> None:
        self._loaded_mtime = self.path.stat().st_mtime
        entries = json.loads(self.path.read_text())["keys"]
        self._keys = [_key_from(entry) for entry in entries]

    def _write(self) -> None:
        entries = [_entry_of(key) for key in self._keys]
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        descriptor, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=".keys-")
        with os.fdopen(descriptor, "w") as file:
            json.dump({"keys": entries}, file, indent=1)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, 0o600)
        os.replace(temporary, self.path)
        self._loaded_mtime = self.path.stat().st_mtime


def _new_key() -> SigningKey:
    return SigningKey(
        kid=secrets.token_hex(8),
        created_at=datetime.now(UTC),
        private_key=Ed25519PrivateKey.generate(),
    )


def _entry_of(key: SigningKey) -> dict[str, str]:
    pem = key.private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return {
        "kid": key.kid,
        "created_at": key.created_at.isoformat(),
        "key": pem.decode(),
    }


def _key_from(entry: dict[str, str]) -> SigningKey:
    private = serialization.load_pem_private_key(entry["key"].encode(), password=None)
    if not isinstance(private, Ed25519PrivateKey):
        raise ValueError(f"signing key {entry['kid']} is not an Ed25519 key")
    return SigningKey(
        entry["kid"], datetime.fromisoformat(entry["created_at"]), private
    )
