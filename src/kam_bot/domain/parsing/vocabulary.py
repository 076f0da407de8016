"""Every keyword the parser may consume instead of copying it into the draft.

The parser's promise is that nothing typed is lost: each word of the input ends up in a
string field of the draft, unless it is one of these keywords (or a number that became a
date, an amount or a quantity). Tests check that promise against this list.
"""

from __future__ import annotations

from kam_bot.domain.parsing import contacts, dates, numbers, prices, promises, stages, stock, visit_words

KEYWORDS: frozenset[str] = frozenset(
    word.casefold()
    for group in (
        contacts.CONTACT_KEYWORDS,
        contacts.SEPARATOR_WORDS,
        dates.DATE_WORDS,
        numbers.ENGLISH_COUNTS,
        numbers.CHINESE_DIGITS,
        ("十",),
        numbers.CURRENCY_CODES,
        prices.MONEY_WORDS,
        prices.COMPETITOR_KEYWORDS,
        *prices.PRICE_KEYWORDS.values(),
        *prices.KIND_MODIFIERS.values(),
        promises.OURS_KEYWORDS,
        promises.THEIRS_KEYWORDS,
        promises.ENTRY_OURS_WORDS,
        promises.ENTRY_THEIRS_WORDS,
        promises.FILLER_WORDS,
        *stages.STAGE_KEYWORDS.values(),
        stages.STAGE_ALIASES,
        stock.STOCK_KEYWORDS,
        stock.SHARE_KEYWORDS,
        stock.PERCENT_WORDS,
        *stock.MOVEMENT_KEYWORDS.values(),
        visit_words.GOAL_KEYWORDS,
        visit_words.OUTCOME_KEYWORDS,
        visit_words.NEEDS_KEYWORDS,
        visit_words.NEEDS_COLON_KEYWORDS,
        visit_words.NEXT_STEP_KEYWORDS,
        visit_words.NEXT_STEP_COLON_KEYWORDS,
        visit_words.NEXT_VISIT_KEYWORDS,
        visit_words.SUMMARY_KEYWORDS,
        visit_words.INTEL_KEYWORDS,
        visit_words.OBJECTIVE_KEYWORDS,
        visit_words.INTRODUCERS,
        *visit_words.KIND_WORDS.values(),
        *visit_words.OBJECTIVE_WORDS.values(),
        *visit_words.OUTCOME_WORDS.values(),
    )
    for word in group
)
