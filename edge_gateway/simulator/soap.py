"""Reading ONVIF SOAP requests and writing answers and faults.

Requests come from the network, so they are parsed with defusedxml: no entity
expansion, no external references.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from xml.etree.ElementTree import Element

from defusedxml import ElementTree

SOAP_ENV = "http://www.w3.org/2003/05/soap-envelope"
WSSE = (
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
)
WSU = (
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"
)
# How far a UsernameToken's Created time may stand from the camera's clock; real
# cameras allow a few minutes, which is why clients read the camera's time first.
CREATED_TOLERANCE = timedelta(minutes=5)


class SOAPError(Exception):
    """A request the simulator answers with a SOAP fault."""

    def __init__(self, subcode: str, reason: str, status: int = 400) -> None:
        super().__init__(reason)
        self.subcode = subcode
        self.reason = reason
        self.status = status


@dataclass(frozen=True)
class UsernameToken:
    """The WS-Security credentials of a request."""

    username: str
    password_digest: str
    nonce: bytes
    created: str


@dataclass(frozen=True)
class SOAPRequest:
    """The operation a request asks for, and its credentials."""

    operation: str
    body: Element
    token: UsernameToken | None


def parse_request(data: bytes) -> SOAPRequest:
    """The operation and credentials of a SOAP 1.2 request."""
    try:
        envelope = ElementTree.fromstring(data)
    except ElementTree.ParseError as err:
        raise SOAPError("ter:InvalidArgs", f"the request is not XML ({err})") from None
    body = envelope.find(f"{{{SOAP_ENV}}}Body")
    if body is None or len(body) == 0:
        raise SOAPError("ter:InvalidArgs", "the request has no SOAP body")
    operation = body[0]
    return SOAPRequest(local_name(operation.tag), operation, _username_token(envelope))


def check_token(
    token: UsernameToken | None, username: str, password: str, now: datetime
) -> None:
    """Refuse a request whose UsernameToken is missing, wrong or too old."""
    if token is None:
        raise SOAPError("ter:NotAuthorized", "the request has no UsernameToken")
    digest = base64.b64encode(
        hashlib.sha1(token.nonce + token.created.encode() + password.encode()).digest()
    ).decode()
    if token.username != username or token.password_digest != digest:
        raise SOAPError("ter:NotAuthorized", "the user name or password is wrong")
    try:
        created = datetime.fromisoformat(token.created.replace("Z", "+00:00"))
    except ValueError:
        raise SOAPError("ter:NotAuthorized", "the token's Created is no time") from None
    if created.tzinfo is None:
        created = created.replace(tzinfo=UTC)
    if abs(created - now) > CREATED_TOLERANCE:
        raise SOAPError(
            "ter:NotAuthorized", "the token was created too far from the camera's time"
        )


def fault(subcode: str, reason: str) -> str:
    """A SOAP 1.2 fault envelope with an ONVIF subcode."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<env:Envelope xmlns:env="{SOAP_ENV}" '
        'xmlns:ter="http://www.onvif.org/ver10/error" '
        'xmlns:wsrf-rw="http://docs.oasis-open.org/wsrf/rw-2">'
        "<env:Body><env:Fault>"
        "<env:Code><env:Value>env:Sender</env:Value>"
        f"<env:Subcode><env:Value>{subcode}</env:Value></env:Subcode></env:Code>"
        f'<env:Reason><env:Text xml:lang="en">{escape(reason)}</env:Text></env:Reason>'
        "</env:Fault></env:Body></env:Envelope>"
    )


def envelope(body: str, namespaces: dict[str, str]) -> str:
    """A SOAP 1.2 envelope around `body`, declaring `namespaces`."""
    declared = " ".join(f'xmlns:{prefix}="{uri}"' for prefix, uri in namespaces.items())
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<env:Envelope xmlns:env="{SOAP_ENV}" {declared}>'
        f"<env:Body>{body}</env:Body></env:Envelope>"
    )


def child_text(element: Element, name: str) -> str | None:
    """The text of the first descendant whose local name is `name`."""
    for node in element.iter():
        if local_name(node.tag) == name:
            return (node.text or "").strip()
    return None


def _username_token(envelope: Element) -> UsernameToken | None:
    token = envelope.find(f".//{{{WSSE}}}UsernameToken")
    if token is None:
        return None
    username = token.findtext(f"{{{WSSE}}}Username", "")
    password = token.findtext(f"{{{WSSE}}}Password", "")
    nonce = token.findtext(f"{{{WSSE}}}Nonce", "")
    created = token.findtext(f"{{{WSU}}}Created", "")
    try:
        nonce_bytes = base64.b64decode(nonce)
    except ValueError:
        nonce_bytes = b""
    return UsernameToken(
        username.strip(), password.strip(), nonce_bytes, created.strip()
    )


def local_name(tag: str) -> str:
    """An element tag without its namespace."""
    return tag.rsplit("}", 1)[-1]


def escape(text: str) -> str:
    """Text made safe to place inside an XML element."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
