"""The words a /visit line is made of, besides dates, prices, stock, stages and promises."""

from __future__ import annotations

import re

from kam_bot.domain.enums import GoalReached, Objective, VisitKind
from kam_bot.domain.parsing.text import KeywordTable, alternation

GOAL_KEYWORDS = ("goal", "goals", "visit goal", "目标", "拜访目标")
OUTCOME_KEYWORDS = ("goal reached", "reached", "result", "outcome", "达成情况", "结果")
NEEDS_KEYWORDS = ("needs", "customer needs", "需求", "客户需求")
NEEDS_COLON_KEYWORDS = ("need",)
NEXT_STEP_KEYWORDS = ("next step", "next steps", "follow up", "follow-up", "下一步", "后续", "跟进")
NEXT_STEP_COLON_KEYWORDS = ("next",)
NEXT_VISIT_KEYWORDS = ("next visit", "next meeting", "下次拜访", "下次见面", "下次")
SUMMARY_KEYWORDS = ("summary", "notes", "note", "minutes", "纪要", "总结", "备注", "会议纪要")
INTEL_KEYWORDS = (
    "intel",
    "competitor intel",
    "competitive intel",
    "market intel",
    "竞争情报",
    "情报",
    "竞品情报",
)
OBJECTIVE_KEYWORDS = ("objective", "objectives", "purpose", "目的", "拜访目的")
INTRODUCERS = ("visited", "visiting", "拜访了", "拜访")
"""Words before the account at the very start of a /visit (``拜访宝钢，见了李伟``)."""

KIND_WORDS: dict[VisitKind, tuple[str, ...]] = {
    VisitKind.PHONE: ("phone", "phone call", "by phone", "telephone", "call", "电话", "电话拜访", "打电话"),
    VisitKind.VIDEO: ("video", "video call", "zoom", "视频", "视频会议", "视频拜访"),
    VisitKind.IN_PERSON: (
        "in person",
        "in-person",
        "onsite",
        "on site",
        "face to face",
        "面谈",
        "当面",
        "上门",
    ),
}
BARE_ONLY_KIND_WORDS = ("call",)
"""Kind words taken only when they are a whole segment (``call Li`` is not a phone visit)."""

OBJECTIVE_WORDS: dict[Objective, tuple[str, ...]] = {
    Objective.INCREASE_ORDER: (
        "increase order",
        "increase orders",
        "increase the order",
        "more volume",
        "upsell",
        "加单",
        "增加订单",
        "增量",
        "提升销量",
    ),
    Objective.INTRODUCE_PRODUCT: (
        "introduce",
        "introduce product",
        "introduce new product",
        "new product",
        "product introduction",
        "介绍产品",
        "介绍新品",
        "新品推介",
        "新品介绍",
        "推介",
    ),
    Objective.NEW_CUSTOMER_ORDER: ("new customer order", "first order", "new customer", "首单", "新客户订单"),
    Objective.COLLECT_PAYMENT: (
        "collect payment",
        "payment collection",
        "collection",
        "回款",
        "催款",
        "收款",
    ),
    Objective.HANDLE_COMPLAINT: ("handle complaint", "complaint", "complaints", "投诉", "处理投诉", "客诉"),
    Objective.CONVEY_POLICY: ("convey policy", "new policy", "policy", "传达政策", "政策"),
    Objective.BUILD_RELATIONSHIP: (
        "build relationship",
        "relationship",
        "relationships",
        "客情",
        "关系维护",
        "维护关系",
    ),
}

OUTCOME_WORDS: dict[GoalReached, tuple[str, ...]] = {
    GoalReached.YES: ("yes", "reached", "achieved", "done", "达成", "已达成", "完成"),
    GoalReached.PARTLY: ("partly", "partially", "partial", "部分", "部分达成"),
    GoalReached.NO: ("no", "not reached", "not achieved", "failed", "未达成", "没达成", "没有达成", "未完成"),
}

KINDS = KeywordTable(KIND_WORDS)
LEADING_KINDS = KeywordTable(
    {kind: tuple(w for w in words if w not in BARE_ONLY_KIND_WORDS) for kind, words in KIND_WORDS.items()}
)
OBJECTIVES = KeywordTable(OBJECTIVE_WORDS)
OUTCOMES = KeywordTable(OUTCOME_WORDS)
_CHINESE_OUTCOMES = [word for word in OUTCOMES.words if not word.isascii()]
GOAL_OUTCOME = re.compile(
    rf"(?:\s*[-–—,，:：(（]\s*(?P<marked>{alternation(OUTCOMES.words)})\s*[)）]?"
    rf"|\s*(?P<chinese>{alternation(_CHINESE_OUTCOMES)}))\s*$",
    re.IGNORECASE,
)


def find_objectives(text: str) -> list[Objective]:
    found: list[Objective] = []
    for match in OBJECTIVES.pattern.finditer(text):
        objective = OBJECTIVES.value_of(match.group())
        if objective is not None and objective not in found:
            found.append(objective)
    return found


def split_goal(text: str) -> tuple[str, GoalReached | None]:
    """``Q3 order - partly`` -> (``Q3 order``, PARTLY); ``拿到订单，部分达成`` likewise."""
    match = GOAL_OUTCOME.search(text)
    if match is None:
        return text, None
    return text[: match.start()], OUTCOMES.value_of(match.group("marked") or match.group("chinese"))
