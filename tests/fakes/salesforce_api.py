"""A local HTTPS server that answers like a Salesforce org's REST API, and keeps its records.

simple-salesforce builds ``https://`` URLs only, so the fake serves TLS on 127.0.0.1 with a
self-signed certificate made here (``ca_path``: point ``REQUESTS_CA_BUNDLE`` at it).

Shapes, from Salesforce's documentation:

- OAuth token endpoint, client-credentials flow (``POST /services/oauth2/token``,
  ``grant_type=client_credentials``, consumer key and secret as HTTP Basic or form fields):
  ``{access_token, instance_url, id, token_type, issued_at, signature}``; refused: 400
  ``{error: invalid_client, error_description}``
  (https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_client_credentials_flow.htm);
  SOAP ``login`` (username, password + security token) at ``/services/Soap/u/<v>`` with
  ``sessionId`` / ``serverUrl``, refused with ``sf:INVALID_LOGIN`` (simple_salesforce/login.py);
- REST errors: a JSON array of ``{message, errorCode, fields}``; 401 ``INVALID_SESSION_ID``
  for an expired or revoked token; 403 ``REQUEST_LIMIT_EXCEEDED`` once the org's API allowance
  is spent; 300 when an external id matches several records; 404 ``NOT_FOUND``; 400
  ``REQUIRED_FIELD_MISSING`` / ``INVALID_FIELD``
  (https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm);
- sObject create ``POST /sobjects/<O>`` (201 ``{id, success, errors}``), update ``PATCH
  /sobjects/<O>/<id>`` (204), delete (204), describe; upsert ``PATCH
  /sobjects/<O>/<Field>/<value>`` (201 created / 200 updated, ``{id, success, errors, created}``;
  https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_upsert.htm);
  composite ``POST /composite`` with ``@{ref.id}`` references; ``GET /query?q=`` (SOQL, the
  subset kam-bot writes) paginated with ``nextRecordsUrl``; ``GET /limits``
  (``DailyApiRequests``) and the ``Sforce-Limit-Info: api-usage=n/max`` header on each answer.

A per-second throttle (``per_second``) answers 429 with ``Retry-After``, as a gateway in front
of an org does; ``latency`` delays every answer *after* the call took effect.
"""

from __future__ import annotations

import base64
import datetime as dt
import itertools
import json
import re
import ssl
import tempfile
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

PREFIX = {"Account": "001", "Contact": "003", "User": "005", "Note": "002", "Task": "00T", "Event": "00U"}
PREFIX |= {"EventRelation": "0RE", "Field_Observation__c": "a00"}
COMMON = ["Id", "OwnerId", "CreatedDate", "LastModifiedDate"]
FIELDS: dict[str, list[str]] = {
    "Account": [*COMMON, "Name", "Industry"],
    "Contact": [*COMMON, "AccountId", "Name", "FirstName", "LastName", "Title", "Department", "Email"],
    "User": ["Id", "Name", "Email", "IsActive", "Username"],
    "Event": [
        *COMMON,
        "Subject",
        "Description",
        "WhatId",
        "WhoId",
        "StartDateTime",
        "EndDateTime",
        "ActivityDateTime",
    ],
    "Task": [
        *COMMON,
        "Subject",
        "Description",
        "WhatId",
        "WhoId",
        "ActivityDate",
        "Status",
        "Priority",
        "IsClosed",
    ],
    "Note": [*COMMON, "ParentId", "Title", "Body"],
    "EventRelation": ["Id", "EventId", "RelationId"],
    "Field_Observation__c": [*COMMON, "Name", "Account__c", "Details__c"],
}
REQUIRED = {
    "Event": [],
    "Note": ["ParentId", "Title"],
    "Account": ["Name"],
    "EventRelation": ["EventId", "RelationId"],
}
CLOSED = {"Completed"}


def _err(status: int, code: str, message: str, fields: list[str] | None = None) -> tuple[int, Any]:
    return status, [{"message": message, "errorCode": code, "fields": fields or []}]


def make_certificate(directory: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (cert path, key path)."""
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "fake-salesforce.pem", directory / "fake-salesforce.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return cert_path, key_path


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client killed mid-call (the chaos run) drops its TLS connection: expected, not news."""


class FakeSalesforce:
    VERSION = "59.0"

    def __init__(
        self,
        *,
        client_id: str = "fake-key",
        client_secret: str = "fake-secret",
        external_ids: bool = True,
        optional_fields: bool = False,
        page_size: int = 2000,
        daily_limit: int = 1_000_000,
    ) -> None:
        self.client_id, self.client_secret = client_id, client_secret
        self.username, self.password, self.security_token = "kam@example.com", "pw", "TOKEN"
        self.external_ids = external_ids
        self.optional_fields = optional_fields
        self.page_size = page_size
        self.daily_limit = daily_limit
        self.used = 0
        self.records: dict[str, dict[str, dict[str, Any]]] = {name: {} for name in FIELDS}
        self.tokens: set[str] = set()
        self.revoked = False
        """The connected app's credentials refused, and every token issued so far invalid."""
        self.latency = 0.0
        self.per_second: float | None = None
        self.retry_after = 1
        self.throttled = 0
        self.calls: list[tuple[str, str]] = []
        self.clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC)
        self._ids = itertools.count(1)
        self._window: deque[float] = deque()
        self._pages: dict[str, list[dict[str, Any]]] = {}
        self._lock = threading.RLock()
        self._server: ThreadingHTTPServer | None = None
        self._dir = Path(tempfile.mkdtemp(prefix="fake-sf-"))
        self.ca_path, self._key_path = make_certificate(self._dir)

    # -- lifecycle ----------------------------------------------------------------

    def start(self, port: int = 0) -> FakeSalesforce:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def _any(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                status, body, headers = fake.handle(self.command, self.path, raw, dict(self.headers))
                if fake.latency:
                    time.sleep(fake.latency)
                if isinstance(body, bytes):
                    data, content_type = body, "text/xml"
                else:
                    data = json.dumps(body).encode() if body is not None else b""
                    content_type = "application/json;charset=UTF-8"
                self.send_response(status)
                if data:
                    self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                for k, v in headers.items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PATCH = do_DELETE = _any  # noqa: N815

        self._server = _QuietServer(("127.0.0.1", port), Handler)
        self._server.daemon_threads = True
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.ca_path, self._key_path)
        self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"https://127.0.0.1:{self._server.server_address[1]}"

    def env(self) -> dict[str, str]:
        """The settings that point kam-bot at this org."""
        return {
            "CRM": "salesforce",
            "SALESFORCE_INSTANCE_URL": self.url,
            "SALESFORCE_CLIENT_ID": self.client_id,
            "SALESFORCE_CLIENT_SECRET": self.client_secret,
            "SALESFORCE_API_VERSION": self.VERSION,
            "REQUESTS_CA_BUNDLE": str(self.ca_path),
        }

    # -- the org's data, for tests ----------------------------------------------------

    def add(self, sobject: str, **fields: Any) -> str:
        with self._lock:
            return self._create(sobject, fields)["Id"]

    def all(self, sobject: str) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(r) for r in self.records[sobject].values()]

    def revoke(self, revoked: bool = True) -> None:
        with self._lock:
            self.revoked = revoked
            if revoked:
                self.tokens.clear()

    def expire_tokens(self) -> None:
        with self._lock:
            self.tokens.clear()

    # -- dispatch -----------------------------------------------------------------------

    def handle(
        self, method: str, path: str, raw: bytes, headers: dict[str, str]
    ) -> tuple[int, Any, dict[str, str]]:
        url = urlparse(path)
        with self._lock:
            self.calls.append((method, url.path))
        if url.path == "/services/oauth2/token":
            status, body = self._token(raw, headers)
            return status, body, {}
        if url.path.startswith("/services/Soap/u/"):
            return self._soap(raw)
        if url.path.startswith("/_fake/"):
            return 200, self._control(url.path, raw), {}
        auth = headers.get("Authorization") or headers.get("authorization") or ""
        with self._lock:
            if auth.removeprefix("Bearer ") not in self.tokens:
                status, body = _err(401, "INVALID_SESSION_ID", "Session expired or invalid")
                return status, body, {}
            limited = self._throttle()
            if limited is not None:
                return limited
            if self.used >= self.daily_limit:
                status, body = _err(403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.")
                return status, body, {}
            self.used += 1
            usage = {"Sforce-Limit-Info": f"api-usage={self.used}/{self.daily_limit}"}
            prefix = f"/services/data/v{self.VERSION}/"
            if not url.path.startswith(prefix):
                return *_err(404, "NOT_FOUND", "The requested resource does not exist"), usage
            rest = url.path[len(prefix) :]
            body_json = json.loads(raw) if raw else {}
            status, body = self._rest(method, rest, parse_qs(url.query), body_json)
            return status, body, usage

    def _throttle(self) -> tuple[int, Any, dict[str, str]] | None:
        if self.per_second is None:
            return None
        now = time.monotonic()
        while self._window and now - self._window[0] >= 1.0:
            self._window.popleft()
        if len(self._window) >= self.per_second:
            self.throttled += 1
            status, body = _err(429, "REQUEST_LIMIT_EXCEEDED", "Too many requests: slow down")
            return status, body, {"Retry-After": str(self.retry_after)}
        self._window.append(now)
        return None

    def _token(self, raw: bytes, headers: dict[str, str]) -> tuple[int, Any]:
        form = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
        client_id, secret = form.get("client_id"), form.get("client_secret")
        basic = headers.get("Authorization") or ""
        if basic.startswith("Basic "):
            client_id, _, secret = base64.b64decode(basic[6:]).decode().partition(":")
        if form.get("grant_type") != "client_credentials":
            return 400, {"error": "unsupported_grant_type", "error_description": "grant type not supported"}
        if self.revoked or (client_id, secret) != (self.client_id, self.client_secret):
            return 400, {"error": "invalid_client", "error_description": "invalid client credentials"}
        return 200, {"access_token": self._issue(), "instance_url": self.url, "token_type": "Bearer"} | {
            "id": f"{self.url}/id/00D000000000001/005000000000001",
            "issued_at": str(int(time.time() * 1000)),
            "signature": "fake",
        }

    def _issue(self) -> str:
        token = f"00D000000000001!{uuid.uuid4().hex}"
        with self._lock:
            self.tokens.add(token)
        return token

    def _soap(self, raw: bytes) -> tuple[int, Any, dict[str, str]]:
        text = raw.decode()
        user = re.search(r"<n1:username>(.*?)</n1:username>", text)
        password = re.search(r"<n1:password>(.*?)</n1:password>", text)
        good = (
            user
            and password
            and (user[1], password[1]) == (self.username, self.password + self.security_token)
        )
        if self.revoked or not good:
            message = "Invalid username, password, security token; or user locked out."
            fault = (
                '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope '
                'xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" '
                'xmlns:sf="urn:fault.partner.soap.sforce.com"><soapenv:Body><soapenv:Fault>'
                f"<faultcode>sf:INVALID_LOGIN</faultcode><faultstring>INVALID_LOGIN: {message}</faultstring>"
                "<detail><sf:LoginFault><sf:exceptionCode>INVALID_LOGIN</sf:exceptionCode>"
                f"<sf:exceptionMessage>{message}</sf:exceptionMessage></sf:LoginFault>"
                "</detail></soapenv:Fault></soapenv:Body></soapenv:Envelope>"
            )
            return 500, fault.encode(), {}
        answer = (
            '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">'
            f"<soapenv:Body><loginResponse><result><serverUrl>{self.url}/services/Soap/u/{self.VERSION}/00D</serverUrl>"
            f"<sessionId>{self._issue()}</sessionId></result></loginResponse></soapenv:Body></soapenv:Envelope>"
        )
        return 200, answer.encode(), {}

    def _control(self, path: str, raw: bytes) -> Any:
        """For a test in another process: ``/_fake/records/<Object>``, ``/_fake/set`` (JSON)."""
        if path.startswith("/_fake/records/"):
            return self.all(path.rsplit("/", 1)[1])
        settings = json.loads(raw or b"{}")
        with self._lock:
            for name, value in settings.items():
                if name == "revoked":
                    self.revoke(bool(value))
                else:
                    setattr(self, name, value)
        return {"ok": True, "used": self.used, "throttled": self.throttled}

    # -- REST ---------------------------------------------------------------------------

    def _rest(self, method: str, rest: str, query: dict[str, list[str]], body: Any) -> tuple[int, Any]:
        parts = [unquote(p) for p in rest.strip("/").split("/")]
        with self._lock:
            if parts[0] == "limits":
                return 200, {
                    "DailyApiRequests": {"Max": self.daily_limit, "Remaining": self.daily_limit - self.used}
                }
            if parts[0] == "query":
                return self._query(query.get("q", [""])[0]) if len(parts) == 1 else self._more(parts[1])
            if parts[0] == "composite":
                return self._composite(body)
            if parts[0] != "sobjects" or len(parts) < 2 or parts[1] not in FIELDS:
                return _err(404, "NOT_FOUND", "The requested resource does not exist")
            return self._sobject(method, parts[1], parts[2:], body)

    def _fields(self, sobject: str) -> list[str]:
        names = list(FIELDS[sobject])
        if self.external_ids and sobject in ("Event", "Task", "Field_Observation__c"):
            names.append("Kam_Bot_Id__c")
        if self.optional_fields and sobject in ("Event", "Task"):
            names += ["Kam_Bot_Goal__c", "Kam_Bot_Outcome__c", "Kam_Bot_Next_Step__c", "Kam_Bot_Needs__c"]
            names += ["Kam_Bot_Direction__c"]
        return names

    def _describe(self, sobject: str) -> dict[str, Any]:
        return {
            "name": sobject,
            "fields": [
                {"name": f, "externalId": f == "Kam_Bot_Id__c", "type": "id" if f == "Id" else "string"}
                for f in self._fields(sobject)
            ],
        }

    def _sobject(self, method: str, sobject: str, rest: list[str], body: Any) -> tuple[int, Any]:
        if rest == ["describe"] and method == "GET":
            return 200, self._describe(sobject)
        if not rest and method == "POST":
            problem = self._invalid(sobject, body)
            if problem:
                return problem
            return 201, {"id": self._create(sobject, body)["Id"], "success": True, "errors": []}
        if len(rest) == 1:
            record = self.records[sobject].get(rest[0])
            if record is None:
                return _err(404, "NOT_FOUND", "The requested resource does not exist")
            if method == "GET":
                return 200, dict(record)
            if method == "DELETE":
                del self.records[sobject][rest[0]]
                return 204, None
            if method == "PATCH":
                problem = self._invalid(sobject, body, creating=False)
                if problem:
                    return problem
                self._write(sobject, record, body)
                return 204, None
        if len(rest) == 2 and method == "PATCH":
            return self._upsert(sobject, rest[0], rest[1], body)
        return _err(405, "METHOD_NOT_ALLOWED", f"HTTP Method '{method}' not allowed")

    def _invalid(self, sobject: str, body: dict[str, Any], creating: bool = True) -> tuple[int, Any] | None:
        known = set(self._fields(sobject))
        for name in body:
            if name not in known:
                return _err(
                    400, "INVALID_FIELD", f"No such column '{name}' on sobject of type {sobject}", [name]
                )
        if creating:
            missing = [f for f in REQUIRED.get(sobject, []) if not body.get(f)]
            if sobject == "Event" and not (body.get("EndDateTime") or body.get("DurationInMinutes")):
                missing.append("DurationInMinutes")
            if missing:
                return _err(400, "REQUIRED_FIELD_MISSING", f"Required fields are missing: {missing}", missing)
        for name in ("WhatId", "ParentId", "Account__c", "AccountId"):
            value = body.get(name)
            if value and value not in self.records["Account"]:
                return _err(400, "INVALID_CROSS_REFERENCE_KEY", f"invalid cross reference id: {name}", [name])
        return None

    def _create(self, sobject: str, body: dict[str, Any]) -> dict[str, Any]:
        record_id = f"{PREFIX[sobject]}{next(self._ids):012d}AAA"
        record = {"Id": record_id, "CreatedDate": self._now()}
        self._write(sobject, record, body)
        self.records[sobject][record_id] = record
        return record

    def _write(self, sobject: str, record: dict[str, Any], body: dict[str, Any]) -> None:
        record.update(body)
        record["LastModifiedDate"] = self._now()
        if sobject == "Task":
            record["IsClosed"] = record.get("Status") in CLOSED
        if sobject == "Contact" and "Name" not in body and ("FirstName" in body or "LastName" in body):
            record["Name"] = f"{record.get('FirstName') or ''} {record.get('LastName') or ''}".strip()

    def _now(self) -> str:
        return self.clock().astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.000+0000")

    def _upsert(self, sobject: str, field: str, value: str, body: dict[str, Any]) -> tuple[int, Any]:
        if field not in self._fields(sobject) or field != "Kam_Bot_Id__c":
            return _err(
                404, "NOT_FOUND", f"Provided external ID field does not exist or is not accessible: {field}"
            )
        matches = [r for r in self.records[sobject].values() if r.get(field) == value]
        if len(matches) > 1:
            return 300, [f"/services/data/v{self.VERSION}/sobjects/{sobject}/{r['Id']}" for r in matches]
        problem = self._invalid(sobject, body, creating=not matches)
        if problem:
            return problem
        if matches:
            self._write(sobject, matches[0], body)
            return 200, {"id": matches[0]["Id"], "success": True, "errors": [], "created": False}
        record = self._create(sobject, {**body, field: value})
        return 201, {"id": record["Id"], "success": True, "errors": [], "created": True}

    def _composite(self, body: dict[str, Any]) -> tuple[int, Any]:
        results: dict[str, Any] = {}
        answers = []
        for sub in body.get("compositeRequest", []):
            text = json.dumps(sub.get("body") or {})
            for ref, found in results.items():
                text = text.replace(f"@{{{ref}.id}}", str(found.get("id", "")))
            path = urlparse(sub["url"]).path.removeprefix(f"/services/data/v{self.VERSION}/")
            status, answer = self._rest(sub["method"], path, {}, json.loads(text))
            results[sub["referenceId"]] = answer if isinstance(answer, dict) else {}
            answers.append(
                {
                    "body": answer,
                    "httpHeaders": {},
                    "httpStatusCode": status,
                    "referenceId": sub["referenceId"],
                }
            )
        return 200, {"compositeResponse": answers}

    # -- SOQL (the subset kam-bot writes) ----------------------------------------------------

    def _query(self, soql: str) -> tuple[int, Any]:
        found = re.fullmatch(
            r"\s*SELECT\s+(?P<cols>.+?)\s+FROM\s+(?P<obj>\w+)(?:\s+WHERE\s+(?P<where>.+?))?(?:\s+LIMIT\s+(?P<limit>\d+))?\s*",
            soql,
            re.IGNORECASE | re.DOTALL,
        )
        if not found or found["obj"] not in FIELDS:
            return _err(400, "MALFORMED_QUERY", f"unexpected token in: {soql[:80]}")
        columns = [c.strip() for c in found["cols"].split(",")]
        known = set(self._fields(found["obj"]))
        bad = [c for c in columns if c not in known]
        if bad:
            return _err(400, "INVALID_FIELD", f"No such column '{bad[0]}' on entity '{found['obj']}'")
        conditions = _conditions(found["where"] or "")
        rows = [r for r in self.records[found["obj"]].values() if all(c(r) for c in conditions)]
        if found["limit"]:
            rows = rows[: int(found["limit"])]
        records = [
            {
                "attributes": {
                    "type": found["obj"],
                    "url": f"/services/data/v{self.VERSION}/sobjects/{found['obj']}/{r['Id']}",
                }
            }
            | {c: r.get(c) for c in columns}
            for r in rows
        ]
        return self._page(records)

    def _page(self, records: list[dict[str, Any]]) -> tuple[int, Any]:
        first, rest = records[: self.page_size], records[self.page_size :]
        answer: dict[str, Any] = {"totalSize": len(records), "done": not rest, "records": first}
        if rest:
            locator = f"01g{uuid.uuid4().hex[:12]}-{self.page_size}"
            self._pages[locator] = rest
            answer["nextRecordsUrl"] = f"/services/data/v{self.VERSION}/query/{locator}"
        return 200, answer

    def _more(self, locator: str) -> tuple[int, Any]:
        rest = self._pages.pop(locator, None)
        if rest is None:
            return _err(400, "INVALID_QUERY_LOCATOR", "invalid query locator")
        status, answer = self._page(rest)
        return status, answer


def _conditions(where: str) -> list[Callable[[dict[str, Any]], bool]]:
    found = []
    for part in re.split(r"\s+AND\s+", where.strip(), flags=re.IGNORECASE) if where.strip() else []:
        match = re.fullmatch(r"(\w+)\s*(=|>|LIKE)\s*(.+)", part.strip(), re.IGNORECASE)
        if not match:
            raise ValueError(f"fake SOQL cannot read {part!r}")
        field, op, raw = match[1], match[2].upper(), match[3].strip()
        found.append(_condition(field, op, _literal(raw)))
    return found


def _literal(raw: str) -> Any:
    if raw.startswith("'"):
        return raw[1:-1].replace("\\'", "'").replace("\\\\", "\\")
    if raw.lower() in ("true", "false"):
        return raw.lower() == "true"
    return raw


def _condition(field: str, op: str, value: Any) -> Callable[[dict[str, Any]], bool]:
    if op == "LIKE":
        pattern = re.compile("^" + ".*".join(re.escape(p) for p in str(value).split("%")) + "$", re.DOTALL)
        return lambda r: bool(pattern.match(str(r.get(field) or "")))
    if op == ">":
        limit = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        return lambda r: (
            bool(r.get(field))
            and dt.datetime.strptime(r[field][:19], "%Y-%m-%dT%H:%M:%S").replace(tzinfo=dt.UTC) > limit
        )
    return lambda r: r.get(field) == value
