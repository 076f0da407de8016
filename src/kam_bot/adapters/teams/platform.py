"""Microsoft Teams as kam-bot registers it (no Teams SDK imported here: ``build`` imports it when used)."""

from __future__ import annotations

from kam_bot.adapters.platform import ChatPlatform, PlatformServices, Registration, Unreachable
from kam_bot.adapters.teams import NAME, NO_CONVERSATION
from kam_bot.adapters.teams.settings import TeamsSettings, check_settings
from kam_bot.services.conversations import ConversationRefs


def _enabled(settings: TeamsSettings) -> bool:
    return bool(settings.client_id or settings.allow_unauthenticated)


def _build(app: PlatformServices, settings: TeamsSettings) -> ChatPlatform:
    from kam_bot.adapters.teams.app import TeamsBot

    return TeamsBot.build(app, settings)


def _reachable(refs: ConversationRefs, external_id: str) -> bool:
    """Teams lets the bot write first only into a chat it knows (stored when the person wrote or
    installed the app)."""
    return refs.get(NAME, external_id) is not None


REGISTRATION = Registration(
    name=NAME,
    settings=TeamsSettings,
    enabled=_enabled,
    check=check_settings,
    build=_build,
    how_to_enable="for Teams set TEAMS_CLIENT_ID and TEAMS_CLIENT_SECRET (or, on a development machine, "
    "TEAMS_ALLOW_UNAUTHENTICATED=true)",
    reachable=_reachable,
    unreachable=Unreachable(
        reason=NO_CONVERSATION,
        one="has not opened kam-bot in Teams yet",
        many="have not opened kam-bot in Teams yet",
        advice="ask them to open the kam-bot chat once",
    ),
    cli=("kam_bot.adapters.teams.cli",),
)
