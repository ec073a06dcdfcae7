"""Settings: embedded defaults, the TOML file, environment overrides, and their errors."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from edge_gateway.settings import ConfigError, Settings, load_settings

REPO = Path(__file__).resolve().parents[2]
SHIPPED_CONFIG = REPO / "config" / "gateway.toml"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No EDGE_GATEWAY_ variable of the machine leaks into these tests."""
    import os

    for name in list(os.environ):
        if name.startswith("EDGE_GATEWAY_"):
            monkeypatch.delenv(name)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "gateway.toml"
    path.write_text(text)
    return path


def leaves(model: BaseModel, prefix: str = "") -> dict[str, Any]:
    """Every setting's key path and value, sections flattened."""
    found: dict[str, Any] = {}
    for name in type(model).model_fields:
        value = getattr(model, name)
        if isinstance(value, BaseModel):
            found |= leaves(value, f"{prefix}{name}.")
        else:
            found[f"{prefix}{name}"] = value
    return found


def test_shipped_config_documents_every_setting_with_its_default():
    with SHIPPED_CONFIG.open("rb") as file:
        raw = tomllib.load(file)

    from_file = load_settings(SHIPPED_CONFIG)

    assert leaves(from_file) == leaves(Settings())
    defaults = leaves(Settings())
    for key_path in defaults:
        section, _, key = key_path.rpartition(".")
        table = raw[section] if section else raw
        assert key in table, f"{key_path} is not in {SHIPPED_CONFIG.name}"


def test_embedded_defaults_run_one_simulated_camera_in_var():
    settings = load_settings()

    assert settings.state_dir == Path("var")
    assert settings.server.host == "127.0.0.1" and settings.server.port == 8080
    assert [(c.name, c.driver) for c in settings.cameras] == [
        ("Simulated camera", "simulated")
    ]


def test_environment_overrides_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    config = write(
        tmp_path, '[server]\nport = 9000\nhost = "127.0.0.2"\n[log]\nformat = "json"\n'
    )
    monkeypatch.setenv("EDGE_GATEWAY_SERVER__PORT", "9100")
    monkeypatch.setenv("EDGE_GATEWAY_STATE_DIR", str(tmp_path / "state"))

    settings = load_settings(config)

    assert settings.server.port == 9100
    assert settings.server.host == "127.0.0.2"
    assert settings.log.format == "json"
    assert settings.state_dir == tmp_path / "state"


def test_every_invalid_value_is_reported_with_its_key_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    config = write(
        tmp_path,
        '[server]\nport = 70000\nprot = 1\n[log]\nformat = "xml"\n'
        "[graphql]\nmax_depth = 0\n",
    )
    monkeypatch.setenv("EDGE_GATEWAY_SUPERVISION__HEALTH_INTERVAL_S", "-1")

    with pytest.raises(ConfigError) as raised:
        load_settings(config)

    problems = raised.value.problems
    assert len(problems) == 5
    assert any(p.startswith("server.port: ") and "70000" in p for p in problems)
    assert "server.prot: unknown setting" in problems
    assert any(p.startswith("log.format: ") for p in problems)
    assert any(p.startswith("graphql.max_depth: ") for p in problems)
    assert any(p.startswith("supervision.health_interval_s: ") for p in problems)


def test_a_file_that_is_not_toml_is_reported(tmp_path: Path):
    config = write(tmp_path, "[server\nport = 1\n")

    with pytest.raises(ConfigError) as raised:
        load_settings(config)

    assert "not valid TOML" in raised.value.problems[0]


def test_a_missing_file_is_reported(tmp_path: Path):
    with pytest.raises(ConfigError) as raised:
        load_settings(tmp_path / "absent.toml")

    assert raised.value.problems == [f"{tmp_path / 'absent.toml'}: no such file"]
