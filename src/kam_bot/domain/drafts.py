"""What the quick-entry parser understood: a prefill the user confirms, never a silent write.

Every field is optional: the parser fills what it recognised, keeps every piece of text it
could not place in ``summary`` (``unplaced`` lists those pieces), and records what looked
wrong in ``problems`` so the adapter can say what to fix and what was understood.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from kam_bot.domain.enums import (
    CompetitorActivity,
    GoalReached,
    Movement,
    Objective,
    PriceKind,
    PromiseDirection,
    StageKind,
    VisitKind,
)


class Draft(BaseModel):
    model_config = ConfigDict(validate_assignment=True)


class ParseProblem(Draft):
    """Something typed that could not be used as it stands.

    ``message`` is a key of the message catalog, ``params`` its placeholders; ``field`` names
    the draft field concerned (``promises.0.due_date``, ``prices.1.price``, ``account`` ...).
    """

    field: str
    text: str
    message: str
    params: dict[str, Any] = Field(default_factory=dict)


class ContactMention(Draft):
    name: str
    title: str | None = None


class PromiseDraft(Draft):
    text: str
    direction: PromiseDirection = PromiseDirection.OURS
    due_date: date | None = None
    due_text: str | None = None
    """The date as typed ("by Friday"), kept when it could not be placed on a calendar."""


class PriceDraft(Draft):
    product: str
    price: Decimal | None = None
    currency: str | None = None
    unit: str | None = None
    kind: PriceKind = PriceKind.CUSTOMER_PURCHASE
    competitor: str | None = None
    note: str | None = None


class StockDraft(Draft):
    product: str
    quantity: Decimal | None = None
    unit: str | None = None
    movement: Movement | None = None
    our_share_pct: Decimal | None = None


class CompetitorNoteDraft(Draft):
    competitor: str
    activity: CompetitorActivity = CompetitorActivity.OTHER
    text: str


class StageDraft(Draft):
    kind: StageKind
    to_stage: str


class VisitDraft(Draft):
    account_query: str | None = None
    contacts: list[ContactMention] = Field(default_factory=list)
    kind: VisitKind | None = None
    visit_date: date | None = None
    objectives: list[Objective] = Field(default_factory=list)
    goal: str | None = None
    goal_reached: GoalReached | None = None
    summary: str | None = None
    needs: str | None = None
    competitor_intel: str | None = None
    next_step: str | None = None
    next_visit_date: date | None = None
    promises: list[PromiseDraft] = Field(default_factory=list)
    prices: list[PriceDraft] = Field(default_factory=list)
    stocks: list[StockDraft] = Field(default_factory=list)
    competitor_notes: list[CompetitorNoteDraft] = Field(default_factory=list)
    stage_change: StageDraft | None = None
    unplaced: list[str] = Field(default_factory=list)
    problems: list[ParseProblem] = Field(default_factory=list)


class PromiseEntry(Draft):
    """`/promise ACCOUNT TEXT [by DATE]`."""

    account_query: str | None = None
    promise: PromiseDraft | None = None
    problems: list[ParseProblem] = Field(default_factory=list)


class PriceEntry(Draft):
    """`/price ACCOUNT PRODUCT PRICE [CURRENCY][/UNIT] [competitor NAME]`."""

    account_query: str | None = None
    price: PriceDraft | None = None
    problems: list[ParseProblem] = Field(default_factory=list)


class StockEntry(Draft):
    """`/stock ACCOUNT PRODUCT QUANTITY [UNIT] [fast|normal|slow] [share N%]`."""

    account_query: str | None = None
    stock: StockDraft | None = None
    problems: list[ParseProblem] = Field(default_factory=list)
