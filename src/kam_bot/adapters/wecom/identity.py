"""Who wrote: a WeCom userid, met on first contact and linked to an imported user.

A userid is known when an import gave it (``wecom_id`` in users.csv) or the person wrote
before. On first contact ``user/get`` gives the name, and the email for apps created before
20 June 2022 (newer apps get no email or mobile: document/path/96255); an email that matches an
imported user links the two. For newer apps ``kam-bot wecom-link`` looks the imported users'
emails up the other way (``user/get_userid_by_email``). WeCom tells no language or time zone:
people it says nothing else of get Chinese and Asia/Shanghai (a choice made with ``settings``
or in users.csv is kept). The first contact is remembered as a conversation reference.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from kam_bot.adapters.platform import PlatformServices
from kam_bot.domain.models import User
from kam_bot.services.conversations import ConversationRef
from kam_bot.services.users import PlatformProfile

from . import NAME
from .api import WecomApi

log = logging.getLogger(__name__)
TIMEZONE = "Asia/Shanghai"
LOCALE = "zh-Hans"


def profile(userid: str, info: dict[str, Any]) -> PlatformProfile:
    email = str(info.get("email") or info.get("biz_mail") or "").strip() or None
    return PlatformProfile(
        platform=NAME,
        external_id=userid,
        display_name=str(info.get("name") or "").strip() or userid,
        email=email,
        timezone=TIMEZONE,
        locale=LOCALE,
    )


async def member(api: WecomApi, userid: str) -> dict[str, Any]:
    try:
        return await api.user(userid)
    except Exception as exc:  # a nicety (WeCom's refusal, the network): the person is met without it
        log.info("WeCom user/get failed (%s); the user is met by their userid only", type(exc).__name__)
        return {}


async def actor(app: PlatformServices, api: WecomApi, userid: str) -> User:
    known = await asyncio.to_thread(app.users.by_identity, NAME, userid)
    met = await asyncio.to_thread(app.conversation_refs.get, NAME, userid)
    if known is not None and met is not None:
        return known
    met_as = profile(userid, await member(api, userid))
    if known is not None:
        user = await asyncio.to_thread(app.users.refresh, known, met_as.model_copy(update={"email": None}))
    else:
        user = await asyncio.to_thread(app.users.ensure, met_as)
    ref = ConversationRef(
        platform=NAME, external_id=userid, conversation_id=userid, service_url="", user_id=user.id
    )
    await asyncio.to_thread(app.conversation_refs.save, ref)
    return user
