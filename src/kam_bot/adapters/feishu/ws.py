"""The long connection (``FEISHU_MODE=websocket``): the SDK's client, with card frames handled.

``lark_oapi.ws.Client`` (1.5.5, ``ws/client.py``) asks ``POST {domain}/callback/ws/endpoint``
for a ``wss://`` URL, then reads protobuf ``pbbp2.Frame`` messages: a data frame carries a
header ``type`` (``event`` or ``card``) and a JSON payload, and is answered with the same frame
whose payload is ``{"code": 200, "data": base64(JSON(handler result))}``. Its
``_handle_data_frame`` hands ``event`` frames to the dispatcher but returns on ``card`` frames
without answering (larksuite/oapi-sdk-python#126): a card button pressed over the long
connection would show an error. ``LongConnection`` answers both alike, so ``card.action.trigger``
reaches the same handler whichever frame type Feishu uses, and the card it answers with is
shown. The client keeps its event loop in a module global (``ws/client.py`` ``loop``), so it
runs on a thread of its own whose loop is that global; one connection per process.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import http
import logging
import threading
import time
from typing import Any

import lark_oapi as lark  # type: ignore[import-untyped]
import lark_oapi.ws.client as ws_client  # type: ignore[import-untyped]
from lark_oapi.core.json import JSON  # type: ignore[import-untyped]
from lark_oapi.ws.const import (  # type: ignore[import-untyped]
    HEADER_BIZ_RT,
    HEADER_MESSAGE_ID,
    HEADER_SEQ,
    HEADER_SUM,
    HEADER_TYPE,
)
from lark_oapi.ws.model import Response  # type: ignore[import-untyped]

log = logging.getLogger(__name__)
HANDLED_TYPES = {"event", "card"}


def _header(frame: Any, key: str, default: str = "") -> str:
    return next((str(h.value) for h in frame.headers if h.key == key), default)


class LongConnection(lark.ws.Client):  # type: ignore[misc]
    """The SDK client; data frames of type ``event`` and ``card`` both reach the dispatcher."""

    async def _handle_data_frame(self, frame: Any) -> None:
        kind = _header(frame, HEADER_TYPE)
        if kind not in HANDLED_TYPES:
            return
        payload = frame.payload
        total = int(_header(frame, HEADER_SUM, "1") or 1)
        if total > 1:  # a payload split over several frames
            payload = self._combine(
                _header(frame, HEADER_MESSAGE_ID), total, int(_header(frame, HEADER_SEQ, "0")), payload
            )
            if payload is None:
                return
        answer = Response(code=http.HTTPStatus.OK)
        start = time.monotonic()
        try:
            result = self._event_handler.do_without_validation(payload)
            if result is not None:
                answer.data = base64.b64encode(JSON.marshal(result).encode())
        except Exception:
            log.exception("Feishu %s frame failed", kind)
            answer = Response(code=http.HTTPStatus.INTERNAL_SERVER_ERROR)
        header = frame.headers.add()
        header.key, header.value = HEADER_BIZ_RT, str(int((time.monotonic() - start) * 1000))
        frame.payload = JSON.marshal(answer).encode()
        await self._write_message(frame.SerializeToString())


class Runner:
    """Runs a ``LongConnection`` on its own thread and event loop; ``stop`` ends both."""

    def __init__(self, client: LongConnection) -> None:
        self.client = client
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self._run, name="feishu-long-connection", daemon=True)
        self.failed: BaseException | None = None

    def start(self) -> None:
        self.thread.start()

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        ws_client.loop = self.loop  # the SDK schedules its tasks on this module global
        try:
            self.client.start()
        except (RuntimeError, asyncio.CancelledError):
            pass  # stopped by ``stop``
        except Exception as exc:
            self.failed = exc
            log.error("Feishu long connection ended: %s", exc)
        finally:
            self.loop.close()

    @property
    def connected(self) -> bool:
        return self.client._conn is not None

    def stop(self, timeout: float = 5.0) -> None:
        """Cancel the client's tasks (receiving, pinging), close the connection, end the thread."""
        if not self.thread.is_alive():
            return
        self.client._auto_reconnect = False

        async def close() -> None:
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            main = [t for t in tasks if t.get_coro().__name__ == "_select"]  # type: ignore[union-attr]
            for task in tasks:
                if task not in main:
                    task.cancel()
            await asyncio.gather(*(t for t in tasks if t not in main), return_exceptions=True)
            conn, self.client._conn = self.client._conn, None
            if conn is not None:
                with contextlib.suppress(Exception):
                    await conn.close()
            for task in main:  # ``start`` returns once this is cancelled
                task.cancel()

        asyncio.run_coroutine_threadsafe(close(), self.loop)
        self.thread.join(timeout)
