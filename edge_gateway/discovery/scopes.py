"""ONVIF scopes: name, hardware and location, read from `onvif://` scope URIs."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote


@dataclass(frozen=True)
class ScopeInfo:
    """What a device says of itself in its scopes."""

    name: str | None
    hardware: str | None
    location: str | None


def read_scopes(scopes: tuple[str, ...]) -> ScopeInfo:
    """Name, hardware and location from scopes, whatever case vendors use."""
    found: dict[str, str] = {}
    for scope in scopes:
        prefix = "onvif://www.onvif.org/"
        if not scope.lower().startswith(prefix):
            continue
        kind, _, value = scope[len(prefix) :].partition("/")
        key = {"model": "hardware"}.get(kind.lower(), kind.lower())
        if key in ("name", "hardware", "location") and value:
            found.setdefault(key, unquote(value))
    return ScopeInfo(found.get("name"), found.get("hardware"), found.get("location"))
