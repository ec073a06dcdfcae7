"""Event topics in one canonical spelling, whatever prefixes a camera chose.

Cameras write topics as `prefix:Name/prefix:Name/...`, with prefixes bound to
namespaces in the message, and they pick their own prefixes: `tns1`, `tt`, `ns0`
for ONVIF's topic namespace, `tnsaxis` or `ns2` for a vendor's. A topic is read by
its namespaces, not its letters: ONVIF's own segments lose their prefix
(`RuleEngine/CellMotionDetector/Motion`), a vendor's keep the vendor's name
(`RuleEngine/axis:VMD3/vmd3_video_1`). Whitespace and the stray `/.` or `//`
some firmware appends are dropped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

ONVIF_TOPICS = "http://www.onvif.org/ver10/topics"
# Prefixes that stand for ONVIF's namespace when a camera forgets to declare them.
_ONVIF_PREFIXES = frozenset({"tns1", "tt", "tev"})
_WHITESPACE = re.compile(r"\s+")


def normalize_topic(raw: str, namespaces: Mapping[str, str] | None = None) -> str:
    """The canonical name of a topic; `namespaces` maps the message's prefixes."""
    namespaces = namespaces or {}
    text = _WHITESPACE.sub("", raw)
    segments = [
        _segment(segment, namespaces)
        for segment in text.split("/")
        if segment not in ("", ".")
    ]
    return "/".join(segments)


def _segment(segment: str, namespaces: Mapping[str, str]) -> str:
    prefix, colon, name = segment.rpartition(":")
    if not colon:
        return segment
    uri = namespaces.get(prefix)
    if uri is None:
        # Undeclared: some firmware never declares its prefixes. ONVIF's usual
        # ones are ONVIF's; a vendor's `tnsacme` is taken as `acme`.
        if prefix in _ONVIF_PREFIXES:
            return name
        return f"{prefix.removeprefix('tns') or prefix}:{name}"
    if uri.rstrip("/") == ONVIF_TOPICS:
        return name
    return f"{_vendor(uri, prefix)}:{name}"


def _vendor(uri: str, prefix: str) -> str:
    host = urlsplit(uri).hostname or ""
    labels = [label for label in host.split(".") if label and label != "www"]
    if len(labels) >= 2:
        return labels[-2].lower()
    return prefix.removeprefix("tns") or prefix


TOPIC_ATTRIBUTE = "{http://docs.oasis-open.org/wsn/t-1}topic"
# Children in ONVIF's schema namespace describe a topic's messages; they are no
# topics themselves.
_SCHEMA = "{http://www.onvif.org/ver10/schema}"


def topics_in_set(elements: Iterable[Any]) -> list[str]:
    """The canonical names of the topics a GetEventProperties TopicSet lists."""
    found: list[str] = []
    for element in elements:
        _walk(element, [], found)
    return found


def _walk(element: Any, path: list[str], found: list[str]) -> None:
    tag = getattr(element, "tag", None)
    if not isinstance(tag, str) or tag.startswith(_SCHEMA):
        return
    namespace, _, name = (
        tag[1:].partition("}") if tag.startswith("{") else ("", "", tag)
    )
    if not namespace or namespace.rstrip("/") == ONVIF_TOPICS:
        segment = name
    else:
        segment = f"{_vendor(namespace, '')}:{name}"
    here = [*path, segment]
    if str(element.get(TOPIC_ATTRIBUTE, "")).lower() == "true":
        found.append("/".join(here))
    for child in element:
        _walk(child, here, found)
