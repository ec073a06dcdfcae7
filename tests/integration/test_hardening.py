"""Inputs and races found by trying to break the gateway; each once gave a 500 or
lost data."""

from __future__ import annotations

import asyncio
import base64
import logging

import httpx
from graphql import get_introspection_query

from edge_gateway.logs import configure_logging
from edge_gateway.settings import LogSettings
from tests.conftest import Gateway, add_camera, graphql, wait_for_status


async def post_raw(client: httpx.AsyncClient, body: bytes) -> httpx.Response:
    return await client.post(
        "/graphql", content=body, headers={"content-type": "application/json"}
    )


async def test_graphiqls_introspection_query_is_within_the_limits(client):
    answer = await graphql(client, get_introspection_query(descriptions=True))

    assert "errors" not in answer
    assert answer["data"]["__schema"]["queryType"]["name"] == "Query"


async def test_lone_surrogates_are_refused_as_bad_json(client):
    camera = await add_camera(client, "Dome")
    await wait_for_status(client, camera["id"], "ONLINE")
    body = (
        b'{"query": "mutation($n: String!) { setPreset(cameraId: \\"%s\\", name: $n) { token } }", "variables": {"n": "\\ud800"}}'
        % camera["id"].encode()
    )

    response = await post_raw(client, body)
    presets = await graphql(
        client, '{ camera(id: "%s") { presets { name } } }' % camera["id"]
    )

    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    assert presets == {"data": {"camera": {"presets": []}}}


async def test_numbers_beyond_json_are_refused(client):
    for number in (b"1" + b"0" * 5000, b"Infinity", b"NaN", b"1e400"):
        body = (
            b'{"query": "query($n: Int) { cameras(first: $n) { totalCount } }", "variables": {"n": %s}}'
            % number
        )

        response = await post_raw(client, body)

        assert response.status_code == 400, number[:20]


async def test_huge_ids_and_cursors_are_not_found_or_bad_input(client):
    huge_cursor = base64.urlsafe_b64encode(b"camera:" + b"9" * 25).decode()

    cursor = await graphql(
        client, '{ cameras(after: "%s") { totalCount } }' % huge_cursor
    )
    superscript = await graphql(client, '{ camera(id: "²") { id } }')
    deleted = await graphql(client, 'mutation { deleteCamera(id: "²") }')
    snapshot = await client.get("/api/cameras/9223372036854775808/snapshot.jpg")

    assert cursor["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert superscript == {"data": {"camera": None}}
    assert deleted["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert snapshot.status_code == 404


async def test_a_null_page_size_means_the_default(client):
    answer = await graphql(client, "{ cameras(first: null) { totalCount } }")

    assert answer == {"data": {"cameras": {"totalCount": 0}}}


async def test_concurrent_changes_to_one_camera_are_all_kept(client):
    camera = await add_camera(client, "Busy")
    await wait_for_status(client, camera["id"], "ONLINE")
    changes = ["{brightness: 11}", "{fps: 22}", "{width: 333}"]

    await asyncio.gather(
        *(
            graphql(
                client,
                'mutation { configureCamera(cameraId: "%s", settings: %s) { id } }'
                % (camera["id"], change),
            )
            for change in changes
        )
    )
    answer = await graphql(
        client, '{ camera(id: "%s") { settings profiles { width } } }' % camera["id"]
    )

    settings = answer["data"]["camera"]["settings"]
    assert (settings["brightness"], settings["fps"], settings["width"]) == (11, 22, 333)
    assert answer["data"]["camera"]["profiles"] == [{"width": 333}]


async def test_an_update_racing_a_delete_leaves_no_ghost_camera(
    gateway: Gateway, client
):
    for round in range(5):
        camera = await add_camera(client, f"Short-lived {round}")

        await asyncio.gather(
            graphql(
                client,
                'mutation { updateCamera(id: "%s", input: {name: "W%d"}) { id } }'
                % (camera["id"], round),
            ),
            graphql(client, 'mutation { deleteCamera(id: "%s") }' % camera["id"]),
        )

    await asyncio.sleep(0.1)
    tasks = [t for t in asyncio.all_tasks() if t.get_name().startswith("camera-")]
    listed = await graphql(client, "{ cameras { totalCount } }")
    assert listed == {"data": {"cameras": {"totalCount": 0}}}
    assert tasks == []


async def test_names_with_line_breaks_or_control_bytes_are_refused(client):
    for name in ("two\nlines", "nul\x00byte", "x" * 201):
        answer = await graphql(
            client,
            'mutation($n: String!) { addCamera(input: {name: $n, driver: "simulated"}) { id } }',
            {"n": name},
        )

        assert answer["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", name


async def test_settings_of_the_wrong_type_are_not_converted(client):
    for value in ('"80"', "true", "50.5"):
        answer = await graphql(
            client,
            'mutation { addCamera(input: {name: "S", driver: "simulated", settings: {brightness: %s}}) { id } }'
            % value,
        )

        assert answer["errors"][0]["extensions"]["fields"].keys() == {"brightness"}, (
            value
        )


async def test_name_filter_ignores_case_in_any_script(client):
    await add_camera(client, "Камера у входа")

    answer = await graphql(
        client, '{ cameras(filter: {nameContains: "КАМЕРА"}) { totalCount } }'
    )

    assert answer == {"data": {"cameras": {"totalCount": 1}}}


async def test_media_types_are_matched_in_any_case(client):
    response = await client.post(
        "/graphql",
        content=b'{"query": "{ drivers { name } }"}',
        headers={"content-type": "Application/JSON"},
    )

    assert response.status_code == 200


def test_debug_logging_leaves_out_sql_parameters():
    configure_logging(LogSettings(level="DEBUG"))

    try:
        assert logging.getLogger("aiosqlite").getEffectiveLevel() == logging.INFO
    finally:
        configure_logging(LogSettings())
