"""Finding an account by what a rep types: case, spacing, punctuation, typos and Chinese names.

``fold`` gives the key a name is stored and looked up under; ``rank`` scores candidates
for a query. The service decides: one clear winner is used, several close ones are offered
as ranked suggestions, never silently picked.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

_LEGAL_SUFFIXES = (
    "co",
    "corp",
    "corporation",
    "company",
    "inc",
    "incorporated",
    "ltd",
    "limited",
    "llc",
    "gmbh",
    "ag",
    "sa",
    "plc",
    "kg",
    "group",
    "holdings",
    "有限责任公司",
    "股份有限公司",
    "有限公司",
    "集团公司",
    "集团",
    "公司",
)
_CJK_SUFFIXES = tuple(s for s in _LEGAL_SUFFIXES if not s.isascii())
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_DOTTED = re.compile(r"\b(?:[^\W\d_]\.){2,}")
"""Dotted abbreviations such as ``s.a.`` or ``l.l.c.``: joined before splitting into words."""


def fold(name: str) -> str:
    """Lower-case, width- and accent-folded, without punctuation, spaces or legal suffixes.

    ``"Baoshan Iron & Steel Co., Ltd."`` -> ``"baoshanironsteel"``;
    ``"宝钢集团"`` -> ``"宝钢"``. A name made only of suffixes keeps them.
    """
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", name).casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _DOTTED.sub(lambda m: m.group(0).replace(".", ""), text)
    words = _WORD.findall(text)
    while len(words) > 1 and words[-1] in _LEGAL_SUFFIXES:
        words.pop()
    joined = "".join(words)
    stripped = True
    while stripped:
        stripped = False
        for suffix in _CJK_SUFFIXES:
            if joined.endswith(suffix) and len(joined) > len(suffix):
                joined = joined[: -len(suffix)]
                stripped = True
                break
    return joined


@dataclass(frozen=True, order=True)
class Match:
    score: float
    account_id: int
    matched: str
    """The name or alias that matched, as stored."""


EXACT = 100.0
CLEAR_WIN_SCORE = 85.0
CLEAR_WIN_MARGIN = 15.0
MIN_SCORE = 60.0


def score(query_key: str, candidate_key: str) -> float:
    """0-100: exact 100, prefix 95, else a typo-tolerant ratio (penalised for very short queries)."""
    if not query_key or not candidate_key:
        return 0.0
    if query_key == candidate_key:
        return EXACT
    if candidate_key.startswith(query_key) and len(query_key) >= 2:
        return 95.0 - min(10.0, (len(candidate_key) - len(query_key)) / 4)
    ratio = float(fuzz.ratio(query_key, candidate_key))
    if len(query_key) >= 4 and query_key in candidate_key:
        ratio = max(ratio, 85.0)
    # a partial match only counts when the query could be part of the name, not the other way round
    long_enough = len(query_key) >= 4 and len(candidate_key) >= len(query_key)
    partial = float(fuzz.partial_ratio(query_key, candidate_key)) if long_enough else 0.0
    return max(ratio, partial - 10.0)


def rank_keys(query_key: str, candidates: Sequence[tuple[int, str]], limit: int = 10) -> list[Match]:
    """Like ``rank`` over candidates already folded (stored search keys), fast on many thousands.

    rapidfuzz picks a short list in C; ``score`` then orders it. ``Match.matched`` is the key.
    """
    if not query_key or not candidates:
        return []
    keys = [key for _, key in candidates]
    shortlist = process.extract(
        query_key,
        keys,
        scorer=fuzz.partial_ratio if len(query_key) >= 4 else fuzz.ratio,
        limit=max(limit * 5, 50),
        score_cutoff=MIN_SCORE - 10,
    )
    best: dict[int, Match] = {}
    for key, _, index in shortlist:
        account_id = candidates[index][0]
        s = score(query_key, key)
        if s >= MIN_SCORE and (account_id not in best or s > best[account_id].score):
            best[account_id] = Match(s, account_id, key)
    return sorted(best.values(), key=lambda m: (-m.score, m.matched))[:limit]


def rank(query: str, candidates: list[tuple[int, str]], limit: int = 10) -> list[Match]:
    """Best match per account, best first. ``candidates`` are (account_id, name or alias)."""
    key = fold(query)
    best: dict[int, Match] = {}
    for account_id, name in candidates:
        s = score(key, fold(name))
        if s >= MIN_SCORE and (account_id not in best or s > best[account_id].score):
            best[account_id] = Match(s, account_id, name)
    return sorted(best.values(), key=lambda m: (-m.score, m.matched))[:limit]


def clear_winner(matches: list[Match]) -> Match | None:
    """The one match good enough and far enough ahead of the next to use without asking."""
    if not matches:
        return None
    top = matches[0]
    if top.score == EXACT and (len(matches) == 1 or matches[1].score < EXACT):
        return top
    if top.score >= CLEAR_WIN_SCORE and (
        len(matches) == 1 or top.score - matches[1].score >= CLEAR_WIN_MARGIN
    ):
        return top
    return None
