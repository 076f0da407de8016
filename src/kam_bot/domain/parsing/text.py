"""Text helpers shared by the quick-entry parsers: character classes, segments, keyword regexes.

Keywords are matched case-insensitively. A keyword that begins or ends with a Latin letter or
digit must stand alone at that end ("met" does not match in "meter"); Chinese keywords need no
boundary because Chinese is written without spaces ("宝钢见了李伟").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Generic, TypeVar

T = TypeVar("T")

CJK_RANGES = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# Scoped "(?-i:...)": CJK has no case, and without it every IGNORECASE pattern using this class
# case-folds the 28,000 CJK code points at compile time (seconds of import).
LATIN_WORD_CHAR = rf"(?-i:[^\W{CJK_RANGES}])"
"""A word character that is not Chinese: letters (any script), digits, underscore."""

_CJK_RE = re.compile(f"[{CJK_RANGES}]")

EDGE_CHARS = " \t\r\n\v\f,，、:：;；。!！?？-–—~"
"""Characters trimmed from both ends of a recognised piece of text."""

_SEGMENT_SPLIT = re.compile(r"[;；\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029。]")
_WHITESPACE = re.compile(r"\s+")


def is_cjk(char: str) -> bool:
    return bool(_CJK_RE.fullmatch(char))


def has_cjk(text: str) -> bool:
    return _CJK_RE.search(text) is not None


def trim(text: str) -> str:
    """Collapse whitespace runs to one space and trim separators from both ends."""
    return _WHITESPACE.sub(" ", text).strip(EDGE_CHARS)


def split_segments(text: str) -> list[str]:
    """Split on ``;``, ``；``, ``。`` and line breaks; drop empty pieces."""
    return [piece for piece in (trim(part) for part in _SEGMENT_SPLIT.split(text)) if piece]


def _is_latin(char: str) -> bool:
    return char.isalnum() and not is_cjk(char)


def _phrase_body(phrase: str) -> str:
    parts: list[str] = []
    for char in phrase:
        if char == " ":
            parts.append(r"\s+")
        elif char == "'":
            parts.append("['’]")
        else:
            parts.append(re.escape(char))
    return "".join(parts)


def phrase_pattern(phrase: str) -> str:
    """Regex for one keyword phrase: a space matches any whitespace, ``'`` matches ``’`` too."""
    start = rf"(?<!{LATIN_WORD_CHAR})" if _is_latin(phrase[0]) else ""
    end = rf"(?!{LATIN_WORD_CHAR})" if _is_latin(phrase[-1]) else ""
    return start + _phrase_body(phrase) + end


def alternation(phrases: Iterable[str]) -> str:
    """A non-capturing alternation of keyword phrases, longest first.

    Phrases with Latin letters at both ends share one pair of word-boundary checks: each
    check is a large character class, and repeating it per phrase made compiling slow.
    """
    ordered = sorted({p for p in phrases if p}, key=lambda p: (-len(p), p))
    latin = [p for p in ordered if _is_latin(p[0]) and _is_latin(p[-1])]
    others = [phrase_pattern(p) for p in ordered if not (_is_latin(p[0]) and _is_latin(p[-1]))]
    if latin:
        bounded = "|".join(_phrase_body(p) for p in latin)
        others.insert(0, rf"(?<!{LATIN_WORD_CHAR})(?:{bounded})(?!{LATIN_WORD_CHAR})")
    return "(?:" + "|".join(others) + ")"


def keyword_regex(phrases: Iterable[str]) -> re.Pattern[str]:
    return re.compile(alternation(phrases), re.IGNORECASE)


QUOTES: dict[str, str] = {'"': '"', "“": "”", "「": "」", "『": "』", "‘": "’", "'": "'", "《": "》"}


def leading_quoted(text: str) -> tuple[str, str] | None:
    """``"Acme Corp" met Li`` -> (``Acme Corp``, ``met Li``); None without a leading quote."""
    if not text or text[0] not in QUOTES:
        return None
    close = text.find(QUOTES[text[0]], 1)
    if close <= 1:
        return None
    inner = trim(text[1:close])
    return (inner, text[close + 1 :].lstrip(EDGE_CHARS)) if inner else None


def split_first_word(text: str) -> tuple[str, str]:
    """A quoted name or the first word, and the rest (both trimmed)."""
    quoted = leading_quoted(text.strip())
    if quoted is not None:
        return quoted[0], trim(quoted[1])
    stripped = text.strip()
    match = re.match(r"\S+", stripped)
    if match is None:
        return "", ""
    return trim(match.group()), trim(stripped[match.end() :])


class KeywordTable(Generic[T]):
    """Keyword phrases mapped to values: find them in text, and tell which value one stands for."""

    def __init__(self, table: Mapping[T, Iterable[str]]) -> None:
        self.words: dict[str, T] = {word: value for value, words in table.items() for word in words}
        self.pattern = keyword_regex(self.words)
        ordered = sorted(self.words, key=lambda word: (-len(word), word))
        self._exact = [
            (re.compile(phrase_pattern(word), re.IGNORECASE), self.words[word]) for word in ordered
        ]

    def value_of(self, typed: str) -> T | None:
        """The value of a keyword as typed (matched like the pattern: any case, any spacing)."""
        for pattern, value in self._exact:
            if pattern.fullmatch(typed):
                return value
        return None

    def first_in(self, text: str) -> T | None:
        """The value of the leftmost keyword in ``text``."""
        match = self.pattern.search(text)
        return self.value_of(match.group()) if match is not None else None
