"""Media profiles, stream URIs and snapshots of an ONVIF camera."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

from edge_gateway.cameras.driver import MediaProfile


def media_profile(profile: Any) -> MediaProfile:
    """A media profile as the gateway describes it."""
    encoder = getattr(profile, "VideoEncoderConfiguration", None)
    resolution = getattr(encoder, "Resolution", None) if encoder else None
    return MediaProfile(
        token=str(profile.token),
        name=str(getattr(profile, "Name", None) or profile.token),
        encoding=str(encoder.Encoding) if encoder and encoder.Encoding else None,
        width=int(resolution.Width) if resolution else None,
        height=int(resolution.Height) if resolution else None,
    )


def with_credentials(uri: str, username: str, password: str, reached_host: str) -> str:
    """`uri` with the credentials inserted, escaped, and the reached host.

    User names and passwords may hold `@ : / # %`; each is percent-escaped so the
    URI still parses. A URI naming another host than the one reached (NAT, a
    camera's own loopback) gets the reached host, keeping its port.
    """
    parts = urlsplit(uri)
    host = reached_host
    if ":" in host:
        host = f"[{host}]"
    netloc = f"{host}:{parts.port}" if parts.port else host
    if username:
        userinfo = quote(username, safe="")
        if password:
            userinfo += ":" + quote(password, safe="")
        netloc = f"{userinfo}@{netloc}"
    return urlunsplit(parts._replace(netloc=netloc))
