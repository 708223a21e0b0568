"""Settings, read once from the environment or a .env file (prefix HJALPSAM_).

Each field's type says what is allowed, so a bad value stops the start with the setting's name
and pydantic's reason (``bot/cli``) instead of failing later inside a job.
"""

from __future__ import annotations

import os
import re
from datetime import time
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    NonNegativeFloat,
    PositiveFloat,
    PositiveInt,
    SecretStr,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

_TOKEN_RE = re.compile(r"^\d{5,16}:[A-Za-z0-9_-]{30,}$")
_CLOCK_RE = re.compile(r"^\s*(\d{1,2})[.:](\d{2})\s*$")


def _default_data_dir() -> Path:
    """$XDG_DATA_HOME/hjalpsam, or ~/.local/share/hjalpsam."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "hjalpsam"


def _split_ids(value: object) -> object:
    """Accept "1,2,3" (or spaces) as well as "[1, 2, 3]"; pydantic checks they are numbers."""
    if isinstance(value, int):
        return [value]
    if isinstance(value, str):
        return [part for part in re.split(r"[\[\],\s]+", value) if part]
    return value


def _colon_clock(value: object) -> object:
    """Read the Swedish "18.00" and "6:30" as "18:00" and "06:30"; pydantic checks the rest."""
    if isinstance(value, str) and (found := _CLOCK_RE.match(value)):
        return f"{int(found[1]):02d}:{found[2]}"
    return value


def _known_zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError("unknown time zone; use a name such as Europe/Stockholm") from None
    return value


CoordinatorIds = Annotated[list[int], NoDecode, BeforeValidator(_split_ids)]
Clock = Annotated[time, BeforeValidator(_colon_clock)]
TimeZoneName = Annotated[str, AfterValidator(_known_zone)]
Port = Annotated[int, Field(ge=0, le=65535)]
# Telegram allows about 30 messages/s per bot; more only earns RetryAfter.
TelegramRate = Annotated[float, Field(gt=0, le=30)]


class Settings(BaseSettings):
    """Everything the bot can be configured with (README's Settings table)."""

    model_config = SettingsConfigDict(
        env_prefix="HJALPSAM_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    # --- Telegram and the database ---
    telegram_token: SecretStr = SecretStr("")
    telegram_api_url: str = "https://api.telegram.org/bot"
    telegram_file_url: str | None = None
    database_url: str = "sqlite+aiosqlite:///./hjalpsam.db"

    # --- People, language and time ---
    default_locale: Literal["sv", "en"] = "sv"
    timezone: TimeZoneName = "Europe/Stockholm"
    coordinator_ids: CoordinatorIds = Field(default_factory=list)
    conversation_timeout_minutes: PositiveFloat = 30
    # The municipality's phone number, given to residents when nobody could help.
    municipality_phone: str = ""
    # The municipality the bot serves (its areas and its own coordinators belong to it).
    municipality_name: str = "Kommunen"
    # Who is responsible for the personal data (the controller, usually a committee of the
    # municipality) and how a person reaches them; both are told in the privacy texts.
    controller_name: str = "Kommunen"
    controller_contact: str = ""

    # --- Web server ---
    # Webhook mode when set (the public https URL that reaches this process, e.g. through
    # nginx); the secret token is generated at start when not given. The web server also
    # serves /healthz and /metrics; in polling mode only when http_port is set.
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    http_host: str = "127.0.0.1"
    http_port: Port = 0

    # --- Outgoing traffic ---
    # Messages per second for all outgoing traffic (Telegram allows about 30); 0 turns the
    # limiter off, which only tests and benchmarks should do.
    outgoing_rate: NonNegativeFloat = 29
    # Broadcasts: messages/s in total.
    broadcast_rate: TelegramRate = 29
    # Flood control per person: more than this many updates in this many seconds gets one
    # calm message, then the person is ignored for the quiet time.
    flood_messages: PositiveInt = 30
    flood_seconds: PositiveFloat = 10
    flood_quiet_seconds: NonNegativeFloat = 60

    # --- Reminders and escalation ---
    # Meeting-place reminders: the evening before at this local time, and this many hours
    # before the start. The dispatcher looks for due reminders every few seconds.
    reminder_evening_at: Clock = time(18, 0)
    reminder_hours_before: NonNegativeFloat = 2
    reminder_poll_seconds: PositiveFloat = 15
    # Unclaimed requests: coordinators are alerted this many hours before the time, or this
    # many hours after a request without a time was made. It expires at its time (or after
    # request_expiry_days without one), and the resident is told what happens then.
    escalation_hours_before: NonNegativeFloat = 4
    escalation_after_hours: PositiveFloat = 24
    request_expiry_days: PositiveInt = 7

    # --- Privacy and input limits ---
    # Personal details of requests closed longer ago than this are removed every night; the
    # anonymous counts for reports stay.
    retention_days: PositiveInt = 90
    # A volunteer's approval holds this long; coordinators are reminded a month before, and
    # a volunteer whose approval lapsed is paused until a coordinator renews it.
    vetting_valid_months: PositiveInt = 12
    details_max_chars: PositiveInt = 1000
    name_max_chars: PositiveInt = 60
    address_max_chars: PositiveInt = 200

    # --- Voice (the optional "voice" extra) ---
    # Files the bot keeps, e.g. the joined speech model.
    data_dir: Path = Field(default_factory=_default_data_dir)
    # Any CTranslate2 Whisper folder (e.g. KBLab kb-whisper-small) instead of Whisper base.
    stt_model_dir: Path | None = None
    stt_cpu_threads: PositiveInt = 2
    # Voice notes waiting or being transcribed at once; one more is turned away as busy.
    stt_queue: PositiveInt = 3
    stt_max_seconds: PositiveInt = 120
    # Load the speech model at start instead of on the first voice note.
    stt_preload: bool = False
    # A Piper voice (.onnx) for reading texts aloud.
    tts_piper_voice: Path | None = None

    def token_problem(self) -> str | None:
        """Say what is wrong with the bot token, or None when it looks right."""
        token = self.telegram_token.get_secret_value().strip()
        if not token:
            return "missing"
        if not _TOKEN_RE.match(token):
            return "malformed"
        return None
