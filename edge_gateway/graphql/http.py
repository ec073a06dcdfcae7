"""The GraphQL HTTP endpoint: POST runs an operation, GET in a browser shows GraphiQL.

It runs graphql-core directly on the schema Ariadne built, with documents prepared
once and kept (see `documents`), because parsing and validation cost several times
what a small query's execution does. Every refusal has a JSON body with a code, and
each operation leaves one log line: its type, name, duration and outcome.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from types import CoroutineType
from typing import Any, TypeGuard

import orjson
from graphql import ExecutionResult, GraphQLError, GraphQLSchema, OperationType, execute
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response

from edge_gateway.errors import RateLimitedError
from edge_gateway.graphql.context import RequestContext
from edge_gateway.graphql.documents import DocumentCache
from edge_gateway.graphql.errors import format_error, request_error

logger = logging.getLogger(__name__)

ContextFactory = Callable[[Request], Awaitable[RequestContext]]

# The GraphiQL page loads nothing from elsewhere; the browser is told to hold it to
# that. Its fonts are inlined as data URIs, and its settings dialog adds a style tag.
GRAPHIQL_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "font-src 'self' data:; img-src 'self' data:; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)


class GraphQLEndpoint:
    """A Starlette endpoint serving one schema over HTTP."""

    def __init__(
        self,
        schema: GraphQLSchema,
        documents: DocumentCache,
        context_factory: ContextFactory,
        graphiql_page: str,
    ) -> None:
        self._schema = schema
        self._documents = documents
        self._context_factory = context_factory
        self._graphiql_page = graphiql_page

    async def handle(self, request: Request) -> Response:
        """Answer one HTTP request."""
        if request.method == "POST":
            return await self._post(request)
        if request.method == "GET" and "text/html" in request.headers.get("accept", ""):
            return FileResponse(
                self._graphiql_page,
                media_type="text/html",
                headers={"Content-Security-Policy": GRAPHIQL_CSP},
            )
        return JSONResponse(
            request_error(
                "send GraphQL operations as JSON with POST", "METHOD_NOT_ALLOWED"
            ),
            status_code=405,
            headers={"Allow": "GET, POST"},
        )

    async def _post(self, request: Request) -> Response:
        started = time.perf_counter()
        body = await _read_body(request)
        if isinstance(body, Response):
            return body

        query, variables, operation_name = body
        prepared = self._documents.prepare(query, variables)
        operation = prepared.operation(operation_name)
        if prepared.errors or operation is None:
            errors = list(prepared.errors) or [_no_operation(operation_name)]
            code = prepared.error_code or "BAD_REQUEST"
            formatted = [format_error(e, code) for e in errors]
            codes = [e["extensions"]["code"] for e in formatted]
            self._log("-", operation_name, started, codes)
            return JSONResponse({"errors": formatted}, status_code=400)
        if operation.operation is OperationType.SUBSCRIPTION:
            self._log("subscription", operation_name, started, ["BAD_REQUEST"])
            return JSONResponse(
                request_error("subscriptions run over WebSocket", "BAD_REQUEST"),
                status_code=400,
            )

        try:
            context = await self._context_factory(request)
        except RateLimitedError as err:
            self._log(operation.operation.value, operation_name, started, [err.code])
            return _rate_limited(err)
        result = execute(
            self._schema,
            prepared.document,  # type: ignore[arg-type]
            context_value=context,
            variable_values=variables,
            operation_name=operation_name,
            is_awaitable=_is_awaitable,
        )
        if not isinstance(result, ExecutionResult):
            result = await result

        answer = _answer(result)
        codes = [e["extensions"]["code"] for e in answer.get("errors", ())]
        name = operation_name or (operation.name.value if operation.name else None)
        self._log(operation.operation.value, name, started, codes)
        response = Response(
            orjson.dumps(answer),
            status_code=400 if _is_request_error(result) else 200,
            media_type="application/json",
        )
        if "RATE_LIMITED" in codes:
            _tell_when_to_retry(response, answer)
        return response

    def _log(
        self, kind: str, name: str | None, started: float, codes: list[str]
    ) -> None:
        elapsed_ms = (time.perf_counter() - started) * 1000
        outcome = "ok" if not codes else "error " + ",".join(sorted(set(codes)))
        logger.info(
            "graphql %s %s %.1fms %s",
            kind,
            name or "(anonymous)",
            elapsed_ms,
            outcome,
            extra={
                "operation": name,
                "duration_ms": round(elapsed_ms, 2),
                "outcome": outcome,
            },
        )


async def _read_body(
    request: Request,
) -> tuple[str, dict[str, Any] | None, str | None] | Response:
    content_type = request.headers.get("content-type", "").split(";")[0].strip()
    if content_type.lower() != "application/json":
        return JSONResponse(
            request_error(
                "the body must be application/json", "UNSUPPORTED_MEDIA_TYPE"
            ),
            status_code=415,
        )
    try:
        # orjson refuses what JSON does not allow and json.loads lets through:
        # NaN, Infinity, lone surrogates (text no answer could carry back), and
        # integers beyond 64 bits.
        data = orjson.loads(await request.body())
    except orjson.JSONDecodeError:
        return _bad_request("the body is not valid JSON")

    if not isinstance(data, dict):
        return _bad_request("the body must be a JSON object (batches are not accepted)")
    query, variables, operation_name = (
        data.get("query"),
        data.get("variables"),
        data.get("operationName"),
    )
    if not isinstance(query, str) or not query.strip():
        return _bad_request("the body needs a 'query' string")
    if variables is not None and not isinstance(variables, dict):
        return _bad_request("'variables' must be a JSON object")
    if operation_name is not None and not isinstance(operation_name, str):
        return _bad_request("'operationName' must be a string")
    return query, variables, operation_name


# The executor asks "is this awaitable?" of every value it completes. Whether a
# value can be awaited is decided by its type (`await` looks `__await__` up on the
# type), and a response holds values of a handful of types, so the answer is kept
# per type instead of being worked out again for each value.
_AWAITABLE_BY_TYPE: dict[type, bool] = {}


def _is_awaitable(value: Any) -> TypeGuard[Awaitable[Any]]:
    value_type = type(value)
    known = _AWAITABLE_BY_TYPE.get(value_type)
    if known is None:
        known = issubclass(value_type, CoroutineType) or hasattr(
            value_type, "__await__"
        )
        _AWAITABLE_BY_TYPE[value_type] = known
    return known


def _answer(result: ExecutionResult) -> dict[str, Any]:
    answer: dict[str, Any] = {"data": result.data}
    if result.errors:
        default = (
            "BAD_USER_INPUT" if _is_request_error(result) else "INTERNAL_SERVER_ERROR"
        )
        answer["errors"] = [format_error(e, default) for e in result.errors]
    return answer


def _is_request_error(result: ExecutionResult) -> bool:
    # Errors with no data and no path come from coercing the variables: the
    # operation never ran.
    return result.data is None and all(e.path is None for e in result.errors or ())


def _no_operation(name: str | None) -> GraphQLError:
    if name:
        return GraphQLError(f"the document has no operation named {name!r}")
    return GraphQLError(
        "the document has several operations; name one in operationName"
    )


def _tell_when_to_retry(response: Response, answer: dict[str, Any]) -> None:
    # A locked-out login is answered inside GraphQL; the header tells HTTP clients
    # too, and a response with nothing resolved is a 429 like any other refusal.
    delays = [
        e["extensions"].get("retryAfter", 1)
        for e in answer["errors"]
        if e["extensions"]["code"] == "RATE_LIMITED"
    ]
    response.headers["Retry-After"] = str(max(delays))
    if answer.get("data") is None:
        response.status_code = 429


def _rate_limited(err: RateLimitedError) -> JSONResponse:
    body = {
        "errors": [
            {"message": err.message, "extensions": {**err.extensions, "code": err.code}}
        ]
    }
    headers = {"Retry-After": str(err.retry_after_s)}
    return JSONResponse(body, status_code=429, headers=headers)


def _bad_request(message: str) -> JSONResponse:
    return JSONResponse(request_error(message, "BAD_REQUEST"), status_code=400)
