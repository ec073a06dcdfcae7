"""Opaque cursors for connections: what they encode is not the client's business."""

from __future__ import annotations

import base64
import binascii

from edge_gateway.errors import BadUserInputError


def encode_cursor(kind: str, key: int) -> str:
    """A cursor pointing just after the item `key` of a list of `kind`."""
    return base64.urlsafe_b64encode(f"{kind}:{key}".encode()).decode().rstrip("=")


def is_small_number(text: str) -> bool:
    """Whether `text` is a plain decimal number that fits a database id."""
    return text.isascii() and text.isdigit() and len(text) < 19


def decode_cursor(kind: str, cursor: str) -> int:
    """The key a cursor of `kind` points after; `BadUserInputError` if malformed."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        text = base64.urlsafe_b64decode(padded.encode("ascii")).decode("utf-8")
        prefix, _, key = text.partition(":")
        if prefix == kind and is_small_number(key):
            return int(key)
    except (binascii.Error, UnicodeError, ValueError):
        pass
    raise BadUserInputError(
        "the cursor is not one this list gave out", {"after": "invalid"}
    )
