"""Prices: ``widget-42 4.20 USD/kg``, ``$4.20``, ``¥30``, ``30元/吨``, ``RMB 30``, ``30 CNY per ton``.

The price is the first amount that has text before it (the product, or the competitor's
name) and a currency or unit; failing that the first amount with text before it; failing
that the first amount. Text after the amount is a note. An amount glued to letters or a
hyphen (``widget-42``, ``5L``) is part of a name, never a price.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from kam_bot.domain.drafts import ParseProblem
from kam_bot.domain.enums import CompetitorActivity, PriceKind
from kam_bot.domain.parsing.numbers import NUMBER_PATTERN, currency_code, to_decimal
from kam_bot.domain.parsing.problems import BAD_NUMBER, MISSING_PRICE, problem
from kam_bot.domain.parsing.text import (
    EDGE_CHARS,
    LATIN_WORD_CHAR,
    KeywordTable,
    has_cjk,
    keyword_regex,
    split_first_word,
    trim,
)

PRICE_KEYWORDS: dict[PriceKind, tuple[str, ...]] = {
    PriceKind.CUSTOMER_PURCHASE: (
        "price",
        "prices",
        "purchase price",
        "their price",
        "价格",
        "进价",
        "采购价",
    ),
    PriceKind.OUR_INVOICE: (
        "our price",
        "our invoice price",
        "invoice price",
        "invoice",
        "开票价",
        "我方价格",
        "我们的价格",
    ),
    PriceKind.CUSTOMER_RETAIL: ("retail price", "retail", "零售价", "零售"),
}
KIND_MODIFIERS: dict[PriceKind, tuple[str, ...]] = {
    PriceKind.OUR_INVOICE: ("our", "invoice", "开票"),
    PriceKind.CUSTOMER_RETAIL: ("retail", "零售"),
    PriceKind.CUSTOMER_PURCHASE: ("purchase", "采购"),
}
"""A kind word right after the keyword: ``/price Baosteel retail widget-42 5.99``."""

COMPETITOR_KEYWORDS = ("competitor", "competitors", "competition", "竞品", "竞争对手", "对手")
ACTIVITY_KEYWORDS: dict[CompetitorActivity, tuple[str, ...]] = {
    CompetitorActivity.PROMOTION: (
        "promotion",
        "promotions",
        "promo",
        "promos",
        "discount",
        "discounts",
        "on sale",
        "促销",
        "打折",
        "特价",
        "搞活动",
    ),
    CompetitorActivity.NEW_PRODUCT: (
        "new product",
        "new products",
        "launch",
        "launched",
        "launching",
        "新品",
        "新产品",
        "推出",
    ),
    CompetitorActivity.REP_CHANGE: (
        "new rep",
        "new sales rep",
        "new salesman",
        "rep change",
        "changed rep",
        "changed their rep",
        "换人",
        "换了销售",
        "换销售",
        "新销售",
    ),
    CompetitorActivity.PRICE_CHANGE: (
        "price",
        "prices",
        "price cut",
        "cut price",
        "cut prices",
        "raised price",
        "raised prices",
        "price increase",
        "降价",
        "涨价",
        "调价",
        "价格",
    ),
}
"""Checked in this order; the first activity with a keyword in the text wins, else ``other``."""

MONEY_WORDS = ("per", "每", "us", "usd", "rmb", "cny", "eur", "gbp", "jpy", "hkd", "dollar", "dollars")

_LWC = LATIN_WORD_CHAR
_PREFIX = r"(?P<pre>US\$|\$|¥|￥|€|£|(?:USD|RMB|CNY|EUR|GBP|JPY|HKD)(?=\s*\d))"
_SUFFIX = (
    rf"(?P<suf>美元|欧元|人民币|块钱|元|块|(?:USD|RMB|CNY|EUR|GBP|JPY|HKD|dollars?|euros?|yuan)(?!{_LWC}))"
)
_PER = rf"(?:/|／|每|(?<!{_LWC})per\s)"
_UNIT = rf"(?:\s*{_PER}\s*(?P<unit>[^\s\d/／;；,，。、()（）]+))"
MONEY = re.compile(
    rf"(?<!{_LWC})(?<![-./,$])(?:{_PREFIX}\s*)?(?P<num>{NUMBER_PATTERN})(?![.,]?\d)(?![.,]\S)(?!\s*[%％])"
    rf"(?:\s*{_SUFFIX})?{_UNIT}?(?!{_LWC})",
    re.IGNORECASE,
)
_NUMBERISH = re.compile(r"(?<!\S)[$¥￥€£]?\d\S*")

_ACTIVITY_PATTERNS = tuple((activity, keyword_regex(words)) for activity, words in ACTIVITY_KEYWORDS.items())
_MODIFIERS = KeywordTable(KIND_MODIFIERS)


@dataclass(frozen=True)
class PriceParts:
    """A price line cut in three: the name before the amount, the amount, the rest."""

    before: str
    amount: Decimal | None
    currency: str | None
    unit: str | None
    after: str
    problems: tuple[ParseProblem, ...] = ()

    @property
    def has_amount_text(self) -> bool:
        """True when an amount was typed, even one that could not be read."""
        return self.amount is not None or any(p.message == BAD_NUMBER for p in self.problems)


def _choose(body: str, matches: list[re.Match[str]]) -> re.Match[str] | None:
    content_starts = len(body) - len(body.lstrip(EDGE_CHARS))

    def named(m: re.Match[str]) -> bool:
        return m.start() > content_starts

    def marked(m: re.Match[str]) -> bool:
        return bool(m.group("pre") or m.group("suf") or m.group("unit"))

    for accept in (lambda m: named(m) and marked(m), named):
        for match in matches:
            if accept(match):
                return match
    return matches[0] if matches else None


def split_price(body: str) -> PriceParts:
    """Problems name the field ``price``: ``parser.bad_number`` or ``parser.missing_price``."""
    chosen = _choose(body, list(MONEY.finditer(body)))
    if chosen is not None:
        amount = to_decimal(chosen.group("num"))
        problems = () if amount is not None else (problem("price", chosen.group("num"), BAD_NUMBER),)
        unit = chosen.group("unit")
        if unit:
            unit = unit.rstrip(EDGE_CHARS + ".") or unit
        return PriceParts(
            before=trim(body[: chosen.start()]),
            amount=amount,
            currency=currency_code(chosen.group("pre") or chosen.group("suf")),
            unit=unit or None,
            after=trim(body[chosen.end() :]),
            problems=problems,
        )
    numberish = list(_NUMBERISH.finditer(body))
    if numberish:
        bad = numberish[-1]
        return PriceParts(
            before=trim(body[: bad.start()]),
            amount=None,
            currency=None,
            unit=None,
            after=trim(body[bad.end() :]),
            problems=(problem("price", bad.group(), BAD_NUMBER),),
        )
    return PriceParts(trim(body), None, None, None, "", (problem("price", trim(body), MISSING_PRICE),))


def kind_modifier(body: str) -> tuple[PriceKind | None, str]:
    """A leading kind word (``retail``, ``invoice``, ``our``) and the rest of the line."""
    stripped = body.strip()
    match = _MODIFIERS.pattern.match(stripped)
    if match is not None and trim(stripped[match.end() :]):
        return _MODIFIERS.value_of(match.group()), trim(stripped[match.end() :])
    return None, stripped


_CHINESE_NAME_TAIL = re.compile(r"(?:正在|在搞|在做|在|也|又|已经|已)$")


def split_competitor_note(body: str) -> tuple[str, str]:
    """``Foo running a promotion`` -> (``Foo``, ``running a promotion``).

    Chinese is often written without a space after the name (``巴斯夫在搞促销``): the name
    then ends before the first activity word, less a trailing ``在``/``正在``/``已``.
    """
    name, text = split_first_word(body)
    if has_cjk(name):
        starts = [
            m.start() for _, pattern in _ACTIVITY_PATTERNS if (m := pattern.search(name)) and m.start() > 0
        ]
        if starts:
            short = _CHINESE_NAME_TAIL.sub("", name[: min(starts)]) or name[: min(starts)]
            return short, trim(body.strip()[len(short) :])
    return name, text or body


def mentions_activity(text: str) -> bool:
    return any(pattern.search(text) for _, pattern in _ACTIVITY_PATTERNS)


def competitor_activity(text: str) -> CompetitorActivity:
    for activity, pattern in _ACTIVITY_PATTERNS:
        if pattern.search(text):
            return activity
    return CompetitorActivity.OTHER
