"""What a Slack Web API error carries, whatever answered.

slack_sdk raises ``SlackApiError`` with a ``SlackResponse`` (``status_code``, ``data``) for an
``ok: false`` or HTTP error answer, but with the raw aiohttp response (``status``, no ``data``)
when a body labelled JSON is not JSON: a proxy's HTML error page, a truncated answer. Both
shapes are read here, so a 429 or 5xx behind such a body is still seen as one.
"""

from __future__ import annotations

from typing import Any

from slack_sdk.errors import SlackApiError


def status_of(error: SlackApiError) -> int | None:
    response = error.response
    for name in ("status_code", "status"):
        value = getattr(response, name, None)
        if isinstance(value, int):
            return value
    return None


def data_of(error: SlackApiError) -> dict[str, Any] | None:
    """The answer's JSON object, or None when it was not one (unreadable)."""
    data = getattr(error.response, "data", None)
    return data if isinstance(data, dict) and "ok" in data else None


def error_code(error: SlackApiError) -> str:
    """Slack's ``error`` (``channel_not_found``), or ``""`` when the answer named none."""
    data = data_of(error)
    return str(data.get("error") or "") if data else ""


def headers_of(error: SlackApiError) -> dict[str, str]:
    headers = getattr(error.response, "headers", None) or {}
    try:
        return {str(k): str(v) for k, v in dict(headers).items()}
    except (TypeError, ValueError):
        return {}
