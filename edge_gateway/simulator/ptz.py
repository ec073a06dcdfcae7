"""The simulated camera's PTZ service: moves that change what GetStatus reports."""

from __future__ import annotations

from xml.etree.ElementTree import Element

from drivers.simulated.ptz import SimulatedPTZ
from edge_gateway.cameras.driver import PTZMode, PTZVector
from edge_gateway.simulator.soap import (
    SOAPError,
    child_text,
    envelope,
    escape,
    local_name,
)

NAMESPACES = {
    "tptz": "http://www.onvif.org/ver20/ptz/wsdl",
    "tt": "http://www.onvif.org/ver10/schema",
}
OPERATIONS = frozenset(
    {
        "ContinuousMove",
        "RelativeMove",
        "AbsoluteMove",
        "Stop",
        "GetStatus",
        "GetPresets",
        "SetPreset",
        "GotoPreset",
        "RemovePreset",
        "GotoHomePosition",
    }
)
_MOVES = {
    "ContinuousMove": (PTZMode.CONTINUOUS, "Velocity"),
    "RelativeMove": (PTZMode.RELATIVE, "Translation"),
    "AbsoluteMove": (PTZMode.ABSOLUTE, "Position"),
}


class PTZService:
    """A PTZ head and its presets, answering the PTZ service's operations."""

    def __init__(self) -> None:
        self.head = SimulatedPTZ()
        self.presets: dict[str, tuple[str, PTZVector]] = {}
        self._next_token = 1

    def answer(self, operation: str, request: Element) -> str:
        """The answer to one PTZ operation."""
        if operation in _MOVES:
            mode, element = _MOVES[operation]
            self.head.move(mode, _vector(request, element))
            return _empty(operation)
        if operation == "Stop":
            self.head.stop()
            return _empty(operation)
        if operation == "GotoHomePosition":
            self.head.move(PTZMode.ABSOLUTE, PTZVector())
            return _empty(operation)
        if operation == "GetStatus":
            return self._status()
        return self._preset_answer(operation, request)

    def _preset_answer(self, operation: str, request: Element) -> str:
        if operation == "GetPresets":
            return self._presets()
        token = child_text(request, "PresetToken")
        if operation == "SetPreset":
            name = child_text(request, "PresetName") or f"Preset {self._next_token}"
            token = token or str(self._next_token)
            self._next_token += 1
            self.presets[token] = (name, self.head.status().position)
            return envelope(
                f"<tptz:SetPresetResponse><tptz:PresetToken>{token}</tptz:PresetToken>"
                "</tptz:SetPresetResponse>",
                NAMESPACES,
            )
        if token not in self.presets:
            raise SOAPError("ter:NoToken", f"there is no preset {token!r}")
        if operation == "GotoPreset":
            self.head.move(PTZMode.ABSOLUTE, self.presets[token][1])
        else:
            del self.presets[token]
        return _empty(operation)

    def _status(self) -> str:
        status = self.head.status()
        moving = "MOVING" if status.is_moving else "IDLE"
        return envelope(
            "<tptz:GetStatusResponse><tptz:PTZStatus>"
            f"<tt:Position>{_position(status.position)}</tt:Position>"
            f"<tt:MoveStatus><tt:PanTilt>{moving}</tt:PanTilt>"
            f"<tt:Zoom>{moving}</tt:Zoom></tt:MoveStatus>"
            "<tt:UtcTime>2000-01-01T00:00:00Z</tt:UtcTime>"
            "</tptz:PTZStatus></tptz:GetStatusResponse>",
            NAMESPACES,
        )

    def _presets(self) -> str:
        presets = "".join(
            f'<tptz:Preset token="{token}"><tt:Name>{escape(name)}</tt:Name>'
            f"<tt:PTZPosition>{_position(position)}</tt:PTZPosition></tptz:Preset>"
            for token, (name, position) in self.presets.items()
        )
        return envelope(
            f"<tptz:GetPresetsResponse>{presets}</tptz:GetPresetsResponse>", NAMESPACES
        )


def _vector(request: Element, element: str) -> PTZVector:
    values = {"pan": 0.0, "tilt": 0.0, "zoom": 0.0}
    for node in request.iter():
        if local_name(node.tag) != element:
            continue
        for part in node:
            if local_name(part.tag) == "PanTilt":
                values["pan"] = _number(part.get("x"))
                values["tilt"] = _number(part.get("y"))
            elif local_name(part.tag) == "Zoom":
                values["zoom"] = _number(part.get("x"))
    return PTZVector(**values)


def _number(text: str | None) -> float:
    try:
        return float(text) if text is not None else 0.0
    except ValueError:
        raise SOAPError("ter:InvalidArgVal", f"{text!r} is not a number") from None


def _position(position: PTZVector) -> str:
    return (
        f'<tt:PanTilt x="{position.pan}" y="{position.tilt}"/>'
        f'<tt:Zoom x="{position.zoom}"/>'
    )


def _empty(operation: str) -> str:
    return envelope(f"<tptz:{operation}Response/>", NAMESPACES)
