"""Claims on requests a platform may deliver twice (a modal submitted twice, a retried event).

The first claim of a key wins, in any process (a unique row); a later claim of the same key
answers False. When the work a claim guarded was not done, releasing it lets the same request
be sent again and handled then.
"""

from __future__ import annotations

import itertools
from datetime import timedelta

from kam_bot.services.ports import Clock, ConflictError, UnitOfWorkFactory, utc_now

KEEP = timedelta(days=1)
"""Platforms retry within minutes; a day is ample."""
PRUNE_EVERY = 500


class ClaimService:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock = utc_now) -> None:
        self._uow = uow
        self._clock = clock
        self._claims = itertools.count(1)

    def claim(self, platform: str, key: str) -> bool:
        """True the first time ``key`` is claimed; False when it was claimed before."""
        now = self._clock()
        prune = now - KEEP if next(self._claims) % PRUNE_EVERY == 0 else None
        try:
            with self._uow() as uow:
                uow.repo.claim(platform, key, now, prune)
                uow.commit()
        except ConflictError:
            return False
        return True

    def release(self, platform: str, key: str) -> None:
        with self._uow() as uow:
            uow.repo.release_claim(platform, key)
            uow.commit()
