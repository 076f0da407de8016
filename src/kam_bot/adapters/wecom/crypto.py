"""WeCom's callback crypto (加解密方案说明, developer.work.weixin.qq.com/document/path/91144).

``msg_signature`` is the hex SHA-1 of token, timestamp, nonce and the encrypted text, sorted
and joined. The text is AES-256-CBC with the key ``base64(EncodingAESKey + "=")``, IV its first
16 bytes, PKCS#7 padded to 32-byte blocks; the plaintext is 16 random bytes, the message's
length (4 bytes, network order), the message, then the receiver id (the corp id), which must
be ours. No maintained SDK on PyPI does this (wechatpy's last release is 1.8.18 of 2021), so it
is written here on ``cryptography``; tests check it on WeCom's published sample values.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import struct

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

BLOCK = 32


class CallbackError(Exception):
    """A callback that is not WeCom's for this app: a fixed reason, never the attacker's text."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def signature(token: str, timestamp: str, nonce: str, encrypted: str) -> str:
    return hashlib.sha1("".join(sorted([token, timestamp, nonce, encrypted])).encode()).hexdigest()


class CallbackCrypto:
    def __init__(self, token: str, key: bytes, receive_id: str) -> None:
        self._token = token
        self._key = key
        self._receive_id = receive_id.encode()

    def verify(self, msg_signature: str, timestamp: str, nonce: str, encrypted: str) -> None:
        expected = signature(self._token, timestamp, nonce, encrypted)
        if not hmac.compare_digest(expected, msg_signature.lower()):
            raise CallbackError("bad signature")

    def open(self, msg_signature: str, timestamp: str, nonce: str, encrypted: str) -> bytes:
        """The message inside a signed, encrypted text (``CallbackError`` when it is not ours)."""
        self.verify(msg_signature, timestamp, nonce, encrypted)
        return self.decrypt(encrypted)

    def decrypt(self, encrypted: str) -> bytes:
        try:
            data = base64.b64decode(encrypted, validate=True)
        except (binascii.Error, ValueError):
            raise CallbackError("not base64") from None
        if not data or len(data) % 16:
            raise CallbackError("bad length")
        decryptor = Cipher(algorithms.AES(self._key), modes.CBC(self._key[:16])).decryptor()
        padded = decryptor.update(data) + decryptor.finalize()
        pad = padded[-1]
        if not 1 <= pad <= BLOCK or padded[-pad:] != bytes([pad]) * pad:
            raise CallbackError("bad padding")
        plain = padded[:-pad]
        if len(plain) < 20:
            raise CallbackError("too short")
        (length,) = struct.unpack(">I", plain[16:20])
        message, receive_id = plain[20 : 20 + length], plain[20 + length :]
        if len(message) != length:
            raise CallbackError("bad length")
        if not hmac.compare_digest(receive_id, self._receive_id):
            raise CallbackError("another corp id")
        return message

    def encrypt(self, message: bytes) -> str:
        """For a passive reply (and the URL check's symmetry); kam-bot answers with an empty 200."""
        plain = os.urandom(16) + struct.pack(">I", len(message)) + message + self._receive_id
        pad = BLOCK - len(plain) % BLOCK
        encryptor = Cipher(algorithms.AES(self._key), modes.CBC(self._key[:16])).encryptor()
        return base64.b64encode(encryptor.update(plain + bytes([pad]) * pad) + encryptor.finalize()).decode()
