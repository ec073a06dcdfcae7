"""Bad requests get a clear error with a code, never a 500, a hang or a stack trace."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

import httpx
import pytest

from edge_gateway.settings import GraphQLSettings, ServerSettings, Settings
from tests.conftest import add_camera, graphql, wait_for_status


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Small limits, so the tests can cross each one with little text."""
    return settings.model_copy(
        update={
            "server": ServerSettings(max_body_bytes=4096),
            "graphql": GraphQLSettings(
                max_depth=5,
                max_cost=200,
                max_aliases=3,
                max_operations=2,
                max_query_chars=2000,
            ),
        }
    )


def assert_clean_error(response: httpx.Response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["errors"][0]["extensions"]["code"] == code
    assert "Traceback" not in response.text and 'File "' not in response.text


async def test_malformed_json_is_a_bad_request(client: httpx.AsyncClient):
    response = await client.post(
        "/graphql",
        content=b'{"query": "{ cameras',
        headers={"content-type": "application/json"},
    )

    assert_clean_error(response, 400, "BAD_REQUEST")


@pytest.mark.parametrize(
    "body",
    [
        b"[]",
        b'[{"query": "{ drivers { name } }"}]',
        b'"text"',
        b'{"query": 5}',
        b'{"query": "{ drivers { name } }", "variables": []}',
        b"{}",
        b'{"query": "{ drivers { name } }", "operationName": 3}',
        b"\xff\xfe",
    ],
)
async def test_bodies_of_the_wrong_shape_are_bad_requests(
    client: httpx.AsyncClient, body: bytes
):
    response = await client.post(
        "/graphql", content=body, headers={"content-type": "application/json"}
    )

    assert_clean_error(response, 400, "BAD_REQUEST")


async def test_wrong_content_type_is_unsupported(client: httpx.AsyncClient):
    response = await client.post(
        "/graphql", content=b"query=1", headers={"content-type": "text/plain"}
    )

    assert_clean_error(response, 415, "UNSUPPORTED_MEDIA_TYPE")


async def test_body_over_the_limit_is_refused_before_it_is_read(
    client: httpx.AsyncClient,
):
    padding = "#" + "x" * 5000 + "\n"

    response = await client.post(
        "/graphql", json={"query": padding + "{ drivers { name } }"}
    )

    assert_clean_error(response, 413, "PAYLOAD_TOO_LARGE")


async def test_chunked_body_over_the_limit_is_cut_off(client: httpx.AsyncClient):
    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"query": "'
        for _ in range(20):
            yield b"x" * 1024
        yield b'"}'

    response = await client.post(
        "/graphql", content=chunks(), headers={"content-type": "application/json"}
    )

    assert_clean_error(response, 413, "PAYLOAD_TOO_LARGE")


async def test_unknown_field_fails_validation(client: httpx.AsyncClient):
    response = await client.post("/graphql", json={"query": "{ cameras { nope } }"})

    assert_clean_error(response, 400, "GRAPHQL_VALIDATION_FAILED")


async def test_syntax_error_fails_parsing(client: httpx.AsyncClient):
    response = await client.post("/graphql", json={"query": "{ cameras { "})

    assert_clean_error(response, 400, "GRAPHQL_PARSE_FAILED")


async def test_wrong_variable_type_is_bad_user_input(client: httpx.AsyncClient):
    response = await client.post(
        "/graphql",
        json={
            "query": "query($n: Int) { cameras(first: $n) { totalCount } }",
            "variables": {"n": "x"},
        },
    )

    assert_clean_error(response, 400, "BAD_USER_INPUT")


async def test_missing_required_variable_is_bad_user_input(client: httpx.AsyncClient):
    response = await client.post(
        "/graphql", json={"query": "query($id: ID!) { camera(id: $id) { id } }"}
    )

    assert_clean_error(response, 400, "BAD_USER_INPUT")


async def test_query_deeper_than_the_limit_is_refused(client: httpx.AsyncClient):
    deep = "{ cameras { edges { node { deviceInfo { model } } } } }"
    deeper = "{ cameras { edges { node { ptzStatus { position { pan } } } } } }"

    ok = await client.post("/graphql", json={"query": deep})
    refused = await client.post("/graphql", json={"query": deeper})

    assert ok.status_code == 200
    assert_clean_error(refused, 400, "QUERY_TOO_DEEP")


async def test_depth_through_fragments_is_counted(client: httpx.AsyncClient):
    query = """{ cameras { ...E } }
        fragment E on CameraConnection { edges { ...N } }
        fragment N on CameraEdge { node { ptzStatus { position { pan } } } }"""

    response = await client.post("/graphql", json={"query": query})

    assert_clean_error(response, 400, "QUERY_TOO_DEEP")


async def test_query_over_the_cost_limit_is_refused(client: httpx.AsyncClient):
    query = "{ cameras(first: 100) { edges { node { id name presets { name } } } } }"

    response = await client.post("/graphql", json={"query": query})

    assert_clean_error(response, 400, "QUERY_TOO_COMPLEX")


async def test_cost_counts_page_sizes_given_as_variables(client: httpx.AsyncClient):
    query = "query($n: Int) { cameras(first: $n) { edges { node { id name presets { name } } } } }"

    cheap = await client.post("/graphql", json={"query": query, "variables": {"n": 2}})
    costly = await client.post(
        "/graphql", json={"query": query, "variables": {"n": 100}}
    )

    assert cheap.status_code == 200 and "errors" not in cheap.json()
    assert_clean_error(costly, 400, "QUERY_TOO_COMPLEX")


async def test_too_many_aliases_are_refused(client: httpx.AsyncClient):
    query = "{ a: drivers { name } b: drivers { name } c: drivers { name } d: drivers { name } }"

    response = await client.post("/graphql", json={"query": query})

    assert_clean_error(response, 400, "TOO_MANY_ALIASES")


async def test_too_many_operations_are_refused(client: httpx.AsyncClient):
    query = " ".join(f"query Q{n} {{ drivers {{ name }} }}" for n in range(3))

    response = await client.post(
        "/graphql", json={"query": query, "operationName": "Q1"}
    )

    assert_clean_error(response, 400, "TOO_MANY_OPERATIONS")


async def test_query_text_over_the_limit_is_refused(client: httpx.AsyncClient):
    query = "{ drivers { name } }" + " " * 2100

    response = await client.post("/graphql", json={"query": query})

    assert_clean_error(response, 400, "QUERY_TOO_LARGE")


async def test_many_tokens_do_not_stall_the_parser(client: httpx.AsyncClient):
    query = "{ drivers { " + "name " * 390 + "} }"

    response = await client.post("/graphql", json={"query": query})

    assert response.status_code == 200


async def test_several_operations_need_an_operation_name(client: httpx.AsyncClient):
    query = "query A { drivers { name } } query B { drivers { name } }"

    unnamed = await client.post("/graphql", json={"query": query})
    unknown = await client.post("/graphql", json={"query": query, "operationName": "C"})
    named = await client.post("/graphql", json={"query": query, "operationName": "B"})

    assert_clean_error(unnamed, 400, "BAD_REQUEST")
    assert_clean_error(unknown, 400, "BAD_REQUEST")
    assert named.json() == {
        "data": {
            "drivers": [
                {"name": n}
                for n in ["onvif", "simulated", "test-hanging", "test-snapshot-only"]
            ]
        }
    }


async def test_subscription_over_http_is_refused(client: httpx.AsyncClient):
    response = await client.post("/graphql", json={"query": "subscription { drivers }"})

    assert response.status_code == 400
    assert "errors" in response.json()


async def test_get_without_a_browser_is_not_allowed(client: httpx.AsyncClient):
    response = await client.get("/graphql", params={"query": "{ drivers { name } }"})

    assert_clean_error(response, 405, "METHOD_NOT_ALLOWED")


async def test_resolver_bug_is_an_internal_error_without_details(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
):
    camera = await add_camera(client, "Buggy", "test-hanging")
    await wait_for_status(client, camera["id"], "ONLINE")

    response = await client.post(
        "/graphql",
        json={
            "query": '{ camera(id: "%s") { name ptzStatus { isMoving } } }'
            % camera["id"]
        },
    )

    assert response.status_code == 200
    error = response.json()["errors"][0]
    del error["locations"]
    assert error == {
        "message": "Internal server error",
        "path": ["camera", "ptzStatus"],
        "extensions": {"code": "INTERNAL_SERVER_ERROR"},
    }
    assert "0x1f" not in response.text
    assert any("0x1f" in r.getMessage() or r.exc_info for r in caplog.records)


async def test_a_burst_of_bad_requests_leaves_the_server_answering(
    client: httpx.AsyncClient,
):
    bad = [
        client.post(
            "/graphql", content=b"{", headers={"content-type": "application/json"}
        ),
        client.post("/graphql", json={"query": "{" * 1000}),
        client.post("/graphql", json={"query": "{ a: drivers { name } " * 50 + "}"}),
    ] * 10

    responses = await asyncio.gather(*bad)

    assert all(400 <= r.status_code < 500 for r in responses)
    ok = await graphql(client, "{ drivers { name } }")
    assert "errors" not in ok


async def test_client_mistakes_are_logged_once_without_traceback(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
):
    caplog.set_level(logging.INFO)

    await client.post("/graphql", json={"query": "query Broken { cameras { nope } }"})

    lines = [
        r for r in caplog.records if r.name.startswith(("edge_gateway", "ariadne"))
    ]
    assert len(lines) == 1
    assert lines[0].levelno == logging.INFO and lines[0].exc_info is None
    assert "GRAPHQL_VALIDATION_FAILED" in lines[0].getMessage()


async def test_each_operation_logs_its_name_duration_and_outcome(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
):
    caplog.set_level(logging.INFO, logger="edge_gateway.graphql.http")

    await client.post(
        "/graphql", json={"query": "query ListDrivers { drivers { name } }"}
    )

    record = next(r for r in caplog.records if r.name == "edge_gateway.graphql.http")
    assert record.getMessage().startswith("graphql query ListDrivers ")
    assert record.getMessage().endswith(" ok")
    assert record.operation == "ListDrivers"
    assert isinstance(record.duration_ms, float)


async def test_introspection_serves_graphiql(client: httpx.AsyncClient):
    answer = await graphql(client, "{ __schema { queryType { name } } }")

    assert answer == {"data": {"__schema": {"queryType": {"name": "Query"}}}}
