"""Stock seen at an account: ``widget-42 120 cases slow share 30%``, ``螺纹钢 120吨 滞销 占比30%``.

Movement words and the share are taken out first (``share 30%``, ``30% share``, ``占比30%``,
or a bare ``30%``), then the quantity is read like a price amount: the first number with a
product before it, with the unit right after it (``120 cases``, ``120箱``). What is left after
the unit is returned as text the caller keeps.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from kam_bot.domain.drafts import ParseProblem, StockDraft
from kam_bot.domain.enums import Movement
from kam_bot.domain.parsing.numbers import NUMBER_PATTERN, to_decimal
from kam_bot.domain.parsing.problems import BAD_NUMBER, BAD_PERCENT, MISSING_PRODUCT, problem
from kam_bot.domain.parsing.text import CJK_RANGES, LATIN_WORD_CHAR, alternation, trim

STOCK_KEYWORDS = ("stock", "inventory", "库存")
SHARE_KEYWORDS = ("share", "our share", "份额", "占比", "我方占比", "我们的份额")
MOVEMENT_KEYWORDS: dict[Movement, tuple[str, ...]] = {
    Movement.FAST: (
        "fast",
        "fast-moving",
        "fast moving",
        "moving fast",
        "selling fast",
        "sells fast",
        "畅销",
        "走得快",
        "走货快",
        "卖得快",
        "动销快",
    ),
    Movement.SLOW: (
        "slow",
        "slow-moving",
        "slow moving",
        "moving slowly",
        "selling slowly",
        "sells slowly",
        "滞销",
        "走得慢",
        "走货慢",
        "卖得慢",
        "动销慢",
    ),
    Movement.NORMAL: ("normal", "steady", "正常", "动销正常", "一般"),
}
CJK_UNITS = (
    "公斤",
    "千克",
    "个",
    "箱",
    "吨",
    "件",
    "包",
    "袋",
    "桶",
    "瓶",
    "托",
    "盒",
    "台",
    "套",
    "卷",
    "支",
    "条",
    "片",
    "罐",
    "斤",
    "米",
    "升",
    "只",
)
_NOT_UNITS = ("in", "at", "on", "of", "and", "with", "for", "left", "remaining")
PERCENT_WORDS = ("percent", "%", "％")

_LWC = LATIN_WORD_CHAR
_PCT = rf"(?P<pct>{NUMBER_PATTERN})\s*(?:%|％|percent(?!{_LWC}))?"
_SHARE = re.compile(
    rf"{alternation(SHARE_KEYWORDS)}\s*[:：]?\s*{_PCT}"
    rf"|(?<!{_LWC})(?<![-./,])(?P<bare>{NUMBER_PATTERN})\s*(?:%|％)(?:\s*{alternation(SHARE_KEYWORDS)})?",
    re.IGNORECASE,
)
LONE_MOVEMENT_CHARS = {Movement.FAST: "快", Movement.SLOW: "慢"}
"""``3吨 慢``: a movement in one character, when it stands alone (not inside 快干胶 or 慢回弹)."""
_MOVEMENTS = tuple(
    (movement, re.compile(alternation(words), re.IGNORECASE)) for movement, words in MOVEMENT_KEYWORDS.items()
) + tuple(
    (movement, re.compile(rf"(?<![{CJK_RANGES}]){char}(?![{CJK_RANGES}])"))
    for movement, char in LONE_MOVEMENT_CHARS.items()
)
_LATIN_UNIT = rf"(?!(?:{'|'.join(_NOT_UNITS)})(?!{_LWC}))(?-i:[^\W\d_{CJK_RANGES}])+\.?"
_QUANTITY = re.compile(
    rf"(?<!{_LWC})(?<![-./,])(?P<num>{NUMBER_PATTERN})(?![.,]?\d)(?![.,]\S)"
    rf"\s*(?P<unit>{alternation(CJK_UNITS)}|{_LATIN_UNIT})?(?!{_LWC})",
    re.IGNORECASE,
)
_NUMBERISH = re.compile(r"(?<!\S)\d\S*")
_HUNDRED = Decimal(100)


@dataclass(frozen=True)
class StockParts:
    draft: StockDraft | None
    problems: list[ParseProblem]
    """Fields relative to the stock line (``product``, ``quantity``, ``our_share_pct``)."""
    leftover: str
    """Text after the quantity that was not understood; the caller keeps it."""


def _blank(text: str, start: int, end: int) -> str:
    return text[:start] + " " * (end - start) + text[end:]


def _take_share(text: str, problems: list[ParseProblem]) -> tuple[Decimal | None, str]:
    match = _SHARE.search(text)
    if match is None:
        return None, text
    typed = match.group("pct") or match.group("bare")
    value = to_decimal(typed)
    if value is None or not 0 <= value <= _HUNDRED:
        problems.append(problem("our_share_pct", match.group(0).strip(), BAD_PERCENT))
        value = None
    return value, _blank(text, match.start(), match.end())


def _take_movement(text: str) -> tuple[Movement | None, str]:
    found: tuple[int, Movement] | None = None
    for movement, pattern in _MOVEMENTS:
        for match in pattern.finditer(text):
            if found is None or match.start() < found[0]:
                found = (match.start(), movement)
            text = _blank(text, match.start(), match.end())
    return (found[1] if found else None), text


def parse_stock_body(body: str) -> StockParts:
    problems: list[ParseProblem] = []
    share, text = _take_share(body, problems)
    movement, text = _take_movement(text)
    matches = list(_QUANTITY.finditer(text))
    chosen = next((m for m in matches if trim(text[: m.start()])), matches[0] if matches else None)
    quantity: Decimal | None = None
    unit: str | None = None
    if chosen is not None:
        product, leftover = trim(text[: chosen.start()]), trim(text[chosen.end() :])
        quantity = to_decimal(chosen.group("num"))
        unit = trim(chosen.group("unit") or "").rstrip(".") or None
    else:
        product, leftover = trim(text), ""
        numberish = list(_NUMBERISH.finditer(text))
        if numberish:
            bad = numberish[-1]
            product, leftover = trim(text[: bad.start()]), trim(text[bad.end() :])
            problems.append(problem("quantity", bad.group(), BAD_NUMBER))
    if not product:
        if quantity is None and movement is None and share is None and not problems:
            return StockParts(None, [], leftover)
        problems.append(problem("product", trim(body), MISSING_PRODUCT))
    draft = StockDraft(product=product, quantity=quantity, unit=unit, movement=movement, our_share_pct=share)
    return StockParts(draft, problems, leftover)


def parse_share(text: str) -> tuple[Decimal | None, list[ParseProblem], str]:
    """A standalone ``share 30%`` line: the value, problems, and text left over."""
    problems: list[ParseProblem] = []
    value, rest = _take_share(text, problems)
    return value, problems, trim(rest)
