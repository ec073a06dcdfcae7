"""The gateway's error kinds, each carrying the code GraphQL clients see.

    GatewayError                      INTERNAL_SERVER_ERROR
    ├── UnauthenticatedError          UNAUTHENTICATED
    ├── ForbiddenError                FORBIDDEN
    ├── RateLimitedError              RATE_LIMITED
    ├── BadUserInputError             BAD_USER_INPUT
    ├── NotFoundError                 NOT_FOUND
    ├── NotSupportedError             NOT_SUPPORTED
    ├── CameraUnreachableError        CAMERA_UNREACHABLE
    ├── CameraRejectedError           CAMERA_ERROR
    │   ├── AuthFailedError           AUTH_FAILED
    │   └── ONVIFFaultError           ONVIF_FAULT
    └── DriverNotInstalledError       DRIVER_NOT_INSTALLED

A driver translates whatever its library raises into one of these with
`raise ... from err`; nothing above a driver sees a foreign exception. The type tells
the remedy: `CameraUnreachableError` is retried later by the supervisor, the others
need a person.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar


class GatewayError(Exception):
    """Base of every error the gateway reports to a client."""

    code: ClassVar[str] = "INTERNAL_SERVER_ERROR"

    def __init__(self, message: str, **extensions: Any) -> None:
        super().__init__(message)
        self.message = message
        self.extensions = extensions


class UnauthenticatedError(GatewayError):
    """No valid identity: a missing, expired, revoked or forged token; a bad login."""

    code = "UNAUTHENTICATED"


class ForbiddenError(GatewayError):
    """The identity is valid, but its role does not allow the operation."""

    code = "FORBIDDEN"


class RateLimitedError(GatewayError):
    """Too many requests; `retry_after_s` says when to try again."""

    code = "RATE_LIMITED"

    def __init__(self, message: str, retry_after_s: int) -> None:
        super().__init__(message, retryAfter=retry_after_s)
        self.retry_after_s = retry_after_s


class BadUserInputError(GatewayError):
    """The client sent a value that fails validation; `fields` names each bad one."""

    code = "BAD_USER_INPUT"

    def __init__(self, message: str, fields: Mapping[str, str] | None = None) -> None:
        if fields:
            super().__init__(message, fields=dict(fields))
        else:
            super().__init__(message)
        self.fields = dict(fields or {})


class NotFoundError(GatewayError):
    """The thing asked for does not exist."""

    code = "NOT_FOUND"


class NotSupportedError(GatewayError):
    """The camera or its driver lacks the capability the call needs."""

    code = "NOT_SUPPORTED"


class CameraUnreachableError(GatewayError):
    """The camera did not answer in time, or is not connected; retry later."""

    code = "CAMERA_UNREACHABLE"


class CameraRejectedError(GatewayError):
    """The camera answered, but refused or failed the request."""

    code = "CAMERA_ERROR"


class AuthFailedError(CameraRejectedError):
    """The camera refused the credentials it was given."""

    code = "AUTH_FAILED"


class ONVIFFaultError(CameraRejectedError):
    """The camera answered with a SOAP fault; `subcode` is the fault's subcode."""

    code = "ONVIF_FAULT"

    def __init__(self, message: str, subcode: str | None = None) -> None:
        super().__init__(message, subcode=subcode)
        self.subcode = subcode


class DriverNotInstalledError(GatewayError):
    """A camera names a driver that no installed package provides."""

    code = "DRIVER_NOT_INSTALLED"
