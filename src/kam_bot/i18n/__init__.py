"""The one message catalog (English and Simplified Chinese) and locale-aware formatting."""

from kam_bot.i18n.catalog import CATALOG, MissingMessageError, t
from kam_bot.i18n.formatting import format_date, format_decimal, format_money

__all__ = ["CATALOG", "MissingMessageError", "format_date", "format_decimal", "format_money", "t"]
