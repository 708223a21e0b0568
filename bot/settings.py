"""Settings, read once from the environment or a .env file (prefix HJALPSAM_)."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

_TOKEN_RE = re.compile(r"^\d{5,16}:[A-Za-z0-9_-]{30,}$")


def _default_data_dir() -> Path:
    """$XDG_DATA_HOME/hjalpsam, or ~/.local/share/hjalpsam."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "hjalpsam"


class Settings(BaseSettings):
    """Everything the bot can be configured with."""

    model_config = SettingsConfigDict(
        env_prefix="HJALPSAM_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    telegram_token: SecretStr = SecretStr("")
    telegram_api_url: str = "https://api.telegram.org/bot"
    telegram_file_url: str | None = None
    database_url: str = "sqlite+aiosqlite:///./hjalpsam.db"
    default_locale: str = "sv"
    timezone: str = "Europe/Stockholm"
    coordinator_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    conversation_timeout_minutes: float = 30
    # Webhook mode when set (the public https URL that reaches this process, e.g. through
    # nginx); the secret token is generated at start when not given. The web server also
    # serves /healthz and /metrics; in polling mode only when http_port is set.
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    http_host: str = "127.0.0.1"
    http_port: int = 0
    # Messages per second for all outgoing traffic (Telegram allows about 30); 0 turns the
    # limiter off, which only tests and benchmarks should do.
    outgoing_rate: float = 29
    # Meeting-place reminders: the evening before at this local time, and this many hours
    # before the start. The dispatcher looks for due reminders every few seconds.
    reminder_evening_at: str = "18:00"
    reminder_hours_before: float = 2
    reminder_poll_seconds: float = 15
    # Broadcasts: messages/s in total (Telegram allows about 30; never above 30).
    broadcast_rate: float = 29
    # Unclaimed requests: coordinators are alerted this many hours before the time, or this
    # many hours after a request without a time was made. It expires at its time (or after
    # request_expiry_days without one), and the resident is told what happens then.
    escalation_hours_before: float = 4
    escalation_after_hours: float = 24
    request_expiry_days: int = 7
    # The municipality's phone number, given to residents when nobody could help.
    municipality_phone: str = ""
    # Flood control per person: more than this many updates in this many seconds gets one
    # calm message, then the person is ignored for the quiet time.
    flood_messages: int = 30
    flood_seconds: float = 10
    flood_quiet_seconds: float = 60
    # Personal details of requests closed longer ago than this are removed every night; the
    # anonymous counts for reports stay.
    retention_days: int = 90
    details_max_chars: int = 1000
    name_max_chars: int = 60
    address_max_chars: int = 200
    # Voice (the optional "voice" extra). Files the bot keeps, e.g. the joined speech model.
    data_dir: Path = Field(default_factory=_default_data_dir)
    # Any CTranslate2 Whisper folder (e.g. KBLab kb-whisper-small) instead of Whisper base.
    stt_model_dir: Path | None = None
    stt_cpu_threads: int = 2
    # Voice notes waiting or being transcribed at once; one more is turned away as busy.
    stt_queue: int = 3
    stt_max_seconds: int = 120
    # Load the speech model at start instead of on the first voice note.
    stt_preload: bool = False
    # A Piper voice (.onnx) for reading texts aloud.
    tts_piper_voice: Path | None = None

    @field_validator("coordinator_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        """Accept "1,2,3" as well as a JSON list."""
        if isinstance(value, int):
            return [value]
        if isinstance(value, str) and not value.strip().startswith("["):
            return [int(part) for part in re.split(r"[,\s]+", value.strip()) if part]
        return value

    @field_validator("broadcast_rate")
    @classmethod
    def _at_most_30(cls, value: float) -> float:
        if not 0 < value <= 30:
            raise ValueError("broadcast_rate must be above 0 and at most 30 (Telegram's limit)")
        return value

    @field_validator("reminder_evening_at")
    @classmethod
    def _clock(cls, value: str) -> str:
        hours, _, minutes = value.strip().replace(".", ":").partition(":")
        if not (hours.isdigit() and minutes.isdigit() and int(hours) < 24 and int(minutes) < 60):
            raise ValueError("reminder_evening_at must look like 18:00")
        return f"{int(hours):02d}:{int(minutes):02d}"

    @field_validator("default_locale")
    @classmethod
    def _known_locale(cls, value: str) -> str:
        if value not in ("sv", "en"):
            raise ValueError("default_locale must be 'sv' or 'en'")
        return value

    def token_problem(self) -> str | None:
        """Say what is wrong with the bot token, or None when it looks right."""
        token = self.telegram_token.get_secret_value().strip()
        if not token:
            return "missing"
        if not _TOKEN_RE.match(token):
            return "malformed"
        return None
