"""Log set-up: plain or JSON lines on standard output, where journald reads them."""

from __future__ import annotations

import logging
import sys

from pythonjsonlogger.json import JsonFormatter

from edge_gateway.settings import LogSettings

PLAIN_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
JSON_FIELDS = "%(asctime)s %(levelname)s %(name)s %(message)s"


def configure_logging(settings: LogSettings) -> None:
    """Send every log record to standard output in the configured format."""
    handler = logging.StreamHandler(sys.stdout)
    if settings.format == "json":
        handler.setFormatter(
            JsonFormatter(JSON_FIELDS, rename_fields={"levelname": "level"})
        )
    else:
        handler.setFormatter(logging.Formatter(PLAIN_FORMAT))

    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(settings.level)

    # Uvicorn's access log repeats what the GraphQL operation log already says, and
    # Ariadne's own error log prints a traceback for every client mistake.
    logging.getLogger("uvicorn.access").setLevel(logging.WARNING)
    logging.getLogger("ariadne").setLevel(logging.CRITICAL)
    # aiosqlite logs every statement with its parameters at DEBUG, camera
    # credentials among them.
    logging.getLogger("aiosqlite").setLevel(logging.INFO)
