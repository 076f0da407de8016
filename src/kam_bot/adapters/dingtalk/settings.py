"""DingTalk's settings, read from ``DINGTALK_*`` variables (and a `.env` file if present): an
internal enterprise app with the robot capability (see README "Running it in DingTalk")."""

from __future__ import annotations

from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from kam_bot.config import SettingsError

OPEN_PLATFORM = "https://api.dingtalk.com"
LEGACY_OPEN_PLATFORM = "https://oapi.dingtalk.com"
"""The older API host: media upload and the contacts look-up (``topapi``) live only there."""


class DingTalkSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="DINGTALK_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    client_id: str | None = Field(default=None, description="The app's Client ID (AppKey).")
    client_secret: str | None = Field(
        default=None,
        repr=False,
        description="The app's Client Secret (AppSecret); also signs HTTP callbacks.",
    )
    robot_code: str | None = Field(
        default=None,
        description="The robot's RobotCode (for an internal app usually equal to the Client ID).",
    )
    mode: Literal["stream", "http"] = Field(
        default="stream",
        description="stream: the SDK's Stream connection (no public URL); "
        "http: callbacks at POST /dingtalk/events.",
    )
    api_url: str = Field(
        default=OPEN_PLATFORM,
        description="The open platform's base URL (tests point it at a local fake, which then also "
        "serves the older oapi host's paths).",
    )

    @property
    def robot(self) -> str:
        return self.robot_code or self.client_id or ""

    @property
    def base(self) -> str:
        return self.api_url.rstrip("/")

    @property
    def legacy_base(self) -> str:
        """``oapi.dingtalk.com`` beside the real open platform; the same host as ``api_url`` otherwise."""
        return LEGACY_OPEN_PLATFORM if self.base == OPEN_PLATFORM else self.base


def check_settings(settings: DingTalkSettings) -> None:
    """Refuse to start on incomplete DingTalk settings, naming the variable."""
    if not settings.client_id:
        raise SettingsError("DINGTALK_CLIENT_ID is not set: the app's Client ID (AppKey)")
    if not settings.client_secret:
        raise SettingsError("DINGTALK_CLIENT_SECRET is not set: the app's Client Secret (AppSecret)")
    if not settings.base.startswith(("https://", "http://")):
        raise SettingsError(
            "DINGTALK_API_URL must start with https:// (for example https://api.dingtalk.com)"
        )
