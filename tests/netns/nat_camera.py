"""Run inside a network namespace of its own: a camera whose answers name its LAN.

The simulator serves its captures unrewritten, so every XAddr and URI names a
192.168.x address. The driver must reach everything through the address it
connected to. Were it to follow an advertised address, the connection would fail
here, inside a namespace with loopback only, and never leave the machine.
Prints one JSON line with what the driver saw.
"""

from __future__ import annotations

import asyncio
import json
import socket
import sys
from pathlib import Path

import uvicorn
from pydantic import SecretStr

from drivers.onvif import ONVIFDriver, ONVIFSettings
from edge_gateway.cameras.driver import CameraContext
from edge_gateway.simulator.camera import SimulatedONVIFCamera, SimulatorOptions


async def main(profile: Path) -> None:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    options = SimulatorOptions(profile=profile, port=port, rewrite_addresses=False)
    server = uvicorn.Server(
        uvicorn.Config(SimulatedONVIFCamera(options).app(), log_level="warning")
    )
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:
        await asyncio.sleep(0.01)

    settings = ONVIFSettings(
        host="127.0.0.1", port=port, username="admin", password=SecretStr("admin")
    )
    driver = ONVIFDriver(CameraContext("1", "nat", call_timeout_s=5), settings)
    try:
        info = await asyncio.wait_for(driver.connect(), 20)
        profiles = await driver.profiles()
        report = {
            "model": info.model,
            "xaddrs": sorted(driver._camera().xaddrs.values()),
            "stream": await driver.stream_uri(profiles[0].token),
            "snapshot": len(await driver.snapshot()),
        }
    finally:
        await driver.close()
        server.should_exit = True
        await task
    print(json.dumps(report))


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1])))
