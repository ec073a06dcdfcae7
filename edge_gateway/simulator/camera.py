"""The simulated ONVIF camera as an ASGI application.

It answers SOAP on any path, as cameras differ in where their services live (the
service is known from the operation's namespace), and a JPEG snapshot at
`/snapshot.jpg`. The clock can be set off by any offset, as many cameras' are,
which a client must cope with to sign its requests.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from xml.etree.ElementTree import Element

from defusedxml import ElementTree
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from zeroconf import IPVersion
from zeroconf.asyncio import AsyncZeroconf

from drivers.simulated.scene import render_jpeg
from edge_gateway.cameras.driver import PTZVector
from edge_gateway.discovery.mdns import service_info
from edge_gateway.simulator.digest import DigestChallenger
from edge_gateway.simulator.discovery import ProbeResponder
from edge_gateway.simulator.encoder import OPERATIONS as ENCODER_OPERATIONS
from edge_gateway.simulator.encoder import EncoderService
from edge_gateway.simulator.events import EventService
from edge_gateway.simulator.imaging import OPERATIONS as IMAGING_OPERATIONS
from edge_gateway.simulator.imaging import ImagingService
from edge_gateway.simulator.profile import CaptureProfile, rewrite_addresses
from edge_gateway.simulator.ptz import OPERATIONS as PTZ_OPERATIONS
from edge_gateway.simulator.ptz import PTZService
from edge_gateway.simulator.soap import (
    SOAPError,
    check_token,
    envelope,
    fault,
    parse_request,
)

logger = logging.getLogger(__name__)

DEFAULT_PROFILE = Path(__file__).parent / "profiles" / "hikvision-ds-2df7276-ael"
SUBSCRIPTION_PATH = "/onvif/subscription/"
SOAP_MEDIA_TYPE = "application/soap+xml; charset=utf-8"
MAX_REQUEST_BYTES = 256 * 1024
# Asked for before a client knows the camera's clock, so never authenticated.
UNAUTHENTICATED_OPERATIONS = frozenset({"GetSystemDateAndTime"})

SERVICE_BY_NAMESPACE = {
    "http://www.onvif.org/ver10/device/wsdl": "device",
    "http://www.onvif.org/ver10/media/wsdl": "media",
    "http://www.onvif.org/ver20/media/wsdl": "media2",
    "http://www.onvif.org/ver20/ptz/wsdl": "ptz",
    "http://www.onvif.org/ver20/imaging/wsdl": "imaging",
    "http://www.onvif.org/ver10/events/wsdl": "events",
    "http://docs.oasis-open.org/wsn/b-2": "events",
    "http://www.onvif.org/ver20/analytics/wsdl": "analytics",
    "http://www.onvif.org/ver10/deviceIO/wsdl": "deviceio",
}


@dataclass
class SimulatorOptions:
    """How the simulated camera behaves."""

    profile: Path
    username: str = "admin"
    password: str = "admin"
    clock_offset: timedelta = timedelta(0)
    host: str = "127.0.0.1"
    port: int = 0
    rtsp_port: int | None = None
    rewrite_addresses: bool = True
    # Want HTTP digest on SOAP, as many Profile T cameras do, instead of
    # WS-Security; a request without it gets 401 and an HTML page.
    digest_only: bool = False
    # Seconds between the motion events the camera raises.
    event_interval_s: float = 5.0
    # Namespace prefixes whose declarations are left out of captured answers, as
    # some firmware does.
    undeclared_prefixes: tuple[str, ...] = ()
    # A PullPoint lease the camera imposes, and whether it refuses Renew.
    subscription_lease_s: float | None = None
    refuses_renew: bool = False


@dataclass
class SimulatedONVIFCamera:
    """The camera's state and its answers."""

    options: SimulatorOptions
    profile: CaptureProfile = field(init=False)

    ptz: PTZService = field(init=False)
    has_ptz: bool = field(init=False)

    digest: DigestChallenger = field(init=False)

    events: EventService = field(init=False)
    imaging: ImagingService = field(init=False)
    encoder: EncoderService = field(init=False)
    has_events: bool = field(init=False)

    def __post_init__(self) -> None:
        self.profile = CaptureProfile(self.options.profile)
        self.imaging = ImagingService()
        self.encoder = EncoderService(self.profile)
        base_url = f"http://{self.options.host}:{self.options.port}"
        lease = self.options.subscription_lease_s
        self.events = EventService(
            base_url,
            self.options.event_interval_s,
            timedelta(seconds=lease) if lease else None,
            self.options.refuses_renew,
        )
        self.has_events = any(
            op.startswith("events.") for op in self.profile.operations()
        )
        self.digest = DigestChallenger(self.options.username, self.options.password)
        self.ptz = PTZService()
        # Only a camera whose captures show a PTZ service has a head to move.
        self.has_ptz = any(op.startswith("ptz.") for op in self.profile.operations())

    @property
    def now(self) -> datetime:
        """The camera's clock, offset from the true time as configured."""
        return datetime.now(UTC) + self.options.clock_offset

    def scopes(self) -> list[str]:
        """The camera's scope URIs, from its GetScopes capture."""
        capture = self.profile.find("device", "GetScopes")
        if capture is None:
            return []
        root = ElementTree.fromstring(capture.xml.encode())
        return [
            (node.text or "").strip()
            for node in root.iter()
            if node.tag.endswith("}ScopeItem") and node.text
        ]

    async def start_discovery(self, port: int = 3702) -> asyncio.DatagramTransport:
        """Answer WS-Discovery probes sent to the camera's host on `port`."""
        options = self.options
        endpoint = f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, str(options.profile))}"
        xaddr = f"http://{options.host}:{options.port}/onvif/device_service"
        responder = ProbeResponder(endpoint, xaddr, self.scopes())
        transport, _ = await asyncio.get_running_loop().create_datagram_endpoint(
            lambda: responder, local_addr=(options.host, port)
        )
        return transport

    async def start_mdns(self) -> AsyncZeroconf:
        """Announce the camera as `_onvif._tcp` on its host's interface."""
        options = self.options
        zeroconf = AsyncZeroconf(interfaces=[options.host], ip_version=IPVersion.V4Only)
        info = service_info(
            "_onvif._tcp.local.",
            f"Simulated {options.profile.name}",
            [options.host],
            options.port,
            {"path": "/onvif/device_service"},
        )
        await zeroconf.async_register_service(info, allow_name_change=True)
        return zeroconf

    def app(self) -> Starlette:
        """The ASGI application serving SOAP and the snapshot."""
        return Starlette(
            lifespan=self._lifespan,
            routes=[
                # Cameras put their snapshot at paths of their own, and captured
                # GetSnapshotUri answers name those: any GET is a snapshot.
                Route("/{path:path}", self.snapshot, methods=["GET"]),
                Route("/{path:path}", self.soap, methods=["POST"]),
            ],
        )

    async def soap(self, request: Request) -> Response:
        """Answer one SOAP request from the captures or the camera's state."""
        body = await request.body()
        if len(body) > MAX_REQUEST_BYTES:
            return _fault_response(
                SOAPError("ter:InvalidArgs", "request too large", 413)
            )
        try:
            parsed = parse_request(body)
            service = SERVICE_BY_NAMESPACE.get(_namespace(parsed.body.tag), "device")
            if parsed.operation in UNAUTHENTICATED_OPERATIONS:
                pass
            elif self.options.digest_only:
                authorization = request.headers.get("authorization")
                if not self.digest.is_valid(authorization, request.method):
                    return self._digest_challenge()
            else:
                check_token(
                    parsed.token, self.options.username, self.options.password, self.now
                )
            xml = await self._dispatch(
                request.url.path, service, parsed.operation, parsed.body
            )
        except SOAPError as err:
            logger.debug("simulator: %s refused: %s", request.url.path, err.reason)
            return _fault_response(err)
        return Response(xml, media_type=SOAP_MEDIA_TYPE)

    def _digest_challenge(self) -> Response:
        return Response(
            "<html><body><h1>401 Unauthorized</h1></body></html>",
            status_code=401,
            media_type="text/html",
            headers={"WWW-Authenticate": self.digest.challenge()},
        )

    async def snapshot(self, request: Request) -> Response:
        """A JPEG of the simulated scene."""
        jpeg = await asyncio.to_thread(
            render_jpeg, "ONVIF simulator", self.now, 640, 360, 50, PTZVector()
        )
        return Response(jpeg, media_type="image/jpeg")

    async def _dispatch(
        self, path: str, service: str, operation: str, body: Element
    ) -> str:
        if path.startswith(SUBSCRIPTION_PATH) and self.has_events:
            identifier = path.removeprefix(SUBSCRIPTION_PATH)
            return await self.events.answer(identifier, operation, body, self.now)
        if operation == "CreatePullPointSubscription" and self.has_events:
            return self.events.create(body, self.now)
        if service == "ptz" and self.has_ptz and operation in PTZ_OPERATIONS:
            return self.ptz.answer(operation, body)
        if service == "imaging" and operation in IMAGING_OPERATIONS:
            return self.imaging.answer(operation, body)
        if service == "media" and operation in ENCODER_OPERATIONS:
            return self.encoder.answer(operation, body)
        if operation == "SetSystemDateAndTime":
            return self._set_clock(body)
        if operation == "SystemReboot":
            # A reboot forgets every event subscription.
            self.events.subscriptions.clear()
        return self._answer(service, operation)

    @asynccontextmanager
    async def _lifespan(self, _: Starlette) -> AsyncIterator[None]:
        raising = asyncio.create_task(self.events.raise_events(lambda: self.now))
        try:
            yield
        finally:
            raising.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await raising

    def _answer(self, service: str, operation: str) -> str:
        if operation == "GetSystemDateAndTime":
            return self._system_date_and_time()
        capture = self.profile.find(service, operation)
        if capture is None:
            raise SOAPError(
                "ter:ActionNotSupported", f"{service}.{operation} is not supported"
            )
        xml = capture.xml
        for prefix in self.options.undeclared_prefixes:
            xml = re.sub(rf'\s+xmlns:{re.escape(prefix)}="[^"]*"', "", xml)
        if capture.is_fault or not self.options.rewrite_addresses:
            return xml
        return rewrite_addresses(
            xml, self.options.host, self.options.port, self.options.rtsp_port
        )

    def _set_clock(self, body: Element) -> str:
        """SetSystemDateAndTime in UTC: the clock takes the time it is given."""
        parts = {}
        for node in body.iter():
            name = node.tag.rsplit("}", 1)[-1]
            if name in ("Year", "Month", "Day", "Hour", "Minute", "Second"):
                parts[name.lower()] = int((node.text or "0").strip())
        try:
            given = datetime(**parts, tzinfo=UTC)
        except (TypeError, ValueError):
            raise SOAPError(
                "ter:InvalidDateTime", "the date and time are not valid"
            ) from None
        self.options.clock_offset = given - datetime.now(UTC)
        return envelope(
            "<tds:SetSystemDateAndTimeResponse/>",
            {"tds": "http://www.onvif.org/ver10/device/wsdl"},
        )

    def _system_date_and_time(self) -> str:
        now = self.now
        utc = (
            f"<tt:Time><tt:Hour>{now.hour}</tt:Hour><tt:Minute>{now.minute}</tt:Minute>"
            f"<tt:Second>{now.second}</tt:Second></tt:Time>"
            f"<tt:Date><tt:Year>{now.year}</tt:Year><tt:Month>{now.month}</tt:Month>"
            f"<tt:Day>{now.day}</tt:Day></tt:Date>"
        )
        body = (
            "<tds:GetSystemDateAndTimeResponse><tds:SystemDateAndTime>"
            "<tt:DateTimeType>Manual</tt:DateTimeType>"
            "<tt:DaylightSavings>false</tt:DaylightSavings>"
            "<tt:TimeZone><tt:TZ>UTC0</tt:TZ></tt:TimeZone>"
            f"<tt:UTCDateTime>{utc}</tt:UTCDateTime>"
            f"<tt:LocalDateTime>{utc}</tt:LocalDateTime>"
            "</tds:SystemDateAndTime></tds:GetSystemDateAndTimeResponse>"
        )
        return envelope(
            body,
            {
                "tds": "http://www.onvif.org/ver10/device/wsdl",
                "tt": "http://www.onvif.org/ver10/schema",
            },
        )


def _fault_response(err: SOAPError) -> Response:
    # ONVIF answers SOAP faults with 400, a refused UsernameToken included; an HTTP
    # 401 is kept for digest challenges, which clients answer with credentials.
    return Response(
        fault(err.subcode, err.reason),
        status_code=err.status,
        media_type=SOAP_MEDIA_TYPE,
    )


def _namespace(tag: str) -> str:
    return tag[1:].split("}", 1)[0] if tag.startswith("{") else ""
