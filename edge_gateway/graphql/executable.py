"""The executable GraphQL schema: the `.graphql` files bound to their resolvers."""

from __future__ import annotations

from importlib import resources

from ariadne import load_schema_from_path, make_executable_schema
from graphql import GraphQLSchema

from edge_gateway.graphql.resolvers import BINDABLES
from edge_gateway.graphql.scalars import datetime_scalar, json_scalar


def build_schema() -> GraphQLSchema:
    """Load every schema file shipped with the package and bind the resolvers."""
    folder = resources.files("edge_gateway.graphql") / "schema"
    type_defs = load_schema_from_path(str(folder))
    return make_executable_schema(
        type_defs,
        json_scalar,
        datetime_scalar,
        *BINDABLES,
        convert_names_case=True,
    )
