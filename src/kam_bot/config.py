"""Settings, read once from the environment (and a `.env` file if present)."""

from __future__ import annotations

from decimal import Decimal

from pydantic import Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    database_url: str = Field(
        default="sqlite:///kam_bot.db",
        repr=False,  # may hold a password
        description="SQLAlchemy URL. Default: a kam_bot.db SQLite file in the working directory.",
    )
    price_deviation_threshold: Decimal = Field(
        default=Decimal("0.05"),
        ge=0,
        le=10,
        description="Flag a price further than this fraction from the price list (0.05 = 5 %).",
    )
    escalation_days: int = Field(
        default=3, ge=1, description="Our promises overdue by this many days reach the rep's manager."
    )
    default_timezone: str = Field(default="UTC", description="Time zone for users the platform gives none.")
    default_locale: str = Field(
        default="en", description="Language for users the platform gives none: en or zh-Hans."
    )

    # Slack
    # secrets stay out of repr(), so out of logs and tracebacks that print the settings
    slack_bot_token: str | None = Field(default=None, repr=False, description="xoxb- token of the Slack app.")
    slack_signing_secret: str | None = Field(
        default=None, repr=False, description="Signing secret of the Slack app."
    )
    slack_app_token: str | None = Field(
        default=None, repr=False, description="xapp- token: use Socket Mode instead of HTTP."
    )
    slack_api_url: str = Field(default="https://slack.com/api/", description="Base URL of the Slack Web API.")
    # Microsoft Teams (an Azure Bot registration; see README "Running it in Teams")
    teams_client_id: str | None = Field(
        default=None, description="Microsoft App ID of the Azure Bot (the Teams app's bot id)."
    )
    teams_client_secret: str | None = Field(
        default=None, description="Client secret of that app registration."
    )
    teams_tenant_id: str | None = Field(
        default=None, description="Tenant id for a single-tenant bot; empty for a multi-tenant one."
    )
    teams_allow_unauthenticated: bool = Field(
        default=False,
        description="DEVELOPMENT ONLY: accept /api/messages without Bot Framework JWT validation "
        "(the local Agents Playground). Logged as a warning at start.",
    )
    teams_service_url: str = Field(
        default="https://smba.trafficmanager.net/teams/",
        description="Bot Connector base URL used when a conversation reference carries none.",
    )
    port: int = Field(default=3000, ge=1, le=65535, description="HTTP port of `kam-bot serve`.")

    # The outbox sender inside `kam-bot serve` (the defaults suit Slack; tests run faster)
    outbox_poll_seconds: float = Field(default=5.0, gt=0, description="Seconds between two sender runs.")
    outbox_pace_seconds: float = Field(
        default=0.02,
        ge=0,
        description="Seconds between two sends of one process (0.02: at most 50 a second).",
    )
    outbox_concurrency: int = Field(
        default=8, ge=1, le=64, description="Sends in flight at once per process."
    )
    outbox_batch: int = Field(default=20, ge=1, le=1000, description="Rows one claim takes.")
    outbox_lease_seconds: float = Field(
        default=120.0,
        ge=1,
        description="How long a claim holds a row before another process may take it (renewed per send; "
        "keep it above the Web API timeout).",
    )


class SettingsError(RuntimeError):
    """One clear line naming the variable that is missing or malformed."""


def load_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        variable = str(first["loc"][0]).upper() if first["loc"] else "?"
        raise SettingsError(f"{variable}: {first['msg']}") from None
