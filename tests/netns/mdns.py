"""Run inside a network namespace of its own, with multicast on loopback: mDNS.

The gateway advertises itself and a simulated camera announces `_onvif._tcp`; a
browse of both types must find each with its address, port and TXT record.
Prints one JSON line per service found.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

from edge_gateway.discovery.mdns import GATEWAY_TYPE, GatewayAdvertiser, browse
from edge_gateway.simulator.camera import SimulatedONVIFCamera, SimulatorOptions


async def main(profile: Path) -> None:
    advertiser = GatewayAdvertiser(["127.0.0.1"], 8080)
    await advertiser.start()
    camera = SimulatedONVIFCamera(SimulatorOptions(profile=profile, port=8000))
    announced = await camera.start_mdns()
    try:
        found = await browse([GATEWAY_TYPE, "_onvif._tcp.local."], ["127.0.0.1"], 2.0)
    finally:
        await announced.async_unregister_all_services()
        await announced.async_close()
        await advertiser.stop()
    for service in found:
        print(
            json.dumps(
                {
                    "type": service.service_type,
                    "addresses": service.addresses,
                    "port": service.port,
                    "path": service.properties.get("path"),
                }
            )
        )


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1])))
