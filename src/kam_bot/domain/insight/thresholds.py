"""The numbers the insight rules use. ``config.Settings`` carries them as ``INSIGHT_*``
variables (``INSIGHT_MET_DAYS=60``; ``config.insight_thresholds`` builds this); these
defaults are the handbooks' reading of them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Thresholds:
    met_days: int = 90
    """A contact counts as "met" when last met within this many days (coverage, promise record)."""
    cold_factor: int = 2
    """The chain has gone cold when nobody was met for this many times the visit cadence."""
    stall_days: int = 45
    """A deal with no procurement-stage move for this many days ..."""
    stall_min_visits: int = 2
    """... while at least this many visits happened since the last move, is stalled."""
    allocation_weeks: int = 8
    """Time spent on an account: its visits in this many weeks."""
    focus_min_visits: int = 4
    """A focus account (clear intention, strong power) with fewer visits than this is neglected."""
    low_max_visits: int = 3
    """A park or monitor account with more visits than this takes time the grid puts elsewhere."""
    promise_days: int = 90
    """The promise record looks at promises due in this many days."""


DEFAULT = Thresholds()
