"""Callbacks as WeCom sends them, built from the published scheme (加解密方案说明,
developer.work.weixin.qq.com/document/path/91144, and the team's sample WXBizMsgCrypt.py in
sbzhu/weworkapi_python), written apart from the adapter's ``crypto`` module:

    msg_signature = sha1(''.join(sorted([token, timestamp, nonce, msg_encrypt])))
    aes_key = base64decode(EncodingAESKey + "=")          # 32 bytes, IV = aes_key[:16]
    msg_encrypt = base64(AES-256-CBC(random(16) + htonl(len(msg)) + msg + ReceiveId), PKCS#7 to 32)
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import socket
import struct
from urllib.parse import urlencode
from xml.sax.saxutils import escape

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

TOKEN = "hJqcu3uJ9Tn2gXPmxx2w9kkCkCE2EPYo"
AES_KEY = "6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhUt"
CORP_ID = "ww-test-corp"


class WecomSigner:
    def __init__(self, token: str = TOKEN, aes_key: str = AES_KEY, corp_id: str = CORP_ID) -> None:
        self.token = token
        self.key = base64.b64decode(aes_key + "=")
        self.corp_id = corp_id

    def encrypt(self, text: str, corp_id: str | None = None) -> str:
        msg = text.encode("utf-8")
        body = secrets.token_bytes(16) + struct.pack("I", socket.htonl(len(msg))) + msg
        body += (corp_id if corp_id is not None else self.corp_id).encode()
        padder = padding.PKCS7(256).padder()  # 32-byte blocks, as the sample's PKCS7Encoder
        padded = padder.update(body) + padder.finalize()
        encryptor = Cipher(algorithms.AES(self.key), modes.CBC(self.key[:16])).encryptor()
        return base64.b64encode(encryptor.update(padded) + encryptor.finalize()).decode()

    def sign(self, timestamp: str, nonce: str, encrypted: str) -> str:
        parts = sorted([self.token, timestamp, nonce, encrypted])
        return hashlib.sha1("".join(parts).encode()).hexdigest()

    def post(self, plain_xml: str, timestamp: int, corp_id: str | None = None) -> tuple[str, bytes]:
        """(query string, body) of a POST callback carrying ``plain_xml``."""
        nonce = str(secrets.randbelow(10**9))
        encrypted = self.encrypt(plain_xml, corp_id)
        query = urlencode(
            {
                "msg_signature": self.sign(str(timestamp), nonce, encrypted),
                "timestamp": timestamp,
                "nonce": nonce,
            }
        )
        body = (
            f"<xml><ToUserName><![CDATA[{self.corp_id}]]></ToUserName>"
            f"<Encrypt><![CDATA[{encrypted}]]></Encrypt><AgentID><![CDATA[1000002]]></AgentID></xml>"
        )
        return query, body.encode()

    def url_check(self, echo: str, timestamp: int) -> str:
        nonce = str(secrets.randbelow(10**9))
        encrypted = self.encrypt(echo)
        sig = self.sign(str(timestamp), nonce, encrypted)
        return urlencode({"msg_signature": sig, "timestamp": timestamp, "nonce": nonce, "echostr": encrypted})


def text_message(userid: str, text: str, msg_id: int, created: int) -> str:
    """A member's text message to the app (path/90239)."""
    return (
        f"<xml><ToUserName><![CDATA[{CORP_ID}]]></ToUserName><FromUserName><![CDATA[{userid}]]></FromUserName>"
        f"<CreateTime>{created}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
        f"<Content>{escape(text)}</Content><MsgId>{msg_id}</MsgId><AgentID>1000002</AgentID></xml>"
    )


def card_event(userid: str, key: str, task_id: str, response_code: str, created: int) -> str:
    """A template card's button pressed (template_card_event, path/90376)."""
    return (
        f"<xml><ToUserName><![CDATA[{CORP_ID}]]></ToUserName><FromUserName><![CDATA[{userid}]]></FromUserName>"
        f"<CreateTime>{created}</CreateTime><MsgType><![CDATA[event]]></MsgType>"
        f"<Event><![CDATA[template_card_event]]></Event><EventKey>{escape(key)}</EventKey>"
        f"<TaskId><![CDATA[{task_id}]]></TaskId><CardType><![CDATA[button_interaction]]></CardType>"
        f"<ResponseCode><![CDATA[{response_code}]]></ResponseCode><AgentID>1000002</AgentID></xml>"
    )


def main() -> None:
    """Be WeCom's client by hand (README "Running it in WeCom"): ``say`` posts a member's text
    message to kam-bot, ``press`` a card button (asking the fake for the press's ResponseCode).
    The token, key and corp id come from WECOM_TOKEN, WECOM_AES_KEY and WECOM_CORP_ID."""
    import argparse
    import itertools
    import json
    import os
    import time
    import urllib.request

    parser = argparse.ArgumentParser(description="Send kam-bot a signed, encrypted WeCom callback.")
    parser.add_argument("what", choices=["say", "press"])
    parser.add_argument("text", help="say: the message; press: MSGID KEY as 'msg-12 promise.done|3'")
    parser.add_argument("--to", default="http://127.0.0.1:3000/wecom/events")
    parser.add_argument("--fake", default="http://127.0.0.1:8089")
    parser.add_argument("--user", default="rita.rep")
    args = parser.parse_args()
    signer = WecomSigner(os.environ["WECOM_TOKEN"], os.environ["WECOM_AES_KEY"], os.environ["WECOM_CORP_ID"])
    now = int(time.time())
    if args.what == "say":
        plain = text_message(args.user, args.text, next(itertools.count(now * 1000)), now)
    else:
        msgid, _, key = args.text.partition(" ")
        ask = json.dumps({"msgid": msgid, "key": key}).encode()
        request = urllib.request.Request(f"{args.fake}/fake/click", ask, {"Content-Type": "application/json"})
        with urllib.request.urlopen(request) as answer:
            click = json.load(answer)
        plain = card_event(args.user, key, click["task_id"], click["response_code"], now)
    query, body = signer.post(plain, now)
    with urllib.request.urlopen(urllib.request.Request(f"{args.to}?{query}", body)) as answer:
        print(f"kam-bot answered {answer.status}")


if __name__ == "__main__":
    main()
