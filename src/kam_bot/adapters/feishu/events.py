"""HTTP event subscription (``POST /feishu/events``): what a request must be to be read.

Feishu encrypts the body when an Encrypt Key is set: ``{"encrypt": base64(iv + AES-256-CBC
ciphertext)}``, the key being SHA-256 of the Encrypt Key, PKCS#7 padding (LS
``core/utils/decryptor.py``). It signs every event and callback: ``X-Lark-Signature`` = hex
SHA-256 of timestamp + nonce + Encrypt Key + the raw body (LS ``event/dispatcher_handler.py``).
The SDK's handler checks neither the timestamp's age nor a replay, and trusts the padding; so
this module checks, in order: the body is encrypted and decrypts (padding included), the
verification token matches, then (for anything but the URL-verification challenge, which
Feishu does not sign) the signature, that the timestamp is within ``MAX_AGE`` of now, and that
the same signed request was not seen before. A request failing any check is refused
(``adapters.inbound.refuse``) before anything else reads it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

MAX_AGE = 300.0
"""Seconds a signed request's timestamp may be away from now (each retry is signed anew)."""
TIMESTAMP = "x-lark-request-timestamp"
NONCE = "x-lark-request-nonce"
SIGNATURE = "x-lark-signature"


class RefusedError(Exception):
    """Not a request from Feishu (the reason is logged, never the request's own text)."""


@dataclass(frozen=True)
class Verified:
    plaintext: bytes
    body: dict[str, Any]
    signature: str
    """The request's signature ("" for the challenge): a replay carries the same one."""

    @property
    def challenge(self) -> str | None:
        if self.body.get("type") == "url_verification":
            return str(self.body.get("challenge") or "")
        return None


def decrypt(encrypt_key: str, encrypted: str) -> bytes:
    try:
        raw = base64.b64decode(encrypted, validate=True)
    except ValueError:
        raise RefusedError("encrypt is not base64") from None
    if len(raw) < 32 or len(raw) % 16:
        raise RefusedError("encrypt has the wrong length")
    key = hashlib.sha256(encrypt_key.encode()).digest()
    decryptor = Cipher(algorithms.AES(key), modes.CBC(raw[:16])).decryptor()
    padded = decryptor.update(raw[16:]) + decryptor.finalize()
    unpadder = padding.PKCS7(128).unpadder()
    try:
        return unpadder.update(padded) + unpadder.finalize()
    except ValueError:
        raise RefusedError("does not decrypt with FEISHU_ENCRYPT_KEY") from None


def signature(timestamp: str, nonce: str, encrypt_key: str, body: bytes) -> str:
    return hashlib.sha256((timestamp + nonce + encrypt_key).encode() + body).hexdigest()


def _token(body: dict[str, Any]) -> str:
    header = body.get("header")
    if isinstance(header, dict) and header.get("token") is not None:
        return str(header["token"])
    return str(body.get("token") or "")


def verify(raw: bytes, headers: dict[str, str], *, encrypt_key: str, token: str, now: datetime) -> Verified:
    """The decrypted event if the request is Feishu's, else ``RefusedError``."""
    try:
        outer = json.loads(raw)
        encrypted = outer.get("encrypt") if isinstance(outer, dict) else None
    except ValueError:
        raise RefusedError("body is not JSON") from None
    if not isinstance(encrypted, str) or not encrypted:
        raise RefusedError("body is not encrypted")
    plaintext = decrypt(encrypt_key, encrypted)
    try:
        body = json.loads(plaintext)
    except ValueError:
        raise RefusedError("decrypted body is not JSON") from None
    if not isinstance(body, dict):
        raise RefusedError("decrypted body is not an object")
    if not hmac.compare_digest(_token(body).encode(), token.encode()):
        raise RefusedError("verification token does not match")
    if body.get("type") == "url_verification":
        return Verified(plaintext, body, "")
    lowered = {k.lower(): v for k, v in headers.items()}
    stamp, nonce, signed = lowered.get(TIMESTAMP, ""), lowered.get(NONCE, ""), lowered.get(SIGNATURE, "")
    if not (stamp and nonce and signed):
        raise RefusedError("signature headers missing")
    if not hmac.compare_digest(signature(stamp, nonce, encrypt_key, raw), signed.lower()):
        raise RefusedError("signature does not match")
    try:
        age = abs(now.timestamp() - float(stamp))
    except ValueError:
        raise RefusedError("timestamp is not a number") from None
    if age > MAX_AGE:
        raise RefusedError("timestamp is stale")
    return Verified(plaintext, body, signed.lower())
