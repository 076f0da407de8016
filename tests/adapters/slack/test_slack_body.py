"""Slack's interactive payloads decoded in C give exactly what Bolt's own decoding gives."""

from __future__ import annotations

import json
import random
from urllib.parse import unquote_plus, urlencode

import pytest
from slack_bolt.request.internals import parse_body as bolt_parse_body

from kam_bot.adapters.slack.body import FORM, _unquoted, parse_body

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


def test_raw_form_values_decode_as_urllib_decodes_them_or_are_left_to_it() -> None:
    """Escapes whole, broken, half broken or next to ``=`` and ``+``, line breaks: a value the C
    decoding takes gives what ``unquote_plus`` gives; one it is not sure of it leaves (None)."""
    rng = random.Random(26)
    alphabet = [*"%%=+aFf09g \t\n\r", "%41", "%e4%b8%ad", "%3D"]
    taken = 0
    for _ in range(20_000):
        value = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        decoded = _unquoted(value)
        if decoded is not None:
            taken += 1
            assert decoded == unquote_plus(value, errors="replace"), value
    assert taken > 2_000  # the common case still takes the C decoding


BROKEN = ["%", "%4", "%=", "%%41", "a%=3D", "%zz", "=%", "%4%41", "x%\n41", "%0\r\n", "%\rab\n"]


@pytest.mark.parametrize("value", BROKEN)
def test_values_with_a_broken_escape_or_a_line_break_are_left_to_urllib(value: str) -> None:
    assert _unquoted(value) is None
    if "\n" not in value and "\r" not in value:  # else not JSON once decoded, by either
        body = "payload=%7B%22a%22%3A%22" + value + "%22%7D"
        assert parse_body(body, FORM) == bolt_parse_body(body, FORM)
