"""WeCom as kam-bot registers it (``cryptography`` and the app are imported only by ``build``)."""

from __future__ import annotations

from kam_bot.adapters.platform import ChatPlatform, PlatformServices, Registration

from . import NAME
from .settings import WecomSettings, check_settings


def _enabled(settings: WecomSettings) -> bool:
    return bool(settings.corp_id or settings.secret)


def _build(app: PlatformServices, settings: WecomSettings) -> ChatPlatform:
    from .app import WecomBot

    return WecomBot.build(app, settings)


def _check_token(settings: WecomSettings) -> None:
    from .startup import check_token

    check_token(settings)  # does WeCom accept the corp id and secret? (gettoken)


REGISTRATION = Registration(
    name=NAME,
    settings=WecomSettings,
    enabled=_enabled,
    check=check_settings,
    build=_build,
    how_to_enable="for WeCom set WECOM_CORP_ID, WECOM_AGENT_ID, WECOM_SECRET, WECOM_TOKEN and WECOM_AES_KEY",
    check_token=_check_token,
    cli=("kam_bot.adapters.wecom.cli",),
)
