"""Rate limits on logins and operations, kept in memory by the `limits` library."""

from __future__ import annotations

import math
import time

from limits import RateLimitItem, parse
from limits.aio.storage import MemoryStorage
from limits.aio.strategies import (
    MovingWindowRateLimiter,
    SlidingWindowCounterRateLimiter,
)

from edge_gateway.errors import RateLimitedError
from edge_gateway.settings import AuthSettings


class RateLimits:
    """Failed logins per name and per address, and operations per caller."""

    def __init__(self, settings: AuthSettings) -> None:
        storage = MemoryStorage()
        # Failed logins are few and decide lock-outs: count them exactly.
        self._logins = MovingWindowRateLimiter(storage)
        # Operations are many: an approximate window is cheaper per request.
        self._operations = SlidingWindowCounterRateLimiter(storage)
        self._per_user = parse(settings.login_attempts_per_user)
        self._per_address = parse(settings.login_attempts_per_address)
        self._per_identity = parse(settings.operations_per_identity)

    async def start_login(self, username: str, address: str) -> None:
        """Count a login attempt before its password is checked.

        The attempt is counted up front, in the same step that tests the limit:
        counting only once a password proved wrong would let a burst of
        simultaneous guesses all pass the test before the first one is counted.
        Raises `RateLimitedError` while the name or the address is locked out.
        """
        for limit, key in self._login_keys(username, address):
            if not await self._logins.hit(limit, *key):
                raise RateLimitedError(
                    "too many failed logins; try again later",
                    await self._retry_after(self._logins, limit, *key),
                )

    async def login_succeeded(self, username: str) -> None:
        """Forget the name's attempts: a user who got in is not locked out later."""
        limit, key = self._login_keys(username, "")[0]
        await self._logins.clear(limit, *key)

    async def is_locked_out(self, username: str, address: str) -> bool:
        """Whether the name or the address has no attempts left."""
        for limit, key in self._login_keys(username, address):
            if not await self._logins.test(limit, *key):
                return True
        return False

    async def operation(self, caller: str) -> None:
        """Count one operation of `caller`; `RateLimitedError` over the limit."""
        if not await self._operations.hit(self._per_identity, "operations", caller):
            # The sliding counter frees capacity gradually; the window's length is
            # the wait after which the caller is sure to get through.
            raise RateLimitedError(
                "too many operations; slow down", self._per_identity.get_expiry()
            )

    def _login_keys(
        self, username: str, address: str
    ) -> list[tuple[RateLimitItem, tuple[str, str]]]:
        return [
            (self._per_user, ("login-user", username.lower())),
            (self._per_address, ("login-address", address)),
        ]

    async def _retry_after(
        self,
        limiter: MovingWindowRateLimiter | SlidingWindowCounterRateLimiter,
        limit: RateLimitItem,
        *key: str,
    ) -> int:
        stats = await limiter.get_window_stats(limit, *key)
        return max(1, math.ceil(stats.reset_time - time.time()))
