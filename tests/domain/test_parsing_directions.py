"""Direction words in a `/promise` line, before or after the account, in English and Chinese."""

from __future__ import annotations

from datetime import date

import pytest

from kam_bot.domain.enums import PromiseDirection
from kam_bot.domain.parsing import parse_promise, parse_visit

TODAY = date(2026, 11, 23)  # a Monday
FRIDAY = date(2026, 11, 27)
KNOWN = {"acme", "baosteel", "宝钢", "acme corp"}


def is_account(candidate: str) -> bool:
    return " ".join(candidate.casefold().split()) in KNOWN


THEIRS = PromiseDirection.THEIRS
OURS = PromiseDirection.OURS


@pytest.mark.parametrize(
    ("line", "account", "direction", "text"),
    [
        ("Acme they send samples by Friday", "Acme", THEIRS, "send samples"),
        ("they Acme send samples by Friday", "Acme", THEIRS, "send samples"),
        ("Acme they will send samples by Friday", "Acme", THEIRS, "send samples"),
        ("they will Acme send samples by Friday", "Acme", THEIRS, "send samples"),
        ("Acme customer send samples by Friday", "Acme", THEIRS, "send samples"),
        ("customer Acme Corp send samples by Friday", "Acme Corp", THEIRS, "send samples"),
        ("Acme we send samples by Friday", "Acme", OURS, "send samples"),
        ("Acme send samples by Friday", "Acme", OURS, "send samples"),
        ("宝钢 他们 周五前寄样品", "宝钢", THEIRS, "寄样品"),
        ("他们 宝钢 周五前寄样品", "宝钢", THEIRS, "寄样品"),
        ("宝钢 客户 周五前寄样品", "宝钢", THEIRS, "寄样品"),
        ("客户 宝钢 周五前寄样品", "宝钢", THEIRS, "寄样品"),
        ("宝钢 我们 周五前报价", "宝钢", OURS, "报价"),
    ],
)
def test_direction_words_in_a_promise_line(
    line: str, account: str, direction: PromiseDirection, text: str
) -> None:
    entry = parse_promise(line, today=TODAY, is_account=is_account)
    assert entry.account_query == account
    assert entry.promise is not None
    assert (entry.promise.direction, entry.promise.text, entry.promise.due_date) == (direction, text, FRIDAY)
    assert entry.problems == []


def test_an_account_whose_name_starts_with_a_direction_word_is_still_found() -> None:
    entry = parse_promise(
        "Customer Direct call back by Friday", today=TODAY, is_account=lambda c: c == "Customer Direct"
    )
    assert entry.account_query == "Customer Direct"
    assert entry.promise is not None and entry.promise.direction is OURS


def test_a_bare_they_in_a_visit_line_is_not_a_promise() -> None:
    draft = parse_visit("Baosteel met Li; they want a lower price", today=TODAY, is_account=is_account)
    assert draft.promises == []
    assert "they want a lower price" in (draft.summary or "") + " ".join(draft.unplaced)
