"""Slack's request signature, checked strictly before Bolt sees the request.

``v0=`` + HMAC-SHA256 of ``v0:{X-Slack-Request-Timestamp}:{raw body}``, the timestamp within
300 s. slack_sdk's verifier raises on a timestamp that is not an integer (``abc``, ``1.5``,
4,300+ digits), and Bolt then hands the *unverified* body to the error handler; it also accepts
non-ASCII digits. Here each header must appear exactly once and be well formed, or the request
is refused with a reason for the log.
"""

from __future__ import annotations

import hashlib
import hmac
import re

from starlette.datastructures import Headers

MAX_SKEW_SECONDS = 300
_TIMESTAMP = re.compile(r"[0-9]{1,12}")
_SIGNATURE = re.compile(r"v0=[0-9a-f]{64}")


def refusal(headers: Headers, body: bytes, secret: str, now: float) -> str | None:
    """Why the request is not Slack's, or None when its signature holds."""
    timestamps = headers.getlist("x-slack-request-timestamp")
    signatures = headers.getlist("x-slack-signature")
    if len(timestamps) != 1 or len(signatures) != 1:
        return "signature or timestamp header missing or repeated"
    timestamp, signature = timestamps[0], signatures[0]
    if not _TIMESTAMP.fullmatch(timestamp):
        return "timestamp is not a whole number of seconds"
    if abs(now - int(timestamp)) > MAX_SKEW_SECONDS:
        return f"timestamp more than {MAX_SKEW_SECONDS} s away"
    if not _SIGNATURE.fullmatch(signature):
        return "malformed signature"
    base = b"v0:" + timestamp.encode("ascii") + b":" + body
    expected = "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, signature):
        return "signature does not match"
    return None
