"""The installed drivers, found through the `edge_gateway.drivers` entry points."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from importlib.metadata import EntryPoint, entry_points
from typing import Any, get_args

from pydantic import BaseModel, SecretStr, ValidationError

from edge_gateway.cameras.driver import CameraContext, Driver
from edge_gateway.errors import BadUserInputError, DriverNotInstalledError

logger = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "edge_gateway.drivers"

# What importing a third-party driver package can raise, short of a crash.
_LOAD_ERRORS = (ImportError, AttributeError, TypeError, SyntaxError)


class DriverRegistry:
    """Driver classes by name, with settings validation on their behalf."""

    def __init__(self, drivers: Iterable[type[Driver[Any]]]) -> None:
        self._drivers = {driver.name: driver for driver in drivers}

    @classmethod
    def from_entry_points(cls) -> DriverRegistry:
        """Load every driver that installed packages register.

        A package whose driver fails to import is left out with a warning, so one
        broken add-on does not keep the gateway and its other cameras down.
        """
        drivers = []
        for entry_point in entry_points(group=ENTRY_POINT_GROUP):
            try:
                drivers.append(_load(entry_point))
            except _LOAD_ERRORS as err:
                logger.warning(
                    "driver %r from %s cannot be loaded and is left out: %s",
                    entry_point.name,
                    entry_point.value,
                    err,
                )
        return cls(drivers)

    def names(self) -> list[str]:
        """The names of the installed drivers, sorted."""
        return sorted(self._drivers)

    def get(self, name: str) -> type[Driver[Any]]:
        """The driver class called `name`; `DriverNotInstalledError` if none is."""
        try:
            return self._drivers[name]
        except KeyError:
            raise DriverNotInstalledError(
                f"no driver called {name!r} is installed "
                f"(installed: {', '.join(self.names()) or 'none'})"
            ) from None

    def validate(self, name: str, settings: Mapping[str, Any]) -> BaseModel:
        """Validate camera settings with the driver's model, naming each bad field."""
        model = self.get(name).settings_model
        try:
            return model.model_validate(dict(settings))
        except ValidationError as err:
            fields = {_key_path(error["loc"]): error["msg"] for error in err.errors()}
            raise BadUserInputError(
                f"invalid settings for the {name} driver: "
                + "; ".join(f"{key}: {msg}" for key, msg in fields.items()),
                fields,
            ) from None

    def create(
        self, name: str, camera: CameraContext, settings: Mapping[str, Any]
    ) -> Driver[Any]:
        """A driver instance for one camera, its settings validated first."""
        return self.get(name)(camera, self.validate(name, settings))


def public_settings(
    model: type[BaseModel], settings: Mapping[str, Any]
) -> dict[str, Any]:
    """Stored settings as they may be shown: every secret field left out."""
    secret = _secret_fields(model)
    return {key: value for key, value in settings.items() if key not in secret}


def stored_settings(settings: BaseModel) -> dict[str, Any]:
    """Validated settings as they are stored: secrets in clear, for the driver."""
    stored = settings.model_dump(mode="json")
    for field_name in _secret_fields(type(settings)):
        value = getattr(settings, field_name)
        if isinstance(value, SecretStr):
            stored[field_name] = value.get_secret_value()
    return stored


def _secret_fields(model: type[BaseModel]) -> set[str]:
    return {
        name
        for name, info in model.model_fields.items()
        if _mentions_secret(info.annotation)
    }


def _mentions_secret(annotation: Any) -> bool:
    if annotation is SecretStr:
        return True
    return any(_mentions_secret(arg) for arg in get_args(annotation))


def _load(entry_point: EntryPoint) -> type[Driver[Any]]:
    driver = entry_point.load()
    if not (isinstance(driver, type) and issubclass(driver, Driver)):
        raise TypeError(f"entry point {entry_point.name!r} is not a Driver class")
    return driver


def _key_path(location: tuple[int | str, ...]) -> str:
    return ".".join(str(part) for part in location) or "settings"
