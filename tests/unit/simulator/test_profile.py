"""Address rewriting of captured answers: every address, and nothing else."""

from __future__ import annotations

from edge_gateway.simulator.profile import rewrite_addresses


def test_urls_naming_lan_hosts_point_at_the_simulator():
    xml = (
        "<tt:XAddr>http://192.168.1.64/onvif/Media</tt:XAddr>"
        "<tt:XAddr>http://10.0.0.5:8080/onvif/PTZ</tt:XAddr>"
        "<tt:Uri>rtsp://admin:pw@172.16.3.4:554/Streaming/Channels/101</tt:Uri>"
        "<tt:Uri>http://[fe80::240:8cff:fe00:1]/jpg/image.jpg</tt:Uri>"
        "<tt:Uri>http://0.0.0.0/snap</tt:Uri>"
    )

    rewritten = rewrite_addresses(xml, "127.0.0.1", 8123, 8554)

    assert rewritten == (
        "<tt:XAddr>http://127.0.0.1:8123/onvif/Media</tt:XAddr>"
        "<tt:XAddr>http://127.0.0.1:8123/onvif/PTZ</tt:XAddr>"
        "<tt:Uri>rtsp://127.0.0.1:8554/Streaming/Channels/101</tt:Uri>"
        "<tt:Uri>http://127.0.0.1:8123/jpg/image.jpg</tt:Uri>"
        "<tt:Uri>http://127.0.0.1:8123/snap</tt:Uri>"
    )


def test_bare_addresses_in_address_elements_are_rewritten():
    xml = (
        "<tt:IPv4Address>192.168.0.1</tt:IPv4Address><tt:Address>10.1.2.3</tt:Address>"
    )

    rewritten = rewrite_addresses(xml, "127.0.0.1", 80, None)

    assert (
        rewritten
        == "<tt:IPv4Address>127.0.0.1</tt:IPv4Address><tt:Address>127.0.0.1</tt:Address>"
    )


def test_namespaces_and_version_numbers_are_left_alone():
    xml = (
        '<e xmlns:tt="http://www.onvif.org/ver10/schema">'
        "<tt:FirmwareVersion>5.55.1.2</tt:FirmwareVersion>"
        "<tt:Topic>http://www.axis.com/2009/event/topics</tt:Topic></e>"
    )

    assert rewrite_addresses(xml, "127.0.0.1", 80, None) == xml


def test_rtsp_urls_keep_their_port_without_an_rtsp_server():
    xml = "rtsp://192.168.1.10:10554/live"

    assert (
        rewrite_addresses(xml, "127.0.0.1", 80, None) == "rtsp://127.0.0.1:10554/live"
    )
