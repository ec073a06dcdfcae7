"""The context every resolver receives: the request, the services, and who asks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from starlette.requests import HTTPConnection

from edge_gateway.auth.identity import Identity
from edge_gateway.errors import UnauthenticatedError
from edge_gateway.services import Services

if TYPE_CHECKING:
    from graphql import GraphQLResolveInfo


@dataclass
class RequestContext:
    """One GraphQL operation's context.

    `user` is the identity the request authenticated as, set before any resolver
    runs; resolvers and the role checks on the schema read it from here and never
    parse headers themselves. A token that failed leaves `user` empty and the
    reason in `auth_error`, so that public fields (`login`) still work.
    """

    connection: HTTPConnection
    services: Services
    user: Identity | None = None
    auth_error: UnauthenticatedError | None = None

    @property
    def address(self) -> str:
        """The client's address, for rate limits and security events."""
        client = self.connection.client
        return client.host if client else "unknown"


if TYPE_CHECKING:
    # The resolve info of graphql-core; its `context` is a RequestContext.
    Info = GraphQLResolveInfo


def services(info: Info) -> Services:
    """The services of the operation `info` belongs to."""
    context: RequestContext = info.context
    return context.services


async def authenticated_context(
    connection: HTTPConnection, services: Services, authorization: str | None
) -> RequestContext:
    """A context with the identity of the bearer token, counted against rate limits.

    Raises `RateLimitedError` when the caller has used up its operations.
    """
    context = RequestContext(connection, services)
    if authorization:
        try:
            context.user = await services.auth.authenticate(bearer_token(authorization))
        except UnauthenticatedError as err:
            context.auth_error = err
    caller = context.user.subject if context.user else f"address:{context.address}"
    await services.auth.rate_limits.operation(caller)
    return context


def bearer_token(authorization: str) -> str:
    """The token of an `Authorization: Bearer <token>` value."""
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise UnauthenticatedError("the Authorization header must be 'Bearer <token>'")
    return token.strip()
