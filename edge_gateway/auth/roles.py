"""Roles and what each one grants.

VIEWER    reads everything but secrets
OPERATOR  a viewer who also drives cameras and experiments
ADMIN     an operator who also manages users, tokens and configuration
SERVICE   the control plane: reads everything and drives cameras and
          experiments like an operator, plus the sync-only operations;
          it manages no users
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """A role of a user or a service token."""

    VIEWER = "VIEWER"
    OPERATOR = "OPERATOR"
    ADMIN = "ADMIN"
    SERVICE = "SERVICE"


_GRANTS: dict[Role, frozenset[Role]] = {
    Role.VIEWER: frozenset({Role.VIEWER}),
    Role.OPERATOR: frozenset({Role.VIEWER, Role.OPERATOR}),
    Role.ADMIN: frozenset({Role.VIEWER, Role.OPERATOR, Role.ADMIN}),
    Role.SERVICE: frozenset({Role.VIEWER, Role.OPERATOR, Role.SERVICE}),
}


def grants(role: Role, required: Role) -> bool:
    """Whether holding `role` allows what needs `required`."""
    return required in _GRANTS[role]
