"""The quick-entry parser: what a rep typed after `/visit`, `/promise`, `/price`, `/stock`.

Pure functions, no I/O; they never raise on any text. The result is a prefill the user
confirms (see :mod:`kam_bot.domain.drafts`): what was understood, every piece of text that
was not (``unplaced``/``summary``, notes, problem texts), and ``problems`` naming message keys
of ``kam_bot.i18n.messages.parser``.
"""

from kam_bot.domain.parsing.dates import parse_date
from kam_bot.domain.parsing.entries import parse_price, parse_promise, parse_stock
from kam_bot.domain.parsing.visit import parse_visit

__all__ = ["parse_date", "parse_price", "parse_promise", "parse_stock", "parse_visit"]
