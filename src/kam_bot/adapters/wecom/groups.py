"""Where a team's weekly digest goes in WeCom, set by an admin in the 1:1 chat.

An app can post only into group chats it created itself (``appchat``,
developer.work.weixin.qq.com/document/path/90245; the app's visible range must be the whole
company): ``digest TEAM group`` creates one with the team's members who have a WeCom id (the
admin its owner) and makes it the team's destination. ``digest TEAM WEBHOOK-URL`` uses a group
robot the admin added to any group instead (path/91770); its address is stored as
``webhook:KEY``. Other ``digest`` lines are the command language's.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass

from kam_bot.adapters.platform import PlatformServices
from kam_bot.domain.models import User
from kam_bot.handlers.render import error_reply
from kam_bot.handlers.replies import Reply
from kam_bot.i18n import t
from kam_bot.services import access
from kam_bot.services.errors import ServiceError

from . import NAME
from .api import WecomApi, WecomError

DIGEST_WORDS = {"digest", "周报", "摘要"}
GROUP_WORDS = {"group", "群", "群聊"}
WEBHOOK = re.compile(r"^https?://\S+/cgi-bin/webhook/send\?key=([A-Za-z0-9_-]{8,64})$")
WEBHOOK_PREFIX = "webhook:"


@dataclass(frozen=True)
class Request:
    team: str
    group: bool
    webhook_key: str | None
    bad_url: bool = False


def parse(text: str) -> Request | None:
    """``digest TEAM group`` or ``digest TEAM URL``; None for any other line."""
    word, _, rest = text.strip().partition(" ")
    if word.casefold() not in DIGEST_WORDS:
        return None
    team, _, last = rest.strip().rpartition(" ")
    if not team.strip():
        return None
    if last.casefold() in GROUP_WORDS:
        return Request(team.strip(), True, None)
    if last.startswith(("http://", "https://")):
        match = WEBHOOK.match(last)
        return Request(team.strip(), False, match.group(1) if match else None, bad_url=match is None)
    return None


async def register(app: PlatformServices, api: WecomApi, actor: User, request: Request) -> Reply:
    loc = actor.locale
    try:
        access.require_admin(actor)
    except ServiceError as exc:
        return error_reply(exc, loc)
    teams = await asyncio.to_thread(app.users.teams)
    team = next((x for x in teams if x.name.casefold() == request.team.casefold()), None)
    if team is None:
        names = ", ".join(x.name for x in teams)
        return Reply.text(t("wecom.digest.no_team", loc, name=request.team, names=names), ok=False)
    if request.bad_url:
        return Reply.text(t("wecom.digest.bad_webhook", loc), ok=False)
    if request.webhook_key is not None:
        address, where = WEBHOOK_PREFIX + request.webhook_key, t("wecom.digest.where_webhook", loc)
    else:
        members = await asyncio.to_thread(app.users.people, team.id)
        ids = [m.identities[NAME] for m in members if NAME in m.identities]
        owner = actor.identities.get(NAME, "")
        ids = list(dict.fromkeys([owner, *ids]))
        if len(ids) < 2:
            return Reply.text(t("wecom.digest.too_few", loc, team=team.name, count=len(ids) - 1), ok=False)
        name = t("wecom.digest.group_named", loc, team=team.name)
        try:
            address = await api.create_chat(name, owner, ids)
            await api.chat_send(address, "text", {"content": t("wecom.digest.here", loc, team=team.name)})
        except WecomError as exc:
            return Reply.text(t("wecom.digest.failed", loc, code=exc.errcode), ok=False)
        where = t("wecom.digest.where_group", loc, name=name)
    try:
        await asyncio.to_thread(app.users.set_team_destination, actor, team.id, NAME, address)
    except ServiceError as exc:
        return error_reply(exc, loc)
    return Reply.text(t("wecom.digest.set", loc, team=team.name, where=where))
