"""REST error answers: `{"error": message, "code": CODE}` with a fitting status."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from edge_gateway.errors import (
    BadUserInputError,
    CameraUnreachableError,
    DriverNotInstalledError,
    ForbiddenError,
    GatewayError,
    NotFoundError,
    NotSupportedError,
    RateLimitedError,
    UnauthenticatedError,
)

_STATUS_BY_ERROR: dict[type[GatewayError], int] = {
    BadUserInputError: 400,
    UnauthenticatedError: 401,
    ForbiddenError: 403,
    NotFoundError: 404,
    RateLimitedError: 429,
    NotSupportedError: 501,
    CameraUnreachableError: 503,
    DriverNotInstalledError: 503,
}

_CODE_BY_STATUS = {
    401: "UNAUTHENTICATED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    413: "PAYLOAD_TOO_LARGE",
    415: "UNSUPPORTED_MEDIA_TYPE",
}


def error_response(message: str, code: str, status: int) -> JSONResponse:
    """A REST error answer."""
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse({"error": message, "code": code}, status, headers=headers)


def install_error_handlers(app: FastAPI) -> None:
    """Answer every REST error in one shape, without internals."""

    @app.exception_handler(GatewayError)
    async def gateway_error(_: Request, err: GatewayError) -> JSONResponse:
        status = _STATUS_BY_ERROR.get(type(err), 502)
        response = error_response(err.message, err.code, status)
        if isinstance(err, RateLimitedError):
            response.headers["Retry-After"] = str(err.retry_after_s)
        return response

    @app.exception_handler(HTTPException)
    async def http_error(_: Request, err: HTTPException) -> JSONResponse:
        code = _CODE_BY_STATUS.get(err.status_code, "BAD_REQUEST")
        response = error_response(str(err.detail), code, err.status_code)
        response.headers.update(err.headers or {})
        return response

    @app.exception_handler(RequestValidationError)
    async def validation_error(_: Request, err: RequestValidationError) -> JSONResponse:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in err.errors()
        )
        return error_response(problems, "BAD_USER_INPUT", 422)
