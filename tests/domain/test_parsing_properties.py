"""Properties of the quick-entry parser: it never raises, and nothing typed is lost.

"Nothing lost" is checked word by word. The input is cut into tokens: runs of letters, runs
of digits, and single Chinese characters. Every token must appear (casefolded) in one of the
draft's string fields, unless it is a keyword the parser consumes (``vocabulary.KEYWORDS``,
matched like the parser matches them) or a run of digits (numbers become dates, amounts and
quantities). A second, stricter property builds entries from real keywords and made-up
"free" words that can never be keywords, and requires every free word to be kept verbatim.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from kam_bot.domain.parsing import parse_date, parse_price, parse_promise, parse_stock, parse_visit
from kam_bot.domain.parsing.vocabulary import KEYWORDS
from kam_bot.i18n.catalog import t

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
TOKEN = re.compile(rf"[{CJK}]|\d+|[^\W\d_{CJK}]+")

Parser = Callable[..., BaseModel]
ENTRY_PARSERS: list[Parser] = [parse_visit, parse_promise, parse_price, parse_stock]
KNOWN_ACCOUNTS = {"baosteel", "acme corp", "宝钢"}


def is_account(candidate: str) -> bool:
    return " ".join(candidate.casefold().split()) in KNOWN_ACCOUNTS


def tokens(text: str) -> list[str]:
    return TOKEN.findall(text.casefold())


VOCABULARY_TOKENS = {token for keyword in KEYWORDS for token in tokens(keyword)}
VOCABULARY = re.compile(
    "|".join(re.escape(token) for token in sorted(VOCABULARY_TOKENS, key=len, reverse=True)),
    re.IGNORECASE,
)


def strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def dumped(draft: BaseModel) -> str:
    return "\n".join(strings(draft.model_dump(mode="json"))).casefold()


def lost_tokens(text: str, draft: BaseModel) -> list[str]:
    kept = dumped(draft)
    return [
        token
        for token in tokens(text)
        if token not in kept and not token.isdecimal() and not VOCABULARY.fullmatch(token)
    ]


TEXT = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8"),
        st.sampled_from("宝钢见了李伟采购和张总目标我们承诺周五前报价下周二月底天后号价格元库存；：（）"),
        st.sampled_from(
            [";", ":", " ", "\n", "/", "$", "%", "-", ".", ",", "(", ")", "@", '"', "\x00", "\x1f"]
        ),
    ),
    max_size=80,
)
KEYWORD_SOUP = st.lists(
    st.one_of(
        st.sampled_from(sorted(KEYWORDS)),
        st.sampled_from(["Baosteel", "Acme Corp", "宝钢", "12/5", "4.20", "30%", "120", "31/2", "Fooday"]),
        st.sampled_from([";", ":", "-", "(", ")", "$", "¥", "/", ",", "、", "和", "前", "\n"]),
        st.text(min_size=1, max_size=6),
    ),
    max_size=14,
).map(" ".join)
TODAY = st.dates()


@settings(max_examples=300, deadline=None)
@given(text=st.one_of(TEXT, KEYWORD_SOUP), today=TODAY, with_lookup=st.booleans())
def test_entry_parsers_never_raise_and_lose_nothing(text: str, today: date, with_lookup: bool) -> None:
    lookup = is_account if with_lookup else None
    for parse in ENTRY_PARSERS:
        draft = parse(text, today=today, is_account=lookup)
        assert lost_tokens(text, draft) == [], (parse.__name__, draft)


@settings(max_examples=300, deadline=None)
@given(
    text=st.one_of(TEXT, KEYWORD_SOUP), today=TODAY, locale=st.sampled_from(["en", "zh-Hans", "en-GB", ""])
)
def test_parse_date_never_raises(text: str, today: date, locale: str) -> None:
    result = parse_date(text, today, locale)
    assert result is None or isinstance(result, date)


@settings(max_examples=150, deadline=None)
@given(text=st.one_of(TEXT, KEYWORD_SOUP), today=TODAY)
def test_every_problem_renders_in_both_locales(text: str, today: date) -> None:
    for parse in ENTRY_PARSERS:
        draft = parse(text, today=today)
        for problem in getattr(draft, "problems", []):
            assert problem.message.startswith("parser.")
            for locale in ("en", "zh-Hans"):
                assert t(problem.message, locale, **problem.params)


# -- free words in real entries ------------------------------------------------------------

FREE_WORD = st.one_of(
    st.text(alphabet="bcdfghjklmpqvwxz", min_size=3, max_size=8).map(str.capitalize),
    st.text(alphabet="鑫磊淼焱垚犇骉", min_size=2, max_size=4),
)
FREE_WORDS = st.lists(FREE_WORD, min_size=1, max_size=3).map(" ".join)


@st.composite
def visit_segments(draw: st.DrawFn) -> tuple[str, list[str]]:
    """A /visit line from real templates whose blanks are filled with free words."""
    templates = [
        "met {0} ({1}) and {2}",
        "见了{0}和{1}",
        "goal: {0} - partly",
        "目标：{0}",
        "we promise {0} by Friday",
        "they promise {0} by {1}",
        "我们承诺 周五前{0}",
        "price {0} 4.20 USD/kg {1}",
        "competitor {0} 3.95",
        "competitor {0} running a promotion {1}",
        "stock {0} 120 cases slow share 30%",
        "needs: {0}",
        "next: {0}",
        "next visit in 2 weeks {0}",
        "summary: {0}",
        "intel: {0}",
        "stage: {0}",
        "yesterday",
        "phone",
        "collect payment",
        "{0} {1}",
    ]
    count = draw(st.integers(min_value=1, max_value=6))
    segments: list[str] = []
    free: list[str] = []
    for _ in range(count):
        words = [draw(FREE_WORDS) for _ in range(3)]
        template = draw(st.sampled_from(templates))
        used = [w for i, w in enumerate(words) if "{" + str(i) + "}" in template]
        segments.append(template.format(*words))
        free.extend(used)
    account = draw(st.sampled_from(["Baosteel", "Acme Corp", "宝钢", draw(FREE_WORDS)]))
    free.append(account)
    separator = draw(st.sampled_from(["; ", "；", "\n"]))
    return account + " " + separator.join(segments), free


@settings(max_examples=300, deadline=None)
@given(entry=visit_segments(), today=TODAY, with_lookup=st.booleans())
def test_free_words_in_a_visit_are_kept_verbatim(
    entry: tuple[str, list[str]], today: date, with_lookup: bool
) -> None:
    text, free = entry
    draft = parse_visit(text, today=today, is_account=is_account if with_lookup else None)
    kept = dumped(draft)
    for phrase in free:
        for word in phrase.split():
            assert word.casefold() in kept, (word, text, draft)


@settings(max_examples=200, deadline=None)
@given(
    account=st.sampled_from(["Baosteel", "宝钢"]),
    words=FREE_WORDS,
    other=FREE_WORDS,
    today=TODAY,
)
def test_free_words_in_quick_entries_are_kept(account: str, words: str, other: str, today: date) -> None:
    entries = [
        (parse_promise, f"{account} {words} by Friday {other}"),
        (parse_price, f"{account} {words} 4.20 USD/kg {other}"),
        (parse_price, f"{account} {words} 3.95 competitor {other}"),
        (parse_stock, f"{account} {words} 120 cases slow {other}"),
    ]
    for parse, text in entries:
        kept = dumped(parse(text, today=today))
        for word in f"{account} {words} {other}".split():
            assert word.casefold() in kept, (parse.__name__, text, kept)
