"""Resolvers of the installed drivers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ariadne import ObjectType, QueryType

from edge_gateway.cameras.driver import Driver
from edge_gateway.graphql.context import services

if TYPE_CHECKING:
    from edge_gateway.graphql.context import Info

query = QueryType()
driver_type = ObjectType("Driver")


@query.field("drivers")
def resolve_drivers(_: None, info: Info) -> list[type[Driver[Any]]]:
    """Every installed driver class."""
    registry = services(info).cameras.registry
    return [registry.get(name) for name in registry.names()]


@driver_type.field("capabilities")
def resolve_capabilities(driver: type[Driver[Any]], _: Info) -> list[str]:
    """What cameras of the driver may offer."""
    return sorted(driver.capabilities)


@driver_type.field("settingsSchema")
def resolve_settings_schema(driver: type[Driver[Any]], _: Info) -> dict[str, Any]:
    """The JSON Schema of the driver's settings model."""
    return driver.settings_model.model_json_schema()


BINDABLES = [query, driver_type]
