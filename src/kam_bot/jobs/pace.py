"""The outbox sender's pace per platform, learnt from the platform's 429s."""

from __future__ import annotations

from collections import deque


class Pace:
    """How fast to start sends: additive increase, multiplicative decrease (AIMD), learning the
    platform's limit from its 429s so the pace settles just under it.

    ``interval`` is the seconds between two send starts (0: unpaced); ``fastest`` the configured
    pace it never goes below. A 429 means the platform let through what we sent in the last second
    (``ceiling``): the rate drops to ``DECREASE`` x that, then climbs back quickly to ``SAFE`` x
    the ceiling and only creeps above it (``PROBE`` per second), so a second 429 comes rarely and
    each one costs a Retry-After pause. The 429s of one burst count once (``hold``).

    A 429 within the first second of a stretch of sending (a sender starting while others still
    fill the platform's window: another process, the tail of an earlier burst) has seen less than
    a window of its own: what it let through may be a fraction of the limit. That ceiling is not
    trusted: the pace climbs back past it quickly, until a 429 after a whole window of sending
    says where the limit is. (Before, such a ceiling was kept for good: 23/s of a 50/s limit.)

    Once a ceiling is trusted, no window of ``WINDOW`` + ``MARGIN`` holds more than ``ceiling - 1``
    calls started (``room``, ``started``). The platform counts calls as they arrive: a call held
    back by a busy event loop, arriving late beside calls on time, fills a window that the
    average pace leaves room in (a 429 at 48/s of a 50/s limit cost a second's pause).
    """

    DECREASE = 0.85
    SAFE = 0.95
    RECOVER = 10.0
    """Sends per second gained per second of sending below ``SAFE`` x ceiling."""
    PROBE = 0.05
    """... and above it."""
    WINDOW = 1.0
    FLOOR = 0.5
    """A trusted ceiling never falls below this share of the highest one learnt. ``room`` holds the
    sender under its ceiling, so what the next 429 finds let through is under it too: 429s the
    sender's own rate did not cause (a budget shared with other processes, whose use comes and
    goes) lowered it step by step, down to one call a second for good."""
    MARGIN = 0.01
    """Seconds added to the window ``room`` keeps: calls do not all take as long to arrive."""

    def __init__(self, interval: float) -> None:
        self.fastest = interval
        self.interval = interval
        self.ceiling: float | None = None
        self._done: deque[float] = deque()
        self._hold_until = 0.0
        self._since: float | None = None
        """When the current stretch of sending began (a gap of a window starts a new one)."""
        self._trusted = False
        """Whether ``ceiling`` was learnt after a whole window of sending."""
        self._started: deque[float] = deque()
        """When the calls of the last window (plus ``MARGIN``) started."""
        self._best = 0.0
        """The highest ceiling a 429 taught after a whole window of sending."""

    def room(self, at: float) -> float:
        """Seconds to wait from ``at`` before the next call may start (0: now)."""
        span = self.WINDOW + self.MARGIN
        # the same sum as the wait returned below: ``at - first >= span`` could be False while
        # ``first + span - at`` rounds to 0.0, and a full window then let a call start (any number)
        while self._started and self._started[0] + span - at <= 0:
            self._started.popleft()
        if not self._trusted or self.ceiling is None or len(self._started) < max(1.0, self.ceiling - 1):
            return 0.0  # (a ceiling of 1 still lets one call a window through)
        return self._started[0] + span - at

    def started(self, at: float) -> None:
        """A call starts at ``at`` (after ``room`` said there was room)."""
        self._started.append(at)

    def sent(self, at: float) -> None:
        if not self._done or at - self._done[-1] > self.WINDOW:
            self._since = at
        self._done.append(at)
        while self._done and at - self._done[0] > self.WINDOW:
            self._done.popleft()
        if self.ceiling is None or not self.interval:
            return
        rate = 1 / self.interval
        step = self.RECOVER if rate < self.SAFE * self.ceiling or not self._trusted else self.PROBE
        rate += step / rate
        self.interval = max(self.fastest, 1 / rate)

    def limited(self, at: float, retry_after: float) -> None:
        if at < self._hold_until:
            return
        while self._done and at - self._done[0] > self.WINDOW:
            self._done.popleft()
        let_through = max(1.0, float(len(self._done)))
        self._trusted = self._since is not None and at - self._since >= self.WINDOW
        if self._trusted:  # never below a share of the best: see FLOOR
            self._best = max(self._best, let_through)
            let_through = max(let_through, self.FLOOR * self._best)
        self.ceiling = let_through
        self.interval = max(self.fastest, 1 / (self.DECREASE * let_through))
        self._hold_until = at + retry_after + self.WINDOW
