"""The enumerations of domain.md, spelled as written there."""

from __future__ import annotations

from enum import StrEnum


class Tier(StrEnum):
    A = "A"
    B = "B"
    C = "C"


class Role(StrEnum):
    REP = "rep"
    MANAGER = "manager"
    ADMIN = "admin"


class FunnelStage(StrEnum):
    TARGET_MARKET = "target_market"
    POTENTIAL = "potential"
    TARGET_CUSTOMER = "target_customer"
    CUSTOMER = "customer"


class ProcurementStage(StrEnum):
    NEED_IDENTIFIED = "need_identified"
    INFO_GATHERING = "info_gathering"
    PROJECT_APPROVED = "project_approved"
    CRITERIA_SET = "criteria_set"
    EVALUATION = "evaluation"
    PREFERRED_SUPPLIER = "preferred_supplier"
    NEGOTIATION = "negotiation"
    CONTRACT_SIGNED = "contract_signed"
    DELIVERY = "delivery"
    AFTER_SALES = "after_sales"


class StageKind(StrEnum):
    FUNNEL = "funnel"
    PROCUREMENT = "procurement"


class Intention(StrEnum):
    """Purchase intention (seed 002)."""

    CLEAR = "clear"
    UNCLEAR = "unclear"
    NONE = "none"


class Power(StrEnum):
    """Purchasing power (seed 002): `not_now` is clear intention that cannot buy yet."""

    STRONG = "strong"
    WEAK = "weak"
    NOT_NOW = "not_now"


class Priority(StrEnum):
    FOCUS = "focus"
    NURTURE = "nurture"
    PARK = "park"
    MONITOR = "monitor"


class ContactRole(StrEnum):
    DECISION_MAKER = "decision_maker"
    INFLUENCER = "influencer"
    TECHNICAL_EVALUATOR = "technical_evaluator"
    PURCHASER = "purchaser"
    USER = "user"
    GATEKEEPER = "gatekeeper"
    COACH = "coach"


class Attitude(StrEnum):
    SUPPORTER = "supporter"
    NEUTRAL = "neutral"
    OPPONENT = "opponent"


class VisitKind(StrEnum):
    IN_PERSON = "in_person"
    PHONE = "phone"
    VIDEO = "video"


class Objective(StrEnum):
    INCREASE_ORDER = "increase_order"
    INTRODUCE_PRODUCT = "introduce_product"
    NEW_CUSTOMER_ORDER = "new_customer_order"
    COLLECT_PAYMENT = "collect_payment"
    HANDLE_COMPLAINT = "handle_complaint"
    CONVEY_POLICY = "convey_policy"
    BUILD_RELATIONSHIP = "build_relationship"


class GoalReached(StrEnum):
    YES = "yes"
    PARTLY = "partly"
    NO = "no"


class PromiseDirection(StrEnum):
    OURS = "ours"
    THEIRS = "theirs"


class PromiseStatus(StrEnum):
    OPEN = "open"
    DONE = "done"
    CANCELLED = "cancelled"


class PriceKind(StrEnum):
    OUR_INVOICE = "our_invoice"
    CUSTOMER_PURCHASE = "customer_purchase"
    CUSTOMER_RETAIL = "customer_retail"
    COMPETITOR = "competitor"


class Movement(StrEnum):
    FAST = "fast"
    NORMAL = "normal"
    SLOW = "slow"


class CompetitorActivity(StrEnum):
    PROMOTION = "promotion"
    PRICE_CHANGE = "price_change"
    NEW_PRODUCT = "new_product"
    REP_CHANGE = "rep_change"
    OTHER = "other"


class StockFlag(StrEnum):
    STOCK_OUT = "stock_out"
    OVERSTOCK = "overstock"


class Locale(StrEnum):
    EN = "en"
    ZH_HANS = "zh-Hans"
