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
    port: int = Field(default=3000, ge=1, le=65535, description="HTTP port of `kam-bot serve`.")


class SettingsError(RuntimeError):
    """One clear line naming the variable that is missing or malformed."""


def load_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        variable = str(first["loc"][0]).upper() if first["loc"] else "?"
        raise SettingsError(f"{variable}: {first['msg']}") from None
