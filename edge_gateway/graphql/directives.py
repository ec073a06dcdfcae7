"""The schema's access rules: `@requires(role: …)` and `@public` on root fields."""

from __future__ import annotations

from typing import Any

from ariadne import SchemaDirectiveVisitor
from graphql import (
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLObjectType,
    default_field_resolver,
)

from edge_gateway.auth.roles import Role, grants
from edge_gateway.errors import ForbiddenError, UnauthenticatedError
from edge_gateway.graphql.context import RequestContext


def require_role(context: RequestContext, required: Role) -> None:
    """Refuse the operation unless the context's identity holds `required`."""
    if context.user is None:
        raise context.auth_error or UnauthenticatedError(
            "this operation needs a token: send Authorization: Bearer <token>"
        )
    if not grants(context.user.role, required):
        raise ForbiddenError(
            f"this operation needs the {required} role; "
            f"{context.user.name!r} has {context.user.role}"
        )


class RequiresDirective(SchemaDirectiveVisitor):
    """Checks the caller's role before the field resolves (or subscribes)."""

    def visit_field_definition(
        self, field: GraphQLField, object_type: GraphQLObjectType | GraphQLInterfaceType
    ) -> GraphQLField:
        """Wrap the field's resolver, and its subscriber if it has one."""
        required = Role(self.args["role"])
        resolve = field.resolve or default_field_resolver

        def checked_resolve(parent: Any, info: Any, **arguments: Any) -> Any:
            require_role(info.context, required)
            return resolve(parent, info, **arguments)

        field.resolve = checked_resolve
        if field.subscribe is not None:
            subscribe = field.subscribe

            def checked_subscribe(parent: Any, info: Any, **arguments: Any) -> Any:
                require_role(info.context, required)
                return subscribe(parent, info, **arguments)

            field.subscribe = checked_subscribe
        return field


class PublicDirective(SchemaDirectiveVisitor):
    """Marks a field anyone may call; it changes nothing at run time."""

    def visit_field_definition(
        self, field: GraphQLField, object_type: GraphQLObjectType | GraphQLInterfaceType
    ) -> GraphQLField:
        """Leave the field as it is."""
        return field


DIRECTIVES = {"requires": RequiresDirective, "public": PublicDirective}
