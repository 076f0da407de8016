"""Feishu / Lark as kam-bot registers it (no SDK imported here: ``build`` imports it when used)."""

from __future__ import annotations

import sys

from kam_bot.adapters.platform import ChatPlatform, PlatformServices, Registration

from . import NAME
from .settings import FeishuSettings, Mode, check_settings


def _enabled(settings: FeishuSettings) -> bool:
    return bool(settings.app_id)


def _build(app: PlatformServices, settings: FeishuSettings) -> ChatPlatform:
    from .app import FeishuBot

    return FeishuBot.build(app, settings)


def _one_worker(settings: FeishuSettings) -> str:
    if settings.mode is Mode.WEBSOCKET:
        return (
            "FEISHU_MODE=websocket keeps one long connection per deployment "
            "(set FEISHU_MODE=http to serve with several workers)"
        )
    return ""


def _check_token(settings: FeishuSettings) -> None:
    """Does Feishu give a tenant_access_token for these credentials? (at `kam-bot serve` start)"""
    from kam_bot.config import SettingsError

    from .api import Api, FeishuError

    assert settings.app_id and settings.app_secret
    try:
        Api(settings.app_id, settings.app_secret, settings.api_url).check_token()
    except FeishuError as exc:
        if exc.code == -1 or exc.status >= 500:
            print(f"kam-bot: warning: Feishu did not answer ({exc.msg}); starting anyway", file=sys.stderr)
            return
        raise SettingsError(
            f"FEISHU_APP_SECRET: Feishu refused FEISHU_APP_ID / FEISHU_APP_SECRET ({exc.msg}, "
            f"code {exc.code}); copy both from the app's Credentials & Basic Info page"
        ) from None


def _serve_note(settings: FeishuSettings) -> str:
    return "feishu over the long connection, " if settings.mode is Mode.WEBSOCKET else ""


REGISTRATION = Registration(
    name=NAME,
    settings=FeishuSettings,
    enabled=_enabled,
    check=check_settings,
    build=_build,
    how_to_enable="for Feishu / Lark set FEISHU_APP_ID and FEISHU_APP_SECRET",
    one_worker=_one_worker,
    serve_note=_serve_note,
    check_token=_check_token,
    cli=("kam_bot.adapters.feishu.cli",),
)
