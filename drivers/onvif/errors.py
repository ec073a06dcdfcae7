"""Translation of what the ONVIF client library raises into the gateway's errors."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import aiohttp
import httpx
from onvif.exceptions import ONVIFAuthError, ONVIFError, ONVIFTimeoutError
from zeep.exceptions import Fault, TransportError, XMLParseError, XMLSyntaxError

from edge_gateway.errors import (
    AuthFailedError,
    CameraRejectedError,
    CameraUnreachableError,
    ONVIFFaultError,
)

# The camera is not there, or not answering: try again later.
UNREACHABLE = (
    TimeoutError,
    asyncio.TimeoutError,
    ONVIFTimeoutError,
    aiohttp.ClientConnectionError,
    httpx.TransportError,
    OSError,
)
# It answered, but not with SOAP one can read.
GARBLED = (XMLSyntaxError, XMLParseError, TransportError)

# Subcodes cameras use for a bad user name, password or token time.
_AUTH_SUBCODES = ("NotAuthorized", "FailedAuthentication", "InvalidSecurity")


def is_auth_fault(fault: Fault) -> bool:
    """Whether a SOAP fault says the credentials were refused."""
    text = f"{fault.message} {_subcode(fault) or ''}"
    return any(word.lower() in text.lower() for word in _AUTH_SUBCODES) or (
        "not authori" in text.lower()
    )


@asynccontextmanager
async def translated(camera: str, action: str) -> AsyncIterator[None]:
    """Raise the gateway's error for whatever the library raises inside."""
    try:
        yield
    except Fault as fault:
        if is_auth_fault(fault):
            raise AuthFailedError(
                f"camera {camera!r} refused the credentials ({action})"
            ) from fault
        raise ONVIFFaultError(
            f"camera {camera!r} answered {action} with a fault: {fault.message}",
            _subcode(fault),
        ) from fault
    except ONVIFAuthError as err:
        raise AuthFailedError(f"camera {camera!r} refused the credentials") from err
    except UNREACHABLE as err:
        raise CameraUnreachableError(
            f"camera {camera!r} did not answer {action}: {type(err).__name__}"
        ) from err
    except GARBLED as err:
        raise CameraRejectedError(
            f"camera {camera!r} answered {action} with something that is not SOAP"
        ) from err
    except ONVIFError as err:
        raise CameraRejectedError(f"camera {camera!r}: {action} failed: {err}") from err


def _subcode(fault: Fault) -> str | None:
    subcodes = getattr(fault, "subcodes", None) or []
    if subcodes:
        last = subcodes[-1]
        return str(getattr(last, "localname", last))
    return None
