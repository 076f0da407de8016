"""Units of measure as reps type them, normalised so that prices per unit can be compared.

``4.20 元/公斤`` and a list price per ``kg`` are the same unit; ``4,300 CNY/吨`` is 4.30 per kg.
A unit maps to a dimension (``kg``, ``l``, ``m``, or a count such as ``case``) and a factor
to that dimension's base unit. Unknown units compare only with the same word.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

_MASS = {
    "kg": "1",
    "kgs": "1",
    "kilo": "1",
    "kilos": "1",
    "kilogram": "1",
    "kilograms": "1",
    "公斤": "1",
    "千克": "1",
    "g": "0.001",
    "gram": "0.001",
    "grams": "0.001",
    "克": "0.001",
    "斤": "0.5",
    "t": "1000",
    "mt": "1000",
    "ton": "1000",
    "tons": "1000",
    "tonne": "1000",
    "tonnes": "1000",
    "吨": "1000",
    "公吨": "1000",
    "lb": "0.45359237",
    "lbs": "0.45359237",
    "pound": "0.45359237",
    "磅": "0.45359237",
}
_VOLUME = {
    "l": "1",
    "ltr": "1",
    "litre": "1",
    "liter": "1",
    "litres": "1",
    "liters": "1",
    "升": "1",
    "公升": "1",
    "ml": "0.001",
    "毫升": "0.001",
    "m3": "1000",
    "立方米": "1000",
    "方": "1000",
}
_LENGTH = {
    "m": "1",
    "meter": "1",
    "metre": "1",
    "meters": "1",
    "metres": "1",
    "米": "1",
    "km": "1000",
    "公里": "1000",
}
_COUNTS = {
    "case": ("case", "cases", "箱", "ctn", "carton", "cartons"),
    "pc": ("pc", "pcs", "piece", "pieces", "unit", "units", "ea", "each", "个", "件", "只", "支", "片"),
    "box": ("box", "boxes", "盒"),
    "bag": ("bag", "bags", "袋", "包"),
    "drum": ("drum", "drums", "桶"),
    "roll": ("roll", "rolls", "卷"),
    "pallet": ("pallet", "pallets", "托", "托盘"),
    "bottle": ("bottle", "bottles", "瓶"),
    "set": ("set", "sets", "套"),
}


@dataclass(frozen=True)
class Unit:
    dimension: str
    """``kg``, ``l``, ``m``, a count (``case``, ``pc``), or the folded word for an unknown unit."""
    factor: Decimal
    """How many of the dimension's base unit one of this unit is (``t`` -> 1000 kg)."""


UNITS: dict[str, Unit] = {
    **{word: Unit("kg", Decimal(f)) for word, f in _MASS.items()},
    **{word: Unit("l", Decimal(f)) for word, f in _VOLUME.items()},
    **{word: Unit("m", Decimal(f)) for word, f in _LENGTH.items()},
    **{word: Unit(base, Decimal(1)) for base, words in _COUNTS.items() for word in words},
}


def unit_of(typed: str) -> Unit:
    """``公斤`` -> kg × 1; ``吨`` -> kg × 1000; ``Cases`` -> case × 1; ``drum (200 l)`` -> itself."""
    word = " ".join(typed.strip().casefold().split()).rstrip(".")
    known = UNITS.get(word)
    if known is not None:
        return known
    return Unit(word.rstrip("s") if word.isascii() else word, Decimal(1))


def convert(quantity: Decimal, from_unit: str | None, to_unit: str | None) -> Decimal | None:
    """``quantity`` of ``from_unit`` in ``to_unit``: 3 吨 is 3000 kg; None when the two do not convert
    (cases and tonnes, or a unit and none at all)."""
    if from_unit is None or to_unit is None:
        return quantity if from_unit == to_unit else None
    a, b = unit_of(from_unit), unit_of(to_unit)
    if a.dimension != b.dimension:
        return None
    return quantity * a.factor / b.factor


def per_unit_factor(observed: str, listed: str) -> Decimal | None:
    """Multiply a price per ``observed`` by this to get the price per ``listed``; None if unrelated.

    4,300 per t is 4.30 per kg: per_unit_factor("吨", "kg") == 0.001.
    """
    a, b = unit_of(observed), unit_of(listed)
    if a.dimension != b.dimension:
        return None
    return b.factor / a.factor
