"""The memory baseline: a process that imports the gateway's libraries, then idles.

Run as `python -m bench._bare_imports READY_FILE`. It creates READY_FILE once every
library is imported, then sleeps until it is stopped, or for ten minutes at most.
"""

from __future__ import annotations

import importlib
import sys
import time
from pathlib import Path

# What `edge-gateway serve` loads: its dependencies, and what uvicorn picks at
# start when installed with its "standard" extra (httptools, uvloop, websockets).
LIBRARIES = (
    "fastapi",
    "starlette",
    "ariadne",
    "graphql",
    "uvicorn",
    "httptools",
    "uvloop",
    "websockets",
    "aiosqlite",
    "cv2",
    "numpy",
    "pydantic",
    "pydantic_settings",
    "tenacity",
    "pythonjsonlogger.json",
    "orjson",
    "jwt",
    "cryptography.hazmat.primitives.asymmetric.ed25519",
    "argon2",
    "limits.aio.strategies",
    "multipart",
    "onvif",
    "zeep",
    "aiohttp",
    "defusedxml.ElementTree",
    "zeroconf.asyncio",
)
MAX_IDLE_S = 600.0


def main() -> None:
    """Import every library, say so through the ready file, then sleep."""
    for name in LIBRARIES:
        importlib.import_module(name)
    Path(sys.argv[1]).touch()
    time.sleep(MAX_IDLE_S)


if __name__ == "__main__":
    main()
