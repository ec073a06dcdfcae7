"""Run inside a network namespace of its own: a range probe over 127.0.0.0/29.

Two simulated cameras answer probes on 127.0.0.2 and 127.0.0.3; the probe covers
the whole /29. Prints one JSON line per device found.
"""

from __future__ import annotations

import asyncio
import json
import socket
import sys
from pathlib import Path

import uvicorn

from edge_gateway.discovery.scopes import read_scopes
from edge_gateway.discovery.wsdiscovery import probe
from edge_gateway.settings import DiscoverySettings
from edge_gateway.simulator.camera import SimulatedONVIFCamera, SimulatorOptions


async def main(profiles: list[Path]) -> None:
    servers, transports = [], []
    for index, profile in enumerate(profiles, start=2):
        host = f"127.0.0.{index}"
        sock = socket.socket()
        sock.bind((host, 0))
        options = SimulatorOptions(
            profile=profile, host=host, port=sock.getsockname()[1]
        )
        camera = SimulatedONVIFCamera(options)
        server = uvicorn.Server(uvicorn.Config(camera.app(), log_level="warning"))
        servers.append((server, asyncio.create_task(server.serve(sockets=[sock]))))
        transports.append(await camera.start_discovery())

    matches = await probe(
        DiscoverySettings(unicast_targets=["127.0.0.0/29"]).hosts(),
        multicast=False,
        timeout_s=1.0,
        rate_per_s=100,
    )

    for transport in transports:
        transport.close()
    for server, task in servers:
        server.should_exit = True
        await task
    for match in matches:
        info = read_scopes(match.scopes)
        print(
            json.dumps(
                {
                    "source": match.source,
                    "hardware": info.hardware,
                    "xaddrs": match.xaddrs,
                }
            )
        )


if __name__ == "__main__":
    asyncio.run(main([Path(arg) for arg in sys.argv[1:]]))
