"""The simulated camera's video encoder configurations: rate limits that stick.

Each configuration starts as the captures show it (in GetVideoEncoderConfigurations,
or inside GetProfiles) and answers Get and Set for its token.
"""

from __future__ import annotations

import re
from xml.etree.ElementTree import Element

from edge_gateway.simulator.profile import CaptureProfile
from edge_gateway.simulator.soap import SOAPError, child_text, envelope

NAMESPACES = {
    "trt": "http://www.onvif.org/ver10/media/wsdl",
    "tt": "http://www.onvif.org/ver10/schema",
}
OPERATIONS = frozenset({"GetVideoEncoderConfiguration", "SetVideoEncoderConfiguration"})
_BLOCK = re.compile(
    r'<(?P<tag>[\w]+:(?:Configurations|VideoEncoderConfiguration))\s+token="(?P<token>[^"]+)"'
    r"[^>]*>(?P<inner>.*?)</(?P=tag)>",
    re.S,
)
_VALUES = ("FrameRateLimit", "BitrateLimit")


class EncoderService:
    """Video encoder configurations by token."""

    def __init__(self, profile: CaptureProfile) -> None:
        self.configurations: dict[str, str] = {}
        for operation in ("GetVideoEncoderConfigurations", "GetProfiles"):
            capture = profile.find("media", operation)
            for match in _BLOCK.finditer(capture.xml if capture else ""):
                self.configurations.setdefault(match["token"], match["inner"])

    def value(self, token: str, name: str) -> str | None:
        """One value of a configuration, as it stands."""
        found = re.search(
            rf"<[\w]+:{name}>([^<]*)<", self.configurations.get(token, "")
        )
        return found[1].strip() if found else None

    def answer(self, operation: str, request: Element) -> str:
        """GetVideoEncoderConfiguration or SetVideoEncoderConfiguration."""
        if operation == "GetVideoEncoderConfiguration":
            token = child_text(request, "ConfigurationToken") or ""
            inner = self._inner(token)
            return envelope(
                "<trt:GetVideoEncoderConfigurationResponse>"
                f'<trt:Configuration token="{token}">{inner}</trt:Configuration>'
                "</trt:GetVideoEncoderConfigurationResponse>",
                NAMESPACES,
            )
        configuration = next(
            (n for n in request.iter() if n.tag.endswith("}Configuration")), None
        )
        token = configuration.get("token", "") if configuration is not None else ""
        inner = self._inner(token)
        for name in _VALUES:
            wanted = child_text(request, name)
            if wanted is not None:
                inner = re.sub(
                    rf"(<[\w]+:{name}>)[^<]*(<)",
                    rf"\g<1>{int(float(wanted))}\g<2>",
                    inner,
                )
        self.configurations[token] = inner
        return envelope("<trt:SetVideoEncoderConfigurationResponse/>", NAMESPACES)

    def _inner(self, token: str) -> str:
        if token not in self.configurations:
            raise SOAPError(
                "ter:NoConfig", f"there is no encoder configuration {token!r}"
            )
        return self.configurations[token]
