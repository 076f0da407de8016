"""The Bot Framework token of an inbound activity, checked before anything else is read.

The SDK validates the JWT too, but only after our route has parsed the body (a forged request
with a bad body got 400, not 401), and a refused token logs an ERROR from its validator plus a
WARNING from its server. Here a request whose ``Authorization`` is missing, repeated, not a
bearer JWT, or refused by the same validator the SDK uses gets 401 and one line
(``adapters.inbound.refuse``); the SDK then only ever sees tokens that hold.
"""

from __future__ import annotations

import logging
import re
from contextvars import ContextVar
from typing import Any

from microsoft_teams.api.auth.cloud_environment import CloudEnvironment
from microsoft_teams.apps.auth import InboundActivityTokenValidator
from starlette.datastructures import Headers

_BEARER = re.compile(r"Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)")
_SDK_VALIDATOR_LOG = "microsoft_teams.apps.auth.token_validator"


_checking: ContextVar[bool] = ContextVar("kam_bot_teams_token_check", default=False)


class _OurLineOnly(logging.Filter):
    """Drops what the SDK's validator logs (ERRORs) while our check runs: ``refuse`` logs the one line."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not _checking.get()


def _quiet_sdk_validator() -> None:
    logger = logging.getLogger(_SDK_VALIDATOR_LOG)
    if not any(isinstance(f, _OurLineOnly) for f in logger.filters):
        logger.addFilter(_OurLineOnly())


class InboundAuth:
    """``None`` as validator: ``TEAMS_ALLOW_UNAUTHENTICATED`` (development), nothing is checked."""

    def __init__(self, validator: InboundActivityTokenValidator | None) -> None:
        self.validator = validator
        if validator is not None:
            _quiet_sdk_validator()

    @classmethod
    def for_app(cls, client_id: str | None, cloud: CloudEnvironment | None, *, required: bool) -> InboundAuth:
        if not required or not client_id:
            return cls(None)
        return cls(InboundActivityTokenValidator(client_id, cloud=cloud))

    async def refusal(self, headers: Headers, body: Any) -> str | None:
        """Why the request is not from the Bot Framework, or None (``body``: the parsed JSON or None)."""
        if self.validator is None:
            return None
        values = headers.getlist("authorization")
        match = _BEARER.fullmatch(values[0]) if len(values) == 1 else None
        if match is None:
            return "Authorization header missing, repeated or not a bearer token"
        service_url = body.get("serviceUrl") if isinstance(body, dict) else None
        if not isinstance(service_url, str) or not service_url:
            return "no activity with a service URL to check the token against"
        checking = _checking.set(True)
        try:
            await self.validator.validate_token(match.group(1), service_url)
        except Exception as error:  # any failure to verify (bad token, key set unreachable) is a refusal
            return f"token refused ({type(error).__name__})"
        finally:
            _checking.reset(checking)
        return None
