"""Stage changes: ``stage: negotiation``, ``funnel: customer``, ``阶段: 谈判``.

A stage is named by its value, with spaces or hyphens for underscores (``preferred
supplier``), by a few English aliases, or by its Chinese label. ``funnel``/``漏斗`` accepts
only funnel stages, ``procurement``/``采购阶段`` only procurement stages, ``stage``/``阶段``
either (funnel first).
"""

from __future__ import annotations

import re

from kam_bot.domain.drafts import ParseProblem, StageDraft
from kam_bot.domain.enums import FunnelStage, ProcurementStage, StageKind
from kam_bot.domain.parsing.problems import UNKNOWN_STAGE, problem
from kam_bot.domain.parsing.text import trim

STAGE_KEYWORDS: dict[StageKind | None, tuple[str, ...]] = {
    None: ("stage", "阶段", "销售阶段"),
    StageKind.FUNNEL: ("funnel", "funnel stage", "漏斗", "漏斗阶段"),
    StageKind.PROCUREMENT: (
        "procurement",
        "procurement stage",
        "purchase stage",
        "buying stage",
        "采购阶段",
    ),
}
STAGE_ALIASES: dict[str, str] = {
    "prospect": FunnelStage.POTENTIAL,
    "signed": ProcurementStage.CONTRACT_SIGNED,
    "contract": ProcurementStage.CONTRACT_SIGNED,
    "aftersales": ProcurementStage.AFTER_SALES,
    "目标市场": FunnelStage.TARGET_MARKET,
    "潜在": FunnelStage.POTENTIAL,
    "潜在客户": FunnelStage.POTENTIAL,
    "目标客户": FunnelStage.TARGET_CUSTOMER,
    "客户": FunnelStage.CUSTOMER,
    "成交客户": FunnelStage.CUSTOMER,
    "成交": FunnelStage.CUSTOMER,
    "需求确认": ProcurementStage.NEED_IDENTIFIED,
    "发现需求": ProcurementStage.NEED_IDENTIFIED,
    "需求识别": ProcurementStage.NEED_IDENTIFIED,
    "信息收集": ProcurementStage.INFO_GATHERING,
    "立项": ProcurementStage.PROJECT_APPROVED,
    "项目立项": ProcurementStage.PROJECT_APPROVED,
    "确定标准": ProcurementStage.CRITERIA_SET,
    "标准确定": ProcurementStage.CRITERIA_SET,
    "评估": ProcurementStage.EVALUATION,
    "首选供应商": ProcurementStage.PREFERRED_SUPPLIER,
    "优选供应商": ProcurementStage.PREFERRED_SUPPLIER,
    "谈判": ProcurementStage.NEGOTIATION,
    "商务谈判": ProcurementStage.NEGOTIATION,
    "签约": ProcurementStage.CONTRACT_SIGNED,
    "签合同": ProcurementStage.CONTRACT_SIGNED,
    "合同签订": ProcurementStage.CONTRACT_SIGNED,
    "交付": ProcurementStage.DELIVERY,
    "交货": ProcurementStage.DELIVERY,
    "售后": ProcurementStage.AFTER_SALES,
}

_ENUMS: dict[StageKind, tuple[str, ...]] = {
    StageKind.FUNNEL: tuple(stage.value for stage in FunnelStage),
    StageKind.PROCUREMENT: tuple(stage.value for stage in ProcurementStage),
}
_SEPARATORS = re.compile(r"[\s\-_]+")


def _normalise(text: str) -> str:
    return _SEPARATORS.sub("_", trim(text).casefold()).strip("_")


def stage_value(text: str, kind: StageKind | None) -> StageDraft | None:
    key = _normalise(text)
    value = STAGE_ALIASES.get(key, key)
    kinds = (kind,) if kind is not None else (StageKind.FUNNEL, StageKind.PROCUREMENT)
    for candidate in kinds:
        if value in _ENUMS[candidate]:
            return StageDraft(kind=candidate, to_stage=str(value))
    return None


def valid_stages(kind: StageKind | None) -> list[str]:
    kinds = (kind,) if kind is not None else (StageKind.FUNNEL, StageKind.PROCUREMENT)
    return [value for candidate in kinds for value in _ENUMS[candidate]]


def parse_stage(text: str, kind: StageKind | None) -> tuple[StageDraft | None, list[ParseProblem]]:
    """The stage named by ``text``, or ``parser.unknown_stage`` listing the valid values."""
    draft = stage_value(text, kind)
    if draft is not None:
        return draft, []
    valid = ", ".join(valid_stages(kind))
    return None, [problem("stage_change", trim(text), UNKNOWN_STAGE, valid=valid)]
