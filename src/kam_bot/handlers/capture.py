"""Saving a capture, whichever surface confirmed it: one road per kind, chosen by its prefill."""

from __future__ import annotations

from kam_bot.domain.models import User
from kam_bot.handlers.answers import Prefills
from kam_bot.handlers.commands import Commands
from kam_bot.handlers.prefill import PricePrefill, PromisePrefill, StockPrefill, VisitPrefill
from kam_bot.handlers.replies import Reply


def save_capture(commands: Commands, actor: User, prefill: Prefills) -> Reply:
    """Save what the person confirmed; the reply says saved (with Undo) or what was refused."""
    if isinstance(prefill, VisitPrefill):
        return commands.save_visit(actor, prefill)
    if isinstance(prefill, PromisePrefill):
        return commands.save_promise(actor, prefill)
    if isinstance(prefill, PricePrefill):
        return commands.save_price(actor, prefill)
    if isinstance(prefill, StockPrefill):
        return commands.save_stock(actor, prefill)
    raise TypeError(type(prefill).__name__)
