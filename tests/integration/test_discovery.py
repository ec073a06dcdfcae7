"""Discovery: WS-Discovery probes answered by simulated cameras, and adoption."""

from __future__ import annotations

import json

from edge_gateway.discovery.scopes import read_scopes
from edge_gateway.discovery.wsdiscovery import parse_probe_matches
from edge_gateway.settings import DiscoverySettings
from edge_gateway.simulator.camera import SimulatedONVIFCamera, SimulatorOptions
from tests.conftest import free_port, graphql, serve, wait_for_status
from tests.integration.test_onvif_driver import FIXTURES
from tests.netns import needs_unshare, run_isolated

HIKVISION = FIXTURES / "hikvision" / "hikvision-ds-2cd2012-i"
AXIS = FIXTURES / "axis" / "axis-q6045-e"


def test_scopes_give_name_hardware_and_location_in_any_case():
    scopes = (
        "onvif://www.onvif.org/Name/IPCAM",
        "onvif://www.onvif.org/Model/631GA",
        "onvif://www.onvif.org/location/country/china",
        "onvif://www.onvif.org/name/HIKVISION%20DS-2CD2012-I",
    )

    info = read_scopes(scopes)

    assert (info.name, info.hardware, info.location) == (
        "IPCAM",
        "631GA",
        "country/china",
    )


def test_garbage_answers_are_ignored():
    assert parse_probe_matches(b"<not xml", "127.0.0.1") == (None, [])
    assert parse_probe_matches(b"<?xml version='1.0'?><a/>", "127.0.0.1") == ("", [])


def test_ranges_expand_to_hosts_within_the_bound():
    settings = DiscoverySettings(
        unicast_targets=["127.0.0.0/29", "127.0.0.1"], max_targets=4
    )

    assert settings.hosts() == ["127.0.0.1", "127.0.0.2", "127.0.0.3", "127.0.0.4"]


@needs_unshare
def test_a_range_probe_finds_each_camera_once():
    """Runs in a network namespace the test makes, as every range probe must."""
    lines = run_isolated("tests.netns.discovery", str(HIKVISION), str(AXIS))

    found = sorted(
        (json.loads(line) for line in lines),
        key=lambda d: d["source"],
    )
    assert [(d["source"], d["hardware"]) for d in found] == [
        ("127.0.0.2", "DS-2CD2012-I"),
        ("127.0.0.3", "Q6045-E"),
    ]
    assert found[0]["xaddrs"][0].startswith("http://127.0.0.2:")


async def test_run_discovery_then_adopt_makes_a_camera(client):
    port = free_port()
    camera = SimulatedONVIFCamera(SimulatorOptions(profile=HIKVISION, port=port))
    async with serve(camera.app(), port=port):
        responder = await camera.start_discovery()
        try:
            found = await graphql(
                client,
                "mutation { runDiscovery { id name hardware reachableXaddrs isAdopted } }",
            )
        finally:
            responder.close()
        device = found["data"]["runDiscovery"][0]
        adopted = await graphql(
            client,
            'mutation { adoptDevice(id: "%s", username: "admin", password: "admin") { id name } }'
            % device["id"],
        )
        await wait_for_status(
            client, adopted["data"]["adoptDevice"]["id"], "ONLINE", timeout_s=15
        )
        listed = await graphql(client, "{ discoveredDevices { isAdopted cameraId } }")

    assert device["hardware"] == "DS-2CD2012-I"
    assert device["reachableXaddrs"] == [
        f"http://127.0.0.1:{port}/onvif/device_service"
    ]
    assert device["isAdopted"] is False
    assert listed["data"]["discoveredDevices"] == [
        {"isAdopted": True, "cameraId": adopted["data"]["adoptDevice"]["id"]}
    ]


@needs_unshare
def test_the_gateway_and_cameras_are_found_over_mdns():
    """Runs in a network namespace the test makes, with multicast on its loopback."""
    lines = run_isolated("tests.netns.mdns", str(HIKVISION), multicast=True)

    found = {d["type"]: d for d in (json.loads(line) for line in lines)}
    assert found["_edge-gateway._tcp.local."] == {
        "type": "_edge-gateway._tcp.local.",
        "addresses": ["127.0.0.1"],
        "port": 8080,
        "path": "/graphql",
    }
    assert found["_onvif._tcp.local."]["port"] == 8000
