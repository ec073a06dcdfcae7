"""HTTP digest for SOAP calls, which onvif-zeep-async signs with WS-Security only.

Profile T cameras, and many others, want HTTP digest on their SOAP endpoints and
answer a request carrying WS-Security alone with 401 and an HTML page. aiohttp's
digest middleware answers such a challenge and keeps the nonce for the requests
that follow; a camera that never challenges never sees it.
"""

from __future__ import annotations

from typing import Any

from aiohttp import ClientSession, DigestAuthMiddleware
from onvif import ONVIFCamera


class DigestONVIFCamera(ONVIFCamera):  # type: ignore[misc]
    """An ONVIFCamera whose SOAP services answer HTTP digest challenges."""

    async def create_onvif_service(self, name: str, *args: Any, **kwargs: Any) -> Any:
        """Create a service, then give its HTTP session the digest middleware."""
        service = await super().create_onvif_service(name, *args, **kwargs)
        if self.user and not getattr(service, "_edge_digest", False):
            await _add_digest(service, self.user, self.passwd or "")
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
    service._edge_digest = True
