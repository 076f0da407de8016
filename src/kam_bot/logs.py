"""Logging an operator can read: one line per kind of failure per interval, not one per request.

An outage makes every request fail the same way; a traceback each (129 in 70 s) hides the one
line that says what is wrong. ``OncePer(seconds).log(logger, level, kind, message, *args)``
writes the first line of each ``kind``, drops the repeats within ``seconds``, and the next line
of that kind says how many were dropped. ``outage_kind(error)`` names a failure of the database
itself (``database unavailable``, ``database writes failing (disk full)``) for adapters and
jobs, which may not import the store: the store registers how (``recognise_outages``) when it
makes an engine.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class _Kind:
    at: float
    dropped: int = 0


class OncePer:
    def __init__(self, seconds: float = 60.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self._clock = clock
        self._kinds: dict[str, _Kind] = {}
        self._lock = threading.Lock()

    def log(self, logger: logging.Logger, level: int, kind: str, message: str, *args: object) -> bool:
        """True when the line was written, False when it was a repeat within the interval."""
        now = self._clock()
        with self._lock:
            seen = self._kinds.get(kind)
            if seen is not None and now - seen.at < self.seconds:
                seen.dropped += 1
                return False
            self._kinds[kind] = _Kind(now)
        if seen is not None and seen.dropped:
            message += f" ({seen.dropped} more like it in the {now - seen.at:.0f} s before)"
        logger.log(level, message, *args)
        return True


_classifiers: list[Callable[[BaseException], str | None]] = []


def recognise_outages(classify: Callable[[BaseException], str | None]) -> None:
    if classify not in _classifiers:
        _classifiers.append(classify)


def outage_kind(error: BaseException) -> str | None:
    """What kind of outage ``error`` is, said for people; None when it is not one (a bug)."""
    return next((kind for classify in _classifiers if (kind := classify(error)) is not None), None)
