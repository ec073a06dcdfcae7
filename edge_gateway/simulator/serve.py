"""Running the simulated ONVIF camera as a process of its own."""

from __future__ import annotations

import logging

import uvicorn

from edge_gateway.simulator.camera import SimulatedONVIFCamera

logger = logging.getLogger(__name__)


def serve_simulator(camera: SimulatedONVIFCamera) -> None:
    """Serve the camera until the process is stopped."""
    options = camera.options
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s"
    )
    logger.info(
        "simulated ONVIF camera %s on http://%s:%s/onvif/device_service (user %r)",
        options.profile.name,
        options.host,
        options.port,
        options.username,
    )
    uvicorn.run(
        camera.app(),
        host=options.host,
        port=options.port,
        log_config=None,
        access_log=False,
        server_header=False,
    )
