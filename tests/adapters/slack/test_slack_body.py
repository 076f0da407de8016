"""Slack's interactive payloads decoded in C give exactly what Bolt's own decoding gives."""

from __future__ import annotations

import json
import random
from urllib.parse import urlencode

import pytest
from slack_bolt.request.internals import parse_body as bolt_parse_body

from kam_bot.adapters.slack.body import FORM, parse_body

TEXTS = [
    "plain",
    "with spaces and + plus and = equals & ampersand; semicolon",
    "百分号 % 和 %41 和 %zz 还有 emoji 🎉 and \\u00e9",
    "lines\nand\r\ncarriage returns\tand tabs  ",
    "=3D literally, =\n soft break, trailing =",
    "",
]


def _body(value: object) -> str:
    return urlencode({"payload": json.dumps(value, ensure_ascii=False)})


@pytest.mark.parametrize("text", TEXTS)
def test_a_payload_decodes_as_bolt_decodes_it(text: str) -> None:
    body = _body({"type": "view_submission", "view": {"state": {"values": {"summary": {"value": text}}}}})
    assert parse_body(body, FORM) == bolt_parse_body(body, FORM)


def test_random_payloads_decode_as_bolt_decodes_them() -> None:
    rng = random.Random(25)
    alphabet = "abc XYZ 0189 %+=&;:/?#[]@!$'()*,~._-\n\r\t\"\\ 中文 é 🎉 =3D %41"
    for _ in range(300):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60)))
        body = _body({"text": text, "n": rng.randint(0, 9)})
        assert parse_body(body, FORM) == bolt_parse_body(body, FORM)


@pytest.mark.parametrize(
    "body",
    [
        "payload=%7B%22a%22%3A1%7D&other=2",  # two fields
        "payload=%7B%22a%22%3A%22%zz%22%7D",  # a malformed escape: left as it is, as urllib does
        "payload=%7B%22a%22%3A%22%E4%B8%AD%22%7D",  # UTF-8 escapes
        "payload=%7B%22a%22%3A%22%FF%22%7D",  # not UTF-8: replaced, as urllib does
        "payload=%5B1%2C2%5D",  # a list, not an object
        "command=%2Fvisit&text=Baosteel+met+Li",  # a slash command
        "token=x&payload=%7B%7D",
    ],
)
def test_bodies_it_is_not_sure_of_are_bolts(body: str) -> None:
    assert parse_body(body, FORM) == bolt_parse_body(body, FORM)


def test_json_bodies_are_bolts() -> None:
    body = json.dumps({"type": "event_callback", "event": {"text": "a%41+b"}})
    assert parse_body(body, "application/json") == bolt_parse_body(body, "application/json")
