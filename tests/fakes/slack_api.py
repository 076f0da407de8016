"""A local HTTP server that answers like Slack's Web API and records what the app sent.

Point ``WebClient(base_url=fake.api_url)`` / ``AsyncWebClient`` at it. It answers the
methods kam-bot uses the way Slack does (``ok``/``error`` bodies, ``ts`` per message,
``users.info`` profiles, the files upload v2 steps: ``files.getUploadURLExternal`` per file
with its ``filename`` and ``length``, the bytes to its upload URL, then one
``files.completeUploadExternal`` listing every file, which must each have been uploaded with
the announced length; the files shared are kept per channel in ``shared`` and, as in Slack,
appear in the channel's history as a message with ``files``; a trigger opens one view, a second
``views.open`` or ``views.push`` with it gets ``exchanged_trigger_id``), can be told to fail a call with an
``ok: false`` error or a 429 with ``Retry-After``, and can enforce a per-method rate limit.
``response_url`` posts land at ``/response/<id>`` and are recorded too.

Posted messages are kept per conversation, with their ``metadata``, as Slack keeps them: a
post to a user id lands in the bot's DM with that user (``D<user id>``, the id
``conversations.open`` gives), ``conversations.history`` answers newest first (after ``oldest``), paginated,
with ``metadata`` only under ``include_all_metadata``. ``latency`` delays every answer
*after* the call took effect (a message posted, its answer still on the way), the window in
which a crashed sender does not know its message landed.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs


@dataclass
class Call:
    method: str
    args: dict[str, Any]
    headers: dict[str, str]
    at: float


@dataclass
class Scripted:
    status: int = 200
    body: dict[str, Any] | bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)


class FakeSlack:
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.responses: list[Call] = []
        self.uploads: dict[str, bytes] = {}
        """File id -> the bytes uploaded to its upload URL."""
        self._announced: dict[str, tuple[str, int]] = {}
        self.shared: dict[str, list[dict[str, Any]]] = defaultdict(list)
        """Channel id -> the files shared there by ``files.completeUploadExternal`` (id, title, bytes)."""
        self.users: dict[str, dict[str, Any]] = {}
        self.exchanged: set[str] = set()
        """The triggers a view was opened or pushed with."""
        self._scripted: dict[str, deque[Scripted]] = defaultdict(deque)
        self._limits: dict[str, float] = {}
        self._limit_clocks: dict[str, Callable[[], float]] = {}
        self._last: dict[str, deque[float]] = defaultdict(deque)
        self._ts = itertools.count(1)
        self.messages: dict[str, list[dict[str, Any]]] = defaultdict(list)
        """Conversation id -> the messages posted there, oldest first."""
        self.latency = 0.0
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.rate_limited = 0

    # -- lifecycle ----------------------------------------------------------------

    def start(self) -> FakeSlack:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out in two writes (``end_headers``, then the body): with Nagle's
            # algorithm on, the body waited for the client's delayed ACK of the headers, 40 ms on
            # every call of a kept-alive connection, which Slack's servers do not make anyone wait.
            disable_nagle_algorithm = True

            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                status, body, headers = fake._dispatch(self.path, raw, dict(self.headers))
                if fake.latency:
                    time.sleep(fake.latency)
                if isinstance(body, bytes):  # an answer that is not Slack's (``odd_answer_next``)
                    data, headers = body, dict(headers)
                    content_type = headers.pop("Content-Type", "application/json")
                else:
                    data = json.dumps(body).encode() if body is not None else b"ok"
                    content_type = "application/json" if body is not None else "text/plain"
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                for k, v in headers.items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST  # noqa: N815

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    @property
    def base_url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def api_url(self) -> str:
        return self.base_url + "/api/"

    def response_url(self, name: str = "r1") -> str:
        return f"{self.base_url}/response/{name}"

    # -- scripting ----------------------------------------------------------------

    def fail_next(self, method: str, error: str, times: int = 1) -> None:
        for _ in range(times):
            self._scripted[method].append(Scripted(body={"ok": False, "error": error}))

    def rate_limit_next(self, method: str, retry_after: int = 1, times: int = 1) -> None:
        for _ in range(times):
            self._scripted[method].append(
                Scripted(
                    status=429,
                    body={"ok": False, "error": "ratelimited"},
                    headers={"Retry-After": str(retry_after)},
                )
            )

    def server_error_next(self, method: str, status: int = 503, times: int = 1) -> None:
        for _ in range(times):
            self._scripted[method].append(Scripted(status=status, body=None))

    def odd_answer_next(
        self,
        method: str,
        status: int = 200,
        body: bytes = b"<html><body>Bad gateway</body></html>",
        content_type: str = "application/json",
        headers: dict[str, str] | None = None,
    ) -> None:
        """Answer the next call with a body that is not Slack's JSON (a proxy's page), the call
        recorded as made (whether it took effect is what the bot cannot know)."""
        self._scripted[method].append(
            Scripted(status=status, body=body, headers={"Content-Type": content_type, **(headers or {})})
        )

    def limit(self, method: str, per_second: float, clock: Callable[[], float] | None = None) -> None:
        """Answer 429 (Retry-After 1) to calls beyond ``per_second`` in any one-second window.

        ``clock`` (seconds) measures the window; a test passing its own clock decides when a
        window has passed instead of depending on how fast the machine sends.
        """
        self._limits[method] = per_second
        self._limit_clocks[method] = clock or time.monotonic

    def add_user(
        self,
        user_id: str,
        name: str,
        *,
        email: str | None = None,
        tz: str = "Asia/Shanghai",
        locale: str = "en-US",
    ) -> None:
        self.users[user_id] = {
            "id": user_id,
            "name": name.lower().replace(" ", "."),
            "real_name": name,
            "tz": tz,
            "tz_offset": 28800,
            "locale": locale,
            "profile": {"real_name": name, "display_name": name, "email": email},
        }

    # -- queries ------------------------------------------------------------------

    def posted(self, channel: str | None = None) -> list[dict[str, Any]]:
        """The messages posted (to one conversation, or everywhere), oldest first."""
        with self._lock:
            if channel is not None:
                return list(self.messages.get(channel, []))
            return [m for msgs in self.messages.values() for m in msgs]

    def calls_to(self, method: str) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.method == method]

    def reset(self) -> None:
        with self._lock:
            self.calls.clear()
            self.responses.clear()

    def clear(self) -> None:
        """Forget everything recorded and scripted (calls, uploads, users, failures, limits):
        a fresh fake on the same server, for a server shared by the tests of a module."""
        with self._lock:
            self.calls.clear()
            self.responses.clear()
            self.uploads.clear()
            self._announced.clear()
            self.shared.clear()
            self.exchanged.clear()
            self.users.clear()
            self.messages.clear()
            self.latency = 0.0
            self._scripted.clear()
            self._limits.clear()
            self._limit_clocks.clear()
            self._last.clear()
            self.rate_limited = 0

    # -- the API ------------------------------------------------------------------

    def _dispatch(
        self, path: str, raw: bytes, headers: dict[str, str]
    ) -> tuple[int, dict[str, Any] | bytes | None, dict[str, str]]:
        args = _parse_body(raw, headers.get("Content-Type", ""))
        path, _, query = path.partition("?")
        args.update({k: v[0] if len(v) == 1 else v for k, v in parse_qs(query).items()})
        if path.startswith("/response/"):
            with self._lock:
                self.responses.append(Call(path.rsplit("/", 1)[-1], args, headers, time.time()))
            return 200, None, {}
        if path.startswith("/upload/"):
            with self._lock:
                self.uploads[path.rsplit("/", 1)[-1]] = raw
            return 200, None, {}
        method = path.split("/api/", 1)[-1]
        with self._lock:
            if self._scripted[method]:
                s = self._scripted[method].popleft()
                if s.status == 429:
                    self.rate_limited += 1
                self.calls.append(Call(method, args, headers, time.time()))
                return s.status, s.body, s.headers
            if method in self._limits:
                now = self._limit_clocks.get(method, time.monotonic)()
                window = self._last[method]
                while window and now - window[0] >= 1.0:
                    window.popleft()
                if len(window) >= self._limits[method]:
                    self.rate_limited += 1
                    return 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "1"}
                window.append(now)
            if not headers.get("Authorization", "").startswith("Bearer "):
                return 200, {"ok": False, "error": "not_authed"}, {}
            self.calls.append(Call(method, args, headers, time.time()))
            return 200, self._answer(method, args), {}

    def _exchange(self, trigger: object) -> bool:
        """A trigger opens one view: Slack refuses it again with ``exchanged_trigger_id`` (the
        ``views.open`` / ``views.push`` reference). Expiry after 3 s is not enforced here."""
        if trigger is None:
            return True
        if trigger in self.exchanged:
            return False
        self.exchanged.add(str(trigger))
        return True

    def _answer(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        ts = f"{1700000000 + next(self._ts)}.000100"
        channel = args.get("channel") or "C0"
        if method == "chat.postMessage":
            if not args.get("text") and not args.get("blocks"):
                return {"ok": False, "error": "no_text"}
            return self._post(_dm_channel(str(channel)), ts, args)
        if method == "conversations.history":
            return self._history(str(channel), args)
        if method in {"chat.update", "chat.delete"}:
            return {"ok": True, "channel": channel, "ts": args.get("ts")}
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": ts}
        if method in {"views.open", "views.push"} and not self._exchange(args.get("trigger_id")):
            return {"ok": False, "error": "exchanged_trigger_id"}
        if method in {"views.open", "views.push", "views.update", "views.publish"}:
            view = _json_arg(args.get("view"))
            return {"ok": True, "view": {"id": f"V{next(self._ts)}", **(view or {})}}
        if method == "users.info":
            user = self.users.get(str(args.get("user")))
            return {"ok": True, "user": user} if user else {"ok": False, "error": "user_not_found"}
        if method == "conversations.open":
            channel = f"D{args.get('users')}"
            self.messages.setdefault(channel, [])
            return {"ok": True, "channel": {"id": channel}}
        if method == "auth.test":
            return {
                "ok": True,
                "user_id": "UBOT",
                "bot_id": "BBOT",
                "team_id": "T1",
                "url": "https://fake.slack.com/",
            }
        if method == "apps.connections.open":
            return {"ok": True, "url": "ws://127.0.0.1:9/link/?ticket=1"}
        if method == "files.getUploadURLExternal":
            return self._upload_url(args)
        if method == "files.completeUploadExternal":
            return self._complete_upload(args)
        return {"ok": False, "error": "unknown_method"}

    def _upload_url(self, args: dict[str, Any]) -> dict[str, Any]:
        if not args.get("filename") or not str(args.get("length") or "").isdigit():
            return {"ok": False, "error": "invalid_arguments"}
        file_id = f"F{next(self._ts)}"
        self._announced[file_id] = (str(args["filename"]), int(args["length"]))
        return {"ok": True, "upload_url": f"{self.base_url}/upload/{file_id}", "file_id": file_id}

    def _complete_upload(self, args: dict[str, Any]) -> dict[str, Any]:
        files = _json_arg(args.get("files"))
        if not isinstance(files, list) or not files:
            return {"ok": False, "error": "invalid_arguments"}
        for f in files:
            fid = f.get("id")
            if fid not in self._announced or len(self.uploads.get(fid, b"")) != self._announced[fid][1]:
                return {"ok": False, "error": "file_not_found"}
        done = [{"id": f["id"], "name": self._announced[f["id"]][0], "title": f.get("title")} for f in files]
        channel = args.get("channel_id")
        if channel:
            self.shared[str(channel)].extend({**d, "bytes": self.uploads[d["id"]]} for d in done)
            ts = f"{1700000000 + next(self._ts)}.000100"
            self.messages[str(channel)].append(
                {"type": "message", "ts": ts, "text": "", "bot_id": "BBOT", "upload": True, "files": done}
            )
        return {"ok": True, "files": done}

    def _post(self, channel: str, ts: str, args: dict[str, Any]) -> dict[str, Any]:
        message: dict[str, Any] = {"type": "message", "ts": ts, "text": args.get("text"), "bot_id": "BBOT"}
        metadata = _json_arg(args.get("metadata"))
        if isinstance(metadata, dict) and metadata.get("event_type"):
            message["metadata"] = {
                "event_type": metadata["event_type"],
                "event_payload": metadata.get("event_payload") or {},
            }
        self.messages[channel].append(message)
        return {"ok": True, "channel": channel, "ts": ts, "message": message}

    def _history(self, channel: str, args: dict[str, Any]) -> dict[str, Any]:
        if channel not in self.messages:
            return {"ok": False, "error": "channel_not_found"}
        oldest = float(args.get("oldest") or 0)
        newest_first = [m for m in reversed(self.messages[channel]) if float(m["ts"]) > oldest]
        limit = min(int(args.get("limit") or 100), 999)
        start = int(args.get("cursor") or 0)
        page = newest_first[start : start + limit]
        if str(args.get("include_all_metadata")).lower() not in {"1", "true"}:
            page = [{k: v for k, v in m.items() if k != "metadata"} for m in page]
        more = start + limit < len(newest_first)
        return {
            "ok": True,
            "messages": page,
            "has_more": more,
            "response_metadata": {"next_cursor": str(start + limit) if more else ""},
        }


def _dm_channel(channel: str) -> str:
    """Where a post lands: a user id (``U…``/``W…``) means the bot's DM with that user."""
    return f"D{channel}" if channel[:1] in {"U", "W"} else channel


def _parse_body(raw: bytes, content_type: str) -> dict[str, Any]:
    if not raw:
        return {}
    if "json" in content_type:
        try:
            data = json.loads(raw)
        except ValueError:
            return {}
        return data if isinstance(data, dict) else {"_": data}
    if "form" in content_type:
        return {k: v[0] if len(v) == 1 else v for k, v in parse_qs(raw.decode()).items()}
    return {"_raw": raw}


def _json_arg(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return None
    return value
