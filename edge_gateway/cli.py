"""The `edge-gateway` command: run the gateway and check its configuration."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from edge_gateway import __version__
from edge_gateway.cameras.registry import DriverRegistry
from edge_gateway.errors import GatewayError
from edge_gateway.settings import ConfigError, Settings, load_settings

logger = logging.getLogger(__name__)

EXIT_CONFIG = 2


def main(argv: list[str] | None = None) -> int:
    """Run one sub-command; returns the process exit status."""
    parser = _parser()
    args = parser.parse_args(argv)
    return int(args.run(args))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="edge-gateway", description="On-site gateway for IP cameras."
    )
    parser.add_argument("--version", action="version", version=__version__)
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="run the gateway until stopped")
    serve.set_defaults(run=_serve)
    check = commands.add_parser("check-config", help="report every invalid setting")
    check.set_defaults(run=_check_config)
    for command in (serve, check):
        command.add_argument(
            "--config", type=Path, metavar="FILE", help="TOML settings file"
        )
    return parser


def _check_config(args: argparse.Namespace) -> int:
    settings = _settings_or_report(args.config)
    if settings is None:
        return EXIT_CONFIG
    print(f"configuration is valid ({args.config or 'embedded defaults'})")
    return 0


def _serve(args: argparse.Namespace) -> int:
    settings = _settings_or_report(args.config)
    if settings is None:
        return EXIT_CONFIG

    import uvicorn

    from edge_gateway.app import create_app
    from edge_gateway.logs import configure_logging

    configure_logging(settings.log)
    logger.info(
        "edge gateway %s starting on %s:%s, state in %s",
        __version__,
        settings.server.host,
        settings.server.port,
        settings.state_dir.resolve(),
    )
    app = create_app(settings)
    uvicorn.run(
        app,
        host=settings.server.host,
        port=settings.server.port,
        log_config=None,
        access_log=False,
        server_header=False,
    )
    return 0


def _settings_or_report(config: Path | None) -> Settings | None:
    try:
        settings = load_settings(config)
        problems = _camera_problems(settings, DriverRegistry.from_entry_points())
    except ConfigError as err:
        problems = err.problems
    if problems:
        print(
            f"invalid configuration ({config or 'embedded defaults'}):", file=sys.stderr
        )
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
        return None
    return settings


def _camera_problems(settings: Settings, registry: DriverRegistry) -> list[str]:
    problems = []
    for index, seed in enumerate(settings.cameras):
        try:
            registry.validate(seed.driver, seed.settings)
        except GatewayError as err:
            fields = getattr(err, "fields", None) or {"driver": err.message}
            for key, message in fields.items():
                where = "driver" if key == "driver" else f"settings.{key}"
                problems.append(f"cameras.{index}.{where}: {message}")
    return problems
