"""A local HTTP server that answers like HubSpot's CRM API and records what the app sent.

Point the official client at it: ``hubspot.Client.create(access_token=..., host=fake.url)``
(the client sets each API's ``Configuration.host``). It serves, on 127.0.0.1 and a free port:

- CRM v3 objects for ``companies``, ``contacts``, ``meetings``, ``tasks`` and ``notes`` (also by
  singular name or object type id such as ``0-47``): create (with ``associations``), read
  (``properties``, ``associations``, ``idProperty``), update (PATCH, ``idProperty``), archive,
  list pages, search (``filterGroups`` with EQ / NEQ / LT / LTE / GT / GTE / BETWEEN / IN /
  NOT_IN / HAS_PROPERTY / NOT_HAS_PROPERTY / CONTAINS_TOKEN, ``sorts``, ``after`` paging, at
  most 200 a page) and the batch endpoints (create, read, update, upsert by a unique
  ``idProperty``, archive; at most 100 inputs; 207 with ``errors`` when some ids do not exist).
  Properties are checked as the portal checks them: an unknown property, an option outside an
  enumeration (``hs_task_status``), an owner id that is no owner, an engagement without
  ``hs_timestamp``, a value already held by another record in a unique property (409) are
  refused. Datetimes are accepted as ISO 8601 or epoch milliseconds and returned as ISO 8601
  UTC; ``hs_lastmodifieddate`` (contacts: ``lastmodifieddate``) moves on every change and a task
  set to ``COMPLETED`` gets ``hs_task_completion_date``.
- CRM v4 associations: the HubSpot-defined association types between these objects (meeting
  to company 188, meeting to contact 200, task to company 192, task to contact 204, note to
  company 190, note to contact 202, contact to company 279 and their inverses; a type id that
  does not belong to the pair is refused), associate (default and labelled), list, remove and
  the batch create / default / read / archive endpoints. Associations are two-way, as HubSpot's.
- Owners (``/crm/v3/owners/``, ``email`` filter, paging) and property definitions
  (``/crm/v3/properties/{objectType}[/{name}]``), so an adapter can see whether the portal has a
  custom unique property (``define_property``).
- Authentication: ``Authorization: Bearer <token>``; an unknown or revoked token gets 401
  ``INVALID_AUTHENTICATION`` ("Authentication credentials not found ..."), an expired one 401
  ``EXPIRED_AUTHENTICATION`` ("The OAuth token used to make this call expired N day(s) ago.").
- Rate limits per token, as HubSpot counts them for a private app: ``per_ten_seconds`` calls
  in any rolling 10 s (policy ``TEN_SECONDLY_ROLLING``), ``daily`` calls per UTC day (policy
  ``DAILY``), and ``search_per_second`` search calls (policy ``SECONDLY``). Every counted answer
  carries ``X-HubSpot-RateLimit-Daily``, ``-Daily-Remaining``, ``-Interval-Milliseconds``,
  ``-Max``, ``-Remaining``, ``-Secondly`` and ``-Secondly-Remaining``; a call over a limit gets
  429 with HubSpot's body (``errorType: RATE_LIMIT``, ``policyName``) and ``Retry-After`` (whole
  seconds until the window has room), and is not counted. ``clock`` (seconds) drives the
  windows, the timestamps and the day, so a test can fix it.
- Errors have HubSpot's body: ``{"status": "error", "message": ..., "correlationId": ...,
  "category": ...}`` (plus ``errors`` / ``context`` where HubSpot adds them), and every answer
  an ``X-HubSpot-Correlation-Id`` header.
- ``latency`` delays every answer *after* the call took effect (a record created, its answer
  still on the way): the window in which a killed worker does not know its record exists.
  ``fail_next`` / ``rate_limit_next`` / ``server_error_next`` script the next answers.

Where the shapes come from: the client's own models and paths
(``hubspot/crm/objects/api/{basic,batch,search}_api.py``, ``.../models/simple_public_object.py``,
``batch_response_simple_public_object_with_errors.py``, ``hubspot/crm/associations/v4/api/*``,
``hubspot/crm/owners/api/owners_api.py``, ``hubspot/crm/properties/models/model_property.py`` in
hubspot-api-client 12.0.0), and HubSpot's documentation:
https://developers.hubspot.com/docs/api/crm/meetings (meeting properties, ``hs_timestamp``),
https://developers.hubspot.com/docs/api/crm/tasks (``hs_task_status`` COMPLETED / NOT_STARTED,
``hs_timestamp`` is the due date, ``hubspot_owner_id`` the assignee),
https://developers.hubspot.com/docs/api-reference/latest/crm/associations/overview
(``associations`` on create, ``HUBSPOT_DEFINED`` type ids),
https://developers.hubspot.com/docs/api-reference/latest/crm/objects/custom-objects/batch/upsert-custom-objects
(upsert by a unique ``idProperty``),
https://developers.hubspot.com/docs/faq/api-error-responses (the error body),
https://developers.hubspot.com/docs/api/usage-details and
https://developers.hubspot.com/changelog/2018-11-06-rate-limit-information-headers-will-be-included-in-http-responses
(the limits and the ``X-HubSpot-RateLimit-*`` headers); the 429 and 401 bodies as HubSpot
sends them are quoted in HubSpot/hubspot-api-nodejs#148, HGData/mk-node-hubspot#84 and
StackOneHQ/mcp-connectors#153. HubSpot's search index trails writes by a few seconds;
``search_lag`` hides records changed less than that long ago from search (0 by default).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import math
import re
import threading
import time
import uuid
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

TYPE_IDS = {"contacts": "0-1", "companies": "0-2", "tasks": "0-27", "notes": "0-46", "meetings": "0-47"}
_ALIASES = {
    **{name: name for name in TYPE_IDS},
    **{type_id: name for name, type_id in TYPE_IDS.items()},
    "contact": "contacts",
    "company": "companies",
    "task": "tasks",
    "note": "notes",
    "meeting": "meetings",
}

ASSOCIATION_TYPES: dict[tuple[str, str], int] = {
    ("contacts", "companies"): 279,
    ("companies", "contacts"): 280,
    ("meetings", "companies"): 188,
    ("companies", "meetings"): 187,
    ("meetings", "contacts"): 200,
    ("contacts", "meetings"): 199,
    ("tasks", "companies"): 192,
    ("companies", "tasks"): 191,
    ("tasks", "contacts"): 204,
    ("contacts", "tasks"): 203,
    ("notes", "companies"): 190,
    ("companies", "notes"): 189,
    ("notes", "contacts"): 202,
    ("contacts", "notes"): 201,
}
"""HubSpot-defined default association type ids, from -> to."""
_PRIMARY = {("contacts", "companies"): 1, ("companies", "contacts"): 2}

_DATETIME = "datetime"
_ENUMS = {
    "hs_task_status": ("NOT_STARTED", "IN_PROGRESS", "WAITING", "COMPLETED", "DEFERRED"),
    "hs_task_priority": ("NONE", "LOW", "MEDIUM", "HIGH"),
    "hs_task_type": ("EMAIL", "CALL", "TODO", "LINKED_IN", "MEETING"),
    "hs_meeting_outcome": ("SCHEDULED", "COMPLETED", "RESCHEDULED", "NO_SHOW", "CANCELED"),
}
_MODIFIED = {"contacts": "lastmodifieddate"}
_CREATED = {"contacts": "createdate", "companies": "createdate"}
_SYSTEM = ("hs_object_id", "hs_createdate", "createdate", "hs_lastmodifieddate", "lastmodifieddate")
PROPERTIES: dict[str, dict[str, str]] = {
    "companies": {
        "name": "string", "domain": "string", "website": "string", "city": "string", "country": "string",
        "industry": "string", "phone": "string", "description": "string", "hubspot_owner_id": "owner",
        "numberofemployees": "number", "lifecyclestage": "string",
    },
    "contacts": {
        "firstname": "string", "lastname": "string", "email": "string", "jobtitle": "string",
        "phone": "string", "company": "string", "hubspot_owner_id": "owner", "lifecyclestage": "string",
        "associatedcompanyid": "number",
    },
    "meetings": {
        "hs_timestamp": _DATETIME, "hs_meeting_title": "string", "hs_meeting_body": "string",
        "hs_internal_meeting_notes": "string", "hs_meeting_external_url": "string",
        "hs_meeting_location": "string", "hs_meeting_start_time": _DATETIME,
        "hs_meeting_end_time": _DATETIME, "hs_meeting_outcome": "enumeration",
        "hs_activity_type": "string", "hubspot_owner_id": "owner",
    },
    "tasks": {
        "hs_timestamp": _DATETIME, "hs_task_subject": "string", "hs_task_body": "string",
        "hs_task_status": "enumeration", "hs_task_priority": "enumeration", "hs_task_type": "enumeration",
        "hs_task_reminders": _DATETIME, "hubspot_owner_id": "owner",
    },
    "notes": {"hs_timestamp": _DATETIME, "hs_note_body": "string", "hubspot_owner_id": "owner",
              "hs_attachment_ids": "string"},
}  # fmt: skip
"""Writable properties per object type (a realistic subset of each portal's defaults)."""
_READ_ONLY = {"tasks": {"hs_task_completion_date": _DATETIME}}
_DEFAULT_READ = {
    "companies": ("name", "domain"),
    "contacts": ("firstname", "lastname", "email"),
    "meetings": (),
    "tasks": (),
    "notes": (),
}
"""Properties a read returns when it names none (besides the system ones)."""
_AUTH_NOT_FOUND = (
    "Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find "
    "more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview"
)


class _RefusedError(Exception):
    def __init__(self, status: int, category: str, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status, self.category, self.message, self.extra = status, category, message, extra


@dataclass
class Call:
    method: str
    path: str
    query: dict[str, str]
    body: Any
    headers: dict[str, str]
    status: int = 0
    at: float = 0.0


@dataclass
class Scripted:
    status: int
    body: dict[str, Any] | None
    headers: dict[str, str] = field(default_factory=dict)
    match: str | None = None


@dataclass
class Owner:
    id: str
    email: str
    first_name: str
    last_name: str
    user_id: int
    archived: bool = False

    def json(self, at: str) -> dict[str, Any]:
        return {
            "id": self.id,
            "email": self.email,
            "firstName": self.first_name,
            "lastName": self.last_name,
            "userId": self.user_id,
            "userIdIncludingInactive": self.user_id,
            "type": "PERSON",
            "createdAt": at,
            "updatedAt": at,
            "archived": self.archived,
            "teams": [],
        }


@dataclass
class Record:
    id: str
    type: str
    properties: dict[str, str]
    created: float
    updated: float
    archived: bool = False
    archived_at: float | None = None


def iso(seconds: float) -> str:
    return (
        datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%S.")
        + f"{int(seconds * 1000) % 1000:03d}Z"
    )


def _epoch_ms(value: str) -> int | None:
    text = str(value).strip()
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return int(parsed.timestamp() * 1000)


class FakeHubSpot:
    def __init__(
        self,
        token: str = "pat-na1-kam-test",
        *,
        per_ten_seconds: int = 100,
        daily: int = 250_000,
        search_per_second: int = 5,
        clock: Callable[[], float] | None = None,
    ) -> None:
        self.clock: Callable[[], float] = clock or time.time
        self.per_ten_seconds = per_ten_seconds
        self.daily = daily
        self.search_per_second = search_per_second
        self.latency = 0.0
        self.search_lag = 0.0
        self.tokens: dict[str, str] = {token: "valid"}
        self.token = token
        self.calls: list[Call] = []
        self.records: dict[str, dict[str, Record]] = {name: {} for name in TYPE_IDS}
        self.associations: set[tuple[str, str, str, str, int]] = set()
        """(from type, from id, to type, to id, type id), both directions."""
        self.owners: dict[str, Owner] = {}
        self.custom: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
        self.rate_limited = 0
        self._ids = itertools.count(30_000_000_001)
        self._owner_ids = itertools.count(70_000_001)
        self._window: dict[str, deque[float]] = defaultdict(deque)
        self._search_window: dict[str, deque[float]] = defaultdict(deque)
        self._daily: dict[tuple[str, str], int] = defaultdict(int)
        self._scripted: deque[Scripted] = deque()
        self._lock = threading.RLock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._runner: web.AppRunner | None = None
        self._thread: threading.Thread | None = None
        self._port = 0

    # -- lifecycle ----------------------------------------------------------------

    def start(self) -> FakeHubSpot:
        started = threading.Event()

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            asyncio.set_event_loop(loop)
            app = web.Application(client_max_size=8 * 1024 * 1024)
            app.router.add_route("*", "/{tail:.*}", self._handle)
            self._runner = web.AppRunner(app, access_log=None)
            loop.run_until_complete(self._runner.setup())
            site = web.TCPSite(self._runner, "127.0.0.1", 0)
            loop.run_until_complete(site.start())
            server = site._server
            assert server is not None and server.sockets
            self._port = server.sockets[0].getsockname()[1]
            started.set()
            loop.run_forever()
            loop.run_until_complete(self._runner.cleanup())
            loop.close()

        self._thread = threading.Thread(target=run, name="fake-hubspot", daemon=True)
        self._thread.start()
        if not started.wait(10):
            raise RuntimeError("fake HubSpot did not start")
        return self

    def stop(self) -> None:
        if self._loop is not None and self._thread is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)
            self._loop = None

    def __enter__(self) -> FakeHubSpot:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """What ``HUBSPOT_API_URL`` (the client's ``host``) is set to."""
        return f"http://127.0.0.1:{self._port}"

    def env(self) -> dict[str, str]:
        """The environment of a `kam-bot` process synced with this portal."""
        return {"CRM": "hubspot", "HUBSPOT_ACCESS_TOKEN": self.token, "HUBSPOT_API_URL": self.url}

    # -- set-up and scripting -----------------------------------------------------

    def add_owner(
        self, email: str, first_name: str = "", last_name: str = "", *, archived: bool = False
    ) -> str:
        with self._lock:
            owner_id = str(next(self._owner_ids))
            self.owners[owner_id] = Owner(
                owner_id, email, first_name, last_name, int(owner_id) + 1000, archived
            )
            return owner_id

    def add(self, object_type: str, properties: dict[str, Any], *, at: float | None = None) -> str:
        """A record made in HubSpot (by someone in the portal, not by the app): its id."""
        with self._lock:
            record = self._new(
                _ALIASES[object_type], self._clean(_ALIASES[object_type], properties, create=True)
            )
            if at is not None:
                record.created = record.updated = at
                self._stamp(record)
            return record.id

    def change(self, object_type: str, record_id: str, properties: dict[str, Any]) -> None:
        """A change made in HubSpot (a task closed there, a company renamed)."""
        with self._lock:
            record = self.records[_ALIASES[object_type]][record_id]
            self._update(record, self._clean(record.type, properties, create=False))

    def define_property(self, object_type: str, name: str, *, unique: bool = False, label: str = "") -> None:
        """A custom property an admin created in the portal (``unique``: "require unique values")."""
        with self._lock:
            self.custom[_ALIASES[object_type]][name] = {"unique": unique, "label": label or name}

    def revoke(self, token: str | None = None) -> None:
        self.tokens[token or self.token] = "revoked"

    def expire(self, token: str | None = None) -> None:
        self.tokens[token or self.token] = "expired"

    def restore(self, token: str | None = None) -> None:
        self.tokens[token or self.token] = "valid"

    def fail_next(
        self, status: int, category: str, message: str, *, match: str | None = None, times: int = 1
    ) -> None:
        """Answer the next calls (whose ``METHOD path`` contains ``match``) with this HubSpot error."""
        for _ in range(times):
            self._scripted.append(
                Scripted(status, {"status": "error", "message": message, "category": category}, match=match)
            )

    def rate_limit_next(self, retry_after: int = 1, *, match: str | None = None, times: int = 1) -> None:
        for _ in range(times):
            body = self._rate_body("TEN_SECONDLY_ROLLING")
            self._scripted.append(Scripted(429, body, {"Retry-After": str(retry_after)}, match=match))

    def server_error_next(self, status: int = 502, *, match: str | None = None, times: int = 1) -> None:
        for _ in range(times):
            body = {"status": "error", "message": "internal error", "category": "INTERNAL_ERROR"}
            self._scripted.append(Scripted(status, body, match=match))

    # -- queries ------------------------------------------------------------------

    def all(self, object_type: str, *, archived: bool = False) -> list[Record]:
        with self._lock:
            found = self.records[_ALIASES[object_type]].values()
            return [r for r in found if r.archived == archived]

    def get(self, object_type: str, record_id: str) -> Record:
        with self._lock:
            return self.records[_ALIASES[object_type]][record_id]

    def associated(self, object_type: str, record_id: str, to_type: str) -> set[str]:
        """Ids of the ``to_type`` records associated with this record."""
        with self._lock:
            kind, to = _ALIASES[object_type], _ALIASES[to_type]
            return {a[3] for a in self.associations if a[0] == kind and a[1] == record_id and a[2] == to}

    def calls_to(self, method: str, path_part: str = "") -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.method == method and path_part in c.path]

    def counted(self) -> int:
        """Calls answered other than 401/429: what the portal's daily allowance was charged."""
        with self._lock:
            return sum(1 for c in self.calls if c.status not in (401, 429))

    # -- HTTP ---------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        raw = await request.read()
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        query = {key: ",".join(request.query.getall(key)) for key in request.query}  # repeated: a,b
        call = Call(request.method, request.path, query, body, dict(request.headers), at=self.clock())
        with self._lock:
            self.calls.append(call)
            status, answer, headers = self._answer(call, raw)
            call.status = status
        if self.latency:
            await asyncio.sleep(self.latency)
        correlation = str(uuid.uuid4())
        if isinstance(answer, dict) and answer.get("status") == "error":
            answer.setdefault("correlationId", correlation)
        headers = {**headers, "X-HubSpot-Correlation-Id": correlation}
        if answer is None:
            return web.Response(status=status, headers=headers)
        return web.json_response(answer, status=status, headers=headers)

    def _answer(self, call: Call, raw: bytes) -> tuple[int, Any, dict[str, str]]:
        token = call.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        state = self.tokens.get(token)
        if state == "expired":
            days = 3
            return (
                401,
                self._error(
                    "EXPIRED_AUTHENTICATION",
                    f"The OAuth token used to make this call expired {days} day(s) ago.",
                ),
                {},
            )
        if state != "valid":
            return 401, self._error("INVALID_AUTHENTICATION", _AUTH_NOT_FOUND), {}
        limited = self._limit(token, call.path.endswith("/search"))
        if limited is not None:
            self.rate_limited += 1
            return limited
        headers = self._limit_headers(token)
        scripted = self._take_scripted(f"{call.method} {call.path}")
        if scripted is not None:
            return scripted.status, scripted.body, {**headers, **scripted.headers}
        if raw and call.body is None:
            return 400, self._error("VALIDATION_ERROR", "Invalid input JSON on line 1, column 1"), headers
        try:
            status, answer = self._route(call)
        except _RefusedError as refused:
            return refused.status, self._error(refused.category, refused.message, **refused.extra), headers
        return status, answer, headers

    def _take_scripted(self, key: str) -> Scripted | None:
        for scripted in list(self._scripted):
            if scripted.match is None or scripted.match in key:
                self._scripted.remove(scripted)
                return scripted
        return None

    @staticmethod
    def _error(category: str, message: str, **extra: Any) -> dict[str, Any]:
        return {
            "status": "error",
            "message": message,
            "correlationId": str(uuid.uuid4()),
            "category": category,
            **extra,
        }

    # -- rate limits --------------------------------------------------------------

    @staticmethod
    def _rate_body(policy: str) -> dict[str, Any]:
        message = (
            "You have reached your daily limit."
            if policy == "DAILY"
            else f"You have reached your {policy.lower()} limit."
        )
        return {
            "status": "error",
            "message": message,
            "errorType": "RATE_LIMIT",
            "correlationId": str(uuid.uuid4()),
            "policyName": policy,
            "groupName": "publicapi:private-app",
        }

    def _limit(self, token: str, search: bool) -> tuple[int, Any, dict[str, str]] | None:
        now = self.clock()
        day = datetime.fromtimestamp(now, UTC).date().isoformat()
        if self._daily[(token, day)] >= self.daily:
            midnight = (math.floor(now / 86400) + 1) * 86400
            return 429, self._rate_body("DAILY"), {"Retry-After": str(max(1, math.ceil(midnight - now)))}
        window = self._window[token]
        while window and window[0] <= now - 10:
            window.popleft()
        if len(window) >= self.per_ten_seconds:
            wait = max(1, math.ceil(window[0] + 10 - now))
            return (
                429,
                self._rate_body("TEN_SECONDLY_ROLLING"),
                {"Retry-After": str(wait), **self._limit_headers(token)},
            )
        if search:
            searches = self._search_window[token]
            while searches and searches[0] <= now - 1:
                searches.popleft()
            if len(searches) >= self.search_per_second:
                return 429, self._rate_body("SECONDLY"), {"Retry-After": "1"}
            searches.append(now)
        window.append(now)
        self._daily[(token, day)] += 1
        return None

    def _limit_headers(self, token: str) -> dict[str, str]:
        now = self.clock()
        day = datetime.fromtimestamp(now, UTC).date().isoformat()
        used = len(self._window[token])
        return {
            "X-HubSpot-RateLimit-Daily": str(self.daily),
            "X-HubSpot-RateLimit-Daily-Remaining": str(max(0, self.daily - self._daily[(token, day)])),
            "X-HubSpot-RateLimit-Interval-Milliseconds": "10000",
            "X-HubSpot-RateLimit-Max": str(self.per_ten_seconds),
            "X-HubSpot-RateLimit-Remaining": str(max(0, self.per_ten_seconds - used)),
            "X-HubSpot-RateLimit-Secondly": str(self.per_ten_seconds // 10),
            "X-HubSpot-RateLimit-Secondly-Remaining": str(max(0, (self.per_ten_seconds - used) // 10)),
        }

    # -- routing ------------------------------------------------------------------

    _ROUTES: tuple[tuple[str, str, str], ...] = tuple(
        (method, pattern.replace("{T}", r"(?P<type>[^/]+)").replace("{ID}", r"(?P<id>[^/]+)")
         .replace("{TO}", r"(?P<to>[^/]+)").replace("{TO_ID}", r"(?P<to_id>[^/]+)"), name)
        for method, pattern, name in (
            ("GET", r"/crm/v3/owners/?", "_owners"),
            ("GET", r"/crm/v3/owners/(?P<owner>[^/]+)", "_owner"),
            ("GET", r"/crm/v3/properties/{T}", "_property_list"),
            ("GET", r"/crm/v3/properties/{T}/(?P<name>[^/]+)", "_property"),
            ("POST", r"/crm/v3/objects/{T}/batch/(?P<op>create|read|update|upsert|archive)", "_batch"),
            ("POST", r"/crm/v3/objects/{T}/search", "_search"),
            ("POST", r"/crm/v3/objects/{T}", "_create"),
            ("GET", r"/crm/v3/objects/{T}", "_list"),
            ("GET", r"/crm/v3/objects/{T}/{ID}", "_read"),
            ("PATCH", r"/crm/v3/objects/{T}/{ID}", "_patch"),
            ("DELETE", r"/crm/v3/objects/{T}/{ID}", "_archive"),
            ("PUT", r"/crm/v4/objects/{T}/{ID}/associations/default/{TO}/{TO_ID}", "_assoc_default"),
            ("PUT", r"/crm/v4/objects/{T}/{ID}/associations/{TO}/{TO_ID}", "_assoc_labelled"),
            ("GET", r"/crm/v4/objects/{T}/{ID}/associations/{TO}", "_assoc_list"),
            ("DELETE", r"/crm/v4/objects/{T}/{ID}/associations/{TO}/{TO_ID}", "_assoc_remove"),
            ("POST", r"/crm/v4/associations/{T}/{TO}/batch/(?P<op>create|associate/default|read|archive)", "_assoc_batch"),  # noqa: E501
        )
    )  # fmt: skip

    def _route(self, call: Call) -> tuple[int, Any]:
        for method, pattern, name in self._ROUTES:
            matched = re.fullmatch(pattern, call.path)
            if matched and method == call.method:
                params = matched.groupdict()
                for key in ("type", "to"):
                    if key in params:
                        params[key] = self._type(params[key])
                handler: Callable[..., tuple[int, Any]] = getattr(self, name)
                return handler(call, **params)
        raise _RefusedError(404, "OBJECT_NOT_FOUND", f"No route for {call.method} {call.path}")

    @staticmethod
    def _type(name: str) -> str:
        kind = _ALIASES.get(name.lower())
        if kind is None:
            raise _RefusedError(400, "VALIDATION_ERROR", f"Unable to infer object type from: {name}")
        return kind

    # -- objects ------------------------------------------------------------------

    def _known(self, kind: str) -> dict[str, str]:
        return {**PROPERTIES[kind], **dict.fromkeys(self.custom[kind], "string")}

    def _clean(self, kind: str, properties: Any, *, create: bool) -> dict[str, str]:
        if not isinstance(properties, dict):
            raise _RefusedError(400, "VALIDATION_ERROR", "Invalid input JSON: properties must be an object")
        known, problems, cleaned = self._known(kind), [], {}
        for name, value in properties.items():
            problem = self._check(kind, known, name, value)
            if problem:
                problems.append(problem)
            elif value is None:
                cleaned[name] = ""
            elif known[name] == _DATETIME and str(value) != "":
                cleaned[name] = iso(_epoch_ms(str(value)) / 1000)  # type: ignore[operator]
            else:
                cleaned[name] = str(value).lower() if isinstance(value, bool) else str(value)
        if (
            create
            and kind in ("meetings", "tasks", "notes")
            and not (cleaned.get("hs_timestamp") or cleaned.get("hs_meeting_start_time"))
        ):
            problems.append(
                {
                    "isValid": False,
                    "message": "hs_timestamp is required",
                    "error": "REQUIRED_FIELD",
                    "name": "hs_timestamp",
                }
            )
        if problems:
            raise _RefusedError(
                400, "VALIDATION_ERROR", f"Property values were not valid: {json.dumps(problems)}"
            )
        return cleaned

    def _check(self, kind: str, known: dict[str, str], name: str, value: Any) -> dict[str, Any] | None:
        def bad(message: str, error: str) -> dict[str, Any]:
            return {"isValid": False, "message": message, "error": error, "name": name}

        if name not in known:
            if name in _SYSTEM or name in _READ_ONLY.get(kind, {}):
                return bad(f'"{name}" is a read only property; its value cannot be set.', "READ_ONLY_VALUE")
            return bad(f'Property "{name}" does not exist', "PROPERTY_DOESNT_EXIST")
        if value is None or value == "":
            return None
        text = str(value)
        if known[name] == _DATETIME and _epoch_ms(text) is None:
            return bad(f"{text} was not a valid long or ISO 8601 date.", "INVALID_DATE")
        if known[name] == "enumeration" and text not in _ENUMS.get(name, ()):
            return bad(
                f"{text} was not one of the allowed options: {list(_ENUMS.get(name, ()))}", "INVALID_OPTION"
            )
        if known[name] == "owner" and text not in self.owners:
            return bad(f"{text} is not a valid owner id", "INVALID_OWNER_ID")
        if known[name] == "number" and not re.fullmatch(r"-?\d+(\.\d+)?", text):
            return bad(f"{text} was not a valid number.", "INVALID_INTEGER")
        return None

    def _unique_clash(self, kind: str, properties: dict[str, str], own_id: str | None) -> None:
        for name, spec in self.custom[kind].items():
            value = properties.get(name)
            if not spec["unique"] or not value:
                continue
            for record in self.records[kind].values():
                if record.id != own_id and not record.archived and record.properties.get(name) == value:
                    raise _RefusedError(
                        409,
                        "CONFLICT",
                        f"A {kind[:-1]} with {name}={value} already exists. Existing ID: {record.id}",
                    )

    def _new(self, kind: str, properties: dict[str, str]) -> Record:
        self._unique_clash(kind, properties, None)
        now = self.clock()
        record = Record(str(next(self._ids)), kind, dict(properties), now, now)
        if properties.get("hs_task_status") == "COMPLETED":
            record.properties["hs_task_completion_date"] = iso(now)
        self._stamp(record)
        self.records[kind][record.id] = record
        return record

    def _stamp(self, record: Record) -> None:
        record.properties["hs_object_id"] = record.id
        record.properties[_CREATED.get(record.type, "hs_createdate")] = iso(record.created)
        record.properties[_MODIFIED.get(record.type, "hs_lastmodifieddate")] = iso(record.updated)

    def _update(self, record: Record, properties: dict[str, str]) -> None:
        self._unique_clash(record.type, properties, record.id)
        was = record.properties.get("hs_task_status")
        record.properties.update(properties)
        record.updated = max(self.clock(), record.updated + 0.001)
        status = record.properties.get("hs_task_status")
        if status == "COMPLETED" and was != "COMPLETED":
            record.properties["hs_task_completion_date"] = iso(record.updated)
        elif status != "COMPLETED":
            record.properties.pop("hs_task_completion_date", None)
        self._stamp(record)

    def _json(self, record: Record, wanted: list[str] | None = None, *, full: bool = False) -> dict[str, Any]:
        if full:
            properties = dict(record.properties)
        else:
            names = set(wanted if wanted else _DEFAULT_READ[record.type])
            names |= {
                "hs_object_id",
                _CREATED.get(record.type, "hs_createdate"),
                _MODIFIED.get(record.type, "hs_lastmodifieddate"),
            }
            properties = {n: record.properties.get(n) for n in names}
        out: dict[str, Any] = {
            "id": record.id,
            "properties": properties,
            "createdAt": iso(record.created),
            "updatedAt": iso(record.updated),
            "archived": record.archived,
        }
        if record.archived_at is not None:
            out["archivedAt"] = iso(record.archived_at)
        return out

    def _find(self, kind: str, key: str, id_property: str | None = None) -> Record | None:
        if id_property and id_property != "hs_object_id":
            self._require_unique(kind, id_property)
            return next(
                (
                    r
                    for r in self.records[kind].values()
                    if not r.archived and r.properties.get(id_property) == key
                ),
                None,
            )
        record = self.records[kind].get(key)
        return record if record is not None and not record.archived else None

    def _require_unique(self, kind: str, name: str) -> None:
        spec = self.custom[kind].get(name)
        if spec is None or not spec["unique"]:
            raise _RefusedError(
                400,
                "VALIDATION_ERROR",
                f"{name} is not a unique identifier property for object type {TYPE_IDS[kind]}",
            )

    def _not_found(self, key: str) -> _RefusedError:
        return _RefusedError(
            404, "OBJECT_NOT_FOUND", "Object not found.  objectId are usually numeric.", context={"id": [key]}
        )

    @staticmethod
    def _wanted(query: dict[str, str]) -> list[str] | None:
        raw = query.get("properties")
        return [p for p in raw.split(",") if p] if raw else None

    def _create(self, call: Call, type: str) -> tuple[int, Any]:
        body = call.body or {}
        properties = self._clean(type, body.get("properties"), create=True)
        links = self._parse_associations(type, body.get("associations") or [])
        record = self._new(type, properties)
        for to, to_id, type_id in links:
            self._associate(type, record.id, to, to_id, type_id)
        return 201, self._json(record, full=True)

    def _parse_associations(self, kind: str, given: Any) -> list[tuple[str, str, int]]:
        links = []
        for entry in given:
            to_id = str((entry.get("to") or {}).get("id", ""))
            for spec in entry.get("types") or []:
                type_id = int(spec.get("associationTypeId", 0))
                to = self._target_of(kind, type_id, spec.get("associationCategory"))
                if self._find(to, to_id) is None:
                    raise _RefusedError(
                        400,
                        "VALIDATION_ERROR",
                        f"One or more associations are invalid: {to} {to_id} does not exist",
                    )
                links.append((to, to_id, type_id))
        return links

    def _target_of(self, kind: str, type_id: int, category: str | None) -> str:
        if category != "HUBSPOT_DEFINED":
            raise _RefusedError(
                400,
                "VALIDATION_ERROR",
                f"associationCategory {category} is not defined for type id {type_id}",
            )
        for (source, target), known in ASSOCIATION_TYPES.items():
            if source == kind and type_id in (known, _PRIMARY.get((source, target))):
                return target
        raise _RefusedError(
            400, "VALIDATION_ERROR", f"{type_id} is not a valid association type id from {kind}"
        )

    def _associate(self, kind: str, record_id: str, to: str, to_id: str, type_id: int) -> None:
        self.associations.add((kind, record_id, to, to_id, type_id))
        self.associations.add((to, to_id, kind, record_id, ASSOCIATION_TYPES[(to, kind)]))

    def _read(self, call: Call, type: str, id: str) -> tuple[int, Any]:
        archived = call.query.get("archived") == "true"
        if archived:
            record = self.records[type].get(id)
            if record is None or not record.archived:
                raise self._not_found(id)
        else:
            record = self._find(type, id, call.query.get("idProperty"))
        if record is None:
            raise self._not_found(id)
        out = self._json(record, self._wanted(call.query))
        wanted_links = [self._type(t) for t in call.query.get("associations", "").split(",") if t]
        if wanted_links:
            out["associations"] = {
                to: {
                    "results": [
                        {"id": to_id, "type": f"{type[:-1]}_to_{to[:-1]}"}
                        for to_id in sorted(self.associated(type, record.id, to))
                    ]
                }
                for to in wanted_links
            }
        return 200, out

    def _patch(self, call: Call, type: str, id: str) -> tuple[int, Any]:
        record = self._find(type, id, call.query.get("idProperty"))
        if record is None:
            raise self._not_found(id)
        self._update(record, self._clean(type, (call.body or {}).get("properties"), create=False))
        return 200, self._json(record, full=True)

    def _archive(self, call: Call, type: str, id: str) -> tuple[int, Any]:
        record = self.records[type].get(id)
        if record is not None and not record.archived:
            record.archived, record.archived_at = True, self.clock()
        return 204, None  # HubSpot answers 204 for an id it does not have, too

    def _list(self, call: Call, type: str) -> tuple[int, Any]:
        limit = min(int(call.query.get("limit", "10")), 100)
        archived = call.query.get("archived") == "true"
        found = sorted(
            (r for r in self.records[type].values() if r.archived == archived), key=lambda r: int(r.id)
        )
        start = int(call.query.get("after", "0") or 0)
        page = [r for r in found if int(r.id) > start][:limit]
        out: dict[str, Any] = {"results": [self._json(r, self._wanted(call.query)) for r in page]}
        if len(page) == limit and int(page[-1].id) < int(found[-1].id):
            out["paging"] = {
                "next": {"after": page[-1].id, "link": f"{self.url}{call.path}?after={page[-1].id}"}
            }
        return 200, out

    # -- batch --------------------------------------------------------------------

    def _batch(self, call: Call, type: str, op: str) -> tuple[int, Any]:
        body = call.body or {}
        inputs = body.get("inputs")
        if not isinstance(inputs, list):
            raise _RefusedError(400, "VALIDATION_ERROR", "Invalid input JSON: inputs is required")
        if len(inputs) > 100:
            raise _RefusedError(
                400, "VALIDATION_ERROR", f"Batch input size {len(inputs)} exceeds the limit of 100"
            )
        started = iso(self.clock())
        if op == "archive":
            for entry in inputs:
                record = self.records[type].get(str(entry.get("id")))
                if record is not None and not record.archived:
                    record.archived, record.archived_at = True, self.clock()
            return 204, None
        handler: Callable[
            [str, list[dict[str, Any]], dict[str, Any]], tuple[list[Record], list[str], dict[str, bool]]
        ]
        handler = getattr(self, f"_batch_{op}")
        results, missing, created = handler(type, inputs, body)
        wanted = body.get("properties") if op == "read" else None
        out: dict[str, Any] = {
            "status": "COMPLETE",
            "results": [
                {
                    **self._json(r, wanted, full=op != "read"),
                    **({"new": created[r.id]} if op == "upsert" else {}),
                }
                for r in results
            ],
            "requestedAt": started,
            "startedAt": started,
            "completedAt": iso(self.clock()),
        }
        if missing:
            out["numErrors"] = 1
            out["errors"] = [
                {
                    "status": "error",
                    "category": "OBJECT_NOT_FOUND",
                    "message": f"Could not get some {type[:-1].upper()} objects, they may be deleted or "
                    "not exist. Check that ids are valid.",
                    "context": {"ids": missing},
                    "links": {},
                    "errors": [],
                }
            ]
            return 207, out
        return (201 if op == "create" else 200), out

    def _batch_create(self, kind: str, inputs: list[dict[str, Any]], body: dict[str, Any]) -> Any:
        prepared = [
            (
                self._clean(kind, e.get("properties"), create=True),
                self._parse_associations(kind, e.get("associations") or []),
            )
            for e in inputs
        ]
        self._no_clash_within(kind, [p for p, _ in prepared])
        results = []
        for properties, links in prepared:
            record = self._new(kind, properties)
            for to, to_id, type_id in links:
                self._associate(kind, record.id, to, to_id, type_id)
            results.append(record)
        return results, [], {}

    def _no_clash_within(self, kind: str, batch: list[dict[str, str]]) -> None:
        for name, spec in self.custom[kind].items():
            values = [p[name] for p in batch if spec["unique"] and p.get(name)]
            if len(values) != len(set(values)):
                raise _RefusedError(
                    400, "VALIDATION_ERROR", f"Duplicate values for unique property {name} in the batch"
                )
            for properties in batch:
                self._unique_clash(kind, properties, None)

    def _batch_read(self, kind: str, inputs: list[dict[str, Any]], body: dict[str, Any]) -> Any:
        results, missing = [], []
        for entry in inputs:
            record = self._find(kind, str(entry.get("id")), body.get("idProperty"))
            if record is None:
                missing.append(str(entry.get("id")))
            else:
                results.append(record)
        return results, missing, {}

    def _batch_update(self, kind: str, inputs: list[dict[str, Any]], body: dict[str, Any]) -> Any:
        found, missing = [], []
        for entry in inputs:
            record = self._find(kind, str(entry.get("id")), entry.get("idProperty"))
            if record is None:
                missing.append(str(entry.get("id")))
            else:
                found.append((record, self._clean(kind, entry.get("properties"), create=False)))
        for record, properties in found:
            self._update(record, properties)
        return [r for r, _ in found], missing, {}

    def _batch_upsert(self, kind: str, inputs: list[dict[str, Any]], body: dict[str, Any]) -> Any:
        results, created = [], {}
        for entry in inputs:
            id_property = entry.get("idProperty")
            if not id_property:
                raise _RefusedError(400, "VALIDATION_ERROR", "idProperty is required for upsert")
            self._require_unique(kind, id_property)
            key = str(entry.get("id", ""))
            record = self._find(kind, key, id_property)
            if record is None:
                properties = {**self._clean(kind, entry.get("properties"), create=True), id_property: key}
                record = self._new(kind, properties)
                created[record.id] = True
            else:
                self._update(record, self._clean(kind, entry.get("properties"), create=False))
                created.setdefault(record.id, False)
            results.append(record)
        return results, [], created

    # -- search -------------------------------------------------------------------

    def _search(self, call: Call, type: str) -> tuple[int, Any]:
        body = call.body or {}
        limit = int(body.get("limit") or 10)
        if limit > 200:
            raise _RefusedError(400, "VALIDATION_ERROR", "limit must be at most 200")
        groups = body.get("filterGroups") or []
        now = self.clock()
        found = [
            r
            for r in self.records[type].values()
            if not r.archived
            and (self.search_lag <= 0 or r.updated <= now - self.search_lag)
            and (not groups or any(all(self._matches(r, f) for f in g.get("filters", [])) for g in groups))
            and self._query_matches(r, body.get("query"))
        ]
        found.sort(key=lambda r: int(r.id))
        for sort in reversed(body.get("sorts") or []):
            name = sort if isinstance(sort, str) else sort.get("propertyName", "")
            descending = not isinstance(sort, str) and sort.get("direction") == "DESCENDING"
            found.sort(key=lambda r, n=name: self._sort_key(r, n), reverse=descending)
        offset = int(body.get("after") or 0)
        page = found[offset : offset + limit]
        out: dict[str, Any] = {
            "total": len(found),
            "results": [self._json(r, body.get("properties")) for r in page],
        }
        if offset + limit < len(found):
            out["paging"] = {"next": {"after": str(offset + limit)}}
        return 200, out

    def _query_matches(self, record: Record, query: str | None) -> bool:
        if not query:
            return True
        return any(query.lower() in (v or "").lower() for v in record.properties.values())

    def _sort_key(self, record: Record, name: str) -> tuple[int, Any]:
        value = record.properties.get(name)
        if value is None:
            return (1, "")
        number = _epoch_ms(value) if self._is_datetime(record.type, name) else None
        return (0, number if number is not None else value)

    def _is_datetime(self, kind: str, name: str) -> bool:
        return name in _SYSTEM[1:] or {**PROPERTIES[kind], **_READ_ONLY.get(kind, {})}.get(name) == _DATETIME

    def _matches(self, record: Record, spec: dict[str, Any]) -> bool:
        name, operator = spec.get("propertyName", ""), spec.get("operator", "EQ")
        value = record.properties.get(name)
        if operator == "HAS_PROPERTY":
            return bool(value)
        if operator == "NOT_HAS_PROPERTY":
            return not value
        if value is None or value == "":
            return operator in ("NEQ", "NOT_IN", "NOT_CONTAINS_TOKEN")
        if operator in ("IN", "NOT_IN"):
            inside = value.lower() in {str(v).lower() for v in spec.get("values") or []}
            return inside if operator == "IN" else not inside
        if operator in ("CONTAINS_TOKEN", "NOT_CONTAINS_TOKEN"):
            has = self._has_token(value, str(spec.get("value", "")))
            return has if operator == "CONTAINS_TOKEN" else not has
        left, right = self._comparable(record.type, name, value, spec.get("value"))
        if operator == "BETWEEN":
            _, high = self._comparable(record.type, name, value, spec.get("highValue"))
            return bool(right <= left <= high)
        compare: dict[str, Callable[[Any, Any], bool]] = {
            "EQ": lambda a, b: a == b,
            "NEQ": lambda a, b: a != b,
            "LT": lambda a, b: a < b,
            "LTE": lambda a, b: a <= b,
            "GT": lambda a, b: a > b,
            "GTE": lambda a, b: a >= b,
        }
        if operator not in compare:
            raise _RefusedError(400, "VALIDATION_ERROR", f"Unknown operator {operator}")
        return compare[operator](left, right)

    @staticmethod
    def _has_token(value: str, token: str) -> bool:
        """A whole word of the value (words split at spaces and punctuation other than - _ . @),
        ``*`` a wildcard, as HubSpot's token search matches words rather than substrings."""
        pattern = re.escape(token.lower()).replace(r"\*", r"[\w\-.@]*")
        words = re.split(r"[^\w\-.@]+", value.lower())
        return any(re.fullmatch(pattern, word) for word in words if word)

    def _comparable(self, kind: str, name: str, value: str, given: Any) -> tuple[Any, Any]:
        if self._is_datetime(kind, name):
            return _epoch_ms(value) or 0, _epoch_ms(str(given)) or 0
        if re.fullmatch(r"-?\d+(\.\d+)?", value) and re.fullmatch(r"-?\d+(\.\d+)?", str(given)):
            return float(value), float(str(given))
        return value.lower(), str(given).lower()

    # -- owners and properties -------------------------------------------------------

    def _owners(self, call: Call) -> tuple[int, Any]:
        limit = min(int(call.query.get("limit", "100")), 500)
        archived = call.query.get("archived") == "true"
        email = call.query.get("email")
        found = sorted(
            (
                o
                for o in self.owners.values()
                if o.archived == archived and (email is None or o.email.lower() == email.lower())
            ),
            key=lambda o: int(o.id),
        )
        start = int(call.query.get("after", "0") or 0)
        page = [o for o in found if int(o.id) > start][:limit]
        at = iso(self.clock())
        out: dict[str, Any] = {"results": [o.json(at) for o in page]}
        if page and int(page[-1].id) < int(found[-1].id):
            out["paging"] = {
                "next": {"after": page[-1].id, "link": f"{self.url}/crm/v3/owners/?after={page[-1].id}"}
            }
        return 200, out

    def _owner(self, call: Call, owner: str) -> tuple[int, Any]:
        by_user = call.query.get("idProperty") == "userId"
        found = next(
            (o for o in self.owners.values() if (str(o.user_id) if by_user else o.id) == owner), None
        )
        if found is None:
            raise _RefusedError(404, "OBJECT_NOT_FOUND", f"Owner {owner} not found")
        return 200, found.json(iso(self.clock()))

    def _property_json(self, kind: str, name: str) -> dict[str, Any]:
        custom = self.custom[kind].get(name)
        kind_of = "string" if custom else self._known(kind).get(name, "string")
        at = iso(self.clock())
        return {
            "name": name,
            "label": custom["label"] if custom else name,
            "type": "datetime"
            if kind_of == _DATETIME
            else ("enumeration" if kind_of in ("enumeration", "owner") else kind_of),
            "fieldType": "text",
            "groupName": f"{kind[:-1]}information",
            "description": "",
            "options": [
                {"label": o, "value": o, "hidden": False, "displayOrder": i}
                for i, o in enumerate(_ENUMS.get(name, ()))
            ],
            "hasUniqueValue": bool(custom and custom["unique"]),
            "hubspotDefined": custom is None,
            "hidden": False,
            "formField": False,
            "createdAt": at,
            "updatedAt": at,
            "archived": False,
        }

    def _property(self, call: Call, type: str, name: str) -> tuple[int, Any]:
        if name not in self._known(type) and name not in _SYSTEM:
            raise _RefusedError(
                404, "OBJECT_NOT_FOUND", f"Unable to find property {name} on object type {TYPE_IDS[type]}"
            )
        return 200, self._property_json(type, name)

    def _property_list(self, call: Call, type: str) -> tuple[int, Any]:
        return 200, {"results": [self._property_json(type, name) for name in self._known(type)]}

    # -- associations v4 ------------------------------------------------------------

    def _pair(self, kind: str, record_id: str, to: str, to_id: str) -> None:
        if self._find(kind, record_id) is None:
            raise self._not_found(record_id)
        if self._find(to, to_id) is None:
            raise self._not_found(to_id)
        if (kind, to) not in ASSOCIATION_TYPES:
            raise _RefusedError(
                400, "VALIDATION_ERROR", f"No association type defined between {kind} and {to}"
            )

    def _default_result(self, kind: str, record_id: str, to: str, to_id: str) -> dict[str, Any]:
        return {
            "from": {"id": record_id},
            "to": {"id": to_id},
            "associationSpec": {
                "associationCategory": "HUBSPOT_DEFINED",
                "associationTypeId": ASSOCIATION_TYPES[(kind, to)],
            },
        }

    def _assoc_default(self, call: Call, type: str, id: str, to: str, to_id: str) -> tuple[int, Any]:
        self._pair(type, id, to, to_id)
        self._associate(type, id, to, to_id, ASSOCIATION_TYPES[(type, to)])
        now = iso(self.clock())
        return 200, {
            "status": "COMPLETE",
            "results": [self._default_result(type, id, to, to_id)],
            "startedAt": now,
            "completedAt": now,
        }

    def _assoc_labelled(self, call: Call, type: str, id: str, to: str, to_id: str) -> tuple[int, Any]:
        self._pair(type, id, to, to_id)
        specs = call.body if isinstance(call.body, list) else []
        if not specs:
            raise _RefusedError(400, "VALIDATION_ERROR", "At least one association type is required")
        for spec in specs:
            type_id = int(spec.get("associationTypeId", 0))
            if self._target_of(type, type_id, spec.get("associationCategory")) != to:
                raise _RefusedError(
                    400,
                    "VALIDATION_ERROR",
                    f"{type_id} is not a valid association type id from {type} to {to}",
                )
            self._associate(type, id, to, to_id, type_id)
        return 201, {
            "fromObjectTypeId": TYPE_IDS[type],
            "fromObjectId": int(id),
            "toObjectTypeId": TYPE_IDS[to],
            "toObjectId": int(to_id),
            "labels": [],
        }

    def _assoc_list(self, call: Call, type: str, id: str, to: str) -> tuple[int, Any]:
        if self._find(type, id) is None:
            raise self._not_found(id)
        found = sorted({a[3] for a in self.associations if a[:3] == (type, id, to)}, key=int)
        results = []
        for to_id in found:
            types = sorted(a[4] for a in self.associations if a[:4] == (type, id, to, to_id))
            results.append(
                {
                    "toObjectId": int(to_id),
                    "associationTypes": [
                        {"category": "HUBSPOT_DEFINED", "typeId": t, "label": None} for t in types
                    ],
                }
            )
        return 200, {"results": results}

    def _assoc_remove(self, call: Call, type: str, id: str, to: str, to_id: str) -> tuple[int, Any]:
        self.associations = {
            a for a in self.associations if a[:4] not in ((type, id, to, to_id), (to, to_id, type, id))
        }
        return 204, None

    def _assoc_read_one(self, kind: str, record_id: str, to: str) -> dict[str, Any]:
        spec = {"category": "HUBSPOT_DEFINED", "typeId": ASSOCIATION_TYPES[(kind, to)], "label": None}
        found = sorted(self.associated(kind, record_id, to), key=int)
        return {
            "from": {"id": record_id},
            "to": [{"toObjectId": int(t), "associationTypes": [spec]} for t in found],
        }

    def _assoc_batch(self, call: Call, type: str, to: str, op: str) -> tuple[int, Any]:
        inputs = (call.body or {}).get("inputs")
        if not isinstance(inputs, list):
            raise _RefusedError(400, "VALIDATION_ERROR", "Invalid input JSON: inputs is required")
        now = iso(self.clock())
        if op == "read":
            results = [self._assoc_read_one(type, str(i["id"]), to) for i in inputs]
            return 200, {"status": "COMPLETE", "results": results, "startedAt": now, "completedAt": now}
        if op == "archive":
            for entry in inputs:
                for target in entry.get("to") or []:
                    self._assoc_remove(call, type, str(entry["from"]["id"]), to, str(target["id"]))
            return 204, None
        pairs = [(str(i["from"]["id"]), str(i["to"]["id"])) for i in inputs]
        for from_id, to_id in pairs:
            self._pair(type, from_id, to, to_id)
        results = []
        for (from_id, to_id), entry in zip(pairs, inputs, strict=True):
            type_ids = [int(t["associationTypeId"]) for t in entry.get("types") or []] or [
                ASSOCIATION_TYPES[(type, to)]
            ]
            for type_id in type_ids:
                if self._target_of(type, type_id, "HUBSPOT_DEFINED") != to:
                    raise _RefusedError(
                        400,
                        "VALIDATION_ERROR",
                        f"{type_id} is not a valid association type id from {type} to {to}",
                    )
                self._associate(type, from_id, to, to_id, type_id)
            if op == "create":
                results.append(
                    {
                        "fromObjectTypeId": TYPE_IDS[type],
                        "fromObjectId": int(from_id),
                        "toObjectTypeId": TYPE_IDS[to],
                        "toObjectId": int(to_id),
                        "labels": [],
                    }
                )
            else:
                results.append(self._default_result(type, from_id, to, to_id))
        return (201 if op == "create" else 200), {
            "status": "COMPLETE",
            "results": results,
            "startedAt": now,
            "completedAt": now,
        }
