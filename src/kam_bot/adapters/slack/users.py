"""Who is clicking: a Slack user id -> a kam-bot ``User``, created on first contact.

``users.info`` (name, IANA time zone, locale, email) is asked once per person per process;
the email links people an admin imported before they ever used Slack, and a time zone or
language nobody chose (``User.chosen``) takes Slack's, also for someone imported with their
Slack id. The ``User`` itself is
kept ``ACTOR_SECONDS`` (a modal opened, changed and submitted reads it once, off the 3-second
path); a settings change made here is seen at once (``forget``), one made elsewhere (another
worker, the command line) within ``ACTOR_SECONDS``.
"""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from kam_bot.adapters.slack import NAME
from kam_bot.domain.enums import Locale
from kam_bot.domain.models import User
from kam_bot.i18n.catalog import resolve_locale
from kam_bot.services.container import Services
from kam_bot.services.users import CHOSEN, PlatformProfile

SLACK = NAME
ACTOR_SECONDS = 15.0


def profile_of(info: dict[str, Any]) -> PlatformProfile:
    """``users.info``'s ``user`` object as a platform profile."""
    profile = info.get("profile") or {}
    name = (
        profile.get("display_name")
        or profile.get("real_name")
        or info.get("real_name")
        or info.get("name")
        or info["id"]
    )
    return PlatformProfile(
        platform=SLACK,
        external_id=info["id"],
        display_name=name,
        email=profile.get("email") or None,
        timezone=info.get("tz") or None,
        locale=info.get("locale") or None,
    )


class SlackUsers:
    def __init__(self, app: Services) -> None:
        self._app = app
        self._known: dict[str, int] = {}
        self._locales: dict[str, Locale] = {}
        self._locks: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)
        self._recent: dict[str, tuple[float, User]] = {}

    async def actor(self, client: AsyncWebClient, slack_id: str) -> User:
        recent = self._recent.get(slack_id)
        if recent is not None and time.monotonic() - recent[0] < ACTOR_SECONDS:
            return recent[1]
        user_id = self._known.get(slack_id)
        if user_id is not None:
            user = await asyncio.to_thread(self._app.users.get, user_id)
        else:
            async with self._locks[slack_id]:
                met = self._known.get(slack_id)  # met by a request that held the lock before this one
                if met is not None:
                    user = await asyncio.to_thread(self._app.users.get, met)
                else:
                    user = await self._first_contact(client, slack_id)
            self._known[slack_id] = user.id
        self._locales[slack_id] = user.locale
        self._recent[slack_id] = (time.monotonic(), user)
        return user

    def known(self, slack_id: str) -> User | int | None:
        """Without I/O: the person as read within ``ACTOR_SECONDS``, else their user id once met
        here, else None (their first contact in this process)."""
        recent = self._recent.get(slack_id)
        if recent is not None and time.monotonic() - recent[0] < ACTOR_SECONDS:
            return recent[1]
        return self._known.get(slack_id)

    def met(self, slack_id: str, user: User) -> None:
        """``user`` was read elsewhere (the form process): remembered as ``actor`` would have."""
        self._known[slack_id] = user.id
        self._locales[slack_id] = user.locale
        self._recent[slack_id] = (time.monotonic(), user)

    def forget(self, slack_id: str) -> None:
        """This person changed their settings: read them again on their next request."""
        self._recent.pop(slack_id, None)

    async def _first_contact(self, client: AsyncWebClient, slack_id: str) -> User:
        known = await asyncio.to_thread(self._app.users.by_identity, SLACK, slack_id)
        if known is not None and set(known.chosen) >= CHOSEN:
            return known  # nothing left for Slack to fill in
        try:
            info = await client.users_info(user=slack_id, include_locale=True)
        except SlackApiError:
            if known is None:
                raise
            return known  # known already: its defaults wait for the next process
        profile = profile_of(info["user"])
        if known is not None:  # imported with their Slack id: defaults nobody chose take Slack's
            return await asyncio.to_thread(self._app.users.refresh, known, profile)
        return await asyncio.to_thread(self._app.users.ensure, profile)

    def locale_hint(self, slack_id: str | None) -> Locale:
        """The language last seen for this person, without any I/O (for error messages)."""
        return self._locales.get(slack_id or "") or resolve_locale(self._app.settings.default_locale)
