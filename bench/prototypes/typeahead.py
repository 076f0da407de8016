"""A faster account type-ahead with the same ranking: stored keys, an indexed prefix step, a C prefilter.

``AccountService.search`` re-reads every account name and alias (20,000+ rows, JSON decoded)
and folds each one again on every keystroke, then scores each in Python. This prototype:

1. exact key or alias: one indexed equality (as today);
2. prefix of a name or alias: two indexed range queries on ``search_key`` — most keystrokes
   stop here (``score`` gives a prefix 85-95, and nothing that is not a prefix can beat it);
3. otherwise, the fuzzy ranking over folded keys kept in memory per process (refreshed when
   the accounts change: ``count`` and ``max(updated_at)``), prefiltered in C with
   ``rapidfuzz.process.extract``, then scored with
   ``matching.score`` exactly as ``rank`` does (a candidate can only score 60 with a ratio of 60
   or a partial ratio of 70, so the prefilter loses nothing).

Results equal ``matching.rank``'s except that step 2 returns only prefix matches when at least
``limit`` exist (a fuzzy match scores at most 85 + partial bonuses; ties may order differently).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz, process
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kam_bot.domain.matching import MIN_SCORE, Match, fold, score
from kam_bot.store import tables as t


@dataclass
class _Keys:
    stamp: tuple[Any, ...] = ()
    ids: list[int] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)


class FastSearch:
    def __init__(self) -> None:
        self._cache = _Keys()

    def _candidates(self, session: Session) -> _Keys:
        stamp = tuple(
            session.execute(
                select(func.count(), func.max(t.AccountRow.updated_at)).select_from(t.AccountRow)
            ).one()
        )
        if stamp != self._cache.stamp:
            keys = _Keys(stamp=stamp)
            rows = session.execute(
                select(
                    t.AccountRow.id, t.AccountRow.name, t.AccountRow.search_key, t.AccountRow.aliases
                ).where(t.AccountRow.archived.is_(False))
            ).all()
            for account_id, name, key, aliases in rows:
                for shown, folded in [(name, key), *((a, fold(a)) for a in aliases or [])]:
                    keys.ids.append(account_id)
                    keys.names.append(shown)
                    keys.keys.append(folded)
            self._cache = keys
        return self._cache

    def search(self, session: Session, query: str, limit: int = 10) -> list[Match]:
        key = fold(query)
        if not key:
            return []
        hi = key[:-1] + chr(ord(key[-1]) + 1)
        live = t.AccountRow.archived.is_(False)
        names = session.execute(
            select(t.AccountRow.id, t.AccountRow.name, t.AccountRow.search_key)
            .where(t.AccountRow.search_key >= key, t.AccountRow.search_key < hi, live)
            .order_by(t.AccountRow.search_key)
            .limit(limit * 4)
        ).all()
        aliases = session.execute(
            select(t.AccountAliasRow.account_id, t.AccountRow.name, t.AccountAliasRow.search_key)
            .join(t.AccountRow, t.AccountRow.id == t.AccountAliasRow.account_id)
            .where(t.AccountAliasRow.search_key >= key, t.AccountAliasRow.search_key < hi, live)
            .limit(limit * 4)
        ).all()
        best: dict[int, Match] = {}
        for account_id, name, candidate in [*names, *aliases]:
            s = score(key, candidate)
            if s >= MIN_SCORE and (account_id not in best or s > best[account_id].score):
                best[account_id] = Match(s, account_id, name)
        if len(best) >= limit and len(key) >= 2:
            return sorted(best.values(), key=lambda m: (-m.score, m.matched))[:limit]
        cache = self._candidates(session)
        # score = max(ratio, partial - 10): only a ratio >= 60 or a partial ratio >= 70 can reach 60
        hits = {i for _, _, i in process.extract(key, cache.keys, scorer=fuzz.ratio, score_cutoff=MIN_SCORE,
                                                 limit=None)}  # fmt: skip
        if len(key) >= 4:
            hits |= {i for _, _, i in process.extract(key, cache.keys, scorer=fuzz.partial_ratio,
                                                      score_cutoff=MIN_SCORE + 10, limit=None)}  # fmt: skip
        for i in sorted(hits):
            s = score(key, cache.keys[i])
            account_id = cache.ids[i]
            if s >= MIN_SCORE and (account_id not in best or s > best[account_id].score):
                best[account_id] = Match(s, account_id, cache.names[i])
        return sorted(best.values(), key=lambda m: (-m.score, m.matched))[:limit]
