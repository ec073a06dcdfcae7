"""REST authentication: the OAuth2 token endpoint and the role check of routes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.security import OAuth2PasswordBearer, OAuth2PasswordRequestForm

from edge_gateway.auth.identity import Identity
from edge_gateway.auth.roles import Role
from edge_gateway.graphql.context import authenticated_context
from edge_gateway.graphql.directives import require_role

TOKEN_PATH = "/api/auth/token"

router = APIRouter(prefix="/api/auth", tags=["auth"])

# Declares the scheme in the OpenAPI document, so the docs page's Authorize button
# logs in through the token endpoint below.
bearer = OAuth2PasswordBearer(tokenUrl=TOKEN_PATH, auto_error=False)


def requires(role: Role) -> Callable[..., Awaitable[Identity]]:
    """A route dependency: the caller's identity, which must hold `role`."""

    async def check(
        request: Request, _: Annotated[str | None, Depends(bearer)]
    ) -> Identity:
        services = request.app.state.services
        context = await authenticated_context(
            request, services, request.headers.get("authorization")
        )
        require_role(context, role)
        assert context.user is not None
        return context.user

    return check


@router.post("/token")
async def token(
    request: Request, form: Annotated[OAuth2PasswordRequestForm, Depends()]
) -> dict[str, Any]:
    """Log in with a user name and password (OAuth2 password flow)."""
    client = request.client.host if request.client else "unknown"
    session = await request.app.state.services.auth.login(
        form.username, form.password, client
    )
    return {
        "access_token": session.access_token,
        "token_type": "bearer",
        "expires_in": session.expires_in,
        "refresh_token": session.refresh_token,
    }
