"""The schema's custom scalars."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from ariadne import ScalarType

json_scalar = ScalarType("JSON")
datetime_scalar = ScalarType("DateTime")


@json_scalar.serializer
def serialize_json(value: Any) -> Any:
    """JSON values go out as they are."""
    return value


@datetime_scalar.serializer
def serialize_datetime(value: datetime | str) -> str:
    """Times go out as ISO 8601 UTC strings to the millisecond, like stored ones."""
    if isinstance(value, str):
        return value
    return value.astimezone(UTC).isoformat(timespec="milliseconds")[:-6] + "Z"
