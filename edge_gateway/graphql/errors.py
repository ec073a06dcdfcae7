"""How GraphQL errors are shown to clients: a code always, a stack trace never."""

from __future__ import annotations

import logging
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
    return formatted


def request_error(message: str, code: str) -> dict[str, Any]:
    """A response body for a request refused before any GraphQL ran."""
    return {"errors": [{"message": message, "extensions": {"code": code}}]}
