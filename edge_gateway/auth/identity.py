"""Who a request speaks for."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from edge_gateway.auth.roles import Role


class IdentityKind(StrEnum):
    """Whether a person or a program holds the token."""

    USER = "USER"
    SERVICE = "SERVICE"


@dataclass(frozen=True)
class Identity:
    """An authenticated user or service token."""

    kind: IdentityKind
    id: int
    name: str
    role: Role
    token_id: str | None = None
    session_id: str | None = None
    expires_at: float | None = None

    @property
    def subject(self) -> str:
        """A key naming this identity for rate limits and logs."""
        return f"{self.kind.lower()}:{self.id}"
