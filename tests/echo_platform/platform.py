"""Echo as kam-bot registers it: its name, settings, and how it is built."""

from __future__ import annotations

from pydantic_settings import BaseSettings, SettingsConfigDict

from kam_bot.adapters.platform import ChatPlatform, PlatformServices, Registration

from . import NAME


class EchoSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ECHO_", env_file=None)
    token: str | None = None


def _build(app: PlatformServices, settings: EchoSettings) -> ChatPlatform:
    from .app import EchoPlatform

    return EchoPlatform(app)


REGISTRATION = Registration(
    name=NAME,
    settings=EchoSettings,
    enabled=lambda settings: bool(settings.token),
    check=lambda settings: None,
    build=_build,
    how_to_enable="for Echo set ECHO_TOKEN",
)
