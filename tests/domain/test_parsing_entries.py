"""`/promise`, `/price`, `/stock` quick entries, and the parser's message catalog entries."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from kam_bot.domain.drafts import ParseProblem, PriceDraft, PromiseDraft, StockDraft
from kam_bot.domain.enums import Movement, PriceKind, PromiseDirection
from kam_bot.domain.parsing import parse_price, parse_promise, parse_stock
from kam_bot.domain.parsing.problems import MESSAGE_KEYS
from kam_bot.i18n.catalog import CATALOG, t

TODAY = date(2026, 11, 23)  # a Monday
FRIDAY = date(2026, 11, 27)
KNOWN = {"baosteel", "acme corp", "宝钢"}


def is_account(candidate: str) -> bool:
    return " ".join(candidate.casefold().split()) in KNOWN


LOOKUPS = pytest.mark.parametrize("lookup", [None, is_account], ids=["guess", "lookup"])


# -- /promise --------------------------------------------------------------------------


@LOOKUPS
@pytest.mark.parametrize(
    ("text", "account", "expected"),
    [
        (
            "Baosteel quote by Friday",
            "Baosteel",
            PromiseDraft(text="quote", due_date=FRIDAY, due_text="Friday"),
        ),
        (
            "Baosteel they promise PO by 12/5",
            "Baosteel",
            PromiseDraft(
                text="PO", direction=PromiseDirection.THEIRS, due_date=date(2026, 12, 5), due_text="12/5"
            ),
        ),
        (
            "Acme Corp we'll send samples in 2 weeks",
            "Acme Corp",
            PromiseDraft(text="send samples", due_date=date(2026, 12, 7), due_text="in 2 weeks"),
        ),
        ("宝钢 周五前报价", "宝钢", PromiseDraft(text="报价", due_date=FRIDAY, due_text="周五")),
        (
            "宝钢：客户承诺月底前回款",
            "宝钢",
            PromiseDraft(
                text="回款", direction=PromiseDirection.THEIRS, due_date=date(2026, 11, 30), due_text="月底"
            ),
        ),
        ("Baosteel: call Li back", "Baosteel", PromiseDraft(text="call Li back")),
    ],
)
def test_promise_entry(text: str, account: str, expected: PromiseDraft, lookup: object) -> None:
    entry = parse_promise(text, today=TODAY, is_account=is_account if lookup else None)
    assert entry.account_query == account
    assert entry.promise == expected
    assert entry.problems == []


def test_promise_entry_with_multiword_account_and_direction_keyword() -> None:
    entry = parse_promise("Baoshan Steel Group they promise PO by Friday", today=TODAY)
    assert entry.account_query == "Baoshan Steel Group"
    assert entry.promise == PromiseDraft(
        text="PO", direction=PromiseDirection.THEIRS, due_date=FRIDAY, due_text="Friday"
    )


@pytest.mark.parametrize("typed", ["Fooday", "31/2"])
def test_promise_entry_with_a_bad_date(typed: str) -> None:
    entry = parse_promise(f"Baosteel quote by {typed}", today=TODAY)
    assert entry.promise == PromiseDraft(text="quote", due_text=typed)
    assert entry.problems == [
        ParseProblem(field="promise.due_date", text=typed, message="parser.bad_date", params={"text": typed})
    ]


def test_promise_entry_without_text() -> None:
    entry = parse_promise("Baosteel", today=TODAY)
    assert entry.account_query == "Baosteel"
    assert entry.promise is None
    assert [(p.field, p.message) for p in entry.problems] == [("promise", "parser.missing_text")]


def test_promise_entry_starting_with_a_keyword_has_no_account() -> None:
    entry = parse_promise("we promise quote by Friday", today=TODAY)
    assert entry.account_query is None
    assert entry.promise == PromiseDraft(text="quote", due_date=FRIDAY, due_text="Friday")
    assert [(p.field, p.message) for p in entry.problems] == [("account", "parser.missing_account")]


@pytest.mark.parametrize("parse", [parse_promise, parse_price, parse_stock])
def test_empty_entries(parse: object) -> None:
    entry = parse("   ", today=TODAY)  # type: ignore[operator]
    assert entry.account_query is None
    assert [(p.field, p.message) for p in entry.problems] == [("text", "parser.empty")]


# -- /price ----------------------------------------------------------------------------


@LOOKUPS
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Baosteel widget-42 4.20 USD/kg",
            PriceDraft(product="widget-42", price=Decimal("4.20"), currency="USD", unit="kg"),
        ),
        ("Baosteel widget-42 $4.20", PriceDraft(product="widget-42", price=Decimal("4.20"), currency="USD")),
        ("Baosteel widget-42 4.20/kg", PriceDraft(product="widget-42", price=Decimal("4.20"), unit="kg")),
        ("宝钢 螺纹钢 ¥30", PriceDraft(product="螺纹钢", price=Decimal("30"), currency="CNY")),
        ("宝钢 螺纹钢 30元/吨", PriceDraft(product="螺纹钢", price=Decimal("30"), currency="CNY", unit="吨")),
        ("宝钢 螺纹钢 RMB 30", PriceDraft(product="螺纹钢", price=Decimal("30"), currency="CNY")),
        (
            "Baosteel rebar 30 CNY per ton",
            PriceDraft(product="rebar", price=Decimal("30"), currency="CNY", unit="ton"),
        ),
        (
            "Baosteel widget-42 3.95 competitor Foo",
            PriceDraft(
                product="widget-42", price=Decimal("3.95"), kind=PriceKind.COMPETITOR, competitor="Foo"
            ),
        ),
        (
            "Baosteel competitor Foo widget-42 3.95 USD",
            PriceDraft(
                product="widget-42",
                price=Decimal("3.95"),
                currency="USD",
                kind=PriceKind.COMPETITOR,
                competitor="Foo",
            ),
        ),
        (
            "Acme Corp retail widget-42 5.99 incl VAT",
            PriceDraft(
                product="widget-42", price=Decimal("5.99"), kind=PriceKind.CUSTOMER_RETAIL, note="incl VAT"
            ),
        ),
        (
            "Acme Corp our price widget-42 3.80",
            PriceDraft(product="widget-42", price=Decimal("3.80"), kind=PriceKind.OUR_INVOICE),
        ),
        (
            "Baosteel invoice widget-42 3.80",
            PriceDraft(product="widget-42", price=Decimal("3.80"), kind=PriceKind.OUR_INVOICE),
        ),
    ],
)
def test_price_entry(text: str, expected: PriceDraft, lookup: object) -> None:
    entry = parse_price(text, today=TODAY, is_account=is_account if lookup else None)
    assert entry.account_query == ("Acme Corp" if text.startswith("Acme") else text.split()[0])
    assert entry.price == expected
    assert entry.problems == []


@pytest.mark.parametrize("typed", ["4..20", "4.2.0", "4,2o"])
def test_price_entry_with_a_bad_number(typed: str) -> None:
    entry = parse_price(f"Baosteel widget-42 {typed} USD", today=TODAY)
    assert entry.price is not None
    assert (entry.price.product, entry.price.price) == ("widget-42", None)
    assert entry.problems == [
        ParseProblem(field="price.price", text=typed, message="parser.bad_number", params={"text": typed})
    ]


def test_price_entry_without_a_price() -> None:
    entry = parse_price("Baosteel widget-42", today=TODAY)
    assert entry.price == PriceDraft(product="widget-42")
    assert [(p.field, p.message) for p in entry.problems] == [("price.price", "parser.missing_price")]


def test_price_entry_without_a_product() -> None:
    entry = parse_price("Baosteel 4.20 USD", today=TODAY)
    assert entry.price == PriceDraft(product="", price=Decimal("4.20"), currency="USD")
    assert [(p.field, p.message) for p in entry.problems] == [("price.product", "parser.missing_product")]


def test_price_entry_with_nothing_after_the_account() -> None:
    entry = parse_price("Baosteel", today=TODAY)
    assert entry.account_query == "Baosteel"
    assert entry.price is None
    assert [(p.field, p.message) for p in entry.problems] == [("price.price", "parser.missing_price")]


def test_price_entry_competitor_without_a_name() -> None:
    entry = parse_price("Baosteel widget-42 3.95 competitor", today=TODAY)
    assert entry.price is not None
    assert entry.price.kind is PriceKind.COMPETITOR
    assert [(p.field, p.message) for p in entry.problems] == [
        ("price.competitor", "parser.missing_competitor")
    ]


# -- /stock ----------------------------------------------------------------------------


@LOOKUPS
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Baosteel widget-42 120 cases slow",
            StockDraft(product="widget-42", quantity=Decimal("120"), unit="cases", movement=Movement.SLOW),
        ),
        (
            "Baosteel widget-42 120 cases slow share 30%",
            StockDraft(
                product="widget-42",
                quantity=Decimal("120"),
                unit="cases",
                movement=Movement.SLOW,
                our_share_pct=Decimal("30"),
            ),
        ),
        ("Baosteel widget-42 120", StockDraft(product="widget-42", quantity=Decimal("120"))),
        (
            "Baosteel widget-42 12.5 t fast",
            StockDraft(product="widget-42", quantity=Decimal("12.5"), unit="t", movement=Movement.FAST),
        ),
        (
            "宝钢 螺纹钢 120吨 畅销",
            StockDraft(product="螺纹钢", quantity=Decimal("120"), unit="吨", movement=Movement.FAST),
        ),
        (
            "宝钢 螺纹钢 80箱 滞销 份额25%",
            StockDraft(
                product="螺纹钢",
                quantity=Decimal("80"),
                unit="箱",
                movement=Movement.SLOW,
                our_share_pct=Decimal("25"),
            ),
        ),
        ("Baosteel widget-42 slow", StockDraft(product="widget-42", movement=Movement.SLOW)),
        (
            "宝钢 widget-42 3吨 慢",
            StockDraft(product="widget-42", quantity=Decimal("3"), unit="吨", movement=Movement.SLOW),
        ),
        (
            "宝钢 widget-42 3吨 快",
            StockDraft(product="widget-42", quantity=Decimal("3"), unit="吨", movement=Movement.FAST),
        ),
        (
            "宝钢 widget-42 80箱 正常",
            StockDraft(product="widget-42", quantity=Decimal("80"), unit="箱", movement=Movement.NORMAL),
        ),
        (
            "宝钢 快干胶 3吨",
            StockDraft(product="快干胶", quantity=Decimal("3"), unit="吨"),
        ),  # 快 inside a name
    ],
)
def test_stock_entry(text: str, expected: StockDraft, lookup: object) -> None:
    entry = parse_stock(text, today=TODAY, is_account=is_account if lookup else None)
    assert entry.account_query == text.split()[0]
    assert entry.stock == expected
    assert entry.problems == []


def test_stock_entry_keeps_what_it_did_not_understand() -> None:
    entry = parse_stock("Baosteel widget-42 120 cases fast in the back room", today=TODAY)
    assert entry.stock == StockDraft(
        product="widget-42", quantity=Decimal("120"), unit="cases", movement=Movement.FAST
    )
    assert entry.problems == [
        ParseProblem(
            field="stock",
            text="in the back room",
            message="parser.not_understood",
            params={"text": "in the back room"},
        )
    ]


def test_stock_entry_without_a_product() -> None:
    entry = parse_stock("Baosteel 120 cases", today=TODAY)
    assert entry.stock == StockDraft(product="", quantity=Decimal("120"), unit="cases")
    assert [(p.field, p.message) for p in entry.problems] == [("stock.product", "parser.missing_product")]


def test_stock_entry_with_a_bad_share() -> None:
    entry = parse_stock("Baosteel widget-42 120 cases share 130%", today=TODAY)
    assert entry.stock is not None
    assert entry.stock.our_share_pct is None
    assert [(p.field, p.text, p.message) for p in entry.problems] == [
        ("stock.our_share_pct", "share 130%", "parser.bad_percent")
    ]


# -- messages --------------------------------------------------------------------------


@pytest.mark.parametrize("key", MESSAGE_KEYS)
def test_every_problem_has_english_and_chinese_messages(key: str) -> None:
    assert set(CATALOG[key]) >= {"en", "zh-Hans"}
    params = {"text": "Fooday", "valid": "negotiation, delivery"}
    assert t(key, "en", **params) != t(key, "zh-Hans", **params)


def test_parser_messages_are_all_used() -> None:
    assert {key for key in CATALOG if key.startswith("parser.")} == set(MESSAGE_KEYS)


def test_bad_date_message_names_the_date() -> None:
    assert "Fooday" in t("parser.bad_date", "en", text="Fooday")
    assert "Fooday" in t("parser.bad_date", "zh-Hans", text="Fooday")
