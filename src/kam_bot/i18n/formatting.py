"""Dates and numbers formatted the way each locale reads them."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, localcontext

from kam_bot.domain.enums import Locale
from kam_bot.i18n.catalog import resolve_locale

_WEEKDAYS = {
    Locale.EN: ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
    Locale.ZH_HANS: ["周一", "周二", "周三", "周四", "周五", "周六", "周日"],
}
_MONTHS_EN = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def format_date(value: date, locale: str | Locale | None = Locale.EN, *, weekday: bool = True) -> str:
    """``Fri 5 Dec 2026`` in English, ``2026年12月5日 周五`` in Chinese."""
    loc = resolve_locale(locale)
    day = value.date() if isinstance(value, datetime) else value
    wd = _WEEKDAYS[loc][day.weekday()]
    if loc is Locale.ZH_HANS:
        text = f"{day.year}年{day.month}月{day.day}日"
        return f"{text} {wd}" if weekday else text
    text = f"{day.day} {_MONTHS_EN[day.month - 1]} {day.year}"
    return f"{wd} {text}" if weekday else text


def format_datetime(value: datetime, locale: str | Locale | None = Locale.EN) -> str:
    return f"{format_date(value.date(), locale)} {value:%H:%M}"


def format_decimal(value: Decimal | int | float, locale: str | Locale | None = Locale.EN) -> str:
    """Thousands separated, trailing zeros dropped (``1,234.5``); both locales group by 3."""
    number = Decimal(str(value))
    text = f"{number:,f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def format_money(value: Decimal, currency: str | None, locale: str | Locale | None = Locale.EN) -> str:
    number = Decimal(str(value))
    with localcontext() as ctx:
        ctx.prec = max(ctx.prec, len(number.as_tuple().digits) + 4)  # 28 typed digits must not trap
        cents = number.is_finite() and number == number.quantize(Decimal("0.01"))
    text = f"{number:,.2f}" if cents else format_decimal(number, locale)
    return f"{text} {currency}" if currency else text


def format_percent(ratio: Decimal | float, locale: str | Locale | None = Locale.EN) -> str:
    pct = Decimal(str(ratio)) * 100
    sign = "+" if pct > 0 else ""
    return f"{sign}{pct:.1f}%"
