"""Subscriptions over WebSocket: both protocols, authenticated in connection_init."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import httpx
import jwt
import pytest
import websockets
from websockets.exceptions import ConnectionClosed, InvalidStatus

from tests.conftest import Gateway, add_camera
from tests.integration.test_auth import claims, signing_key

STATUS = "subscription { cameraStatus { cameraId status lastError at } }"
TRANSPORT_WS = "graphql-transport-ws"
LEGACY_WS = "graphql-ws"


def connect(gateway: Gateway, protocol: str = TRANSPORT_WS) -> Any:
    url = gateway.url.replace("http://", "ws://") + "/graphql"
    return websockets.connect(url, subprotocols=[protocol])


def token_of(client: httpx.AsyncClient) -> str:
    return client.headers["Authorization"].removeprefix("Bearer ")


async def send(socket: Any, message: dict[str, Any]) -> None:
    await socket.send(json.dumps(message))


async def receive(socket: Any, timeout_s: float = 5.0) -> dict[str, Any]:
    message: dict[str, Any] = json.loads(
        await asyncio.wait_for(socket.recv(), timeout_s)
    )
    return message


async def initialise(socket: Any, payload: dict[str, Any]) -> dict[str, Any]:
    await send(socket, {"type": "connection_init", "payload": payload})
    return await receive(socket)


def authorization(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_status_changes_arrive_over_graphql_transport_ws(gateway, client):
    async with connect(gateway) as ws:
        ack = await initialise(ws, authorization(token_of(client)))
        await send(ws, {"id": "1", "type": "subscribe", "payload": {"query": STATUS}})
        await asyncio.sleep(0.1)

        camera = await add_camera(client, "Watched")
        statuses = []
        while "ONLINE" not in statuses:
            message = await receive(ws)
            assert message["type"] == "next", message
            change = message["payload"]["data"]["cameraStatus"]
            assert change["cameraId"] == camera["id"]
            statuses.append(change["status"])

    assert ack == {"type": "connection_ack"}
    assert statuses[-1] == "ONLINE"


async def test_status_changes_arrive_over_the_older_graphql_ws(gateway, client):
    async with connect(gateway, LEGACY_WS) as ws:
        ack = await initialise(ws, authorization(token_of(client)))
        await send(ws, {"id": "1", "type": "start", "payload": {"query": STATUS}})
        await asyncio.sleep(0.1)

        camera = await add_camera(client, "Watched", fail_connect=True)
        message = await receive(ws)
        while message["type"] == "ka":
            message = await receive(ws)

    assert ack["type"] == "connection_ack"
    assert message["type"] == "data"
    assert message["payload"]["data"]["cameraStatus"]["cameraId"] == camera["id"]


async def test_a_missing_or_bad_token_closes_with_4401(gateway):
    for payload in (
        {},
        authorization("forged.token.here"),
        {"Authorization": "Basic x"},
    ):
        async with connect(gateway) as ws:
            with pytest.raises(ConnectionClosed) as closed:
                await initialise(ws, payload)

        assert closed.value.rcvd.code == 4401, payload


async def test_a_bad_token_is_a_connection_error_on_graphql_ws(gateway):
    async with connect(gateway, LEGACY_WS) as ws:
        message = await initialise(ws, authorization("nope"))

    assert message["type"] == "connection_error"
    assert message["payload"]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_subscribing_before_connection_init_closes_with_4401(gateway):
    async with connect(gateway) as ws:
        await send(ws, {"id": "1", "type": "subscribe", "payload": {"query": STATUS}})
        with pytest.raises(ConnectionClosed) as closed:
            await receive(ws)

    assert closed.value.rcvd.code == 4401


async def test_a_socket_is_closed_when_its_token_expires(gateway):
    kid, key = signing_key(gateway.settings)
    now = int(time.time())
    expiring = claims(iat=now, nbf=now, exp=now + 2)
    token = jwt.encode(expiring, key, algorithm="EdDSA", headers={"kid": kid})

    async with connect(gateway) as ws:
        ack = await initialise(ws, authorization(token))
        started = time.monotonic()
        with pytest.raises(ConnectionClosed) as closed:
            await receive(ws, timeout_s=20)

    assert ack == {"type": "connection_ack"}
    assert closed.value.rcvd.code == 4401
    assert time.monotonic() - started < 15


async def test_validation_errors_reach_the_subscriber_with_a_code(gateway, client):
    query = "subscription { cameraStatus { nope } }"
    async with connect(gateway) as ws:
        await initialise(ws, authorization(token_of(client)))
        await send(ws, {"id": "9", "type": "subscribe", "payload": {"query": query}})
        message = await receive(ws)

    assert message["type"] == "error"
    assert message["payload"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


async def test_a_socket_without_a_graphql_subprotocol_is_refused(gateway):
    url = gateway.url.replace("http://", "ws://") + "/graphql"

    with pytest.raises(InvalidStatus) as refused:
        async with websockets.connect(url):
            pass

    assert refused.value.response.status_code == 403


async def test_subscribers_that_leave_are_forgotten(gateway, client):
    feed = gateway.app.state.services.supervisor.feed
    for _ in range(20):
        async with connect(gateway) as ws:
            await initialise(ws, authorization(token_of(client)))
            await send(
                ws, {"id": "1", "type": "subscribe", "payload": {"query": STATUS}}
            )
            await asyncio.sleep(0.02)

    for _ in range(100):
        if feed.subscriber_count == 0:
            break
        await asyncio.sleep(0.02)
    assert feed.subscriber_count == 0


async def test_a_socket_is_closed_when_its_session_ends(gateway, client, anonymous):
    from tests.conftest import initial_admin_password, login

    session = await login(anonymous, "admin", initial_admin_password(gateway.settings))
    async with connect(gateway) as ws:
        await initialise(ws, authorization(session["accessToken"]))
        await send(ws, {"id": "1", "type": "subscribe", "payload": {"query": STATUS}})

        await anonymous.post(
            "/graphql",
            json={"query": "mutation { logout }"},
            headers=authorization(session["accessToken"]),
        )
        with pytest.raises(ConnectionClosed) as closed:
            await receive(ws, timeout_s=10)

    assert closed.value.rcvd.code == 4401


async def test_a_socket_of_a_revoked_service_token_is_closed(gateway, client):
    from tests.conftest import graphql

    created = await graphql(
        client,
        'mutation { createServiceToken(name: "cp") { token serviceToken { id } } }',
    )
    token = created["data"]["createServiceToken"]["token"]
    token_id = created["data"]["createServiceToken"]["serviceToken"]["id"]
    async with connect(gateway) as ws:
        await initialise(ws, authorization(token))

        await graphql(
            client, 'mutation { revokeServiceToken(id: "%s") { id } }' % token_id
        )
        with pytest.raises(ConnectionClosed) as closed:
            await receive(ws, timeout_s=10)

    assert closed.value.rcvd.code == 4401


async def test_queries_may_also_travel_over_the_socket(gateway, client):
    async with connect(gateway) as ws:
        await initialise(ws, authorization(token_of(client)))
        await send(
            ws,
            {"id": "q", "type": "subscribe", "payload": {"query": "{ me { name } }"}},
        )
        answer = await receive(ws)

    assert answer == {
        "id": "q",
        "type": "next",
        "payload": {"data": {"me": {"name": "admin"}}},
    }
