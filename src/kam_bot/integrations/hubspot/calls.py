"""The official client's APIs, built once, and HubSpot's errors as the port's.

Each ``client.crm.<...>.<api>`` access builds a new API client with its own connection pool, so
the handles are made once and shared (the client's urllib3 pools are thread-safe). urllib3's own
retries are off for answers: it would sleep out a 429's ``Retry-After`` inside the call (a day,
for the daily limit); kam-bot's deliverer waits instead, with the row kept.

Errors (https://developers.hubspot.com/docs/faq/api-error-responses): a JSON body
``{"status": "error", "message", "correlationId", "category"}``; 401 ``INVALID_AUTHENTICATION``
or ``EXPIRED_AUTHENTICATION``; 403 ``MISSING_SCOPES``; 429 with ``errorType: RATE_LIMIT`` and
``policyName`` (``TEN_SECONDLY_ROLLING``, ``SECONDLY``, ``DAILY``)
(https://developers.hubspot.com/docs/api/usage-details). Each generated package of the client
raises its own ``ApiException`` class; they share the ``status`` / ``headers`` / ``body``
attributes read here.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from typing import Any, TypeVar

import urllib3
from hubspot import Client  # type: ignore[import-untyped]
from hubspot.crm.associations.v4.exceptions import OpenApiException as AssociationsError  # type: ignore[import-untyped]
from hubspot.crm.objects.exceptions import OpenApiException as ObjectsError  # type: ignore[import-untyped]
from hubspot.crm.owners.exceptions import OpenApiException as OwnersError  # type: ignore[import-untyped]
from hubspot.crm.properties.exceptions import OpenApiException as PropertiesError  # type: ignore[import-untyped]

from kam_bot.integrations.hubspot.settings import HubSpotSettings
from kam_bot.jobs.crm_port import (
    CredentialRevokedError,
    CrmError,
    CrmUnavailableError,
    RateLimitedError,
    RecordRejectedError,
)

T = TypeVar("T")

TIMEOUT = 30.0
RATE_LIMIT_WAIT = 10.0
"""Seconds to wait after a 429 without ``Retry-After`` (HubSpot's burst window is 10 s)."""
_API_ERRORS = (ObjectsError, AssociationsError, OwnersError, PropertiesError)


class HubSpotApis:
    """The portal's APIs, authenticated with the private app's token."""

    def __init__(self, settings: HubSpotSettings) -> None:
        retry = urllib3.Retry(total=2, status=0, respect_retry_after_header=False, raise_on_status=False)
        client = Client.create(
            access_token=settings.access_token, host=settings.api_url.rstrip("/"), retry=retry
        )
        self.objects = client.crm.objects.basic_api
        self.batch = client.crm.objects.batch_api
        self.search = client.crm.objects.search_api
        self.associations = client.crm.associations.v4.batch_api
        self.owners = client.crm.owners.owners_api
        self.properties = client.crm.properties.core_api

    def call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """``fn(*args, **kwargs)`` with a timeout; HubSpot's errors raised as the port's."""
        try:
            return fn(*args, _request_timeout=TIMEOUT, **kwargs)
        except _API_ERRORS as exc:
            raise error(exc) from None
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            raise CrmUnavailableError("connection", str(exc)[:300]) from None


def _body(exc: Exception) -> dict[str, Any]:
    try:
        found = json.loads(getattr(exc, "body", None) or "{}")
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}


def _retry_after(exc: Exception, policy: str) -> float:
    headers = getattr(exc, "headers", None) or {}
    try:
        return max(1.0, float(str(headers.get("Retry-After"))))
    except (TypeError, ValueError):
        pass
    if policy == "DAILY":
        now = time.time()
        return float(math.ceil((math.floor(now / 86400) + 1) * 86400 - now))
    return RATE_LIMIT_WAIT


def error(exc: Exception) -> CrmError:
    status = int(getattr(exc, "status", 0) or 0)
    body = _body(exc)
    category = str(body.get("category") or body.get("errorType") or f"HTTP_{status}")
    message = str(body.get("message") or getattr(exc, "reason", "") or exc)[:300]
    if status == 429:
        policy = str(body.get("policyName") or "RATE_LIMIT")
        return RateLimitedError(_retry_after(exc, policy), policy, message)
    if status in (401, 403):
        return CredentialRevokedError(category, message)
    if status == 0 or status >= 500:
        return CrmUnavailableError(category if status else "connection", message)
    return RecordRejectedError(category, message)
