"""The executable GraphQL schema: the `.graphql` files bound to their resolvers."""

from __future__ import annotations

from importlib import resources

from ariadne import load_schema_from_path, make_executable_schema
from graphql import GraphQLEnumType, GraphQLSchema

from edge_gateway.graphql.directives import DIRECTIVES
from edge_gateway.graphql.resolvers import BINDABLES
from edge_gateway.graphql.scalars import datetime_scalar, json_scalar


def build_schema() -> GraphQLSchema:
    """Load every schema file shipped with the package and bind the resolvers."""
    folder = resources.files("edge_gateway.graphql") / "schema"
    type_defs = load_schema_from_path(str(folder))
    schema = make_executable_schema(
        type_defs,
        json_scalar,
        datetime_scalar,
        *BINDABLES,
        convert_names_case=True,
        directives=DIRECTIVES,
    )
    _pass_enum_values_through(schema)
    return schema


def _pass_enum_values_through(schema: GraphQLSchema) -> None:
    # Ariadne replaces each enum's parse_value with a one-argument function, while
    # graphql-core 3.2 calls it with a second one (hide_suggestions) when it
    # coerces a variable: every enum variable would fail. Our enums bind no Python
    # values, so graphql-core's own parse_value is the right one.
    for named_type in schema.type_map.values():
        if isinstance(named_type, GraphQLEnumType):
            vars(named_type).pop("parse_value", None)
