"""HubSpot's settings, read from ``HUBSPOT_*`` variables (and a `.env` file if present)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from kam_bot.config import SettingsError

DEFAULT_API_URL = "https://api.hubapi.com"


class HubSpotSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="HUBSPOT_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    access_token: str | None = Field(
        default=None, repr=False, description="A private app's access token (pat-...)."
    )
    api_url: str = Field(default=DEFAULT_API_URL, description="API base URL (tests and proxies).")
    id_property: str = Field(
        default="kam_bot_id",
        description="Custom text property on meetings, tasks and notes that holds kam-bot's id, "
        "used where the portal has it (with unique values: every write is an upsert by it).",
    )
    daily_api_limit: int | None = Field(default=None, description="The portal's daily API allowance.")


def check_settings(settings: HubSpotSettings) -> None:
    """Refuse to start on missing HubSpot settings, naming the variable."""
    if not (settings.access_token or "").strip():
        raise SettingsError(
            "HUBSPOT_ACCESS_TOKEN is not set: a private app's access token "
            "(HubSpot: Settings > Integrations > Private apps)"
        )
    if not settings.api_url.startswith(("https://", "http://")):
        raise SettingsError(f"HUBSPOT_API_URL is not a URL: write {DEFAULT_API_URL} (or leave it unset)")
