"""Recovery of vendor XML that uses namespace prefixes it never declares.

Some firmware answers with `tds:` or `tt:` elements and no `xmlns:tds`, which no
XML parser accepts. Where the prefix is one of ONVIF's well-known ones the meaning
is clear, and the declaration is added to the root element; an unknown prefix is
left alone and the answer stays an error.
"""

from __future__ import annotations

import re

from lxml import etree

WELL_KNOWN = {
    "env": "http://www.w3.org/2003/05/soap-envelope",
    "SOAP-ENV": "http://www.w3.org/2003/05/soap-envelope",
    "s": "http://www.w3.org/2003/05/soap-envelope",
    "tt": "http://www.onvif.org/ver10/schema",
    "tds": "http://www.onvif.org/ver10/device/wsdl",
    "trt": "http://www.onvif.org/ver10/media/wsdl",
    "tr2": "http://www.onvif.org/ver20/media/wsdl",
    "tptz": "http://www.onvif.org/ver20/ptz/wsdl",
    "timg": "http://www.onvif.org/ver20/imaging/wsdl",
    "tev": "http://www.onvif.org/ver10/events/wsdl",
    "wsnt": "http://docs.oasis-open.org/wsn/b-2",
    "wsa": "http://www.w3.org/2005/08/addressing",
    "tns1": "http://www.onvif.org/ver10/topics",
    "ter": "http://www.onvif.org/ver10/error",
    "xsi": "http://www.w3.org/2001/XMLSchema-instance",
    "xs": "http://www.w3.org/2001/XMLSchema",
}
_USED = re.compile(rb"</?([A-Za-z_][\w.-]*):[A-Za-z_]")
_DECLARED = re.compile(rb"xmlns:([A-Za-z_][\w.-]*)\s*=")
_ROOT = re.compile(rb"<(?![?!])[A-Za-z_][\w.:-]*")


def repair(content: bytes) -> bytes:
    """`content` with missing declarations of well-known prefixes added."""
    try:
        etree.fromstring(content)
    except etree.XMLSyntaxError:
        pass
    else:
        return content
    missing = set(_USED.findall(content)) - set(_DECLARED.findall(content))
    known = sorted(p for p in missing if p.decode() in WELL_KNOWN)
    root = _ROOT.search(content)
    if not known or root is None:
        return content
    declarations = b"".join(
        b' xmlns:%s="%s"' % (prefix, WELL_KNOWN[prefix.decode()].encode())
        for prefix in known
    )
    return content[: root.end()] + declarations + content[root.end() :]
