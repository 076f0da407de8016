"""WeCom's send limits, kept on our side because WeCom drops what is over them without an error.

An app may send each member at most 30 messages a minute and 1000 an hour
(developer.work.weixin.qq.com/document/path/90236); an app group chat's members at most 200
a minute (path/90248, counted here per chat). ``Quota.reserve`` books the sends a message
needs when they all fit, or says how long until they do: the outbox's deliverer then raises
``RateLimitedError`` (the row comes back after that, counted as no attempt, and the sender's
pace slows down: ``jobs.pace``). The windows are this process's: several ``kam-bot serve``
processes each keep their own, and WeCom's own 45009 answer catches what they let through.
"""

from __future__ import annotations

import time
from collections import defaultdict, deque
from collections.abc import Callable

MEMBER = ((60.0, 30), (3600.0, 1000))
CHAT = ((60.0, 200),)


class Quota:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._sent: defaultdict[str, deque[float]] = defaultdict(deque)

    def reserve(self, recipient: str, count: int, windows: tuple[tuple[float, int], ...] = MEMBER) -> float:
        """0 after booking ``count`` sends to ``recipient`` now; else the seconds until they fit."""
        now = self._clock()
        sent = self._sent[recipient]
        longest = max(span for span, _ in windows)
        while sent and now - sent[0] >= longest:
            sent.popleft()
        wait = 0.0
        for span, limit in windows:
            recent = [at for at in sent if now - at < span]
            over = len(recent) + count - limit
            if over > 0:
                wait = max(wait, recent[min(over, len(recent)) - 1] + span - now if recent else span)
        if wait > 0:
            return wait
        sent.extend([now] * count)
        return 0.0
