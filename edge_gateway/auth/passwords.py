"""Password hashing with argon2id, and the policy new passwords must meet."""

from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from edge_gateway.errors import BadUserInputError

_hasher = PasswordHasher()

# A well-formed hash to check against when the user does not exist, so that an
# unknown name costs as long as a wrong password and cannot be told apart by timing.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))

MAX_LENGTH = 256


def hash_password(password: str) -> str:
    """An argon2id hash of `password`, with its own salt."""
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether `password` matches the hash; `None` stands for an unknown user."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and bool(
            password_hash
        )
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Whether the hash was made with weaker parameters than today's."""
    return _hasher.check_needs_rehash(password_hash)


def check_password_policy(password: str, username: str, min_length: int) -> None:
    """Refuse a password that is too short, too long or too easy to guess."""
    problem = None
    if len(password) < min_length:
        problem = f"must have at least {min_length} characters"
    elif len(password) > MAX_LENGTH:
        problem = f"must have at most {MAX_LENGTH} characters"
    elif username and username.lower() in password.lower():
        problem = "must not contain the user name"
    elif len(set(password)) < 5:
        problem = "must use at least 5 different characters"
    if problem:
        raise BadUserInputError(f"the password {problem}", {"password": problem})


def generate_password() -> str:
    """A random password that meets any sensible policy."""
    return secrets.token_urlsafe(18)
