"""WeCom's settings, read from ``WECOM_*`` variables (and a `.env` file if present): the
self-built app's credentials and its callback's token and key (README "Running it in WeCom")."""

from __future__ import annotations

import base64
import binascii

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from kam_bot.config import SettingsError

DEFAULT_API_URL = "https://qyapi.weixin.qq.com"


class WecomSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="WECOM_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    corp_id: str | None = Field(default=None, description="企业ID (My company → Company info).")
    agent_id: str | None = Field(default=None, description="The self-built app's AgentId.")
    secret: str | None = Field(default=None, repr=False, description="The app's Secret.")
    token: str | None = Field(
        default=None, repr=False, description="Token of the app's API receive settings."
    )
    aes_key: str | None = Field(
        default=None, repr=False, description="EncodingAESKey of the API receive settings (43 characters)."
    )
    api_url: str = Field(default=DEFAULT_API_URL, description="WeCom's API host (tests: the fake's).")


def aes_key_bytes(encoded: str) -> bytes:
    """The 32-byte AES key an EncodingAESKey stands for (base64 of the 43 characters plus ``=``)."""
    if len(encoded) != 43:
        raise ValueError("not 43 characters")
    try:
        key = base64.b64decode(encoded + "=", validate=True)
    except binascii.Error:
        raise ValueError("not base64") from None
    if len(key) != 32:
        raise ValueError("not 32 bytes")
    return key


def check_settings(settings: WecomSettings) -> None:
    """Refuse to start on incomplete WeCom settings, naming the variable."""
    needed = {
        "WECOM_CORP_ID": (settings.corp_id, "the company's 企业ID"),
        "WECOM_AGENT_ID": (settings.agent_id, "the self-built app's AgentId"),
        "WECOM_SECRET": (settings.secret, "the self-built app's Secret"),
        "WECOM_TOKEN": (settings.token, "the Token of the app's API receive settings"),
        "WECOM_AES_KEY": (settings.aes_key, "the EncodingAESKey of the app's API receive settings"),
    }
    for variable, (value, what) in needed.items():
        if not value:
            raise SettingsError(f"{variable} is not set: {what}")
    if not str(settings.agent_id).isdigit():
        raise SettingsError("WECOM_AGENT_ID must be the app's AgentId, a number such as 1000002")
    try:
        aes_key_bytes(str(settings.aes_key))
    except ValueError:
        raise SettingsError(
            "WECOM_AES_KEY must be the 43-character EncodingAESKey shown in the app's API receive settings"
        ) from None
    if not settings.api_url.startswith(("https://", "http://")):
        raise SettingsError("WECOM_API_URL must be a URL such as https://qyapi.weixin.qq.com")
