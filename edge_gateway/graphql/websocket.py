"""GraphQL subscriptions over WebSocket, in both protocols clients speak.

`graphql-transport-ws` (the graphql-ws library, GraphiQL) and the older `graphql-ws`
(subscriptions-transport-ws) share the `/graphql` path; the subprotocol the client
asks for picks the handler. Both authenticate in `connection_init`, whose payload
carries `{"Authorization": "Bearer <token>"}`: a bad token closes a
graphql-transport-ws socket with 4401 and answers a graphql-ws one with a
connection error. A socket is closed when its access token expires.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import Any

from ariadne.asgi.handlers import (
    GraphQLHTTPHandler,
    GraphQLTransportWSHandler,
    GraphQLWSHandler,
)
from ariadne.asgi.handlers.graphql_transport_ws import ClientContext
from ariadne.exceptions import WebSocketConnectionError
from graphql import GraphQLError, GraphQLSchema
from starlette.websockets import WebSocket

from edge_gateway.auth.identity import Identity
from edge_gateway.errors import GatewayError, RateLimitedError, UnauthenticatedError
from edge_gateway.graphql.context import RequestContext, bearer_token
from edge_gateway.graphql.errors import format_error
from edge_gateway.graphql.limits import (
    alias_limit,
    cost_limit,
    depth_limit,
    operation_limit,
)
from edge_gateway.services import Services
from edge_gateway.settings import GraphQLSettings

logger = logging.getLogger(__name__)

TOKEN = "edge_gateway.token"
WATCH = "edge_gateway.auth_watch"
UNAUTHORIZED = 4401
MIN_RECHECK_S = 0.2
TRANSPORT_WS = "graphql-transport-ws"
LEGACY_WS = "graphql-ws"


class SubscriptionEndpoint:
    """The WebSocket side of `/graphql`."""

    def __init__(self, schema: GraphQLSchema, settings: GraphQLSettings) -> None:
        self._transport = _TransportHandler(on_disconnect=_forget)
        self._legacy = GraphQLWSHandler(
            on_connect=_authenticate_legacy, on_disconnect=_forget, keepalive=20.0
        )
        # Queries and mutations sent over a socket run through an HTTP handler.
        operations = GraphQLHTTPHandler()
        for handler in (self._transport, self._legacy, operations):
            handler.configure(
                schema,
                context_value=_context,
                validation_rules=_rules(settings),
                introspection=settings.introspection,
                # Ariadne logs every client mistake with a traceback; our error
                # formatter logs what is really ours.
                logger="ariadne",
                error_formatter=_format_error,
            )
        self._transport.http_handler = operations
        self._legacy.http_handler = operations

    async def handle(self, websocket: WebSocket) -> None:
        """Serve one socket with the protocol it asked for."""
        offered = websocket.scope.get("subprotocols") or []
        if TRANSPORT_WS in offered:
            await self._transport.handle_websocket(websocket)
        elif LEGACY_WS in offered:
            await self._legacy.handle_websocket(websocket)
        else:
            # Refused at the handshake (HTTP 403): no subprotocol we speak.
            await websocket.close(code=4406, reason="use graphql-transport-ws")


class _TransportHandler(GraphQLTransportWSHandler):
    async def handle_websocket_connection_init_message(
        self, websocket: WebSocket, message: dict[str, Any], client: ClientContext
    ) -> None:
        if client.connection_init_received:
            await websocket.close(code=4429, reason="too many initialisation requests")
            return
        client.connection_init_received = True
        try:
            await _accept(websocket, message.get("payload"))
        except UnauthenticatedError as err:
            await websocket.close(code=UNAUTHORIZED, reason=_reason(err.message))
            return
        await websocket.send_json({"type": "connection_ack"})
        client.connection_acknowledged = True


async def _authenticate_legacy(websocket: WebSocket, payload: Any) -> None:
    try:
        await _accept(websocket, payload)
    except UnauthenticatedError as err:
        raise WebSocketConnectionError(
            {"message": err.message, "extensions": {"code": err.code}}
        ) from None


async def _accept(websocket: WebSocket, payload: Any) -> None:
    """Authenticate `connection_init` and start watching the token."""
    services: Services = websocket.app.state.services
    authorization = payload.get("Authorization") if isinstance(payload, dict) else None
    if not isinstance(authorization, str):
        raise UnauthenticatedError(
            'connection_init needs {"Authorization": "Bearer <token>"}'
        )
    token = bearer_token(authorization)
    identity = await services.auth.authenticate(token)
    websocket.scope[TOKEN] = token
    websocket.scope[WATCH] = asyncio.create_task(
        _close_when_invalid(websocket, services, token, identity),
        name="websocket-auth",
    )


async def _close_when_invalid(
    websocket: WebSocket, services: Services, token: str, identity: Identity
) -> None:
    """Close the socket once its token stops authenticating.

    That is when it expires, and also when its session ends (logout, a password
    change), its user is removed or disabled, or its service token is revoked:
    the token is checked again as often as the directory of users is reloaded.
    """
    settings = services.settings.auth
    while True:
        wait = settings.reload_interval_s
        if identity.expires_at is not None:
            # The token is good until the end of the leeway; never spin before it.
            remaining = identity.expires_at + settings.leeway_s - time.time()
            wait = min(wait, max(MIN_RECHECK_S, remaining))
        await asyncio.sleep(wait)
        try:
            identity = await services.auth.authenticate(token)
        except UnauthenticatedError as err:
            # The socket may have closed on its own in the meantime.
            with contextlib.suppress(RuntimeError):
                await websocket.close(code=UNAUTHORIZED, reason=_reason(err.message))
            return
        except GatewayError as err:
            logger.debug("websocket: token check failed, will retry: %s", err.message)


async def _forget(websocket: WebSocket) -> None:
    watch = websocket.scope.pop(WATCH, None)
    if watch is not None:
        watch.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await watch


async def _context(websocket: WebSocket, _: Any) -> RequestContext:
    services: Services = websocket.app.state.services
    token: str | None = websocket.scope.get(TOKEN)
    context = RequestContext(websocket, services)
    if token is not None:
        # Checked again for each operation: the token may have been revoked since
        # the socket opened.
        try:
            context.user = await services.auth.authenticate(token)
        except UnauthenticatedError as err:
            context.auth_error = err
    caller = context.user.subject if context.user else f"address:{context.address}"
    try:
        await services.auth.rate_limits.operation(caller)
    except RateLimitedError as err:
        raise GraphQLError(err.message, original_error=err) from None
    return context


def _rules(settings: GraphQLSettings) -> Any:
    static = [
        depth_limit(settings.max_depth),
        alias_limit(settings.max_aliases),
        operation_limit(settings.max_operations),
    ]

    def rules(_: Any, __: Any, data: dict[str, Any]) -> list[Any]:
        return [*static, cost_limit(settings.max_cost, data.get("variables"))]

    return rules


def _format_error(error: GraphQLError, debug: bool = False) -> dict[str, Any]:
    original = error.original_error
    if isinstance(original, GraphQLError) and isinstance(
        original.original_error, GatewayError
    ):
        error = original
    return format_error(error, "GRAPHQL_VALIDATION_FAILED")


def _reason(message: str) -> str:
    # A WebSocket close reason has room for 123 bytes.
    return message.encode()[:120].decode(errors="ignore")
