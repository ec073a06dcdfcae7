"""Logins, sessions, users and service tokens: what the API and the CLI do with auth."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from edge_gateway.auth import passwords
from edge_gateway.auth.directory import Directory
from edge_gateway.auth.identity import Identity, IdentityKind
from edge_gateway.auth.keys import KeyRing
from edge_gateway.auth.rate_limits import RateLimits
from edge_gateway.auth.roles import Role
from edge_gateway.auth.tokens import AccessTokens
from edge_gateway.db import Database
from edge_gateway.db.events import EventStore
from edge_gateway.db.tokens import (
    RefreshTokenStore,
    RevokedSessionStore,
    ServiceTokenRecord,
    ServiceTokenStore,
)
from edge_gateway.db.users import UserRecord, UserStore
from edge_gateway.errors import BadUserInputError, NotFoundError, UnauthenticatedError
from edge_gateway.settings import AuthSettings

logger = logging.getLogger(__name__)

INITIAL_ADMIN = "admin"
INITIAL_PASSWORD_FILE = "initial-admin-password"
SERVICE_TOKEN_PREFIX = "egw_"
BAD_LOGIN = "invalid user name or password"


@dataclass(frozen=True)
class Session:
    """What a login or a refresh hands out."""

    access_token: str
    refresh_token: str
    expires_in: int
    user: UserRecord
    token_type: str = "Bearer"


class AuthService:
    """Authentication and the management of users and service tokens."""

    def __init__(
        self, database: Database, state_dir: Path, settings: AuthSettings
    ) -> None:
        self._settings = settings
        self._state_dir = state_dir
        self._users = UserStore(database)
        self._refresh = RefreshTokenStore(database)
        self._service_tokens = ServiceTokenStore(database)
        self._revoked = RevokedSessionStore(database)
        self._events = EventStore(database)
        keep = timedelta(seconds=settings.access_token_ttl_s + settings.leeway_s)
        self.keys = KeyRing(state_dir, keep_retired=keep)
        self._tokens = AccessTokens(self.keys, settings)
        self.directory = Directory(
            database, self._users, self._service_tokens, self._revoked
        )
        self.rate_limits = RateLimits(settings)

    async def start(self) -> None:
        """Load keys and users; create the first admin if there is no user."""
        self.keys.load_or_create()
        await self.ensure_initial_admin()
        await self.directory.load()

    async def ensure_initial_admin(self) -> None:
        """With no users at all, create `admin` with a random password in a file."""
        if await self._users.count() > 0:
            return
        password = passwords.generate_password()
        await self._users.add(INITIAL_ADMIN, await _hash(password), Role.ADMIN)
        path = self._state_dir / INITIAL_PASSWORD_FILE
        _write_owner_only(path, password + "\n")
        logger.warning(
            "created user %r; its password is in %s until it is changed",
            INITIAL_ADMIN,
            path,
        )

    async def authenticate(self, token: str) -> Identity:
        """The identity a bearer token stands for; `UnauthenticatedError` if none."""
        if token.startswith(SERVICE_TOKEN_PREFIX):
            return await self._authenticate_service(token)
        claims = self._tokens.verify(token)
        if self.directory.is_revoked(claims.session_id):
            await self._security_event("auth.revoked_token_used", {"user": claims.name})
            raise UnauthenticatedError("the access token was revoked")
        user_id = _user_id(claims.subject)
        user = self.directory.users.get(user_id)
        if user is None and await self.directory.reload_if_changed():
            user = self.directory.users.get(user_id)
        if user is None or user.is_disabled:
            raise UnauthenticatedError(
                "the token's user no longer exists or is disabled"
            )
        return Identity(
            kind=IdentityKind.USER,
            id=user.id,
            name=user.username,
            role=Role(user.role),
            token_id=claims.token_id,
            session_id=claims.session_id,
            expires_at=claims.expires_at,
        )

    async def login(self, username: str, password: str, address: str) -> Session:
        """Check a user's password and open a session."""
        await self.rate_limits.start_login(username, address)
        user = await self._users.by_name(username)
        hash_ = user.password_hash if user else None
        is_valid = await asyncio.to_thread(passwords.verify_password, hash_, password)
        if user is None or not is_valid or user.is_disabled:
            await self._login_failed(username, address)
            raise UnauthenticatedError(BAD_LOGIN)
        await self.rate_limits.login_succeeded(username)

        logger.info("user %r logged in from %s", user.username, address)
        return await self._open_session(user, secrets.token_hex(8))

    async def refresh(self, refresh_token: str, address: str) -> Session:
        """Exchange a refresh token for a new session of the same family.

        A refresh token works once. One presented again was copied: the whole
        family is revoked, so neither the thief nor the user can go on with it.
        """
        record = await self._refresh.by_hash(_digest(refresh_token))
        if record is None:
            raise UnauthenticatedError("the refresh token is not valid")
        if record.revoked_at is not None:
            await self._security_event(
                "auth.revoked_token_used",
                {"userId": record.user_id, "address": address},
            )
            raise UnauthenticatedError("the refresh token was revoked")
        if record.used_at is not None or not await self._refresh.mark_used(record.id):
            await self._end_sessions([record.family])
            await self._security_event(
                "auth.refresh_token_reuse",
                {"userId": record.user_id, "address": address},
            )
            raise UnauthenticatedError("the refresh token was used already")
        if record.expires_at < _now_text():
            raise UnauthenticatedError("the refresh token has expired")
        user = self.directory.users.get(record.user_id)
        if user is None or user.is_disabled:
            raise UnauthenticatedError(
                "the token's user no longer exists or is disabled"
            )
        return await self._open_session(user, record.family)

    async def logout(self, identity: Identity) -> None:
        """End the session of the identity's token: every token of that login."""
        if identity.session_id:
            await self._end_sessions([identity.session_id])

    async def _end_sessions(self, session_ids: list[str]) -> None:
        # A session's refresh tokens are revoked in the database; its access tokens
        # (several, if it was refreshed) by its id, kept until the newest of them
        # can have expired.
        until = datetime.now(UTC) + timedelta(
            seconds=self._settings.access_token_ttl_s + self._settings.leeway_s
        )
        for session_id in session_ids:
            await self._refresh.revoke_family(session_id)
            await self._revoked.add(session_id, _text(until))
        await self.directory.load()

    async def create_user(self, username: str, password: str, role: Role) -> UserRecord:
        """Add a user, checking the password policy."""
        username = _clean_username(username)
        passwords.check_password_policy(
            password, username, self._settings.password_min_length
        )
        user = await self._users.add(username, await _hash(password), role)
        await self.directory.load()
        logger.info("user %r created with role %s", username, role)
        return user

    async def update_user(self, user_id: int, **changes: Any) -> UserRecord:
        """Change a user's name, role, password or disabled flag."""
        user = await self._require_user(user_id)
        columns: dict[str, Any] = {}
        if changes.get("username") is not None:
            columns["username"] = _clean_username(changes["username"])
        if changes.get("role") is not None:
            columns["role"] = str(Role(changes["role"]))
        if changes.get("is_disabled") is not None:
            columns["is_disabled"] = int(bool(changes["is_disabled"]))
        if changes.get("password") is not None:
            name = columns.get("username", user.username)
            passwords.check_password_policy(
                changes["password"], name, self._settings.password_min_length
            )
            columns["password_hash"] = await _hash(changes["password"])
        if not columns:
            return user
        await self._keep_an_admin(user, columns)

        updated = await self._users.update(user_id, **columns)
        assert updated is not None
        if "password_hash" in columns or columns.get("is_disabled"):
            await self._end_sessions(await self._refresh.families_of(user_id))
        if "password_hash" in columns and updated.username == INITIAL_ADMIN:
            (self._state_dir / INITIAL_PASSWORD_FILE).unlink(missing_ok=True)
        await self.directory.load()
        logger.info("user %r updated: %s", updated.username, ", ".join(sorted(columns)))
        return updated

    async def change_password(self, identity: Identity, current: str, new: str) -> None:
        """A user's own password change, proven by the current one."""
        user = await self._require_user(identity.id)
        if not await asyncio.to_thread(
            passwords.verify_password, user.password_hash, current
        ):
            raise BadUserInputError(
                "the current password is wrong", {"currentPassword": "wrong"}
            )
        await self.update_user(user.id, password=new)

    async def delete_user(self, user_id: int) -> None:
        """Remove a user; their tokens stop working."""
        user = await self._require_user(user_id)
        await self._keep_an_admin(user, {"is_disabled": 1})
        await self._users.delete(user_id)
        await self.directory.load()
        logger.info("user %r deleted", user.username)

    async def user_by_name(self, username: str) -> UserRecord:
        """The user with this name; `NotFoundError` if none."""
        user = await self._users.by_name(username)
        if user is None:
            raise NotFoundError(f"no user called {username!r}")
        return user

    async def list_users(self) -> list[UserRecord]:
        """Every user."""
        return await self._users.all()

    async def get_user(self, user_id: int) -> UserRecord | None:
        """The user with this id, or `None`."""
        return self.directory.users.get(user_id)

    async def create_service_token(
        self, name: str, role: Role
    ) -> tuple[ServiceTokenRecord, str]:
        """A new service token; its value is returned here and never again."""
        name = name.strip()
        if not name or len(name) > 100:
            raise BadUserInputError(
                "a token name must have 1 to 100 characters", {"name": "1 to 100"}
            )
        if role is Role.ADMIN:
            # A token never expires and is kept in programs' settings; one that
            # could create users and more tokens is a standing key to everything.
            raise BadUserInputError(
                "a service token cannot have the ADMIN role", {"role": "not ADMIN"}
            )
        token = SERVICE_TOKEN_PREFIX + secrets.token_urlsafe(32)
        record = await self._service_tokens.add(name, role, _digest(token))
        await self.directory.load()
        logger.info("service token %r created with role %s", name, role)
        return record, token

    async def revoke_service_token(self, token_id: int) -> ServiceTokenRecord:
        """Revoke a service token at once."""
        record = await self._service_tokens.revoke(token_id)
        if record is None:
            raise NotFoundError(f"no service token with id {token_id}")
        await self.directory.load()
        logger.info("service token %r revoked", record.name)
        return record

    async def list_service_tokens(self) -> list[ServiceTokenRecord]:
        """Every service token, revoked ones included."""
        return await self._service_tokens.all()

    async def _authenticate_service(self, token: str) -> Identity:
        digest = _digest(token)
        record = self.directory.service_tokens.get(digest)
        if record is None and await self.directory.reload_if_changed():
            record = self.directory.service_tokens.get(digest)
        if record is None:
            raise UnauthenticatedError("the service token is not valid")
        if record.revoked_at is not None:
            await self._security_event(
                "auth.revoked_token_used", {"token": record.name}
            )
            raise UnauthenticatedError("the service token was revoked")
        return Identity(
            kind=IdentityKind.SERVICE,
            id=record.id,
            name=record.name,
            role=Role(record.role),
        )

    async def _open_session(self, user: UserRecord, family: str) -> Session:
        refresh_token = secrets.token_urlsafe(32)
        expires = datetime.now(UTC) + timedelta(
            seconds=self._settings.refresh_token_ttl_s
        )
        await self._refresh.add(_digest(refresh_token), family, user.id, _text(expires))
        access_token, _ = self._tokens.issue(
            f"user:{user.id}", user.username, Role(user.role), family
        )
        return Session(
            access_token, refresh_token, self._settings.access_token_ttl_s, user
        )

    async def _login_failed(self, username: str, address: str) -> None:
        locked = await self.rate_limits.is_locked_out(username, address)
        details = {"username": username[:100], "address": address}
        await self._security_event("auth.login_failed", details)
        if locked:
            await self._security_event("auth.lockout", details)
            logger.warning(
                "logins locked out for user %r or address %s", username, address
            )

    async def _keep_an_admin(self, user: UserRecord, columns: dict[str, Any]) -> None:
        loses_admin = (
            columns.get("is_disabled") or columns.get("role", Role.ADMIN) != Role.ADMIN
        )
        if user.role != Role.ADMIN or user.is_disabled or not loses_admin:
            return
        admins = [
            u
            for u in await self._users.all()
            if u.role == Role.ADMIN and not u.is_disabled and u.id != user.id
        ]
        if not admins:
            raise BadUserInputError(
                "the last enabled admin cannot be removed, disabled or demoted",
                {"id": "last admin"},
            )

    async def _require_user(self, user_id: int) -> UserRecord:
        user = await self._users.get(user_id)
        if user is None:
            raise NotFoundError(f"no user with id {user_id}")
        return user

    async def _security_event(self, type: str, payload: dict[str, Any]) -> None:
        await self._events.append("auth", type, "WARNING", payload)


def _user_id(subject: str) -> int:
    kind, _, number = subject.partition(":")
    if kind != "user" or not number.isdigit():
        raise UnauthenticatedError("the access token names no user")
    return int(number)


def _clean_username(username: str) -> str:
    cleaned = username.strip()
    if not 1 <= len(cleaned) <= 64 or not cleaned.isprintable():
        raise BadUserInputError(
            "a user name must have 1 to 64 printable characters",
            {"username": "1 to 64 printable characters"},
        )
    return cleaned


async def _hash(password: str) -> str:
    # Argon2 takes tens of milliseconds of CPU on purpose; keep it off the loop.
    return await asyncio.to_thread(passwords.hash_password, password)


def _digest(token: str) -> str:
    # Tokens are long random strings, so a plain SHA-256 cannot be reversed; a slow
    # hash would only slow every request down.
    return hashlib.sha256(token.encode()).hexdigest()


def _now_text() -> str:
    return _text(datetime.now(UTC))


def _text(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _write_owner_only(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write(text)
    os.chmod(path, 0o600)
