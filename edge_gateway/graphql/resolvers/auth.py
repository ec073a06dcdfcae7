"""Resolvers of logins, sessions, users and service tokens."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ariadne import MutationType, ObjectType, QueryType

from edge_gateway.auth.identity import Identity, IdentityKind
from edge_gateway.auth.roles import Role
from edge_gateway.auth.service import Session
from edge_gateway.db.tokens import ServiceTokenRecord
from edge_gateway.db.users import UserRecord
from edge_gateway.errors import NotFoundError
from edge_gateway.graphql.context import RequestContext, services
from edge_gateway.graphql.cursors import is_small_number

if TYPE_CHECKING:
    from edge_gateway.graphql.context import Info

query = QueryType()
mutation = MutationType()
identity_type = ObjectType("Identity")
created_token_type = ObjectType("CreatedServiceToken")


@query.field("me")
def resolve_me(_: None, info: Info) -> Identity:
    """The identity of the token in use."""
    context: RequestContext = info.context
    assert context.user is not None
    return context.user


@identity_type.field("user")
async def resolve_identity_user(identity: Identity, info: Info) -> UserRecord | None:
    """The user behind a user's token."""
    if identity.kind is not IdentityKind.USER:
        return None
    return await services(info).auth.get_user(identity.id)


@query.field("users")
async def resolve_users(_: None, info: Info) -> list[UserRecord]:
    """Every user."""
    return await services(info).auth.list_users()


@query.field("serviceTokens")
async def resolve_service_tokens(_: None, info: Info) -> list[ServiceTokenRecord]:
    """Every service token."""
    return await services(info).auth.list_service_tokens()


@mutation.field("login")
async def resolve_login(_: None, info: Info, username: str, password: str) -> Session:
    """Open a session."""
    context: RequestContext = info.context
    return await context.services.auth.login(username, password, context.address)


@mutation.field("refreshToken")
async def resolve_refresh_token(_: None, info: Info, refresh_token: str) -> Session:
    """Rotate a refresh token."""
    context: RequestContext = info.context
    return await context.services.auth.refresh(refresh_token, context.address)


@mutation.field("logout")
async def resolve_logout(_: None, info: Info) -> bool:
    """End the current session."""
    context: RequestContext = info.context
    assert context.user is not None
    await context.services.auth.logout(context.user)
    return True


@mutation.field("changePassword")
async def resolve_change_password(
    _: None, info: Info, current_password: str, new_password: str
) -> bool:
    """Change one's own password."""
    context: RequestContext = info.context
    assert context.user is not None
    if context.user.kind is not IdentityKind.USER:
        raise NotFoundError("a service token has no password")
    await context.services.auth.change_password(
        context.user, current_password, new_password
    )
    return True


@mutation.field("createUser")
async def resolve_create_user(_: None, info: Info, input: dict[str, Any]) -> UserRecord:
    """Add a user."""
    return await services(info).auth.create_user(
        input["username"], input["password"], Role(input["role"])
    )


@mutation.field("updateUser")
async def resolve_update_user(
    _: None, info: Info, id: str, input: dict[str, Any]
) -> UserRecord:
    """Change a user."""
    return await services(info).auth.update_user(_number(id, "user"), **input)


@mutation.field("deleteUser")
async def resolve_delete_user(_: None, info: Info, id: str) -> str:
    """Remove a user."""
    await services(info).auth.delete_user(_number(id, "user"))
    return id


@mutation.field("createServiceToken")
async def resolve_create_service_token(
    _: None, info: Info, name: str, role: str = "SERVICE"
) -> tuple[ServiceTokenRecord, str]:
    """Create a service token; its value is in the answer only."""
    return await services(info).auth.create_service_token(name, Role(role))


@created_token_type.field("token")
def resolve_created_token(created: tuple[ServiceTokenRecord, str], _: Info) -> str:
    """The new token's value."""
    return created[1]


@created_token_type.field("serviceToken")
def resolve_created_record(
    created: tuple[ServiceTokenRecord, str], _: Info
) -> ServiceTokenRecord:
    """The new token's record."""
    return created[0]


@mutation.field("revokeServiceToken")
async def resolve_revoke_service_token(
    _: None, info: Info, id: str
) -> ServiceTokenRecord:
    """Revoke a service token."""
    return await services(info).auth.revoke_service_token(_number(id, "service token"))


def _number(value: str, what: str) -> int:
    if is_small_number(value):
        return int(value)
    raise NotFoundError(f"no {what} with id {value!r}")


BINDABLES = [query, mutation, identity_type, created_token_type]
