"""Slack's interactive payloads (``payload=<url-encoded JSON>``) decoded in C, for Bolt.

A submitted modal carries the whole view back: 20-40 kB with thousands of ``%XX`` escapes.
Bolt's ``parse_body`` decodes them with ``urllib.parse.parse_qsl``, in Python: a fifth of a
worker's CPU for each visit submitted. ``parse_body`` here gives the same dict for the same
body, decoding the escapes with ``binascii.a2b_qp`` (quoted-printable is ``=XX`` where a form
has ``%XX``); a body it is not sure of (not one ``payload`` field, not plain ASCII, a ``%`` not
followed by two hex digits) goes to Bolt's own ``parse_body``.
"""

from __future__ import annotations

import binascii
import json
import re
from typing import Any

from slack_bolt.request import async_request
from slack_bolt.request.internals import parse_body as bolt_parse_body

FORM = "application/x-www-form-urlencoded"
_PAYLOAD = "payload="
_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")


def parse_body(body: str, content_type: str | None) -> dict[str, Any]:
    """Bolt's ``parse_body``, the common interactive payload decoded in C."""
    if content_type == FORM and body.startswith(_PAYLOAD) and (value := _unquoted(body[len(_PAYLOAD) :])):
        parsed = json.loads(value)
        if isinstance(parsed, dict):
            return parsed
    return bolt_parse_body(body, content_type)


def _unquoted(value: str) -> str | None:
    """``urllib.parse.unquote_plus(value)`` for one plain form value; None when unsure."""
    if "&" in value or not value.isascii() or _BAD_ESCAPE.search(value):
        return None
    qp = value.replace("=", "=3D").replace("+", " ").replace("%", "=")
    return binascii.a2b_qp(qp).decode("utf-8", "replace")


def install() -> None:
    """Bolt's HTTP requests parse their bodies with ``parse_body`` (the name its module reads)."""
    async_request.parse_body = parse_body  # type: ignore[attr-defined]
