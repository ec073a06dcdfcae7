"""The simulated camera's WS-Discovery side: it answers probes sent to it."""

from __future__ import annotations

import asyncio
import logging
import uuid
from typing import cast

from defusedxml import ElementTree

from edge_gateway.discovery.wsdiscovery import SOAP_ENV, WSA, WSD, element_text

logger = logging.getLogger(__name__)


class ProbeResponder(asyncio.DatagramProtocol):
    """Answers each Probe with one ProbeMatch naming the camera's device service."""

    def __init__(self, endpoint: str, xaddr: str, scopes: list[str]) -> None:
        self.endpoint = endpoint
        self.xaddr = xaddr
        self.scopes = scopes
        self.transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        """Keep the socket to answer on."""
        self.transport = cast(asyncio.DatagramTransport, transport)

    def datagram_received(self, data: bytes, address: tuple[str | int, ...]) -> None:
        """Answer a Probe; ignore anything else."""
        try:
            envelope = ElementTree.fromstring(data)
        except ElementTree.ParseError:
            return
        if envelope.find(f".//{{{WSD}}}Probe") is None or self.transport is None:
            return
        message_id = element_text(envelope.find(f".//{{{WSA}}}MessageID"))
        self.transport.sendto(self._match(message_id), address)

    def _match(self, relates_to: str) -> bytes:
        return (
            '<?xml version="1.0" encoding="UTF-8"?>'
            f'<e:Envelope xmlns:e="{SOAP_ENV}" xmlns:w="{WSA}" xmlns:d="{WSD}" '
            'xmlns:dn="http://www.onvif.org/ver10/network/wsdl">'
            f"<e:Header><w:MessageID>uuid:{uuid.uuid4()}</w:MessageID>"
            f"<w:RelatesTo>{relates_to}</w:RelatesTo>"
            f"<w:Action>{WSD}/ProbeMatches</w:Action></e:Header>"
            "<e:Body><d:ProbeMatches><d:ProbeMatch>"
            f"<w:EndpointReference><w:Address>{self.endpoint}</w:Address>"
            "</w:EndpointReference>"
            "<d:Types>dn:NetworkVideoTransmitter</d:Types>"
            f"<d:Scopes>{' '.join(self.scopes)}</d:Scopes>"
            f"<d:XAddrs>{self.xaddr}</d:XAddrs>"
            "<d:MetadataVersion>1</d:MetadataVersion>"
            "</d:ProbeMatch></d:ProbeMatches></e:Body></e:Envelope>"
        ).encode()
