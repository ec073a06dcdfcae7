"""A captured camera: one answer per operation, read from a folder of captures.

A folder laid out like the fixtures (`<service>.<Operation>.xml`, faults in
`faults/<service>.<Operation>.Fault.xml`) makes the simulator that camera. Captures
name the addresses of the network they were taken on; every address in an answer
is rewritten to the simulator's own, so a client never reaches for a LAN it is not
on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

_URL_HOST = re.compile(
    r"(?P<scheme>https?|rtsp|rtsps)://(?:[^@/\s\"'<>]*@)?"
    r"(?P<host>\[[0-9A-Fa-f:.]+\]|\d{1,3}(?:\.\d{1,3}){3}|localhost|0\.0\.0\.0)"
    r"(?::(?P<port>\d+))?"
)
# Elements whose text is a bare address (network interfaces, NTP, DNS, gateways).
_ADDRESS_ELEMENT = re.compile(
    r"(<(?:\w+:)?(?:Address|IPv4Address|IPAddress|DNSname)>)"
    r"\s*\d{1,3}(?:\.\d{1,3}){3}\s*"
    r"(</(?:\w+:)?(?:Address|IPv4Address|IPAddress|DNSname)>)"
)


# The file names captures use for a service, in order of preference.
_SERVICE_NAMES = {"media": ("media", "media1")}


@dataclass(frozen=True)
class Capture:
    """One captured answer, and whether it is a fault."""

    xml: str
    is_fault: bool


class CaptureProfile:
    """The captured answers of one camera, by service and operation."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._answers: dict[str, Capture] = {}
        for path in sorted(folder.glob("*.xml")):
            self._answers[path.stem.lower()] = Capture(path.read_text("utf-8"), False)
        for path in sorted((folder / "faults").glob("*.Fault.xml")):
            key = path.name.removesuffix(".Fault.xml").lower()
            self._answers.setdefault(key, Capture(path.read_text("utf-8"), True))

    def find(self, service: str, operation: str) -> Capture | None:
        """The capture of `service.operation`, under any name the captures use."""
        for name in _SERVICE_NAMES.get(service, (service,)):
            capture = self._answers.get(f"{name}.{operation}".lower())
            if capture is not None:
                return capture
        # Some captures file an operation under another service than the one it
        # is asked of (events on the device's path, say); Media 1 and Media 2
        # answers differ in schema and never stand in for each other.
        suffix = f".{operation}".lower()
        for key, candidate in self._answers.items():
            if key.endswith(suffix) and not key.startswith("media"):
                return candidate
        return None

    def operations(self) -> list[str]:
        """Every `service.Operation` the profile answers."""
        return sorted(self._answers)


def rewrite_addresses(xml: str, host: str, port: int, rtsp_port: int | None) -> str:
    """Point every IP address in URLs and address elements at `host`.

    HTTP URLs get the simulator's port; RTSP URLs the RTSP server's port when one is
    given, else they keep theirs (nothing listens there, and a client sees so).
    """

    def url(match: re.Match[str]) -> str:
        scheme = match["scheme"]
        if scheme.startswith("rtsp"):
            new_port = rtsp_port or (int(match["port"]) if match["port"] else 554)
        else:
            new_port = port
        return f"{scheme}://{host}:{new_port}"

    rewritten = _URL_HOST.sub(url, xml)
    return _ADDRESS_ELEMENT.sub(rf"\g<1>{host}\g<2>", rewritten)
