"""The simulated camera's imaging service: settings that stick, and its clock."""

from __future__ import annotations

from xml.etree.ElementTree import Element

from edge_gateway.simulator.soap import SOAPError, envelope

NAMESPACES = {
    "timg": "http://www.onvif.org/ver20/imaging/wsdl",
    "tt": "http://www.onvif.org/ver10/schema",
}
SETTINGS = ("Brightness", "ColorSaturation", "Contrast", "Sharpness")
OPERATIONS = frozenset({"GetImagingSettings", "SetImagingSettings"})


class ImagingService:
    """Brightness, saturation, contrast and sharpness of the one video source."""

    def __init__(self) -> None:
        self.values = dict.fromkeys(SETTINGS, 50.0)

    def answer(self, operation: str, request: Element) -> str:
        """The answer to GetImagingSettings or SetImagingSettings."""
        if operation == "GetImagingSettings":
            items = "".join(f"<tt:{k}>{v:g}</tt:{k}>" for k, v in self.values.items())
            return envelope(
                "<timg:GetImagingSettingsResponse><timg:ImagingSettings>"
                f"{items}</timg:ImagingSettings></timg:GetImagingSettingsResponse>",
                NAMESPACES,
            )
        for node in request.iter():
            name = node.tag.rsplit("}", 1)[-1]
            if name in SETTINGS and node.text is not None:
                self.values[name] = _in_range(name, node.text)
        return envelope("<timg:SetImagingSettingsResponse/>", NAMESPACES)


def _in_range(name: str, text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise SOAPError("ter:InvalidArgVal", f"{name} is not a number") from None
    if not 0 <= value <= 100:
        raise SOAPError("ter:InvalidArgVal", f"{name} must be between 0 and 100")
    return value
