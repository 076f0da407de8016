"""`/visit` text -> VisitDraft: the acceptance examples and the rules around them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from kam_bot.domain.drafts import (
    CompetitorNoteDraft,
    ContactMention,
    ParseProblem,
    PriceDraft,
    PromiseDraft,
    StageDraft,
    StockDraft,
    VisitDraft,
)
from kam_bot.domain.enums import (
    CompetitorActivity,
    FunnelStage,
    GoalReached,
    Movement,
    Objective,
    PriceKind,
    ProcurementStage,
    PromiseDirection,
    StageKind,
    VisitKind,
)
from kam_bot.domain.parsing import parse_visit

TODAY = date(2026, 11, 23)  # a Monday
FRIDAY = date(2026, 11, 27)
KNOWN = {"baosteel", "acme corp", "宝钢", "baoshan iron & steel"}


def is_account(candidate: str) -> bool:
    return " ".join(candidate.casefold().split()) in KNOWN


def visit(text: str, *, lookup: bool = False) -> VisitDraft:
    return parse_visit(text, today=TODAY, is_account=is_account if lookup else None)


# -- account and contacts --------------------------------------------------------------


@pytest.mark.parametrize("lookup", [False, True])
def test_account_and_contacts(lookup: bool) -> None:
    draft = visit("Baosteel met Li Wei (purchasing) and Zhang", lookup=lookup)
    assert draft.account_query == "Baosteel"
    assert draft.contacts == [ContactMention(name="Li Wei", title="purchasing"), ContactMention(name="Zhang")]
    assert draft.unplaced == []
    assert draft.problems == []


@pytest.mark.parametrize("lookup", [False, True])
def test_chinese_account_and_contacts(lookup: bool) -> None:
    draft = visit("宝钢见了李伟(采购)和张总", lookup=lookup)
    assert draft.account_query == "宝钢"
    assert draft.contacts == [ContactMention(name="李伟", title="采购"), ContactMention(name="张总")]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Baosteel met Li, Zhang & Wang", ["Li", "Zhang", "Wang"]),
        ("宝钢见了李伟、张总", ["李伟", "张总"]),
        ("Baosteel met Li Wei (purchasing, logistics) and Zhang", ["Li Wei", "Zhang"]),
        ("Baosteel met 王和平", ["王和平"]),
        ("Baosteel met 王和平 和 张总", ["王和平", "张总"]),
    ],
)
def test_contact_separators(text: str, names: list[str]) -> None:
    assert [c.name for c in visit(text).contacts] == names


def test_title_keeps_its_commas() -> None:
    draft = visit("Baosteel met Li Wei (purchasing, logistics)")
    assert draft.contacts == [ContactMention(name="Li Wei", title="purchasing, logistics")]


def test_known_account_of_several_words_wins_over_keyword_split() -> None:
    draft = visit("Baoshan Iron & Steel met Li", lookup=True)
    assert draft.account_query == "Baoshan Iron & Steel"
    assert draft.contacts == [ContactMention(name="Li")]


def test_known_chinese_account_without_spaces() -> None:
    draft = visit("宝钢李伟很满意", lookup=True)
    assert draft.account_query == "宝钢"
    assert draft.unplaced == ["李伟很满意"]


@pytest.mark.parametrize(
    ("text", "account"),
    [
        ('"Acme Corp" met Li', "Acme Corp"),
        ("「宝钢」见了李伟", "宝钢"),
        ("@Baosteel: great meeting", "Baosteel"),
        ("Unknown Co met Li", "Unknown Co"),
        ("Unknown Co; met Li", "Unknown Co"),
        ("拜访宝钢，见了李伟", "宝钢"),
        ("yesterday Baosteel met Li", "Baosteel"),
        ("Baosteel yesterday met Li", "Baosteel"),
        ("Baosteel great meeting", "Baosteel"),
    ],
)
def test_account_fallbacks(text: str, account: str) -> None:
    assert visit(text).account_query == account


def test_text_starting_with_a_keyword_has_no_account() -> None:
    draft = visit("met Li Wei; goal: Q3 order")
    assert draft.account_query is None
    assert draft.contacts == [ContactMention(name="Li Wei")]
    assert draft.problems == [
        ParseProblem(field="account", text="", message="parser.missing_account", params={"text": ""})
    ]


def test_empty_text_gives_an_empty_draft() -> None:
    assert visit("") == VisitDraft()
    assert visit("  ;\n ") == VisitDraft()


# -- goal ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("segment", "goal", "reached"),
    [
        ("goal: Q3 order - partly", "Q3 order", GoalReached.PARTLY),
        ("goal: Q3 order - yes", "Q3 order", GoalReached.YES),
        ("goal: Q3 order - not reached", "Q3 order", GoalReached.NO),
        ("goal: Q3 order (reached)", "Q3 order", GoalReached.YES),
        ("goal: Q3 order", "Q3 order", None),
        ("goal: get a yes", "get a yes", None),
        ("目标：Q3订单-部分", "Q3订单", GoalReached.PARTLY),
        ("目标: 拿到订单，未达成", "拿到订单", GoalReached.NO),
        ("目标：拿到订单 达成", "拿到订单", GoalReached.YES),
    ],
)
def test_goal(segment: str, goal: str, reached: GoalReached | None) -> None:
    draft = visit(f"Baosteel; {segment}")
    assert (draft.goal, draft.goal_reached) == (goal, reached)


def test_goal_outcome_on_its_own_line_and_objectives_in_the_goal() -> None:
    draft = visit("Baosteel; goal: collect payment for Q3; result: partly")
    assert draft.goal == "collect payment for Q3"
    assert draft.goal_reached is GoalReached.PARTLY
    assert draft.objectives == [Objective.COLLECT_PAYMENT]


# -- promises --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("segment", "direction", "text", "due_date", "due_text"),
    [
        ("we promise quote by Friday", PromiseDirection.OURS, "quote", FRIDAY, "Friday"),
        ("we'll send samples by Friday", PromiseDirection.OURS, "send samples", FRIDAY, "Friday"),
        (
            "we promised to send samples next week",
            PromiseDirection.OURS,
            "send samples",
            date(2026, 11, 30),
            "next week",
        ),
        ("我们承诺 周五前报价", PromiseDirection.OURS, "报价", FRIDAY, "周五"),
        ("they promise PO by 12/5", PromiseDirection.THEIRS, "PO", date(2026, 12, 5), "12/5"),
        (
            "customer promises payment before end of month",
            PromiseDirection.THEIRS,
            "payment",
            date(2026, 11, 30),
            "end of month",
        ),
        ("他们承诺 下周二前下单", PromiseDirection.THEIRS, "下单", date(2026, 12, 1), "下周二"),
        ("客户承诺 12月5日前付款", PromiseDirection.THEIRS, "付款", date(2026, 12, 5), "12月5日"),
        ("they will call back", PromiseDirection.THEIRS, "call back", None, None),
    ],
)
def test_promise(
    segment: str, direction: PromiseDirection, text: str, due_date: date | None, due_text: str | None
) -> None:
    draft = visit(f"Baosteel; {segment}")
    assert draft.promises == [
        PromiseDraft(text=text, direction=direction, due_date=due_date, due_text=due_text)
    ]
    assert draft.problems == []


def test_friday_promise_made_on_a_friday_is_due_today() -> None:
    draft = parse_visit("Baosteel; we promise quote by Friday", today=FRIDAY)
    assert draft.promises[0].due_date == FRIDAY


def test_several_promises() -> None:
    draft = visit(
        "Baosteel met Li; we promise quote by Friday and they promise PO by 12/5\n"
        "我们承诺 周五前报价，客户承诺下周二前下单"
    )
    assert [(p.direction, p.text, p.due_date) for p in draft.promises] == [
        (PromiseDirection.OURS, "quote", FRIDAY),
        (PromiseDirection.THEIRS, "PO", date(2026, 12, 5)),
        (PromiseDirection.OURS, "报价", FRIDAY),
        (PromiseDirection.THEIRS, "下单", date(2026, 12, 1)),
    ]


@pytest.mark.parametrize(
    ("segment", "typed"), [("we promise quote by Fooday", "Fooday"), ("we promise quote by 31/2", "31/2")]
)
def test_promise_with_a_date_that_cannot_be_placed(segment: str, typed: str) -> None:
    draft = visit(f"Baosteel; met Li; {segment}")
    assert draft.promises == [PromiseDraft(text="quote", due_date=None, due_text=typed)]
    assert draft.problems == [
        ParseProblem(
            field="promises.0.due_date", text=typed, message="parser.bad_date", params={"text": typed}
        )
    ]


def test_bad_date_problem_names_the_right_promise() -> None:
    draft = visit("Baosteel; we promise quote by Friday; they promise PO by Fooday")
    assert [p.field for p in draft.problems] == ["promises.1.due_date"]


# -- prices, competitors, stock --------------------------------------------------------


@pytest.mark.parametrize(
    ("segment", "expected"),
    [
        (
            "price widget-42 4.20 USD/kg",
            PriceDraft(product="widget-42", price=Decimal("4.20"), currency="USD", unit="kg"),
        ),
        ("price widget-42 4.20/kg", PriceDraft(product="widget-42", price=Decimal("4.20"), unit="kg")),
        ("price widget-42 $4.20", PriceDraft(product="widget-42", price=Decimal("4.20"), currency="USD")),
        ("price 螺纹钢 ¥30", PriceDraft(product="螺纹钢", price=Decimal("30"), currency="CNY")),
        ("价格 螺纹钢 30元/吨", PriceDraft(product="螺纹钢", price=Decimal("30"), currency="CNY", unit="吨")),
        ("价格 螺纹钢30元", PriceDraft(product="螺纹钢", price=Decimal("30"), currency="CNY")),
        ("price rebar RMB 30", PriceDraft(product="rebar", price=Decimal("30"), currency="CNY")),
        (
            "price rebar 30 CNY per ton",
            PriceDraft(product="rebar", price=Decimal("30"), currency="CNY", unit="ton"),
        ),
        (
            "price rebar €1,200.50/t",
            PriceDraft(product="rebar", price=Decimal("1200.50"), currency="EUR", unit="t"),
        ),
        (
            "price widget 4.20 USD incl. VAT",
            PriceDraft(product="widget", price=Decimal("4.20"), currency="USD", note="incl. VAT"),
        ),
        (
            "our price widget-42 3.80 USD/kg",
            PriceDraft(
                product="widget-42",
                price=Decimal("3.80"),
                currency="USD",
                unit="kg",
                kind=PriceKind.OUR_INVOICE,
            ),
        ),
        (
            "invoice widget-42 3.80",
            PriceDraft(product="widget-42", price=Decimal("3.80"), kind=PriceKind.OUR_INVOICE),
        ),
        (
            "retail widget-42 5.99",
            PriceDraft(product="widget-42", price=Decimal("5.99"), kind=PriceKind.CUSTOMER_RETAIL),
        ),
        (
            "price retail widget-42 5.99",
            PriceDraft(product="widget-42", price=Decimal("5.99"), kind=PriceKind.CUSTOMER_RETAIL),
        ),
        (
            "零售价 螺纹钢 35元",
            PriceDraft(product="螺纹钢", price=Decimal("35"), currency="CNY", kind=PriceKind.CUSTOMER_RETAIL),
        ),
    ],
)
def test_price(segment: str, expected: PriceDraft) -> None:
    draft = visit(f"Baosteel; {segment}")
    assert draft.prices == [expected]
    assert draft.problems == []


def test_competitor_price_inherits_product_currency_and_unit() -> None:
    draft = visit("Baosteel; price widget-42 4.20 USD/kg; competitor Foo 3.95")
    assert draft.prices[1] == PriceDraft(
        product="widget-42",
        price=Decimal("3.95"),
        currency="USD",
        unit="kg",
        kind=PriceKind.COMPETITOR,
        competitor="Foo",
    )


def test_competitor_price_with_its_own_currency() -> None:
    draft = visit("Baosteel; price widget-42 4.20 USD/kg; 竞品 Foo Chemicals 28元/kg")
    assert draft.prices[1].competitor == "Foo Chemicals"
    assert (draft.prices[1].price, draft.prices[1].currency, draft.prices[1].unit) == (
        Decimal("28"),
        "CNY",
        "kg",
    )


def test_competitor_price_without_a_previous_price_misses_its_product() -> None:
    draft = visit("Baosteel; competitor Foo 3.95")
    assert draft.prices == [
        PriceDraft(product="", price=Decimal("3.95"), kind=PriceKind.COMPETITOR, competitor="Foo")
    ]
    assert [(p.field, p.message) for p in draft.problems] == [("prices.0.product", "parser.missing_product")]


@pytest.mark.parametrize(
    ("segment", "competitor", "activity", "text"),
    [
        ("competitor Foo running a promotion", "Foo", CompetitorActivity.PROMOTION, "running a promotion"),
        ("competitor Foo cut prices by 5%", "Foo", CompetitorActivity.PRICE_CHANGE, "cut prices by 5%"),
        (
            "competitor Foo launched a new product",
            "Foo",
            CompetitorActivity.NEW_PRODUCT,
            "launched a new product",
        ),
        ("competitor Foo has a new rep", "Foo", CompetitorActivity.REP_CHANGE, "has a new rep"),
        ("competitor Foo visited the plant", "Foo", CompetitorActivity.OTHER, "visited the plant"),
        ("竞品 巴斯夫 在搞促销", "巴斯夫", CompetitorActivity.PROMOTION, "在搞促销"),
        ("竞争对手 Foo 降价", "Foo", CompetitorActivity.PRICE_CHANGE, "降价"),
        ("竞品 Foo 新品上市", "Foo", CompetitorActivity.NEW_PRODUCT, "新品上市"),
        ("竞品 Foo 换人了", "Foo", CompetitorActivity.REP_CHANGE, "换人了"),
    ],
)
def test_competitor_note(segment: str, competitor: str, activity: CompetitorActivity, text: str) -> None:
    draft = visit(f"Baosteel; {segment}")
    assert draft.competitor_notes == [
        CompetitorNoteDraft(competitor=competitor, activity=activity, text=text)
    ]
    assert draft.prices == []


def test_bad_price_number() -> None:
    draft = visit("Baosteel; price widget-42 4..20 USD")
    assert draft.prices[0].product == "widget-42"
    assert draft.prices[0].price is None
    assert draft.problems == [
        ParseProblem(
            field="prices.0.price", text="4..20", message="parser.bad_number", params={"text": "4..20"}
        )
    ]


def test_price_without_product() -> None:
    draft = visit("Baosteel; price 4.20")
    assert draft.prices == [PriceDraft(product="", price=Decimal("4.20"))]
    assert [(p.field, p.message) for p in draft.problems] == [("prices.0.product", "parser.missing_product")]


@pytest.mark.parametrize(
    ("segment", "expected"),
    [
        (
            "stock widget-42 120 cases slow",
            StockDraft(product="widget-42", quantity=Decimal("120"), unit="cases", movement=Movement.SLOW),
        ),
        (
            "stock widget-42 120 cases slow share 30%",
            StockDraft(
                product="widget-42",
                quantity=Decimal("120"),
                unit="cases",
                movement=Movement.SLOW,
                our_share_pct=Decimal("30"),
            ),
        ),
        (
            "inventory widget-42 80 fast-moving, 45% share",
            StockDraft(
                product="widget-42",
                quantity=Decimal("80"),
                movement=Movement.FAST,
                our_share_pct=Decimal("45"),
            ),
        ),
        (
            "库存 螺纹钢 120吨 滞销 占比30%",
            StockDraft(
                product="螺纹钢",
                quantity=Decimal("120"),
                unit="吨",
                movement=Movement.SLOW,
                our_share_pct=Decimal("30"),
            ),
        ),
        (
            "库存 螺纹钢 50箱 正常",
            StockDraft(product="螺纹钢", quantity=Decimal("50"), unit="箱", movement=Movement.NORMAL),
        ),
    ],
)
def test_stock(segment: str, expected: StockDraft) -> None:
    draft = visit(f"Baosteel; {segment}")
    assert draft.stocks == [expected]
    assert draft.unplaced == []
    assert draft.problems == []


def test_share_on_its_own_line_goes_to_the_previous_stock() -> None:
    draft = visit("Baosteel; stock widget-42 120 cases; share 30%")
    assert draft.stocks[0].our_share_pct == Decimal("30")


def test_stock_text_after_the_quantity_is_kept() -> None:
    draft = visit("Baosteel; stock widget-42 120 cases fast in the back room")
    assert draft.stocks[0].movement is Movement.FAST
    assert draft.unplaced == ["in the back room"]
    assert draft.summary == "in the back room"


def test_share_above_100_is_a_problem() -> None:
    draft = visit("Baosteel; stock widget-42 120 cases share 130%")
    assert draft.stocks[0].our_share_pct is None
    assert [(p.field, p.message) for p in draft.problems] == [
        ("stocks.0.our_share_pct", "parser.bad_percent")
    ]


# -- text fields, kind, dates, objectives, stage ---------------------------------------


def test_text_fields() -> None:
    draft = visit(
        "Baosteel; needs: faster delivery; 需求：更短交期; next: send samples; next step: call Li; "
        "summary: good meeting; 纪要：气氛很好; intel: Foo is hiring"
    )
    assert draft.needs == "faster delivery; 更短交期"
    assert draft.next_step == "send samples; call Li"
    assert draft.summary == "good meeting; 气氛很好"
    assert draft.competitor_intel == "Foo is hiring"
    assert draft.unplaced == []


@pytest.mark.parametrize(
    ("segment", "expected"),
    [
        ("next visit Dec 12", date(2026, 12, 12)),
        ("next visit: 12/12", date(2026, 12, 12)),
        ("next visit in 2 weeks", date(2026, 12, 7)),
        ("下次拜访 下周三", date(2026, 12, 2)),
        ("下次拜访：12月12日", date(2026, 12, 12)),
    ],
)
def test_next_visit(segment: str, expected: date) -> None:
    draft = visit(f"Baosteel; {segment}")
    assert draft.next_visit_date == expected
    assert draft.unplaced == []


def test_next_visit_with_a_plan() -> None:
    draft = visit("Baosteel; next visit Dec 12 to present samples")
    assert draft.next_visit_date == date(2026, 12, 12)
    assert draft.next_step == "to present samples"


def test_next_visit_without_a_date() -> None:
    draft = visit("Baosteel; next visit sometime soon")
    assert draft.next_visit_date is None
    assert draft.unplaced == ["next visit sometime soon"]
    assert [(p.field, p.text, p.message) for p in draft.problems] == [
        ("next_visit_date", "sometime soon", "parser.bad_date")
    ]


@pytest.mark.parametrize(
    ("segment", "kind"),
    [
        ("phone", VisitKind.PHONE),
        ("call", VisitKind.PHONE),
        ("video", VisitKind.VIDEO),
        ("电话", VisitKind.PHONE),
        ("视频", VisitKind.VIDEO),
        ("in person", VisitKind.IN_PERSON),
    ],
)
def test_visit_kind(segment: str, kind: VisitKind) -> None:
    draft = visit(f"Baosteel; {segment}")
    assert draft.kind is kind
    assert draft.unplaced == []


def test_call_before_more_text_is_not_a_kind() -> None:
    draft = visit("Baosteel; call Li about the order")
    assert draft.kind is None
    assert draft.unplaced == ["call Li about the order"]


@pytest.mark.parametrize(
    ("text", "visit_date"),
    [
        ("Baosteel; yesterday", date(2026, 11, 22)),
        ("Baosteel; 昨天", date(2026, 11, 22)),
        ("Baosteel; on Friday", date(2026, 11, 20)),
        ("Baosteel on Friday met Li", date(2026, 11, 20)),
        ("Baosteel met Li Wei yesterday", date(2026, 11, 22)),
        ("Baosteel; today", TODAY),
        ("Baosteel 电话 昨天", date(2026, 11, 22)),
    ],
)
def test_visit_date(text: str, visit_date: date) -> None:
    draft = visit(text)
    assert draft.visit_date == visit_date
    assert draft.unplaced == []


def test_a_second_visit_date_is_kept_as_text() -> None:
    draft = visit("Baosteel; yesterday; on Friday")
    assert draft.visit_date == date(2026, 11, 22)
    assert draft.unplaced == ["on Friday"]


@pytest.mark.parametrize(
    ("segment", "objectives"),
    [
        ("collect payment", [Objective.COLLECT_PAYMENT]),
        ("回款", [Objective.COLLECT_PAYMENT]),
        ("complaint", [Objective.HANDLE_COMPLAINT]),
        ("投诉", [Objective.HANDLE_COMPLAINT]),
        ("introduce new product", [Objective.INTRODUCE_PRODUCT]),
        ("increase order, relationship", [Objective.INCREASE_ORDER, Objective.BUILD_RELATIONSHIP]),
        ("objectives: complaint and policy", [Objective.HANDLE_COMPLAINT, Objective.CONVEY_POLICY]),
        ("目的：回款、客情", [Objective.COLLECT_PAYMENT, Objective.BUILD_RELATIONSHIP]),
    ],
)
def test_objectives(segment: str, objectives: list[Objective]) -> None:
    draft = visit(f"Baosteel; {segment}")
    assert draft.objectives == objectives
    assert draft.unplaced == []


@pytest.mark.parametrize(
    ("segment", "expected"),
    [
        ("stage: negotiation", StageDraft(kind=StageKind.PROCUREMENT, to_stage=ProcurementStage.NEGOTIATION)),
        ("stage: preferred supplier", StageDraft(kind=StageKind.PROCUREMENT, to_stage="preferred_supplier")),
        ("stage: Contract-Signed", StageDraft(kind=StageKind.PROCUREMENT, to_stage="contract_signed")),
        ("funnel: customer", StageDraft(kind=StageKind.FUNNEL, to_stage=FunnelStage.CUSTOMER)),
        ("stage: target customer", StageDraft(kind=StageKind.FUNNEL, to_stage="target_customer")),
        ("阶段: 谈判", StageDraft(kind=StageKind.PROCUREMENT, to_stage="negotiation")),
        ("阶段：目标客户", StageDraft(kind=StageKind.FUNNEL, to_stage="target_customer")),
        ("漏斗：潜在客户", StageDraft(kind=StageKind.FUNNEL, to_stage="potential")),
    ],
)
def test_stage(segment: str, expected: StageDraft) -> None:
    draft = visit(f"Baosteel; {segment}")
    assert draft.stage_change == expected
    assert draft.problems == []


def test_unknown_stage() -> None:
    draft = visit("Baosteel; stage: almost there")
    assert draft.stage_change is None
    assert draft.unplaced == ["stage: almost there"]
    [problem] = draft.problems
    assert (problem.field, problem.text, problem.message) == (
        "stage_change",
        "almost there",
        "parser.unknown_stage",
    )
    assert problem.params["text"] == "almost there"
    assert "preferred_supplier" in problem.params["valid"]
    assert "target_customer" in problem.params["valid"]


def test_funnel_keyword_accepts_only_funnel_stages() -> None:
    draft = visit("Baosteel; funnel: negotiation")
    assert draft.stage_change is None
    [problem] = draft.problems
    assert problem.params["valid"] == "target_market, potential, target_customer, customer"


# -- nothing is lost -------------------------------------------------------------------


def test_unplaced_segments_go_to_summary() -> None:
    draft = visit("Baosteel met Li; summary: good meeting; they liked the samples; 下个季度可能扩产")
    assert draft.unplaced == ["they liked the samples", "下个季度可能扩产"]
    assert draft.summary == "good meeting; they liked the samples; 下个季度可能扩产"


def test_full_visit() -> None:
    draft = visit(
        "Baosteel met Li Wei (purchasing) and Zhang\n"
        "goal: Q3 order - partly\n"
        "we promise quote by Friday\n"
        "they promise PO by 12/5\n"
        "price widget-42 4.20 USD/kg\n"
        "competitor Foo 3.95\n"
        "stock widget-42 120 cases slow share 30%\n"
        "next visit in 2 weeks\n"
        "stage: negotiation\n"
        "phone; yesterday; collect payment\n"
        "great atmosphere",
        lookup=True,
    )
    assert draft.account_query == "Baosteel"
    assert len(draft.contacts) == 2
    assert draft.goal_reached is GoalReached.PARTLY
    assert [p.direction for p in draft.promises] == [PromiseDirection.OURS, PromiseDirection.THEIRS]
    assert [p.kind for p in draft.prices] == [PriceKind.CUSTOMER_PURCHASE, PriceKind.COMPETITOR]
    assert draft.stocks[0].our_share_pct == Decimal("30")
    assert draft.next_visit_date == date(2026, 12, 7)
    assert draft.stage_change == StageDraft(kind=StageKind.PROCUREMENT, to_stage="negotiation")
    assert (draft.kind, draft.visit_date, draft.objectives) == (
        VisitKind.PHONE,
        date(2026, 11, 22),
        [Objective.COLLECT_PAYMENT],
    )
    assert draft.summary == "great atmosphere"
    assert draft.problems == []


@pytest.mark.parametrize(
    ("line", "met"),
    [
        ("宝钢 见了李总，采购部", [("李总", "采购部")]),
        ("宝钢 见了李总，采购部和张总", [("李总", "采购部"), ("张总", None)]),
        ("宝钢 见了李总（总经理），采购部", [("李总", "总经理, 采购部")]),
        ("宝钢 见了王磊、技术中心", [("王磊", "技术中心")]),
    ],
)
def test_a_department_after_a_name_is_that_persons_not_another_person(
    line: str, met: list[tuple[str, str | None]]
) -> None:
    draft = parse_visit(line, today=date(2026, 12, 7), is_account=lambda s: s == "宝钢")
    assert [(c.name, c.title) for c in draft.contacts] == met
