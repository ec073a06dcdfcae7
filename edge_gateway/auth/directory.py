"""An in-memory copy of who may authenticate, so a request needs no database read.

Users, service tokens and ended sessions change rarely and are few. The copy
is read again whenever the database changes: at once after a change made through
this process, and within `auth.reload_interval_s` after one made by another
process, such as `edge-gateway token revoke` run while the gateway runs.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from edge_gateway.db import Database
from edge_gateway.db.tokens import (
    RevokedSessionStore,
    ServiceTokenRecord,
    ServiceTokenStore,
)
from edge_gateway.db.users import UserRecord, UserStore

logger = logging.getLogger(__name__)


class Directory:
    """Users by id, service tokens by hash, ended sessions by id."""

    def __init__(
        self,
        database: Database,
        users: UserStore,
        service_tokens: ServiceTokenStore,
        revoked: RevokedSessionStore,
    ) -> None:
        self._database = database
        self._users_store = users
        self._tokens_store = service_tokens
        self._revoked_store = revoked
        self.users: dict[int, UserRecord] = {}
        self.service_tokens: dict[str, ServiceTokenRecord] = {}
        self.revoked_sessions: dict[str, str] = {}
        self._data_version: int | None = None
        self._watcher: asyncio.Task[None] | None = None

    async def load(self) -> None:
        """Read everything from the database."""
        self._data_version = await self._read_data_version()
        self.users = {user.id: user for user in await self._users_store.all()}
        tokens = await self._tokens_store.all()
        self.service_tokens = {token.token_hash: token for token in tokens}
        self.revoked_sessions = await self._revoked_store.live()

    def start_watching(self, interval_s: float) -> None:
        """Reload on an interval when another process changed the database."""
        self._watcher = asyncio.create_task(self._watch(interval_s), name="auth-reload")

    async def stop_watching(self) -> None:
        """Stop the reload task."""
        if self._watcher is not None:
            self._watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watcher
            self._watcher = None

    async def reload_if_changed(self) -> bool:
        """Read everything again if another process changed the database.

        Called when a token names someone the copy does not know, so a token or
        user created from the shell works at once, not only after the next poll.
        """
        if await self._read_data_version() == self._data_version:
            return False
        await self.load()
        return True

    def is_revoked(self, session_id: str) -> bool:
        """Whether a session was ended before its access tokens expired."""
        return session_id in self.revoked_sessions

    async def _watch(self, interval_s: float) -> None:
        while True:
            await asyncio.sleep(interval_s)
            try:
                await self.reload_if_changed()
            except Exception:
                logger.exception("reading users and tokens again failed; will retry")

    async def _read_data_version(self) -> int:
        # SQLite bumps data_version when another connection commits; our own
        # changes reload the directory directly.
        async with self._database.connection.execute("PRAGMA data_version") as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else 0
