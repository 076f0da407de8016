"""Stream mode: the official ``dingtalk-stream`` client, on its own thread and event loop.

The SDK (0.24.3) opens its connection with a blocking ``requests`` call without a timeout and
runs handlers on the loop that reads the socket; it never returns from ``start()`` (it
reconnects after every error). So it gets a thread of its own: a slow DingTalk never stalls
``kam-bot serve``'s loop, and stopping cancels its task until it ends. The open-connection URL
is a class attribute the SDK computes at import from ``DINGTALK_OPENAPI_ENDPOINT``; it is set
from ``DINGTALK_API_URL`` before the client starts.

A robot message (topic ``/v1.0/im/bot/messages/get``) is handed to the server's loop and
acknowledged when it has been answered (a failure is acknowledged with code 500).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Callable, Coroutine
from concurrent.futures import Future
from typing import Any

from dingtalk_stream import (  # type: ignore[import-untyped]
    AckMessage,
    CallbackHandler,
    CallbackMessage,
    ChatbotMessage,
    Credential,
    DingTalkStreamClient,
)

from .settings import DingTalkSettings

log = logging.getLogger(__name__)

Receive = Callable[[Any], Coroutine[Any, Any, bool]]
OPEN_PATH = "/v1.0/gateway/connections/open"
STOP_WAIT = 5.0


class _Messages(CallbackHandler):  # type: ignore[misc]
    def __init__(self, receive: Receive, loop: asyncio.AbstractEventLoop) -> None:
        super().__init__()
        self.logger = log
        self._receive = receive
        self._loop = loop

    async def process(self, message: CallbackMessage) -> tuple[int, str]:
        try:
            done: Future[bool] = asyncio.run_coroutine_threadsafe(self._receive(message.data), self._loop)
            handled = await asyncio.wrap_future(done)
        except Exception:  # the server's loop is gone (stopping): DingTalk may deliver it again
            log.warning("DingTalk stream message not handled: kam-bot is stopping")
            handled = False
        if not handled:
            return AckMessage.STATUS_SYSTEM_EXCEPTION, "error"
        return AckMessage.STATUS_OK, "OK"


class _Stopping(logging.Filter):
    """The SDK logs its own cancellation as a network error: not one when kam-bot stops it."""

    def __init__(self) -> None:
        super().__init__()
        self.on = False

    def filter(self, record: logging.LogRecord) -> bool:
        return not self.on


class StreamConnection:
    def __init__(self, settings: DingTalkSettings, receive: Receive) -> None:
        self._stopping = _Stopping()
        self._sdk_log = logging.getLogger(f"{__name__}.sdk")
        self._sdk_log.addFilter(self._stopping)
        self._settings = settings
        self._receive = receive
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task[None] | None = None
        self._ready = threading.Event()
        self._client: DingTalkStreamClient | None = None

    def client(self, loop: asyncio.AbstractEventLoop) -> DingTalkStreamClient:
        DingTalkStreamClient.OPEN_CONNECTION_API = self._settings.base + OPEN_PATH
        credential = Credential(self._settings.client_id, self._settings.client_secret)
        client = DingTalkStreamClient(credential, logger=self._sdk_log)
        client.register_callback_handler(ChatbotMessage.TOPIC, _Messages(self._receive, loop))
        return client

    async def start(self) -> None:
        client = self._client = self.client(asyncio.get_running_loop())
        self._thread = threading.Thread(
            target=self._run, args=(client,), name="kam-dingtalk-stream", daemon=True
        )
        self._thread.start()
        await asyncio.to_thread(self._ready.wait, STOP_WAIT)

    def _run(self, client: DingTalkStreamClient) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        self._task = loop.create_task(client.start())
        self._ready.set()
        with contextlib.suppress(asyncio.CancelledError):
            loop.run_until_complete(self._task)
        for task in asyncio.all_tasks(loop):
            task.cancel()
        with contextlib.suppress(Exception):
            loop.run_until_complete(asyncio.gather(*asyncio.all_tasks(loop), return_exceptions=True))
        loop.close()

    def problem(self) -> str | None:
        """None while the Stream connection is open (readiness); else what is down."""
        if self._client is None:
            return "Stream not started"
        state = getattr(self._client.websocket, "state", None)
        if getattr(state, "name", "") != "OPEN":
            return "Stream not connected"
        return None

    async def stop(self) -> None:
        loop, task, thread = self._loop, self._task, self._thread
        if loop is None or task is None or thread is None:
            return

        self._stopping.on = True

        async def cancel() -> None:
            while not task.done():  # the SDK catches a cancel once and sleeps before reconnecting
                task.cancel()
                await asyncio.sleep(0.01)

        with contextlib.suppress(RuntimeError):  # its loop already closed
            asyncio.run_coroutine_threadsafe(cancel(), loop)
        await asyncio.to_thread(thread.join, STOP_WAIT)
        self._sdk_log.removeFilter(self._stopping)
