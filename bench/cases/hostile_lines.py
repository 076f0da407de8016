"""Parsing hostile lines: the slowest of many line shapes, at the longest line read.

Real: ``parse_visit`` (the parser every platform's /visit runs) on lines of ``MAX_LINE``
characters built to be slow: a date marker repeated (``by by by``), dates in a row, Chinese
segments, promise clauses, names, prices, brackets, mentions and zero-width characters.
Longer lines (a 100 kB paste) are refused before the parser sees them
(``handlers.prefill.line_problem``); the bench times that refusal too. No database.
"""

from __future__ import annotations

from datetime import date

from bench.core import Context, Result, latency_summary, status, timed_calls

BENCH = "hostile visit line"
TARGET = "max < 200 ms"
LIMIT_MS = 200.0


def shapes(n: int) -> dict[str, str]:
    """Lines of about ``n`` characters, each repeating what makes one part of the parser work."""
    unit = {
        "plain": "x",
        "words": "word ",
        "separators": ";",
        "clauses": "we promise quote by Friday; ",
        "names": "Li Wei and ",
        "chinese": "见了李伟;",
        "prices": "price w 4.20 USD/kg; ",
        "digits": "1",
        "dates": "12/5 ",
        "brackets": "met Li (",
        "goal": "goal: a - ",
        "commas": "a, ",
        "markers": "by ",
        "zero-width": "\u200b",
        "mentions": "<@U123> <!channel> <http://x|y> ",
        "rtl": "مرحبا שלום ",
    }
    lead = {"markers": "Baosteel we promise "}
    return {name: (lead.get(name, "Baosteel ") + u * (n // len(u)))[:n] for name, u in unit.items()}


def run(ctx: Context) -> list[Result]:
    from kam_bot.domain.parsing import parse_visit
    from kam_bot.handlers.prefill import MAX_LINE, line_problem

    today = date(2026, 12, 4)
    keys = {"baosteel"}
    repeat = ctx.n(5, 2)
    per_shape: dict[str, float] = {}
    for name, line in shapes(MAX_LINE).items():
        samples = timed_calls(
            lambda line=line: parse_visit(line, today=today, is_account=lambda s: s.casefold() in keys),
            repeat,
        )
        per_shape[name] = max(samples) * 1000
    refusals = timed_calls(lambda: line_problem("x" * 100_000), repeat)
    worst = max(per_shape.values())
    slowest = max(per_shape, key=lambda k: per_shape[k])
    return [
        Result(
            BENCH,
            f"max ms ({MAX_LINE:,} chars)",
            round(worst, 2),
            "ms",
            TARGET,
            status(worst < LIMIT_MS),
            details={
                "per_shape_ms": {k: round(v, 2) for k, v in per_shape.items()},
                "refusal_100kB": latency_summary(refusals),
            },
            note=f"slowest shape: {slowest}; a 100 kB line is refused before parsing",
        )
    ]
