"""What the SOAP transport of onvif-zeep-async lacks: HTTP digest, and XML repair.

HTTP digest for SOAP calls, which onvif-zeep-async signs with WS-Security only.

Profile T cameras, and many others, want HTTP digest on their SOAP endpoints and
answer a request carrying WS-Security alone with 401 and an HTML page. aiohttp's
digest middleware answers such a challenge and keeps the nonce for the requests
that follow; a camera that never challenges never sees it.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from aiohttp import ClientSession, DigestAuthMiddleware
from onvif import ONVIFCamera

from drivers.onvif.repair import repair


class DigestONVIFCamera(ONVIFCamera):  # type: ignore[misc]
    """An ONVIFCamera whose services answer digest challenges and repair XML."""

    async def create_onvif_service(self, name: str, *args: Any, **kwargs: Any) -> Any:
        """Create a service; give it digest auth and the repair of vendor XML."""
        service = await super().create_onvif_service(name, *args, **kwargs)
        if not getattr(service, "_edge_adapted", False):
            if self.user:
                await _add_digest(service, self.user, self.passwd or "")
            _repair_answers(service.transport)
            service._edge_adapted = True
        return service


async def _add_digest(service: Any, user: str, password: str) -> None:
    # The library builds each service's session itself and offers no hook. The
    # new session shares the service's connector, which the service's close()
    # closes; the old session, sharing it too, is then closed along with it.
    old: ClientSession = service._session
    session = ClientSession(
        connector=service._connector,
        connector_owner=False,
        timeout=old.timeout,
        middlewares=(DigestAuthMiddleware(user, password),),
    )
    service._session = session
    service.transport.session = session


def _repair_answers(transport: Any) -> None:
    # Every SOAP answer passes here on its way to zeep's parser.
    convert = transport._aiohttp_to_requests_response

    def repaired(response: Any, content: bytes) -> Any:
        return convert(response, repair(content))

    transport._aiohttp_to_requests_response = repaired


def set_clock_offset(camera: ONVIFCamera, offset: timedelta) -> None:
    """Sign every later token, of existing services too, with a new clock offset."""
    camera.dt_diff = offset
    for service in camera.services.values():
        service.dt_diff = offset
        wsse = getattr(getattr(service, "zeep_client", None), "wsse", None)
        if wsse is not None:
            wsse.dt_diff = offset
