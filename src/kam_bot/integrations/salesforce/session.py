"""An authenticated ``simple_salesforce.Salesforce``, and Salesforce's errors as the port's.

Authentication (https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_client_credentials_flow.htm):
the client-credentials flow posts ``grant_type=client_credentials`` with the consumer key and
secret (HTTP Basic) to ``<My Domain>/services/oauth2/token``; the username-password flow
logs in with the user's password and security token (SOAP ``login``). Both go through
simple-salesforce's own login functions (``login.token_login``, ``login.soap_login``) pointed
at ``SALESFORCE_INSTANCE_URL``. An access token that stops working (401 ``INVALID_SESSION_ID``)
is replaced once; refused again, the credential is revoked.

Errors (https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm):
a JSON array of ``{message, errorCode, fields}``; 401 ``INVALID_SESSION_ID``; 403
``REQUEST_LIMIT_EXCEEDED`` when the org's API allowance is spent; 300 when an external id
matches several records; 429/503 with ``Retry-After`` when a gateway throttles.
"""

from __future__ import annotations

import base64
import threading
from collections.abc import Callable
from typing import Any, TypeVar

import requests
from simple_salesforce.api import Salesforce
from simple_salesforce.exceptions import (
    SalesforceAuthenticationFailed,
    SalesforceError,
    SalesforceExpiredSession,
    SalesforceMoreThanOneRecord,
)
from simple_salesforce.login import soap_login, token_login

from kam_bot.integrations.salesforce.settings import SalesforceSettings
from kam_bot.jobs.crm_port import (
    CredentialRevokedError,
    CrmUnavailableError,
    RateLimitedError,
    RecordRejectedError,
)

T = TypeVar("T")

TIMEOUT = 30.0
DAILY_LIMIT_WAIT = 300.0
"""Seconds before trying again after ``REQUEST_LIMIT_EXCEEDED`` without a Retry-After (the
allowance is a rolling 24 hours: some of it comes back every few minutes)."""
SOAP_LOGIN = """<?xml version="1.0" encoding="utf-8" ?>
<env:Envelope xmlns:xsd="http://www.w3.org/2001/XMLSchema"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    xmlns:env="http://schemas.xmlsoap.org/soap/envelope/">
  <env:Body>
    <n1:login xmlns:n1="urn:partner.soap.sforce.com">
      <n1:username>{username}</n1:username>
      <n1:password>{password}{token}</n1:password>
    </n1:login>
  </env:Body>
</env:Envelope>"""


class _Timeout(requests.Session):
    """Every call with a timeout (simple-salesforce sets none)."""

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", TIMEOUT)
        return super().request(method, url, *args, **kwargs)  # type: ignore[arg-type]


class SalesforceSession:
    """One org: a token obtained on first use, replaced once when it expires."""

    def __init__(self, settings: SalesforceSettings) -> None:
        self.settings = settings
        self.base = settings.instance_url.rstrip("/")
        self.http = _Timeout()
        self.http.hooks["response"].append(self._seen)
        self._last = threading.local()
        self._lock = threading.Lock()
        self._sf: Salesforce | None = None

    def _seen(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        self._last.retry_after = response.headers.get("Retry-After")

    def _login(self) -> Salesforce:
        s = self.settings
        try:
            if s.client_id and s.client_secret:
                basic = base64.b64encode(f"{s.client_id}:{s.client_secret}".encode()).decode()
                token, instance = token_login(
                    f"{self.base}/services/oauth2/token",
                    {"grant_type": "client_credentials"},
                    self.base,
                    s.client_id,
                    {"Authorization": f"Basic {basic}"},
                    None,
                    self.http,
                )
            else:
                body = SOAP_LOGIN.format(username=s.username, password=s.password, token=s.token)
                headers = {"content-type": "text/xml", "charset": "UTF-8", "SOAPAction": "login"}
                token, instance = soap_login(
                    f"{self.base}/services/Soap/u/{s.api_version}", body, headers, None, self.http
                )
        except SalesforceAuthenticationFailed as exc:
            raise CredentialRevokedError(str(exc.code or "auth_failed"), str(exc.message)) from None
        except requests.RequestException as exc:
            raise CrmUnavailableError("connection", str(exc)) from None
        scheme = self.base.split("://", 1)[0]
        return Salesforce(
            instance_url=f"{scheme}://{instance}",
            session_id=token,
            session=self.http,
            version=s.api_version,
        )

    def client(self, fresh: bool = False) -> Salesforce:
        with self._lock:
            if self._sf is None or fresh:
                self._sf = self._login()
            return self._sf

    def call(self, fn: Callable[[Salesforce], T]) -> T:
        """``fn`` with the org's client; Salesforce's errors raised as the port's."""
        try:
            try:
                return fn(self.client())
            except SalesforceExpiredSession:
                return fn(self.client(fresh=True))
        except SalesforceExpiredSession as exc:
            raise CredentialRevokedError(_code(exc) or "INVALID_SESSION_ID", _message(exc)) from None
        except SalesforceError as exc:
            raise self._error(exc) from None
        except requests.RequestException as exc:
            raise CrmUnavailableError("connection", str(exc)) from None

    def _error(self, exc: SalesforceError) -> Exception:
        code, message = _code(exc) or f"HTTP_{exc.status}", _message(exc)
        retry_after = _seconds(getattr(self._last, "retry_after", None))
        if code == "REQUEST_LIMIT_EXCEEDED" or exc.status == 429:
            return RateLimitedError(retry_after or DAILY_LIMIT_WAIT, code, message)
        if exc.status == 503 and retry_after is not None:
            return RateLimitedError(retry_after, code, message)
        if isinstance(exc, SalesforceMoreThanOneRecord):
            return RecordRejectedError("DUPLICATE_EXTERNAL_ID", message)
        if exc.status >= 500:
            return CrmUnavailableError(code, message)
        return RecordRejectedError(code, message)


def _first(exc: SalesforceError) -> dict[str, Any]:
    content = exc.content
    if isinstance(content, list) and content and isinstance(content[0], dict):
        return content[0]
    return content if isinstance(content, dict) else {}


def _code(exc: SalesforceError) -> str:
    return str(_first(exc).get("errorCode") or "")


def _message(exc: SalesforceError) -> str:
    return str(_first(exc).get("message") or exc.content)[:300]


def _seconds(value: str | None) -> float | None:
    try:
        return float(value) if value else None
    except ValueError:
        return None
