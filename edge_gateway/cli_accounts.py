"""The `user`, `token` and `keys` commands: accounts managed from the shell.

They work on the database and key file of the configured state directory and may
run while the gateway runs; it picks their changes up within seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

from edge_gateway.auth.roles import Role
from edge_gateway.auth.service import AuthService
from edge_gateway.db import Database
from edge_gateway.errors import GatewayError
from edge_gateway.settings import ConfigError, Settings, load_settings

Action = Callable[[AuthService, argparse.Namespace], Awaitable[None]]

EXIT_FAILED = 1


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register `user`, `token` and `keys` with their sub-commands."""
    user = _group(commands, "user", "manage users")
    add = _command(user, "add", "add a user", _user_add)
    add.add_argument("username")
    add.add_argument(
        "--role",
        choices=[r.value for r in Role if r is not Role.SERVICE],
        default=Role.VIEWER.value,
    )
    add.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from standard input",
    )
    passwd = _command(user, "passwd", "set a user's password", _user_passwd)
    passwd.add_argument("username")
    passwd.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from standard input",
    )
    _command(user, "list", "list users", _user_list)
    remove = _command(user, "remove", "remove a user", _user_remove)
    remove.add_argument("username")

    token = _group(commands, "token", "manage service tokens")
    create = _command(token, "create", "create a token (shown once)", _token_create)
    create.add_argument("--name", required=True)
    create.add_argument(
        "--role",
        choices=[r.value for r in Role if r is not Role.ADMIN],
        default="SERVICE",
    )
    _command(token, "list", "list service tokens", _token_list)
    revoke = _command(token, "revoke", "revoke a token by name or id", _token_revoke)
    revoke.add_argument("token", metavar="NAME_OR_ID")

    keys = _group(commands, "keys", "manage token signing keys")
    _command(keys, "rotate", "start signing with a new key", _keys_rotate)


def _group(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], name: str, help: str
) -> argparse._SubParsersAction[argparse.ArgumentParser]:
    parser = commands.add_parser(name, help=help)
    return parser.add_subparsers(required=True, metavar="ACTION")


def _command(
    group: argparse._SubParsersAction[argparse.ArgumentParser],
    name: str,
    help: str,
    action: Action,
) -> argparse.ArgumentParser:
    parser = group.add_parser(name, help=help)
    parser.add_argument(
        "--config", type=Path, metavar="FILE", help="TOML settings file"
    )
    parser.set_defaults(run=lambda args: _run(action, args))
    return parser


def _run(action: Action, args: argparse.Namespace) -> int:
    try:
        settings = load_settings(args.config)
    except ConfigError as err:
        for problem in err.problems:
            print(f"invalid configuration: {problem}", file=sys.stderr)
        return 2
    try:
        asyncio.run(_with_auth(settings, action, args))
    except GatewayError as err:
        print(f"edge-gateway: {err.message}", file=sys.stderr)
        return EXIT_FAILED
    return 0


async def _with_auth(
    settings: Settings, action: Action, args: argparse.Namespace
) -> None:
    database = Database(settings.database_path)
    await database.open()
    try:
        auth = AuthService(database, settings.state_dir, settings.auth)
        await auth.directory.load()
        await action(auth, args)
    finally:
        await database.close()


async def _user_add(auth: AuthService, args: argparse.Namespace) -> None:
    password = _read_password(args.password_stdin)
    user = await auth.create_user(args.username, password, Role(args.role))
    print(f"user {user.username!r} added with role {user.role}")


async def _user_passwd(auth: AuthService, args: argparse.Namespace) -> None:
    user = await auth.user_by_name(args.username)
    await auth.update_user(user.id, password=_read_password(args.password_stdin))
    print(f"password of {user.username!r} changed; their sessions ended")


async def _user_list(auth: AuthService, _: argparse.Namespace) -> None:
    for user in await auth.list_users():
        state = "disabled" if user.is_disabled else "enabled"
        print(f"{user.id}\t{user.username}\t{user.role}\t{state}")


async def _user_remove(auth: AuthService, args: argparse.Namespace) -> None:
    user = await auth.user_by_name(args.username)
    await auth.delete_user(user.id)
    print(f"user {user.username!r} removed")


async def _token_create(auth: AuthService, args: argparse.Namespace) -> None:
    record, token = await auth.create_service_token(args.name, Role(args.role))
    print(token)
    print(
        f"service token {record.name!r} ({record.role}) created; "
        "the line above is its only copy",
        file=sys.stderr,
    )


async def _token_list(auth: AuthService, _: argparse.Namespace) -> None:
    for record in await auth.list_service_tokens():
        state = f"revoked {record.revoked_at}" if record.revoked_at else "active"
        print(f"{record.id}\t{record.name}\t{record.role}\t{state}")


async def _token_revoke(auth: AuthService, args: argparse.Namespace) -> None:
    records = await auth.list_service_tokens()
    match = [r for r in records if r.name == args.token or str(r.id) == args.token]
    if not match:
        raise GatewayError(f"no service token called {args.token!r}")
    record = await auth.revoke_service_token(match[0].id)
    print(f"service token {record.name!r} revoked")


async def _keys_rotate(auth: AuthService, _: argparse.Namespace) -> None:
    key = auth.keys.rotate()
    print(f"new signing key {key.kid}; keys held: {', '.join(auth.keys.kids())}")


def _read_password(from_stdin: bool) -> str:
    if from_stdin or not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("password: ")
    if getpass.getpass("again: ") != first:
        raise GatewayError("the two passwords differ")
    return first
