"""The WeCom app for ``kam-bot serve``: the callback route, and the work each message starts.

``GET /wecom/events`` is WeCom's URL check (the decrypted ``echostr`` is the answer);
``POST /wecom/events`` carries every message and event, encrypted. Each is verified first
(signature, timestamp within ``MAX_AGE`` seconds, the corp id inside): anything else gets 401
and one log line. A verified one is claimed by its MsgId (``services.claims``: WeCom re-sends
what was not answered within 5 s, and a replay carries the same id) and answered with an empty
200 at once; the work runs after, and its answer is sent with ``message/send``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from kam_bot.adapters.inbound import refuse
from kam_bot.adapters.platform import PlatformServices
from kam_bot.domain.enums import Locale
from kam_bot.domain.models import User
from kam_bot.handlers.chat import TextChat
from kam_bot.handlers.replies import Line, Reply, user
from kam_bot.handlers.verbs import Surface
from kam_bot.i18n import t
from kam_bot.logs import OncePer, outage_kind
from kam_bot.services.errors import ServiceError

from . import NAME, actions, callback, groups, identity
from .api import WecomApi, WecomError
from .crypto import CallbackCrypto, CallbackError
from .limits import Quota
from .render import Message, messages
from .settings import WecomSettings, aes_key_bytes, check_settings

log = logging.getLogger(__name__)
_SAID = OncePer(60.0)

EVENTS_PATH = "/wecom/events"
MAX_AGE = 300.0
"""Seconds a callback's timestamp may be from our clock (WeCom's own sample checks none)."""
REPLY_WAIT = 60.0
"""Longest a reply waits for the member's send quota (WeCom drops what is over it)."""
SURFACE = Surface(name=NAME, forms=False)


@dataclass
class WecomBot:
    app: PlatformServices
    api: WecomApi
    crypto: CallbackCrypto
    quota: Quota = field(default_factory=Quota)
    _tasks: set[asyncio.Task[None]] = field(default_factory=set)

    @classmethod
    def build(cls, app: PlatformServices, settings: WecomSettings) -> WecomBot:
        check_settings(settings)
        corp, secret, token = str(settings.corp_id), str(settings.secret), str(settings.token)
        api = WecomApi(settings.api_url, corp, secret, int(str(settings.agent_id)))
        return cls(app=app, api=api, crypto=CallbackCrypto(token, aes_key_bytes(str(settings.aes_key)), corp))

    @property
    def chat(self) -> TextChat:
        return TextChat(self.app, SURFACE)

    # -- the platform, as kam-bot serve sees it ---------------------------------------------

    @property
    def name(self) -> str:
        return NAME

    @property
    def deliverer(self) -> Any:
        from .delivery import WecomDeliverer

        return WecomDeliverer(self)

    def routes(self) -> Sequence[BaseRoute]:
        return [Route(EVENTS_PATH, self.events, methods=["GET", "POST"])]

    async def startup(self) -> None:
        return None

    async def shutdown(self) -> None:
        await self.drain()
        await self.api.close()

    async def drain(self) -> None:
        """Wait for the work the callbacks started (tests; shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    # -- the callback ---------------------------------------------------------------------

    async def events(self, request: Request) -> Response:
        query = request.query_params
        signature, timestamp, nonce = (query.get(k, "") for k in ("msg_signature", "timestamp", "nonce"))
        try:
            self._fresh(timestamp)
            if request.method == "GET":
                echo = self.crypto.open(signature, timestamp, nonce, query.get("echostr", ""))
                return PlainTextResponse(echo.decode("utf-8", "replace"))
            length = request.headers.get("content-length") or "0"
            if not length.isdigit() or int(length) > callback.MAX_BODY:
                raise CallbackError("too large")
            raw = await request.body()
            inbound = callback.read(self.crypto.open(signature, timestamp, nonce, callback.encrypted(raw)))
        except CallbackError as exc:
            return refuse(NAME, exc.reason, request)
        if not inbound.sender or not await self._first(inbound.key):
            return Response(status_code=200)
        self._spawn(self.handle(inbound))
        return Response(status_code=200)

    def _fresh(self, timestamp: str) -> None:
        if not timestamp.isdigit() or len(timestamp) > 12:
            raise CallbackError("no timestamp")
        sent = datetime.fromtimestamp(int(timestamp), UTC)
        if abs((self.app.clock() - sent).total_seconds()) > MAX_AGE:
            raise CallbackError("stale timestamp")

    async def _first(self, key: str) -> bool:
        try:
            return await asyncio.wait_for(asyncio.to_thread(self.app.claims.claim, NAME, key), 1.0)
        except Exception as exc:  # the database is down or slow: process rather than drop
            kind = outage_kind(exc) or type(exc).__name__
            _SAID.log(log, logging.WARNING, kind, "WeCom callbacks: could not check for repeats (%s)", kind)
            return True

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # -- the work after the answer -------------------------------------------------------

    async def handle(self, inbound: callback.Inbound) -> None:
        actor: User | None = None
        try:
            actor = await identity.actor(self.app, self.api, inbound.sender)
            if inbound.kind == "text":
                await self.on_text(inbound.sender, actor, inbound.text)
            elif inbound.kind == "template_card_event":
                await self.on_button(actor, inbound)
            elif inbound.msg_id:  # an image, a voice message ...: say what is understood
                await self.send_reply(inbound.sender, Reply.text(t("wecom.text_only", actor.locale)), actor)
        except Exception as exc:
            await self._failed(inbound, actor, exc)

    async def on_text(self, userid: str, actor: User, text: str) -> None:
        request = groups.parse(text)
        if request is not None:
            reply = await groups.register(self.app, self.api, actor, request)
            await self.send_reply(userid, reply, actor)
            return
        turn = await asyncio.to_thread(self.chat.handle, actor, text)
        await self.send_reply(userid, turn.reply, actor, turn.question)

    async def on_button(self, actor: User, inbound: callback.Inbound) -> None:
        pressed = await asyncio.to_thread(actions.press, self.app, self.chat, actor, inbound.event_key)
        if inbound.response_code:
            try:
                await self.api.update_card(inbound.sender, inbound.response_code, pressed.replace)
            except WecomError as exc:  # the code is single-use and expires: the answer still goes out
                log.info("WeCom update_template_card refused (errcode %s)", exc.errcode)
        if pressed.turn is not None:
            await self.send_reply(inbound.sender, pressed.turn.reply, actor, pressed.turn.question)

    async def _failed(self, inbound: callback.Inbound, actor: User | None, exc: Exception) -> None:
        if isinstance(exc, ServiceError):
            log.info("WeCom message refused: %s", exc.message)
        elif (outage := outage_kind(exc)) is not None:
            _SAID.log(
                log, logging.ERROR, outage, "WeCom messages failing: %s (%s)", outage, type(exc).__name__
            )
        else:
            log.error("WeCom message failed", exc_info=exc)
        loc = actor.locale if actor is not None else Locale.ZH_HANS
        lines: list[Line | str] = [t("wecom.unexpected", loc)]
        if inbound.text:
            lines.append(Line.of(user(inbound.text)))
        try:
            await self.send_messages(inbound.sender, messages(Reply.text(*lines, ok=False), loc))
        except Exception:
            log.warning("WeCom: could not tell the sender that their message failed")

    # -- replies --------------------------------------------------------------------------

    async def send_reply(self, userid: str, reply: Reply, actor: User, question: str | None = None) -> None:
        await self.send_messages(userid, messages(reply, actor.locale, question))

    async def send_messages(self, userid: str, out: list[Message]) -> None:
        """Straight to the person (not through the outbox), within their send quota."""
        if not userid or not out:
            return
        wait = self.quota.reserve(userid, len(out))
        while wait > 0:
            if wait > REPLY_WAIT:
                log.warning("WeCom: a reply to a member over the send limit was not sent")
                return
            await asyncio.sleep(wait)
            wait = self.quota.reserve(userid, len(out))
        for message in out:
            await self.api.send(userid, message.msgtype, message.content)
