"""A robot message answered: the sender met, the line handled by the shared text conversation
(1:1) or ``digest TEAM`` taken (a group), the answer sent back as Markdown.

Each message is taken in once (``services.claims``, key ``msg:<msgId>``): DingTalk may push a
Stream message or an HTTP callback again (observed ~16 s after a late ack), and the second
delivery must not save a visit twice. When the work fails before anything was answered the
claim is released, so DingTalk's next delivery is handled. The answer goes to the message's
``sessionWebhook`` while it lives (it needs no token and no proactive quota), else through the
robot APIs.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from typing import Any

import httpx

from kam_bot.adapters.platform import PlatformServices
from kam_bot.domain.enums import Locale
from kam_bot.domain.models import User
from kam_bot.handlers.chat import TextChat
from kam_bot.handlers.render import error_reply
from kam_bot.handlers.replies import Line, Reply, user
from kam_bot.handlers.verbs import Surface
from kam_bot.i18n import t
from kam_bot.logs import OncePer, outage_kind
from kam_bot.services.errors import ServiceError

from . import NAME, identity
from .api import ApiError, OpenApi
from .inbound import Inbound, read
from .markdown import Markdown, render

log = logging.getLogger(__name__)
_SAID = OncePer(60.0)
SORRY = " / ".join(t("dingtalk.failed", loc) for loc in (Locale.ZH_HANS, Locale.EN))
"""Said when a message could not be handled (with the line, so nothing typed is lost): the
person's language may be what is unreachable, so both are said."""

SURFACE = Surface(name=NAME, forms=False)
DIGEST = frozenset({"digest", "摘要", "周报"})
MSG_KEY = "sampleMarkdown"
MAX_LINE = 4000
"""The longest line taken (a visit's summary is far shorter); a longer one is refused."""


@dataclass
class DingTalkChat:
    app: PlatformServices
    api: OpenApi

    def __post_init__(self) -> None:
        self.chat = TextChat(self.app, SURFACE)

    async def receive(self, data: Any) -> bool:
        """Handle one message; False when it failed before it was answered (DingTalk may then
        deliver it again, and it is handled again: its claim was released)."""
        message = read(data)
        if message is None:
            log.info("DingTalk message ignored: not a robot message kam-bot can read")
            return True
        key = f"msg:{message.message_id}"
        claimed = False
        try:
            claimed = await asyncio.to_thread(self.app.claims.claim, NAME, key)
            if not claimed:
                log.info("DingTalk message %s delivered again; already taken in", message.message_id)
                return True
            actor = await self.actor(message)
            answer = await asyncio.to_thread(self.answer, actor, message)
        except Exception as exc:
            self._failed(exc)
            if claimed:
                with contextlib.suppress(Exception):
                    await asyncio.to_thread(self.app.claims.release, NAME, key)
            typed = [Line.of(user(message.text[:MAX_LINE]))] if message.text else []
            await self.send(message, render(Reply.text(SORRY, *typed, ok=False), Locale.ZH_HANS))
            return False
        await self.send(message, answer)
        return True

    @staticmethod
    def _failed(exc: Exception) -> None:
        if (outage := outage_kind(exc)) is not None:
            _SAID.log(
                log, logging.ERROR, outage, "DingTalk messages failing: %s (%s)", outage, type(exc).__name__
            )
        else:
            log.error("DingTalk message failed", exc_info=exc)

    async def actor(self, message: Inbound) -> User:
        known, wrote_before = await asyncio.to_thread(identity.known, self.app, message.sender)
        if known is not None and wrote_before:
            return known
        person = await self.api.person(message.sender)
        if known is not None:
            args = (self.app, known, message.sender, message.nick, person)
            return await asyncio.to_thread(identity.first_contact, *args)
        return await asyncio.to_thread(identity.meet, self.app, message.sender, message.nick, person)

    def answer(self, actor: User, message: Inbound) -> Markdown:
        loc = actor.locale
        text = message.text
        if text is None:
            return render(Reply.text(t("dingtalk.text_only", loc), ok=False), loc)
        text = text.strip()
        if len(text) > MAX_LINE:
            return render(
                Reply.text(t("dingtalk.too_long", loc, count=len(text), limit=MAX_LINE), ok=False), loc
            )
        if message.group:
            return render(self.in_group(actor, message.conversation_id, strip_mention(text)), loc)
        turn = self.chat.handle(actor, text)
        return render(turn.reply, loc, turn.question)

    def in_group(self, actor: User, conversation_id: str, text: str) -> Reply:
        """In a group only ``digest TEAM`` (an admin: this group gets that team's weekly digest)."""
        loc = actor.locale
        word, _, rest = text.partition(" ")
        if word.lower() not in DIGEST or not rest.strip() or not conversation_id:
            return Reply.text(t("dingtalk.group_only_digest", loc))
        name = rest.strip()
        team = next((x for x in self.app.users.teams() if x.name.casefold() == name.casefold()), None)
        if team is None:
            names = ", ".join(x.name for x in self.app.users.teams())
            return Reply.text(t("dingtalk.no_such_team", loc, name=name, names=names), ok=False)
        try:
            self.app.users.set_team_destination(actor, team.id, NAME, conversation_id)
        except ServiceError as exc:
            return error_reply(exc, loc)
        return Reply.text(t("dingtalk.digest_here", loc, team=team.name))

    async def send(self, message: Inbound, answer: Markdown) -> None:
        """The answer through the session webhook, else (expired, or it failed) the robot APIs.
        When both fail the message stays taken in: its work is done, only the answer is lost."""
        now_ms = int(self.app.clock().timestamp() * 1000)
        webhook = message.webhook
        if webhook.startswith(self.api.settings.legacy_base + "/") and message.webhook_expires_ms > now_ms:
            try:
                await self.api.reply(webhook, answer.param())
                return
            except (ApiError, httpx.HTTPError) as exc:
                log.info("DingTalk session webhook failed (%s); answering through the robot API", exc)
        try:
            if message.group:
                await self.api.send_to_group(message.conversation_id, MSG_KEY, answer.param())
            else:
                await self.api.send_to_people([message.sender], MSG_KEY, answer.param())
        except (ApiError, httpx.HTTPError) as exc:
            log.warning("DingTalk answer to message %s not delivered (%s)", message.message_id, exc)


def strip_mention(text: str) -> str:
    """DingTalk usually drops the robot's @name from the text; a client that keeps it: drop it."""
    text = text.strip()
    if text.startswith("@"):
        text = text.partition(" ")[2]
    return text.strip()
