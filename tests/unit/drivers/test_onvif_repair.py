"""Repair of answers that use well-known prefixes without declaring them."""

from __future__ import annotations

from lxml import etree

from drivers.onvif.repair import repair


def test_missing_well_known_declarations_are_added():
    broken = (
        b'<?xml version="1.0"?><env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope">'
        b"<env:Body><tds:GetHostnameResponse><tds:HostnameInformation>"
        b"<tt:Name>cam</tt:Name></tds:HostnameInformation></tds:GetHostnameResponse>"
        b"</env:Body></env:Envelope>"
    )

    root = etree.fromstring(repair(broken))

    assert root.find(".//{http://www.onvif.org/ver10/schema}Name").text == "cam"


def test_well_formed_answers_pass_unchanged_and_unknown_prefixes_stay_broken():
    good = b'<a xmlns:tt="http://www.onvif.org/ver10/schema"><tt:b/></a>'
    unknown = b"<a><acme:b/></a>"

    assert repair(good) == good
    assert repair(unknown) == unknown
