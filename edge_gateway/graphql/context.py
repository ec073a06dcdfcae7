"""The context every resolver receives: the request, the services, and who asks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from starlette.requests import HTTPConnection

from edge_gateway.services import Services

if TYPE_CHECKING:
    from graphql import GraphQLResolveInfo


@dataclass
class RequestContext:
    """One GraphQL operation's context.

    `user` is the identity the request authenticated as; the authentication layer
    sets it before any resolver runs, so resolvers and the role checks on the
    schema read it from here and never parse headers themselves.
    """

    connection: HTTPConnection
    services: Services
    user: object | None = None


if TYPE_CHECKING:
    # The resolve info of graphql-core; its `context` is a RequestContext.
    Info = GraphQLResolveInfo


def services(info: Info) -> Services:
    """The services of the operation `info` belongs to."""
    context: RequestContext = info.context
    return context.services
