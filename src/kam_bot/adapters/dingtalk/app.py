"""DingTalk as `kam-bot serve` runs it: the Stream connection or the callback route, the
outbox's deliverer, and the open-platform client they share."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from starlette.routing import BaseRoute

from kam_bot.adapters.platform import PlatformServices

from . import NAME
from .api import OpenApi
from .chat import DingTalkChat
from .delivery import DingTalkDeliverer
from .http import route
from .settings import DingTalkSettings, check_settings
from .stream import StreamConnection

log = logging.getLogger(__name__)


class DingTalkPlatform:
    def __init__(self, app: PlatformServices, settings: DingTalkSettings, api: OpenApi) -> None:
        self.app = app
        self.settings = settings
        self.api = api
        self.chat = DingTalkChat(app, api)
        self.stream = StreamConnection(settings, self.chat.receive) if settings.mode == "stream" else None
        self._deliverer = DingTalkDeliverer(app, api)

    @classmethod
    def build(
        cls, app: PlatformServices, settings: DingTalkSettings, api: OpenApi | None = None
    ) -> DingTalkPlatform:
        check_settings(settings)
        return cls(app, settings, api or OpenApi(settings))

    @property
    def name(self) -> str:
        return NAME

    @property
    def deliverer(self) -> DingTalkDeliverer:
        return self._deliverer

    def routes(self) -> Sequence[BaseRoute]:
        if self.settings.mode != "http":
            return []
        return [route(self.chat, self.settings.client_secret or "", self.app.clock)]

    @property
    def needs_connection(self) -> bool:
        return self.stream is not None

    async def connection_problem(self) -> str | None:
        return self.stream.problem() if self.stream is not None else None

    async def startup(self) -> None:
        if self.stream is not None:
            await self.stream.start()
            log.info("DingTalk Stream connection started")

    async def shutdown(self) -> None:
        if self.stream is not None:
            await self.stream.stop()
        await self.api.close()
