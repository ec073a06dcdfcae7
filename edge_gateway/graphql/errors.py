"""How GraphQL errors are shown to clients: a code always, a stack trace never."""

from __future__ import annotations

import logging
import re
from typing import Any

from graphql import GraphQLError

from edge_gateway.errors import GatewayError

logger = logging.getLogger(__name__)

INTERNAL_MESSAGE = "Internal server error"


def format_error(
    error: GraphQLError, default_code: str = "BAD_USER_INPUT"
) -> dict[str, Any]:
    """The JSON form of one error, with `extensions.code` set.

    `default_code` is for errors that carry no code of their own; the caller knows
    the phase (parse, validation, variables) the error came from.
    """
    formatted: dict[str, Any] = dict(error.formatted)
    original = error.original_error
    if isinstance(original, GatewayError):
        formatted["message"] = original.message
        formatted["extensions"] = {**original.extensions, "code": original.code}
    elif original is not None and not isinstance(original, GraphQLError):
        # Anything else is a bug of ours: keep its details in the log, not the answer.
        logger.error(
            "resolver error at %s",
            ".".join(str(part) for part in error.path or ()),
            exc_info=original,
        )
        formatted["message"] = INTERNAL_MESSAGE
        formatted["extensions"] = {"code": "INTERNAL_SERVER_ERROR"}
    else:
        extensions = dict(formatted.get("extensions") or {})
        extensions.setdefault("code", default_code)
        formatted["extensions"] = extensions
        formatted["message"] = _without_values(formatted["message"])
    return formatted


# graphql-core quotes a variable's whole value when it is invalid, and again in the
# reason; the value may be a password or a token, so the answer names the variable
# and the rule it broke, not what it held.
_INVALID_VARIABLE = re.compile(
    r"(Variable '\$\w+') got invalid value .*?(?:; (.*))?$", re.S
)


def _without_values(message: str) -> str:
    match = _INVALID_VARIABLE.match(message)
    if match is None:
        return message
    reason = (match[2] or "").split(": ", 1)[0]
    return f"{match[1]} got an invalid value" + (f"; {reason}" if reason else "")


def request_error(message: str, code: str) -> dict[str, Any]:
    """A response body for a request refused before any GraphQL ran."""
    return {"errors": [{"message": message, "extensions": {"code": code}}]}
