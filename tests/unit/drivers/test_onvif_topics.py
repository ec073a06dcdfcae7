"""Topic normalisation, on the topics real cameras sent."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from drivers.onvif.topics import normalize_topic

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "onvif"
AXIS = {
    "tns1": "http://www.onvif.org/ver10/topics",
    "tnsaxis": "http://www.axis.com/2009/event/topics",
}


@pytest.mark.parametrize(
    ("raw", "namespaces", "canonical"),
    [
        (
            "tns1:RuleEngine/CellMotionDetector/Motion",
            AXIS,
            "RuleEngine/CellMotionDetector/Motion",
        ),
        (
            "ns0:RuleEngine/CellMotionDetector/Motion",
            {"ns0": "http://www.onvif.org/ver10/topics"},
            "RuleEngine/CellMotionDetector/Motion",
        ),
        (
            "tns1:RuleEngine/tnsaxis:VMD3/vmd3_video_1",
            AXIS,
            "RuleEngine/axis:VMD3/vmd3_video_1",
        ),
        (
            "ns2:VideoSource/MotionAlarm",
            {"ns2": "http://www.axis.com/2009/event/topics"},
            "axis:VideoSource/MotionAlarm",
        ),
        (
            " tns1:RuleEngine/CellMotionDetector/Motion//. ",
            AXIS,
            "RuleEngine/CellMotionDetector/Motion",
        ),
        ("tns1:VideoSource/MotionAlarm\n", {}, "VideoSource/MotionAlarm"),
        ("tnsajax:MotionDetector/Detection", {}, "ajax:MotionDetector/Detection"),
        ("Vendor/Unknown/Thing", {}, "Vendor/Unknown/Thing"),
    ],
)
def test_topics_are_read_by_namespace(raw, namespaces, canonical):
    assert normalize_topic(raw, namespaces) == canonical


def captured_topics() -> list[str]:
    topics = []
    for path in FIXTURES.rglob("*.xml"):
        topics += re.findall(r"<[\w]*:?Topic[^>]*>([^<]+)</", path.read_text("utf-8"))
    shared = Path(
        "/work/shared/fixtures/onvif/events-json/onvif_parsers_2.5.0_event_messages.json"
    )
    if shared.exists():
        topics += [m["topic"] for m in json.loads(shared.read_text())["messages"]]
    return topics


def test_every_captured_topic_normalises_to_a_clean_path():
    topics = captured_topics()

    assert len(topics) >= 20
    for raw in topics:
        canonical = normalize_topic(raw)
        assert (
            canonical and not canonical.startswith("/") and not canonical.endswith("/")
        ), raw
        assert " " not in canonical and "//" not in canonical, raw
        assert not canonical.startswith(("tns1:", "tt:")), raw
