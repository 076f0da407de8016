"""Feishu / Lark settings, read from ``FEISHU_*`` variables (and a `.env` file if present): a
custom app (企业自建应用) with the bot capability (see README "Running it in Feishu / Lark")."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from kam_bot.config import SettingsError

FEISHU_DOMAIN = "https://open.feishu.cn"
LARK_DOMAIN = "https://open.larksuite.com"


class Mode(StrEnum):
    WEBSOCKET = "websocket"
    HTTP = "http"


class FeishuSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="FEISHU_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    app_id: str | None = Field(default=None, description="The app's App ID (cli_…).")
    app_secret: str | None = Field(default=None, repr=False, description="The app's App Secret.")
    verification_token: str | None = Field(
        default=None, repr=False, description="Events and callbacks: the Verification Token."
    )
    encrypt_key: str | None = Field(
        default=None, repr=False, description="Events and callbacks: the Encrypt Key (HTTP mode)."
    )
    mode: Mode = Field(
        default=Mode.WEBSOCKET,
        description="websocket: the long connection (no public URL); http: POST /feishu/events.",
    )
    api_url: str = Field(
        default=FEISHU_DOMAIN,
        description="The open platform: https://open.feishu.cn (Feishu), https://open.larksuite.com (Lark).",
    )


def check_settings(settings: FeishuSettings) -> None:
    """Refuse to start on incomplete Feishu settings, naming the variable."""
    if not settings.app_id:
        raise SettingsError("FEISHU_APP_ID is not set: the App ID of the Feishu app (cli_…)")
    if not settings.app_secret:
        raise SettingsError("FEISHU_APP_SECRET is not set: the App Secret of the Feishu app")
    if not settings.api_url.startswith(("http://", "https://")):
        raise SettingsError("FEISHU_API_URL must start with https:// (https://open.feishu.cn)")
    if settings.mode is Mode.HTTP and not settings.verification_token:
        raise SettingsError(
            "FEISHU_VERIFICATION_TOKEN is not set: HTTP mode checks every event with it "
            "(Events and Callbacks → Encryption Strategy)"
        )
    if settings.mode is Mode.HTTP and not settings.encrypt_key:
        raise SettingsError(
            "FEISHU_ENCRYPT_KEY is not set: HTTP mode accepts only encrypted, signed events "
            "(Events and Callbacks → Encryption Strategy)"
        )
