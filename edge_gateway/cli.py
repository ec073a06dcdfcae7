"""The `edge-gateway` command: run the gateway and check its configuration."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path

from pydantic import ValidationError

from edge_gateway import __version__
from edge_gateway.cameras.registry import DriverRegistry
from edge_gateway.cli_accounts import add_commands
from edge_gateway.errors import BadUserInputError, DriverNotInstalledError
from edge_gateway.settings import (
    CameraSeed,
    ConfigError,
    Settings,
    load_settings,
    read_config_file,
)

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
    discover = commands.add_parser("discover", help="probe for cameras and list them")
    discover.set_defaults(run=_discover)
    for command in (serve, check, discover):
        command.add_argument(
            "--config", type=Path, metavar="FILE", help="TOML settings file"
        )
    add_commands(commands)
    _add_simulate(commands)
    return parser


def _add_simulate(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
) -> None:
    simulate = commands.add_parser("simulate", help="run a simulated camera")
    kinds = simulate.add_subparsers(required=True, metavar="KIND")
    onvif = kinds.add_parser("onvif", help="a simulated ONVIF camera, until stopped")
    onvif.add_argument("--host", default="127.0.0.1", help="address to listen on")
    onvif.add_argument("--port", type=int, default=8000)
    onvif.add_argument(
        "--profile",
        type=Path,
        help="folder of captured answers, <service>.<Operation>.xml "
        "(default: a bundled Hikvision PTZ dome)",
    )
    onvif.add_argument("--username", default="admin")
    onvif.add_argument("--password", default="admin")
    onvif.add_argument(
        "--clock-offset-s", type=float, default=0.0, help="set the camera's clock off"
    )
    onvif.add_argument("--rtsp-port", type=int, help="port of an RTSP server to name")
    onvif.set_defaults(run=_simulate_onvif)


def _simulate_onvif(args: argparse.Namespace) -> int:
    from edge_gateway.simulator.camera import (
        DEFAULT_PROFILE,
        SimulatedONVIFCamera,
        SimulatorOptions,
    )
    from edge_gateway.simulator.serve import serve_simulator

    profile = args.profile or DEFAULT_PROFILE
    if not profile.is_dir():
        print(f"edge-gateway: no profile folder {profile}", file=sys.stderr)
        return EXIT_CONFIG
    options = SimulatorOptions(
        profile=profile,
        username=args.username,
        password=args.password,
        clock_offset=timedelta(seconds=args.clock_offset_s),
        host=args.host,
        port=args.port,
        rtsp_port=args.rtsp_port,
    )
    serve_simulator(SimulatedONVIFCamera(options))
    return 0


def _check_config(args: argparse.Namespace) -> int:
    settings = _settings_or_report(args.config)
    if settings is None:
        return EXIT_CONFIG
    print(f"configuration is valid ({args.config or 'embedded defaults'})")
    return 0


def _discover(args: argparse.Namespace) -> int:
    settings = _settings_or_report(args.config)
    if settings is None:
        return EXIT_CONFIG

    import asyncio

    from edge_gateway.discovery.scopes import read_scopes
    from edge_gateway.discovery.wsdiscovery import probe

    found = asyncio.run(
        probe(
            settings.discovery.hosts(),
            multicast=settings.discovery.multicast,
            timeout_s=settings.discovery.probe_timeout_s,
            rate_per_s=settings.discovery.probe_rate_per_s,
        )
    )
    unique = {match.endpoint_reference: match for match in found}
    for match in unique.values():
        info = read_scopes(match.scopes)
        print(
            f"{match.source}\t{info.name or '-'}\t{info.hardware or '-'}\t"
            f"{' '.join(match.xaddrs)}\t{match.endpoint_reference}"
        )
    print(f"{len(unique)} device(s) answered", file=sys.stderr)
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
        # No proxy stands in front by default: a client's own X-Forwarded-For
        # must not choose the address that rate limits and security events see.
        proxy_headers=False,
    )
    return 0


def _settings_or_report(config: Path | None) -> Settings | None:
    problems = check_config(config, DriverRegistry.from_entry_points())
    if problems:
        print(
            f"invalid configuration ({config or 'embedded defaults'}):", file=sys.stderr
        )
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
        return None
    return load_settings(config)


def check_config(config: Path | None, registry: DriverRegistry) -> list[str]:
    """Every problem of the configuration, one line each, camera settings included."""
    seeds: list[CameraSeed | None]
    problems: list[str] = []
    try:
        seeds = list(load_settings(config).cameras)
    except ConfigError as err:
        problems = err.problems
        seeds = _valid_seeds_in_file(config)
    return problems + _camera_problems(seeds, registry)


def _valid_seeds_in_file(config: Path | None) -> list[CameraSeed | None]:
    # The rest of the file is invalid; the cameras it lists may still be checked.
    try:
        raw = read_config_file(config).get("cameras", []) if config else []
    except ConfigError:
        return []
    seeds: list[CameraSeed | None] = []
    for entry in raw if isinstance(raw, list) else []:
        try:
            seeds.append(CameraSeed.model_validate(entry))
        except ValidationError:
            seeds.append(None)
    return seeds


def _camera_problems(
    seeds: Sequence[CameraSeed | None], registry: DriverRegistry
) -> list[str]:
    problems = []
    for index, seed in enumerate(seeds):
        if seed is None:
            continue
        try:
            registry.validate(seed.driver, seed.settings)
        except BadUserInputError as err:
            problems += [
                f"cameras.{index}.settings.{k}: {m}" for k, m in err.fields.items()
            ]
        except DriverNotInstalledError as err:
            problems.append(f"cameras.{index}.driver: {err.message}")
    return problems
