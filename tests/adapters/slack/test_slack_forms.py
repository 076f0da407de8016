"""The modal pieces on their own: price/stock lines, block budget, retry bounds."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

from kam_bot.adapters.slack.forms.visit import (
    MAX_NEW_CONTACTS,
    MAX_NOTES,
    MAX_PROMISES,
    ContactSlot,
    NoteSlot,
    PromiseSlot,
    VisitForm,
    build_view,
)
from kam_bot.adapters.slack.retry import BoundedRateLimitRetryHandler
from kam_bot.domain.drafts import PriceDraft, StockDraft
from kam_bot.domain.enums import Locale, Movement, PriceKind
from kam_bot.domain.models import Contact
from kam_bot.handlers.forms.lines import price_line, read_prices, read_stocks, stock_line

TODAY = date(2026, 11, 23)


@pytest.mark.parametrize(
    "draft",
    [
        PriceDraft(product="widget-42", price=Decimal("4.2"), currency="USD", unit="kg"),
        PriceDraft(
            product="steel coil",
            price=Decimal("5300"),
            currency="CNY",
            unit="ton",
            kind=PriceKind.COMPETITOR,
            competitor="Shougang",
        ),
        PriceDraft(
            product="widget-42", price=Decimal("5.99"), currency="EUR", kind=PriceKind.CUSTOMER_RETAIL
        ),
    ],
)
def test_price_lines_read_back_as_written(draft: PriceDraft) -> None:
    parsed = read_prices(price_line(draft), TODAY)
    assert parsed.problems == [] and parsed.items == [draft]


def test_stock_lines_read_back_and_bad_lines_are_numbered() -> None:
    draft = StockDraft(
        product="widget-42",
        quantity=Decimal("120"),
        unit="cases",
        movement=Movement.SLOW,
        our_share_pct=Decimal("30"),
    )
    assert read_stocks(stock_line(draft), TODAY).items == [draft]
    parsed = read_prices("widget-42 4.20 USD\n\nwidget-43 cheap", TODAY)
    assert [n for n, _ in parsed.problems] == [3] and len(parsed.items) == 1


def test_the_fullest_visit_modal_fits_slack_limits() -> None:
    contacts = [
        Contact(id=i, account_id=1, name=f"Person {i} " + "x" * 80, title="Director") for i in range(150)
    ]
    form = VisitForm(
        account=(1, "A" * 300),
        contact_ids=list(range(150)),
        new_contacts=[ContactSlot("N" * 300, "T" * 300) for _ in range(MAX_NEW_CONTACTS)],
        notes=[NoteSlot("C" * 100, "x" * 3000) for _ in range(MAX_NOTES)],
        promises=[PromiseSlot("p" * 3000, TODAY) for _ in range(MAX_PROMISES)],
        summary="s" * 5000,
        prices="\n".join(["widget 1 USD"] * 400),
    )
    view = build_view(form, contacts, Locale.ZH_HANS, channel="C" * 20, rev=3)  # validated by slack_sdk
    assert len(view["blocks"]) <= 100 and len(view["private_metadata"]) <= 3000
    assert len(view["title"]["text"]) <= 24


async def test_rate_limit_waits_only_when_waiting_helps() -> None:
    handler = BoundedRateLimitRetryHandler(max_wait=30)
    state = RetryState()

    def limited(seconds: int) -> HttpResponse:
        return HttpResponse(status_code=429, headers={"Retry-After": [str(seconds)]}, data=b"{}")

    def request(method: str) -> HttpRequest:
        return HttpRequest(method="POST", url=f"https://slack.com/api/{method}", headers={})

    assert await handler.can_retry_async(
        state=state, request=request("chat.postMessage"), response=limited(20)
    )
    assert not await handler.can_retry_async(
        state=state, request=request("chat.postMessage"), response=limited(90)
    )
    assert not await handler.can_retry_async(state=state, request=request("views.open"), response=limited(5))
