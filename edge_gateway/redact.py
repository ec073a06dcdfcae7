"""Removal of credentials from URIs before they are logged or returned."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit


def without_credentials(uri: str) -> str:
    """`uri` with any user name and password removed."""
    try:
        parts = urlsplit(uri)
    except ValueError:
        return "(an address that does not parse)"
    if "@" not in parts.netloc:
        return uri
    return urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[-1]))
