"""How the desk reads typed dates, money and configuration."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from pms.kernel.config import load_settings
from pms.kernel.dates import parse_date
from pms.kernel.errors import ConfigError, InvalidInput
from pms.kernel.money import format_money, to_minor

THU = dt.date(2026, 12, 3)


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("2026-12-04", dt.date(2026, 12, 4)),
        ("4.12", dt.date(2026, 12, 4)),
        ("2.12", dt.date(2027, 12, 2)),  # already past this year: next year's
        ("4.1.27", dt.date(2027, 1, 4)),
        ("+3", dt.date(2026, 12, 6)),
        ("fri", dt.date(2026, 12, 4)),
        ("thu", THU),
        ("Monday", dt.date(2026, 12, 7)),
        ("today", THU),
    ],
)
def test_dates_as_a_clerk_types_them(typed: str, meant: dt.date) -> None:
    assert parse_date(typed, THU) == meant


@pytest.mark.parametrize("typed", ["2026-02-30", "31.4", "someday", "12/04/2026", ""])
def test_a_date_that_is_not_one_says_so_and_names_the_field(typed: str) -> None:
    with pytest.raises(InvalidInput) as error:
        parse_date(typed, THU, field="arrival")
    assert error.value.field == "arrival"
    assert "arrival" in str(error.value)


def test_money_is_read_exactly_in_the_minor_unit() -> None:
    assert to_minor("89.50", "EUR") == 8950
    assert to_minor("1200", "JPY") == 1200
    for typed in ("89.505", "12.5", "1e309", "9" * 400, "10000000000000"):
        with pytest.raises(InvalidInput):
            to_minor(typed, "JPY" if typed == "12.5" else "EUR")
    assert format_money(123450, "EUR") == "€1,234.50"
    with pytest.raises(InvalidInput):
        to_minor("twelve", "EUR")


def test_environment_overrides_files_and_the_option_overrides_both(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    override = tmp_path / "desk.toml"
    override.write_text(
        '[database]\nurl = "sqlite:///from-file.sqlite3"\n[rules]\nmax_stay_nights = 14\n'
    )
    monkeypatch.setenv("PMS_CONFIG", str(override))
    assert load_settings().database_url == "sqlite:///from-file.sqlite3"
    assert load_settings().rules.max_stay_nights == 14
    monkeypatch.setenv("PMS_DATABASE_URL", "sqlite:///from-env.sqlite3")
    assert load_settings().database_url == "sqlite:///from-env.sqlite3"
    assert load_settings("sqlite:///from-option.sqlite3").database_url == (
        "sqlite:///from-option.sqlite3"
    )


def test_the_default_database_is_a_file_in_the_users_data_directory() -> None:
    url = load_settings().database_url
    assert url.startswith("sqlite:///") and url.endswith("hotel-pms/pms.sqlite3")


@pytest.mark.parametrize(
    ("content", "key"),
    [
        ("[rules]\nmax_stay_nights = 'long'\n", "rules.max_stay_nights"),
        ("[rules]\nmax_stay_nights = 0\n", "rules.max_stay_nights"),
        ("[rulez]\nx = 1\n", "rulez"),
        ("[rules]\nmax_stays = 14\n", "rules.max_stays"),
        ("[audit]\nmin_hours = 'soon'\n", "audit.min_hours"),
        ("[rules\n", "not valid TOML"),
    ],
)
def test_bad_config_names_the_key_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: str, key: str
) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(content)
    monkeypatch.setenv("PMS_CONFIG", str(bad))
    with pytest.raises(ConfigError, match=key) as error:
        load_settings()
    assert "\n" not in str(error.value)
