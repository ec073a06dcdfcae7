"""Resolvers, one module per domain; each is thin: parse, call the domain, shape."""

from edge_gateway.graphql.resolvers import (
    auth,
    cameras,
    discovery,
    drivers,
    subscriptions,
)

BINDABLES = [
    *auth.BINDABLES,
    *cameras.BINDABLES,
    *discovery.BINDABLES,
    *drivers.BINDABLES,
    *subscriptions.BINDABLES,
]

__all__ = ["BINDABLES"]
