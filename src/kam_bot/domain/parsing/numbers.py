"""Numbers as typed: decimals, small counts (digits, English words, Chinese numerals), currencies."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

NUMBER_PATTERN = r"\d+(?:,\d{3})*(?:\.\d+)?"
"""A plain number: ``120``, ``4.20``, ``1,200.50`` (commas only as thousands separators)."""

CHINESE_DIGITS: dict[str, int] = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
CHINESE_NUMERAL_CHARS = "".join(CHINESE_DIGITS) + "十"

ENGLISH_COUNTS: dict[str, int] = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
}

CURRENCY_CODES: dict[str, str] = {
    "$": "USD",
    "us$": "USD",
    "usd": "USD",
    "dollar": "USD",
    "dollars": "USD",
    "美元": "USD",
    "¥": "CNY",
    "￥": "CNY",
    "rmb": "CNY",
    "cny": "CNY",
    "yuan": "CNY",
    "元": "CNY",
    "块": "CNY",
    "块钱": "CNY",
    "人民币": "CNY",
    "€": "EUR",
    "eur": "EUR",
    "euro": "EUR",
    "euros": "EUR",
    "欧元": "EUR",
    "£": "GBP",
    "gbp": "GBP",
    "jpy": "JPY",
    "hkd": "HKD",
}
"""Currency words and symbols to ISO 4217 codes; ``¥`` is read as renminbi (CNY)."""


def to_decimal(text: str) -> Decimal | None:
    """``"1,200.50"`` -> ``Decimal("1200.50")``; None when it is not a finite number."""
    try:
        value = Decimal(text.replace(",", ""))
    except (InvalidOperation, ValueError):
        return None
    return value if value.is_finite() else None


def chinese_int(text: str) -> int | None:
    """Chinese numerals up to 99: ``三`` 3, ``两`` 2, ``十二`` 12, ``二十`` 20, ``二十三`` 23."""
    if not text:
        return None
    if "十" not in text:
        return CHINESE_DIGITS.get(text) if len(text) == 1 else None
    head, _, tail = text.partition("十")
    if len(head) > 1 or len(tail) > 1:
        return None
    tens = 1 if not head else CHINESE_DIGITS.get(head)
    ones = 0 if not tail else CHINESE_DIGITS.get(tail)
    if tens is None or ones is None:
        return None
    return tens * 10 + ones


def small_int(text: str) -> int | None:
    """A count as typed: up to 4 digits, an English number word (``a``, ``two``) or Chinese."""
    value = text.strip().casefold()
    if value.isdecimal():
        return int(value) if len(value) <= 4 else None
    if value in ENGLISH_COUNTS:
        return ENGLISH_COUNTS[value]
    return chinese_int(value)


def currency_code(symbol: str | None) -> str | None:
    if not symbol:
        return None
    return CURRENCY_CODES.get(symbol.strip().casefold())
