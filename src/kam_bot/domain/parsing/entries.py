"""The one-line quick entries: `/promise`, `/price`, `/stock`.

Each starts with the account (see :mod:`.account`); what follows is read like the matching
/visit line. Text an entry has no field for is never dropped: it goes to the price's note,
or is reported as a ``parser.not_understood`` problem carrying the text.
"""

from __future__ import annotations

from datetime import date

from kam_bot.domain.drafts import ParseProblem, PriceDraft, PriceEntry, PromiseEntry, StockEntry
from kam_bot.domain.enums import PriceKind, PromiseDirection
from kam_bot.domain.parsing.account import AccountLookup, AccountSplit, split_account
from kam_bot.domain.parsing.dates import WorkingDay, monday_to_friday
from kam_bot.domain.parsing.prices import COMPETITOR_KEYWORDS, PRICE_KEYWORDS, kind_modifier, split_price
from kam_bot.domain.parsing.problems import (
    EMPTY,
    MISSING_ACCOUNT,
    MISSING_COMPETITOR,
    MISSING_PRICE,
    MISSING_PRODUCT,
    MISSING_TEXT,
    NOT_UNDERSTOOD,
    problem,
    under,
)
from kam_bot.domain.parsing.promises import ENTRY_DIRECTION, parse_promise_body, split_direction
from kam_bot.domain.parsing.stock import parse_stock_body
from kam_bot.domain.parsing.text import KeywordTable, keyword_regex, split_first_word, trim

_COMPETITOR = keyword_regex(COMPETITOR_KEYWORDS)
_PRICE_KINDS = KeywordTable(PRICE_KEYWORDS)
_PRICE_STOP = keyword_regex(
    w for kind, words in PRICE_KEYWORDS.items() for w in words if kind is not PriceKind.CUSTOMER_PURCHASE
)
"""``Acme Corp retail widget 5.99``: a kind keyword ends the account name."""


def _start(text: str) -> list[ParseProblem] | None:
    return [problem("text", "", EMPTY)] if not text.strip() else None


def _account_problems(split: AccountSplit) -> list[ParseProblem]:
    return [problem("account", "", MISSING_ACCOUNT)] if split.account is None else []


def parse_promise(
    text: str, *, today: date, is_account: AccountLookup | None = None, working: WorkingDay = monday_to_friday
) -> PromiseEntry:
    """`/promise ACCOUNT [we|they promise] TEXT [by DATE]`; direction defaults to ours; ``working``
    tells working days (``within 3 working days``)."""
    if (empty := _start(text)) is not None:
        return PromiseEntry(problems=empty)
    split = split_account(text, is_account, keywords=ENTRY_DIRECTION)
    lead: PromiseDirection | None = None
    first, after = split_direction(text, entry=True)
    if split.account is None and first is not None and is_account is not None:
        # ``they Acme send samples``: the direction came first, then a known account
        known = split_account(after, is_account, keywords=ENTRY_DIRECTION)
        if known.account is not None and is_account(known.account):
            split, lead = known, first
    direction, body = split_direction(split.rest, entry=True)
    direction = direction or lead
    draft, problems = parse_promise_body(body, today, direction or PromiseDirection.OURS, working)
    if draft is None:
        problems = [problem("", trim(split.rest), MISSING_TEXT)]
    return PromiseEntry(
        account_query=split.account,
        promise=draft,
        problems=_account_problems(split) + under("promise", problems),
    )


def _competitor_clause(body: str) -> tuple[str | None, str]:
    """``... competitor Foo`` at the end, or ``competitor Foo ...`` at the start."""
    match = _COMPETITOR.search(body)
    if match is None:
        return None, body
    if not trim(body[: match.start()]):
        name, rest = split_first_word(body[match.end() :].lstrip(" :："))
        return name, rest
    return trim(body[match.end() :]), body[: match.start()]


def parse_price(text: str, *, today: date, is_account: AccountLookup | None = None) -> PriceEntry:
    """`/price ACCOUNT [retail|invoice] PRODUCT PRICE [CURRENCY][/UNIT] [competitor NAME]`."""
    if (empty := _start(text)) is not None:
        return PriceEntry(problems=empty)
    split = split_account(text, is_account, keywords=_PRICE_STOP)
    body = split.rest
    kind = PriceKind.CUSTOMER_PURCHASE
    keyword = _PRICE_KINDS.pattern.match(body)
    if keyword is not None and trim(body[keyword.end() :]):
        kind = _PRICE_KINDS.value_of(keyword.group()) or kind
        body = body[keyword.end() :]
    modifier, body = kind_modifier(body)
    kind = modifier or kind
    competitor, body = _competitor_clause(body)
    problems: list[ParseProblem] = []
    if competitor is not None:
        kind = PriceKind.COMPETITOR
        if not competitor:
            problems.append(problem("competitor", trim(split.rest), MISSING_COMPETITOR))
    if not trim(body):
        problems.append(problem("price", trim(split.rest), MISSING_PRICE))
        return PriceEntry(
            account_query=split.account, problems=_account_problems(split) + under("price", problems)
        )
    parts = split_price(body)
    problems.extend(parts.problems)
    if not parts.before:
        problems.append(problem("product", trim(body), MISSING_PRODUCT))
    draft = PriceDraft(
        product=parts.before,
        price=parts.amount,
        currency=parts.currency,
        unit=parts.unit,
        kind=kind,
        competitor=competitor or None,
        note=parts.after or None,
    )
    return PriceEntry(
        account_query=split.account,
        price=draft,
        problems=_account_problems(split) + under("price", problems),
    )


def parse_stock(text: str, *, today: date, is_account: AccountLookup | None = None) -> StockEntry:
    """`/stock ACCOUNT PRODUCT QUANTITY [UNIT] [fast|normal|slow] [share N%]`."""
    if (empty := _start(text)) is not None:
        return StockEntry(problems=empty)
    split = split_account(text, is_account)
    parts = parse_stock_body(split.rest)
    problems = under("stock", parts.problems)
    if parts.draft is None:
        problems.append(problem("stock", trim(split.rest), MISSING_PRODUCT))
    if parts.leftover:
        problems.append(problem("stock", parts.leftover, NOT_UNDERSTOOD))
    return StockEntry(
        account_query=split.account,
        stock=parts.draft,
        problems=_account_problems(split) + problems,
    )
