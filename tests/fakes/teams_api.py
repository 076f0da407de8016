"""A local HTTP server that answers like the Bot Connector API (and Bot Framework's key set).

Point a conversation reference's ``serviceUrl`` (the activities' ``serviceUrl``) at
``fake.url``. It records every call, answers ``POST .../activities`` with a new activity id,
``PUT .../activities/{id}`` as an update, ``GET .../members/{id}`` from ``members``, can be
told to answer the next calls with an error (429 + ``Retry-After``, 502, 403 ...), and serves
a JWKS so the SDK's real JWT validation can be driven with locally signed tokens
(``sign`` makes a Bot Framework-shaped token). Requests without a bearer token are refused
with 401, as the real service does.

A posted or updated activity over Teams' message size limit is refused as Teams refuses it:
413 with ``MessageSizeTooBig``. The limit (``MAX_MESSAGE_BYTES``, about 100 KB) counts the
activity encoded as UTF-16 and leaves base64 images out ("Format your bot messages", Teams
platform docs); a data-URI image attachment must decode to an image of its content type.
"""

from __future__ import annotations

import base64
import itertools
import json
import re
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from microsoft_teams.api.auth.cloud_environment import PUBLIC, CloudEnvironment

ISSUER = "https://api.botframework.com"
KID = "kam-test-key"

_ACTIVITIES = re.compile(r"^/v3/conversations/(?P<cid>[^/]+)/activities(?:/(?P<aid>[^/]+))?$")
MAX_MESSAGE_BYTES = 100 * 1024
_IMAGE_MAGIC = {"image/png": b"\x89PNG\r\n\x1a\n", "image/jpeg": b"\xff\xd8\xff", "image/gif": b"GIF8"}
_MEMBER = re.compile(r"^/v3/conversations/(?P<cid>[^/]+)/members/(?P<mid>[^/]+)$")


@dataclass
class Call:
    method: str
    path: str
    conversation: str
    activity_id: str | None
    body: dict[str, Any]
    headers: dict[str, str]
    status: int

    @property
    def card(self) -> dict[str, Any]:
        """The first Adaptive Card of the posted activity."""
        for att in self.body.get("attachments") or []:
            if att.get("contentType") == "application/vnd.microsoft.card.adaptive":
                return dict(att["content"])
        raise AssertionError(f"no card in {self.body}")

    @property
    def attachments(self) -> list[dict[str, Any]]:
        return list(self.body.get("attachments") or [])


@dataclass
class Scripted:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None
    """Raw bytes to answer instead of the usual JSON (``odd_answer_next``)."""


class FakeBotConnector:
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.members: dict[str, dict[str, Any]] = {}
        self._scripted: deque[Scripted] = deque()
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self.latency = 0.0
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self._private = key
        public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
        self._jwks = {"keys": [{**public, "kid": KID, "use": "sig", "alg": "RS256"}]}

    # -- lifecycle -------------------------------------------------------------------

    def start(self) -> FakeBotConnector:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                status, body, headers = fake._dispatch(self.command, self.path, raw, dict(self.headers))
                data = (
                    body
                    if isinstance(body, bytes)
                    else json.dumps(body).encode()
                    if body is not None
                    else b""
                )
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for k, v in headers.items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_DELETE = _answer  # noqa: N815

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}/"

    @property
    def cloud(self) -> CloudEnvironment:
        """Microsoft's public cloud, with the key set served here (for the SDK's JWT validation)."""
        return CloudEnvironment(
            **{
                **PUBLIC.__dict__,
                "openid_metadata_url": f"{self.url}v1/.well-known/openidconfiguration",
            }
        )

    # -- scripting and inspecting -----------------------------------------------------------

    def fail_next(self, status: int, times: int = 1, retry_after: float | None = None) -> None:
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
        with self._lock:
            self._scripted.extend(Scripted(status, headers) for _ in range(times))

    def odd_answer_next(self, status: int = 200, body: bytes = b"<html>Gateway</html>") -> None:
        """Answer the next call with a body that is not JSON, labelled JSON (a proxy's page)."""
        with self._lock:
            self._scripted.append(Scripted(status, body=body))

    def sent(self, method: str | None = None) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.status < 300 and (method is None or c.method == method)]

    def clear(self) -> None:
        with self._lock:
            self.calls.clear()
            self._scripted.clear()

    def sign(self, audience: str, service_url: str, *, key: Any = None, expires_in: int = 600) -> str:
        """A token shaped like the ones Bot Framework puts on each request to the bot."""
        now = int(time.time())
        claims = {
            "iss": ISSUER,
            "aud": audience,
            "serviceurl": service_url,
            "nbf": now - 10,
            "iat": now - 10,
            "exp": now + expires_in,
        }
        return jwt.encode(claims, key or self._private, algorithm="RS256", headers={"kid": KID})

    # -- the API --------------------------------------------------------------------------

    def _dispatch(
        self, method: str, path: str, raw: bytes, headers: dict[str, str]
    ) -> tuple[int, Any, dict[str, str]]:
        path = path.split("?", 1)[0]
        if path.endswith("/.well-known/openidconfiguration"):
            return 200, {"issuer": ISSUER, "jwks_uri": f"{self.url}v1/.well-known/keys"}, {}
        if path.endswith("/.well-known/keys"):
            return 200, self._jwks, {}
        if self.latency:
            time.sleep(self.latency)
        auth = next((v for k, v in headers.items() if k.lower() == "authorization"), "")
        body = json.loads(raw) if raw else {}
        if (m := _MEMBER.match(path)) is not None:
            member = self.members.get(m["mid"])
            return (200, member, {}) if member else (404, {"error": {"code": "MemberNotFound"}}, {})
        m = _ACTIVITIES.match(path)
        if m is None:
            return 404, {"error": {"code": "NotFound", "message": path}}, {}
        refused = _refusal(body) if method in {"POST", "PUT"} else None
        with self._lock:
            scripted = self._scripted.popleft() if self._scripted else None
            status = scripted.status if scripted else (200 if auth.startswith("Bearer ") else 401)
            if status < 300 and refused is not None:
                status = refused[0]
            activity_id = m["aid"] or (f"act-{next(self._ids)}" if method == "POST" else None)
            self.calls.append(Call(method, path, m["cid"], activity_id, body, headers, status))
        if refused is not None and status == refused[0]:
            return status, refused[1], {}
        if scripted is not None and scripted.body is not None:
            return status, scripted.body, scripted.headers
        if status >= 300:
            return (
                status,
                {"error": {"code": "Scripted", "message": str(status)}},
                scripted.headers if scripted else {},
            )
        return 200 if method != "POST" else 201, {"id": activity_id}, {}


def message_bytes(body: dict[str, Any]) -> int:
    """The activity's size as Teams counts it: UTF-16, base64 images left out."""
    attachments = [
        {**a, "contentUrl": ""} if str(a.get("contentUrl") or "").startswith("data:") else a
        for a in body.get("attachments") or []
    ]
    counted = {**body, "attachments": attachments} if attachments else body
    return len(json.dumps(counted, ensure_ascii=False).encode("utf-16-le"))


def _refusal(body: dict[str, Any]) -> tuple[int, dict[str, Any]] | None:
    for att in body.get("attachments") or []:
        url = str(att.get("contentUrl") or "")
        if not url.startswith("data:"):
            continue
        head, _, data = url.partition(",")
        try:
            raw = base64.b64decode(data, validate=True)
        except ValueError:
            return 400, {"error": {"code": "BadArgument", "message": "invalid base64 image"}}
        magic = _IMAGE_MAGIC.get(str(att.get("contentType")))
        if magic is None or head != f"data:{att.get('contentType')};base64" or not raw.startswith(magic):
            return 400, {"error": {"code": "BadArgument", "message": "unknown image type"}}
    if message_bytes(body) > MAX_MESSAGE_BYTES:
        return 413, {"error": {"code": "MessageSizeTooBig", "message": "Message size too big"}}
    return None


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()
