"""`/kam settings`: time zone override, language, reminder time, away until; for admins, each
team's digest channel (a ``conversations_select``)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, time
from functools import lru_cache
from typing import Any
from zoneinfo import available_timezones

from slack_sdk.models.blocks import (
    Block,
    ConversationSelectElement,
    DividerBlock,
    ExternalDataSelectElement,
    HeaderBlock,
    Option,
    PlainTextObject,
)

from kam_bot.adapters.slack import NAME
from kam_bot.adapters.slack.blocks import context
from kam_bot.adapters.slack.forms.elements import (
    OPTIONS_MAX,
    date_input,
    input_block,
    modal,
    option,
    radio_input,
    time_input,
)
from kam_bot.adapters.slack.forms.state import FormState
from kam_bot.domain.enums import Locale
from kam_bot.domain.models import Team, User
from kam_bot.i18n import t

CALLBACK = "settings"
TIMEZONE_ACTION = "settings.timezone"
MAX_TEAMS = 20
"""Each team's channel is one block; more teams than this are set with the CLI."""
CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{2,}$")
LANGUAGES = {Locale.EN: "English", Locale.ZH_HANS: "中文 (简体)"}


@lru_cache(maxsize=1)
def _zones() -> tuple[str, ...]:
    return tuple(sorted(z for z in available_timezones() if "/" in z or z == "UTC"))


def timezone_options(query: str) -> list[Option]:
    """Time zones containing every typed word (``shang`` -> Asia/Shanghai), at most 100."""
    words = query.casefold().replace(" ", "_").split("_")
    found = [z for z in _zones() if all(w in z.casefold() for w in words if w)]
    return [option(z, z.replace("_", " ")) for z in found[:OPTIONS_MAX]]


@dataclass
class SettingsForm:
    timezone: str | None = None
    locale: Locale | None = None
    reminder: time | None = None
    away: date | None = None
    channels: dict[int, str | None] = field(default_factory=dict)

    @classmethod
    def from_state(cls, state: FormState) -> SettingsForm:
        locale = state.option("locale")
        channels = {
            int(block_id.split(":", 1)[1]): state.conversation(block_id)
            for block_id in state.with_prefix("team:")
            if block_id.split(":", 1)[1].isdigit()
        }
        return cls(
            timezone=state.option("timezone"),
            locale=Locale(locale) if locale in {loc.value for loc in Locale} else None,
            reminder=state.time("reminder"),
            away=state.date("away"),
            channels=channels,
        )


def settings_view(
    user: User, teams: list[Team] | None, loc: Locale, meta: dict[str, Any] | None = None
) -> dict[str, Any]:
    """``teams`` is None for non-admins: they see no channel settings."""
    zone = ExternalDataSelectElement(
        action_id=TIMEZONE_ACTION,
        min_query_length=2,
        initial_option=option(user.timezone, user.timezone.replace("_", " ")),
        placeholder=PlainTextObject(text=t("slack.settings.timezone_placeholder", loc)),
    )
    languages = [option(locale.value, label) for locale, label in LANGUAGES.items()]
    blocks: list[Block] = [
        input_block(
            "timezone",
            t("slack.settings.timezone", loc),
            zone,
            optional=False,
            hint=t("slack.settings.timezone_hint", loc),
        ),
        radio_input(
            "locale", t("slack.settings.language", loc), languages, user.locale.value, optional=False
        ),
        time_input("reminder", t("slack.settings.reminder", loc), user.reminder_time),
        date_input(
            "away", t("slack.settings.away", loc), user.away_until, hint=t("slack.settings.away_hint", loc)
        ),
    ]
    if teams is not None:
        blocks += [DividerBlock(), HeaderBlock(text=PlainTextObject(text=t("slack.settings.channels", loc)))]
        for team in teams[:MAX_TEAMS]:
            channel = team.digest_destinations.get(NAME)
            current = channel if channel and CHANNEL_ID.match(channel) else None
            element = ConversationSelectElement(
                action_id="value",
                initial_conversation=current,
                placeholder=PlainTextObject(text=t("slack.settings.pick_channel", loc)),
            )
            blocks.append(
                input_block(f"team:{team.id}", t("slack.settings.team_channel", loc, team=team.name), element)
            )
        if len(teams) > MAX_TEAMS:
            blocks.append(context(t("slack.settings.more_teams", loc, count=len(teams) - MAX_TEAMS)))
    return modal(CALLBACK, t("slack.settings.title", loc), blocks, loc, meta=meta, submit=t("form.save", loc))
