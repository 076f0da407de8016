"""What a typed line comes to, for every surface: a reply to show, or something to capture.

A ``Capture`` is a parsed visit, promise, price or stock line. A surface with forms shows it
as a prefilled form (a quick entry that is complete is saved at once, with Undo: see
:func:`kam_bot.handlers.capture.settle`); a surface without forms hands it to the
confirm-and-save conversation (:mod:`kam_bot.handlers.conversation`).
"""

from __future__ import annotations

from dataclasses import dataclass

from kam_bot.handlers.prefill import PricePrefill, PromisePrefill, StockPrefill, VisitPrefill
from kam_bot.handlers.replies import Reply

Prefills = VisitPrefill | PromisePrefill | PricePrefill | StockPrefill


@dataclass
class Capture:
    kind: str
    """``visit``, ``promise``, ``price`` or ``stock``."""
    prefill: Prefills
    line: str
    """The whole line as typed, to show back whenever it is not saved."""


Answer = Reply | Capture
