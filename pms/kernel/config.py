"""Configuration: defaults from config.toml, overridden by a user file, PMS_CONFIG and env vars.

Secrets (database passwords inside the URL, payment keys) come from the environment, never from
the files kept in the repository.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

import platformdirs
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from pms.kernel.errors import ConfigError

APP_NAME = "hotel-pms"
DEFAULTS_FILE = Path(__file__).resolve().parents[2] / "config.toml"


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DatabaseSettings(_Section):
    """Where the data lives."""

    url: str = ""


class RuleSettings(_Section):
    """Business rules a hotel may tune."""

    max_stay_nights: int = Field(default=60, ge=1, le=366)
    max_advance_days: int = Field(default=730, ge=1, le=3650)
    default_user: str = "admin"
    #: Hours a `pms login` session lasts (a shift, with some slack).
    session_hours: int = Field(default=12, ge=1, le=24 * 7)
    #: Minutes without a key press after which the front desk locks; 0 never locks.
    idle_lock_minutes: int = Field(default=10, ge=0, le=24 * 60)


class PaymentSettings(_Section):
    """Where card payments go (the key itself comes from STRIPE_API_KEY)."""

    stripe_api_base: str = ""


class DemoSettings(_Section):
    """Size of the demo hotel made on first run."""

    rooms: int = Field(default=120, ge=10, le=2000)
    seed: int = 7
    history_days: int = Field(default=60, ge=1, le=366)


class AuditSettings(_Section):
    """The night audit: a run this soon after the last one asks first (a second close by
    mistake)."""

    min_hours: float = Field(default=20, ge=0, le=48)


class Settings(_Section):
    """Everything a desk needs to start."""

    database: DatabaseSettings = DatabaseSettings()
    rules: RuleSettings = RuleSettings()
    payments: PaymentSettings = PaymentSettings()
    demo: DemoSettings = DemoSettings()
    audit: AuditSettings = AuditSettings()

    @property
    def database_url(self) -> str:
        """The URL to use: the configured one, else an SQLite file in the user's data dir."""
        if self.database.url:
            return self.database.url
        data_dir = Path(platformdirs.user_data_dir(APP_NAME))
        data_dir.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{data_dir / 'pms.sqlite3'}"


def user_config_file() -> Path:
    """The per-user override file (it need not exist)."""
    return Path(platformdirs.user_config_dir(APP_NAME)) / "config.toml"


def _read(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError as exc:
        raise ConfigError(f"config file {path} does not exist") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}") from exc


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def load_settings(database_url: str | None = None) -> Settings:
    """Layer the sources in order; the first bad key stops with one line that names it.

    Args:
        database_url: the CLI's --db option, which wins over every other source.
    """
    layers: list[tuple[Path, dict[str, Any]]] = [(DEFAULTS_FILE, _read(DEFAULTS_FILE))]
    user_file = user_config_file()
    if user_file.exists():
        layers.append((user_file, _read(user_file)))
    if env_file := os.environ.get("PMS_CONFIG"):
        layers.append((Path(env_file), _read(Path(env_file))))
    data: dict[str, Any] = {}
    for path, layer in layers:
        data = _merge(data, layer)
        _validate(data, path)
    url = database_url or os.environ.get("PMS_DATABASE_URL")
    if url:
        data = _merge(data, {"database": {"url": url}})
    return _validate(data, None)


def _validate(data: dict[str, Any], path: Path | None) -> Settings:
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        key = ".".join(str(part) for part in error["loc"])
        where = f" in {path}" if path else ""
        raise ConfigError(f"config key {key}{where}: {error['msg']}") from exc
