"""Configuration: defaults from config.toml, overridden by a user file, PMS_CONFIG and env vars.

Secrets (database passwords inside the URL, payment keys) come from the environment, never from
the files kept in the repository.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import platformdirs

from pms.kernel.errors import ConfigError

APP_NAME = "hotel-pms"
DEFAULTS_FILE = Path(__file__).resolve().parents[2] / "config.toml"


def _bounded(default: float, low: float, high: float | None = None) -> Any:
    """A number setting with the range a value of it must fall in."""
    return field(default=default, metadata={"low": low, "high": high})


@dataclass(frozen=True)
class DatabaseSettings:
    """Where the data lives."""

    url: str = ""


@dataclass(frozen=True)
class RuleSettings:
    """Business rules a hotel may tune."""

    max_stay_nights: int = _bounded(60, 1, 366)
    max_advance_days: int = _bounded(730, 1, 3650)
    default_user: str = "admin"
    #: Hours a `pms login` session lasts (a shift, with some slack).
    session_hours: int = _bounded(12, 1, 24 * 7)
    #: Minutes without a key press after which the front desk locks; 0 never locks.
    idle_lock_minutes: int = _bounded(10, 0, 24 * 60)


@dataclass(frozen=True)
class PaymentSettings:
    """Where card payments go (the key itself comes from STRIPE_API_KEY)."""

    stripe_api_base: str = ""


@dataclass(frozen=True)
class DemoSettings:
    """Size of the demo hotel made on first run."""

    rooms: int = _bounded(120, 10, 2000)
    seed: int = 7
    history_days: int = _bounded(60, 1, 366)


@dataclass(frozen=True)
class AuditSettings:
    """The night audit: a run this soon after the last one asks first (a second close by
    mistake)."""

    min_hours: float = _bounded(20, 0, 48)


@dataclass(frozen=True)
class Settings:
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


#: The sections of the files, by the name of their table.
_SECTIONS: dict[str, type[Any]] = {
    "database": DatabaseSettings,
    "rules": RuleSettings,
    "payments": PaymentSettings,
    "demo": DemoSettings,
    "audit": AuditSettings,
}

#: A number written as text, which a setting takes as the number (as TOML's `"12"`).
_NUMBER_TEXT = {
    "int": re.compile(r"\s*[+-]?[0-9]+\s*"),
    "float": re.compile(r"\s*[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)\s*"),
}


class _BadKey(Exception):
    """A value that cannot be the setting: the key it is at and why, for the one line."""

    def __init__(self, key: str, reason: str) -> None:
        super().__init__(key, reason)
        self.key, self.reason = key, reason


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
    """The settings the merged layers say; the first key that cannot be read stops it.

    Plain dataclasses checked here rather than a validation library: every command reads
    the configuration, and importing one cost a read command a tenth of its start.
    """
    try:
        return Settings(**{name: _section(name, value) for name, value in data.items()})
    except _BadKey as bad:
        where = f" in {path}" if path else ""
        raise ConfigError(f"config key {bad.key}{where}: {bad.reason}") from None


def _section(name: str, values: Any) -> Any:
    kind = _SECTIONS.get(name)
    if kind is None:
        raise _BadKey(name, "Extra inputs are not permitted")
    if not isinstance(values, dict):
        raise _BadKey(name, f"Input should be a table of {name} settings")
    known = {setting.name: setting for setting in fields(kind)}
    read: dict[str, Any] = {}
    for key, value in values.items():
        if key not in known:
            raise _BadKey(f"{name}.{key}", "Extra inputs are not permitted")
        read[key] = _value(f"{name}.{key}", known[key], value)
    return kind(**read)


def _value(key: str, setting: Any, value: Any) -> Any:
    """One setting's value, of its type and inside its range."""
    kind = setting.type  # the annotation's name: `from __future__ import annotations`
    if kind == "str":
        if not isinstance(value, str):
            raise _BadKey(key, "Input should be a valid string")
        return value
    if isinstance(value, str) and _NUMBER_TEXT[kind].fullmatch(value):
        value = int(value) if kind == "int" else float(value)
    wanted = (int,) if kind == "int" else (int, float)
    if isinstance(value, bool) or not isinstance(value, wanted):
        raise _BadKey(key, f"Input should be a valid {'integer' if kind == 'int' else 'number'}")
    low, high = setting.metadata.get("low"), setting.metadata.get("high")
    if low is not None and value < low:
        raise _BadKey(key, f"Input should be greater than or equal to {low}")
    if high is not None and value > high:
        raise _BadKey(key, f"Input should be less than or equal to {high}")
    return float(value) if kind == "float" else value
