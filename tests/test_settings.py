"""Settings: the types say what is allowed, and a bad value is one line naming the setting."""

from __future__ import annotations

import os
from datetime import time

import pytest
from pydantic import ValidationError

from bot.cli import main
from bot.settings import Settings


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch, tmp_path):
    """No HJALPSAM_ variable nor .env file from outside."""
    for name in [n for n in os.environ if n.startswith("HJALPSAM_")]:
        monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


def _from_env(monkeypatch, **values: str) -> Settings:
    for name, value in values.items():
        monkeypatch.setenv(f"HJALPSAM_{name.upper()}", value)
    return Settings(_env_file=None)


def test_the_defaults_are_what_readme_says():
    settings = Settings(_env_file=None)
    assert settings.reminder_evening_at == time(18, 0)
    assert settings.default_locale == "sv" and settings.timezone == "Europe/Stockholm"
    assert (settings.broadcast_rate, settings.outgoing_rate, settings.http_port) == (29, 29, 0)
    assert settings.coordinator_ids == []


@pytest.mark.parametrize(
    ("given", "expected"),
    [("18:00", time(18, 0)), ("18.30", time(18, 30)), ("6:05", time(6, 5)), (" 07.00 ", time(7))],
)
def test_the_evening_reminder_reads_a_clock_time(monkeypatch, given, expected):
    assert _from_env(monkeypatch, reminder_evening_at=given).reminder_evening_at == expected


@pytest.mark.parametrize("given", ["1,2,3", "1 2, 3", "[1, 2, 3]"])
def test_coordinator_ids_are_a_list_in_any_usual_spelling(monkeypatch, given):
    assert _from_env(monkeypatch, coordinator_ids=given).coordinator_ids == [1, 2, 3]


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("reminder_evening_at", "25:00"),
        ("reminder_evening_at", "evening"),
        ("broadcast_rate", "31"),
        ("broadcast_rate", "0"),
        ("outgoing_rate", "-1"),
        ("default_locale", "de"),
        ("timezone", "Mars/Olympus"),
        ("coordinator_ids", "12,abc"),
        ("http_port", "70000"),
        ("stt_queue", "0"),
        ("retention_days", "-5"),
        ("flood_seconds", "0"),
    ],
)
def test_a_bad_value_is_refused_by_its_type(monkeypatch, name, value):
    with pytest.raises(ValidationError) as refused:
        _from_env(monkeypatch, **{name: value})
    assert refused.value.errors()[0]["loc"][0] == name


@pytest.mark.parametrize(
    ("variable", "value", "line"),
    [
        (
            "HJALPSAM_BROADCAST_RATE",
            "31",
            "hjalpsam: setting HJALPSAM_BROADCAST_RATE: Input should be less than or equal to 30",
        ),
        (
            "HJALPSAM_DEFAULT_LOCALE",
            "de",
            "hjalpsam: setting HJALPSAM_DEFAULT_LOCALE: Input should be 'sv' or 'en'",
        ),
        (
            "HJALPSAM_COORDINATOR_IDS",
            "12,abc",
            "hjalpsam: setting HJALPSAM_COORDINATOR_IDS: Input should be a valid integer, "
            "unable to parse string as an integer",
        ),
    ],
)
def test_the_command_line_names_the_bad_setting_in_one_line(
    monkeypatch, capsys, variable, value, line
):
    monkeypatch.setenv(variable, value)
    assert main(["db", "upgrade"]) == 2
    assert capsys.readouterr().err == line + "\n"


def test_the_line_never_shows_the_value(monkeypatch, capsys):
    """A value may be a secret pasted into the wrong variable."""
    monkeypatch.setenv("HJALPSAM_HTTP_PORT", "123456789:AAHsecretSECRETsecret")
    assert main(["db", "upgrade"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("hjalpsam: setting HJALPSAM_HTTP_PORT: ")
    assert "secret" not in err
