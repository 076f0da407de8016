"""Imported users linked to WeCom userids by their email (``kam-bot wecom-link``)."""

from __future__ import annotations

import asyncio

from kam_bot.adapters.platform import PlatformServices
from kam_bot.services.users import PlatformProfile

from . import NAME
from .api import WecomApi, WecomError
from .settings import WecomSettings


async def link_all(app: PlatformServices, settings: WecomSettings, *, dry_run: bool = False) -> list[str]:
    """One line per user looked up: linked (or would be), not found, or WeCom's refusal."""
    api = WecomApi(settings.api_url, str(settings.corp_id), str(settings.secret), int(str(settings.agent_id)))
    people = await asyncio.to_thread(app.users.people)
    lines: list[str] = []
    try:
        for person in people:
            if NAME in person.identities or not person.email:
                continue
            try:
                userid = await api.userid_by_email(person.email)
            except WecomError as exc:
                lines.append(f"{person.email}: WeCom refused the look-up (errcode {exc.errcode}); stopped")
                break
            if userid is None:
                lines.append(f"{person.email}: no WeCom member with this email")
                continue
            if not dry_run:
                profile = PlatformProfile(
                    platform=NAME, external_id=userid, display_name=person.display_name, email=person.email
                )
                await asyncio.to_thread(app.users.ensure, profile)
            lines.append(f"{person.email}: {'would be ' if dry_run else ''}linked to WeCom userid {userid}")
    finally:
        await api.close()
    linked = sum(1 for x in lines if "linked to" in x)
    return [*lines, f"{linked} linked{' (dry run)' if dry_run else ''}, {len(lines) - linked} not"]
