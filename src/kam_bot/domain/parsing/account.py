"""Which account a quick entry is about: the leading words of the text.

With ``is_account`` (the caller's exact, case- and spacing-insensitive lookup) the longest
leading word-prefix naming a known account wins: up to 6 words, and for Chinese, which has no
spaces, every leading run of characters up to the first space or punctuation mark. Without a
match the fallbacks are, in order: a quoted leading name (``"Acme Corp"``, ``「宝钢」``); the
text before a colon (when no keyword comes first); the text before the first keyword
(``met``, ``见了``, ``price`` ...); for a /visit whose first segment holds no keyword, that
whole segment (up to 6 words); else the first word. A leading ``@`` is dropped.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import islice

from kam_bot.domain.parsing.text import EDGE_CHARS, has_cjk, leading_quoted, trim

AccountLookup = Callable[[str], bool]

MAX_ACCOUNT_WORDS = 6
MAX_CJK_PREFIX = 20
_RUN = re.compile(r"[^\s,，、:：;；。!！?？()（）\"'“”‘’「」『』《》]+")
_WORD = re.compile(r"\S+")
_COLON = re.compile(r"(?<!\d)[:：]|[:：](?!\d)")


@dataclass(frozen=True)
class AccountSplit:
    account: str | None
    rest: str


def _without_at(text: str) -> str:
    stripped = text.strip()
    return stripped[1:].lstrip() if stripped[:1] in ("@", "＠") else stripped


def _candidates(text: str) -> Iterator[tuple[str, int]]:
    """(candidate, where the rest starts), longest first."""
    words = list(islice(_WORD.finditer(text), MAX_ACCOUNT_WORDS))
    for count in range(len(words), 0, -1):
        end = words[count - 1].end()
        yield text[:end].rstrip(EDGE_CHARS), end
    run = _RUN.match(text)
    if run is not None:
        yield run.group(), run.end()
        if has_cjk(run.group()):
            for length in range(min(len(run.group()) - 1, MAX_CJK_PREFIX), 0, -1):
                yield run.group()[:length], length


def _known(text: str, is_account: AccountLookup) -> AccountSplit | None:
    seen: set[str] = set()
    for candidate, end in _candidates(text):
        if candidate and candidate not in seen:
            seen.add(candidate)
            if is_account(candidate):
                return AccountSplit(candidate, text[end:].lstrip(EDGE_CHARS))
    return None


def _short(text: str) -> bool:
    return len(text.split()) <= MAX_ACCOUNT_WORDS


def split_account(
    text: str,
    is_account: AccountLookup | None = None,
    *,
    keywords: re.Pattern[str] | None = None,
    whole_text_if_no_keyword: bool = False,
) -> AccountSplit:
    """Split ``text`` into the account it names and the rest (see the module docstring)."""
    text = _without_at(text)
    if not text:
        return AccountSplit(None, "")
    if is_account is not None and (known := _known(text, is_account)) is not None:
        return known
    quoted = leading_quoted(text)
    if quoted is not None:
        return AccountSplit(quoted[0], quoted[1])
    keyword = keywords.search(text) if keywords is not None else None
    keyword_at = keyword.start() if keyword is not None else len(text)
    colon = _COLON.search(text)
    if colon is not None and 0 < colon.start() < keyword_at:
        before = trim(text[: colon.start()])
        if before and _short(before):
            return AccountSplit(before, text[colon.end() :].lstrip(EDGE_CHARS))
    if keyword is not None:
        if keyword.start() == 0:
            return AccountSplit(None, text)
        before = trim(text[: keyword.start()])
        if before and _short(before):
            return AccountSplit(before, text[keyword.start() :])
    elif whole_text_if_no_keyword and _short(text) and trim(text):
        return AccountSplit(trim(text), "")
    first = _WORD.match(text)
    name = trim(first.group()) if first is not None else ""
    if first is None or not name:
        return AccountSplit(None, text)
    return AccountSplit(name, text[first.end() :].lstrip(EDGE_CHARS))
