"""Slack's settings, read from ``SLACK_*`` variables (and a `.env` file if present)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from kam_bot.config import SettingsError


class SlackSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="SLACK_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    # secrets stay out of repr(), so out of logs and tracebacks that print the settings
    bot_token: str | None = Field(default=None, repr=False, description="xoxb- token of the Slack app.")
    signing_secret: str | None = Field(
        default=None, repr=False, description="Signing secret of the Slack app."
    )
    app_token: str | None = Field(
        default=None, repr=False, description="xapp- token: use Socket Mode instead of HTTP."
    )
    api_url: str = Field(default="https://slack.com/api/", description="Base URL of the Slack Web API.")
    form_process: bool = Field(
        default=True,
        description="Build /visit and settings forms in a lower-priority side process per serving process, "
        "so a burst of forms does not delay the acknowledgements (false: in threads of the serving process).",
    )


def check_settings(settings: SlackSettings) -> None:
    """Refuse to start on missing or malformed Slack settings, naming the variable."""
    token = settings.bot_token
    if not token:
        raise SettingsError("SLACK_BOT_TOKEN is not set: the app's Bot User OAuth Token (xoxb-…)")
    if not token.startswith("xoxb-"):
        raise SettingsError("SLACK_BOT_TOKEN must be a bot token starting with xoxb-")
    app_token = settings.app_token
    if app_token and not app_token.startswith("xapp-"):
        raise SettingsError("SLACK_APP_TOKEN must be an app-level token starting with xapp- (Socket Mode)")
    if not app_token and not settings.signing_secret:
        raise SettingsError(
            "SLACK_SIGNING_SECRET is not set: needed to verify requests over HTTP "
            "(or set SLACK_APP_TOKEN to use Socket Mode)"
        )
