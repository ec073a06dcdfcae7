"""Stream URIs of ONVIF cameras: credentials escaped in, and taken out for showing."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

from drivers.onvif.media import with_credentials
from edge_gateway.redact import without_credentials


def test_credentials_with_reserved_characters_survive_the_round_trip():
    uri = with_credentials(
        "rtsp://192.168.1.64:554/Streaming/101", "ad@min", "p@ss:w/rd#1%", "127.0.0.1"
    )

    parts = urlsplit(uri)
    assert (parts.hostname, parts.port, parts.path) == (
        "127.0.0.1",
        554,
        "/Streaming/101",
    )
    assert unquote(parts.username or "") == "ad@min"
    assert unquote(parts.password or "") == "p@ss:w/rd#1%"


def test_a_uri_naming_another_host_gets_the_reached_one_and_keeps_its_port():
    uri = with_credentials("rtsp://0.0.0.0:8554/live?x=1", "", "", "10.0.0.7")

    assert uri == "rtsp://10.0.0.7:8554/live?x=1"


def test_shown_uris_carry_no_credentials():
    uri = with_credentials("rtsp://cam/live", "admin", "se:cr@t", "127.0.0.1")

    assert without_credentials(uri) == "rtsp://127.0.0.1/live"
    assert without_credentials("rtsp://127.0.0.1/live") == "rtsp://127.0.0.1/live"
