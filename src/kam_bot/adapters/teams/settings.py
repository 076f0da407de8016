"""Microsoft Teams' settings, read from ``TEAMS_*`` variables (and a `.env` file if present): an
Azure Bot registration (see README "Running it in Teams")."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from kam_bot.config import SettingsError


class TeamsSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="TEAMS_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    client_id: str | None = Field(
        default=None, description="Microsoft App ID of the Azure Bot (the Teams app's bot id)."
    )
    client_secret: str | None = Field(
        default=None, repr=False, description="Client secret of that app registration."
    )
    tenant_id: str | None = Field(
        default=None, description="Tenant id for a single-tenant bot; empty for a multi-tenant one."
    )
    allow_unauthenticated: bool = Field(
        default=False,
        description="DEVELOPMENT ONLY: accept /api/messages without Bot Framework JWT validation "
        "(the local Agents Playground). Logged as a warning at start.",
    )
    service_url: str = Field(
        default="https://smba.trafficmanager.net/teams/",
        description="Bot Connector base URL used when a conversation reference carries none.",
    )


def check_settings(settings: TeamsSettings) -> None:
    """Refuse to start on incomplete Teams settings, naming the variable."""
    if settings.allow_unauthenticated:
        return
    if not settings.client_id:
        raise SettingsError("TEAMS_CLIENT_ID is not set: the Azure Bot's Microsoft App ID")
    if not settings.client_secret:
        raise SettingsError("TEAMS_CLIENT_SECRET is not set: a client secret of the bot's app registration")
