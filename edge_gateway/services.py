"""The gateway's long-lived services, built at start and shared by every request."""

from __future__ import annotations

from dataclasses import dataclass

from edge_gateway.auth.service import AuthService
from edge_gateway.cameras.service import CameraService
from edge_gateway.cameras.supervisor import Supervisor
from edge_gateway.db import Database
from edge_gateway.discovery.service import DiscoveryService
from edge_gateway.settings import Settings


@dataclass(frozen=True)
class Services:
    """What request handlers reach the domain through."""

    settings: Settings
    database: Database
    supervisor: Supervisor
    cameras: CameraService
    auth: AuthService
    discovery: DiscoveryService
