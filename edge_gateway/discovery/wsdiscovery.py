"""WS-Discovery probes for ONVIF devices, sent over UDP and answered by ProbeMatches.

A probe goes to the multicast group, or to each host of a list at a bounded rate
for networks where multicast does not reach. Answers are read for a fixed time;
what arrives is parsed defensively, as anything on the network may answer.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from xml.etree.ElementTree import Element

from defusedxml import ElementTree

logger = logging.getLogger(__name__)

MULTICAST_GROUP = "239.255.255.250"
PORT = 3702
WSA = "http://schemas.xmlsoap.org/ws/2004/08/addressing"
WSD = "http://schemas.xmlsoap.org/ws/2005/04/discovery"
SOAP_ENV = "http://www.w3.org/2003/05/soap-envelope"
MAX_DATAGRAM = 65_507


@dataclass(frozen=True)
class ProbeMatch:
    """One device's answer to a probe."""

    endpoint_reference: str
    types: tuple[str, ...]
    scopes: tuple[str, ...]
    xaddrs: tuple[str, ...]
    source: str


def probe_message(message_id: str) -> bytes:
    """A Probe for ONVIF network video transmitters."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<e:Envelope xmlns:e="{SOAP_ENV}" xmlns:w="{WSA}" xmlns:d="{WSD}" '
        'xmlns:dn="http://www.onvif.org/ver10/network/wsdl">'
        f"<e:Header><w:MessageID>{message_id}</w:MessageID>"
        "<w:To>urn:schemas-xmlsoap-org:ws:2005:04:discovery</w:To>"
        f"<w:Action>{WSD}/Probe</w:Action></e:Header>"
        "<e:Body><d:Probe><d:Types>dn:NetworkVideoTransmitter</d:Types></d:Probe>"
        "</e:Body></e:Envelope>"
    ).encode()


def parse_probe_matches(
    data: bytes, source: str
) -> tuple[str | None, list[ProbeMatch]]:
    """The RelatesTo of a ProbeMatches message and its matches; none if garbled."""
    try:
        envelope = ElementTree.fromstring(data)
    except ElementTree.ParseError:
        return None, []
    relates_to = element_text(envelope.find(f".//{{{WSA}}}RelatesTo"))
    matches = []
    for match in envelope.iter(f"{{{WSD}}}ProbeMatch"):
        reference = element_text(
            match.find(f"{{{WSA}}}EndpointReference/{{{WSA}}}Address")
        )
        if not reference:
            continue
        matches.append(
            ProbeMatch(
                endpoint_reference=reference,
                types=tuple(element_text(match.find(f"{{{WSD}}}Types")).split()),
                scopes=tuple(element_text(match.find(f"{{{WSD}}}Scopes")).split()),
                xaddrs=tuple(element_text(match.find(f"{{{WSD}}}XAddrs")).split()),
                source=source,
            )
        )
    return relates_to, matches


async def probe(
    targets: Iterable[str],
    *,
    multicast: bool,
    timeout_s: float,
    rate_per_s: float,
) -> list[ProbeMatch]:
    """Probe each target host (and the multicast group); the answers in time."""
    message_id = f"uuid:{uuid.uuid4()}"
    loop = asyncio.get_running_loop()
    protocol = _Collector(message_id)
    transport, _ = await loop.create_datagram_endpoint(
        lambda: protocol, local_addr=("0.0.0.0", 0)
    )
    try:
        message = probe_message(message_id)
        if multicast:
            transport.sendto(message, (MULTICAST_GROUP, PORT))
        for host in targets:
            transport.sendto(message, (host, PORT))
            await asyncio.sleep(1 / rate_per_s)
        await asyncio.sleep(timeout_s)
    finally:
        transport.close()
    return protocol.matches


class _Collector(asyncio.DatagramProtocol):
    def __init__(self, message_id: str) -> None:
        self.message_id = message_id
        self.matches: list[ProbeMatch] = []

    def datagram_received(self, data: bytes, address: tuple[str | int, ...]) -> None:
        relates_to, matches = parse_probe_matches(data[:MAX_DATAGRAM], str(address[0]))
        if relates_to != self.message_id:
            logger.debug("discovery: ignored an answer from %s", address[0])
            return
        self.matches.extend(matches)

    def error_received(self, exc: Exception) -> None:
        # An unreachable host answers with ICMP; the others may still answer.
        logger.debug("discovery: %s", exc)


def element_text(element: Element | None) -> str:
    """An element's stripped text; empty for none."""
    return (element.text or "").strip() if element is not None else ""
