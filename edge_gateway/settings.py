"""Gateway settings: a TOML file, overridden by `EDGE_GATEWAY_*` environment variables.

Every setting has an embedded default, so the gateway runs with no file at all. A key
path such as `server.port` is read from `[server] port = …` in the file and from
`EDGE_GATEWAY_SERVER__PORT` in the environment; the environment wins.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

ENV_PREFIX = "EDGE_GATEWAY_"


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ServerSettings(_Section):
    """Where the HTTP API listens and what it accepts."""

    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=0, le=65535)
    max_body_bytes: int = Field(default=1_048_576, ge=1024)
    cors_origins: list[str] = Field(default_factory=list)


class LogSettings(_Section):
    """How the gateway writes its log lines."""

    format: Literal["plain", "json"] = "plain"
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"


class GraphQLSettings(_Section):
    """Limits that protect the GraphQL endpoint from expensive documents."""

    max_depth: int = Field(default=12, ge=2, le=100)
    max_cost: int = Field(default=20_000, ge=10)
    max_aliases: int = Field(default=30, ge=1)
    max_operations: int = Field(default=10, ge=1)
    max_query_chars: int = Field(default=20_000, ge=100)
    document_cache_size: int = Field(default=512, ge=0)
    introspection: bool = True


class CameraSupervisionSettings(_Section):
    """How the supervisor connects cameras, checks them, and retries."""

    connect_timeout_s: float = Field(default=10.0, gt=0)
    call_timeout_s: float = Field(default=10.0, gt=0)
    health_interval_s: float = Field(default=15.0, gt=0)
    backoff_initial_s: float = Field(default=1.0, gt=0)
    backoff_max_s: float = Field(default=120.0, gt=0)


class AuthSettings(_Section):
    """Tokens, passwords and rate limits."""

    access_token_ttl_s: int = Field(default=900, ge=30, le=86_400)
    refresh_token_ttl_s: int = Field(default=30 * 86_400, ge=300)
    leeway_s: int = Field(default=10, ge=0, le=300)
    issuer: str = Field(default="edge-gateway", min_length=1)
    audience: str = Field(default="edge-gateway", min_length=1)
    password_min_length: int = Field(default=12, ge=8, le=128)
    login_attempts_per_user: str = "5 per 5 minutes"
    login_attempts_per_address: str = "20 per 5 minutes"
    operations_per_identity: str = "1200 per minute"
    reload_interval_s: float = Field(default=2.0, gt=0, le=60)

    @field_validator(
        "login_attempts_per_user",
        "login_attempts_per_address",
        "operations_per_identity",
    )
    @classmethod
    def _is_a_rate(cls, value: str) -> str:
        from limits import parse

        try:
            parse(value)
        except ValueError:
            raise ValueError(
                "must read like '5 per minute' or '100 per 10 seconds'"
            ) from None
        return value


class DiscoverySettings(_Section):
    """Where the gateway looks for cameras.

    The defaults keep every probe on this machine; a site's configuration turns
    multicast on and lists the LAN ranges to probe one host at a time.
    """

    multicast: bool = False
    unicast_targets: list[str] = Field(default_factory=lambda: ["127.0.0.1"])
    probe_timeout_s: float = Field(default=2.0, gt=0, le=60)
    probe_rate_per_s: float = Field(default=200.0, gt=0, le=5000)
    max_targets: int = Field(default=4096, ge=1, le=65536)
    mdns_advertise: bool = True
    mdns_browse: bool = True
    mdns_interfaces: list[str] = Field(default_factory=lambda: ["127.0.0.1"])
    mdns_service_types: list[str] = Field(
        default_factory=lambda: [
            "_onvif._tcp.local.",
            "_rtsp._tcp.local.",
            "_axis-video._tcp.local.",
        ]
    )

    @field_validator("unicast_targets")
    @classmethod
    def _are_hosts_or_ranges(cls, targets: list[str]) -> list[str]:
        import ipaddress

        for target in targets:
            try:
                ipaddress.ip_network(target, strict=False)
            except ValueError:
                raise ValueError(
                    f"{target!r} is not an address or CIDR range"
                ) from None
        return targets

    def hosts(self) -> list[str]:
        """Every host the unicast targets name, in order, without repeats."""
        import ipaddress

        seen: dict[str, None] = {}
        for target in self.unicast_targets:
            network = ipaddress.ip_network(target, strict=False)
            hosts = (
                [network.network_address]
                if network.num_addresses == 1
                else network.hosts()
            )
            for host in hosts:
                seen.setdefault(str(host))
                if len(seen) >= self.max_targets:
                    return list(seen)
        return list(seen)


class CameraSeed(_Section):
    """A camera the configuration provides; added at start unless one has its name."""

    name: str = Field(min_length=1, max_length=200)
    driver: str = Field(min_length=1)
    settings: dict[str, Any] = Field(default_factory=dict)


def _default_cameras() -> list[CameraSeed]:
    return [CameraSeed(name="Simulated camera", driver="simulated")]


class Settings(BaseSettings):
    """All gateway settings."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_nested_delimiter="__",
        extra="forbid",
        validate_default=True,
    )

    state_dir: Path = Path("var")
    server: ServerSettings = Field(default_factory=ServerSettings)
    log: LogSettings = Field(default_factory=LogSettings)
    graphql: GraphQLSettings = Field(default_factory=GraphQLSettings)
    supervision: CameraSupervisionSettings = Field(
        default_factory=CameraSupervisionSettings
    )
    auth: AuthSettings = Field(default_factory=AuthSettings)
    discovery: DiscoverySettings = Field(default_factory=DiscoverySettings)
    cameras: list[CameraSeed] = Field(default_factory=_default_cameras)

    @field_validator("state_dir")
    @classmethod
    def _state_dir_is_not_a_file(cls, value: Path) -> Path:
        if value.exists() and not value.is_dir():
            raise ValueError("exists and is not a directory")
        return value

    @property
    def database_path(self) -> Path:
        """The SQLite database file inside the state directory."""
        return self.state_dir / "gateway.db"

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Keyword arguments carry the TOML file's content (see load_settings), so the
        # environment must come first to override it.
        return (env_settings, init_settings)


class ConfigError(Exception):
    """The configuration is invalid; `problems` lists one line per bad value."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def load_settings(config_file: Path | None = None) -> Settings:
    """Read settings from `config_file` (if given) and the environment.

    Raises `ConfigError` naming each invalid value by its key path.
    """
    values = read_config_file(config_file) if config_file else {}
    try:
        return Settings(**values)
    except ValidationError as err:
        raise ConfigError([_describe(error) for error in err.errors()]) from None


def read_config_file(path: Path) -> dict[str, Any]:
    """The TOML file's content; `ConfigError` if it cannot be read or parsed."""
    try:
        with path.open("rb") as file:
            return tomllib.load(file)
    except FileNotFoundError:
        raise ConfigError([f"{path}: no such file"]) from None
    except OSError as err:
        raise ConfigError([f"{path}: cannot be read ({err.strerror})"]) from None
    except tomllib.TOMLDecodeError as err:
        raise ConfigError([f"{path}: not valid TOML ({err})"]) from None


def _describe(error: Any) -> str:
    key_path = ".".join(str(part) for part in error["loc"]) or "(top level)"
    if error["type"] == "extra_forbidden":
        return f"{key_path}: unknown setting"
    shown = error.get("input")
    if isinstance(shown, dict | list) or shown is None:
        return f"{key_path}: {error['msg']}"
    return f"{key_path}: {error['msg']} (got {shown!r})"
