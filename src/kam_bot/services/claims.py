"""Claims on requests a platform may deliver twice: the one de-duplication every adapter uses.

A platform re-sends what it thinks was not received (Slack's retries, ``X-Slack-Retry-Num``),
a signed request can be replayed within its timestamp window, a modal can be submitted twice.
The adapter names a key for what it received; the first claim of that key wins, in any
process on the database, until the claim expires (``ttl``); a later claim answers False.
When the work a claim guarded was not done, releasing it lets the same request be handled
when it comes again. The store keeps the keys in ``request_keys``.
"""

from __future__ import annotations

import itertools
from datetime import timedelta

from kam_bot.services.ports import Clock, UnitOfWorkFactory, utc_now

DEFAULT_TTL = timedelta(hours=1)
"""Slack's last retry comes about 5 minutes after the first delivery and a signed request is
refused 5 minutes after its timestamp: an hour is ample."""
PRUNE_EVERY = 500
"""Expired claims are deleted on one claim in this many (per process)."""


class ClaimService:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock = utc_now) -> None:
        self._uow = uow
        self._clock = clock
        self._claims = itertools.count(1)

    def claim(self, platform: str, key: str, ttl: timedelta = DEFAULT_TTL) -> bool:
        """True the first time ``key`` is claimed (or once its claim expired); False for a repeat."""
        now = self._clock()
        prune = next(self._claims) % PRUNE_EVERY == 0
        with self._uow() as uow:
            first = uow.repo.claim(platform, key, now, now + ttl, prune)
            uow.commit()
        return first

    def record(self, platform: str, keys: list[str], ttl: timedelta = DEFAULT_TTL) -> None:
        """Claim ``keys`` of requests already taken in by other means (a Slack trigger opens one
        modal), so that a later delivery of one of them is known as a repeat."""
        now = self._clock()
        with self._uow() as uow:
            uow.repo.record_claims(platform, keys, now, now + ttl)
            uow.commit()

    def release(self, platform: str, key: str) -> None:
        with self._uow() as uow:
            uow.repo.release_claim(platform, key)
            uow.commit()
