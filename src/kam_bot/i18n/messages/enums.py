"""Labels of the domain enumerations, keyed ``enum.<kind>.<value>``."""

_LABELS: dict[str, dict[str, tuple[str, str]]] = {
    "funnel_stage": {
        "target_market": ("target market", "目标市场"),
        "potential": ("potential", "潜在客户"),
        "target_customer": ("target customer", "目标客户"),
        "customer": ("customer", "成交客户"),
    },
    "procurement_stage": {
        "need_identified": ("need identified", "发现需求"),
        "info_gathering": ("information gathering", "收集信息"),
        "project_approved": ("project approved", "立项"),
        "criteria_set": ("criteria set", "确定标准"),
        "evaluation": ("evaluation", "评估"),
        "preferred_supplier": ("preferred supplier", "首选供应商"),
        "negotiation": ("negotiation", "谈判"),
        "contract_signed": ("contract signed", "签约"),
        "delivery": ("delivery", "交付"),
        "after_sales": ("after-sales", "售后"),
    },
    "intention": {
        "clear": ("clear", "明确"),
        "unclear": ("unclear", "不明确"),
        "none": ("none", "无意向"),
    },
    "power": {
        "strong": ("strong", "强"),
        "weak": ("weak", "弱"),
        "not_now": ("cannot buy now", "暂无法购买"),
    },
    "priority": {
        "focus": ("focus", "重点投入"),
        "nurture": ("nurture", "持续培育"),
        "park": ("park", "暂缓跟进"),
        "monitor": ("monitor", "观察"),
    },
    "contact_role": {
        "decision_maker": ("decision maker", "决策者"),
        "influencer": ("influencer", "影响者"),
        "technical_evaluator": ("technical evaluator", "技术评估"),
        "purchaser": ("purchaser", "采购"),
        "user": ("user", "使用者"),
        "gatekeeper": ("gatekeeper", "把关者"),
        "coach": ("coach", "内线"),
    },
    "attitude": {
        "supporter": ("supporter", "支持"),
        "neutral": ("neutral", "中立"),
        "opponent": ("opponent", "反对"),
    },
    "goal_reached": {
        "yes": ("reached", "已达成"),
        "partly": ("partly reached", "部分达成"),
        "no": ("not reached", "未达成"),
    },
    "visit_kind": {
        "in_person": ("in person", "面访"),
        "phone": ("phone", "电话"),
        "video": ("video", "视频"),
    },
    "objective": {
        "increase_order": ("increase order", "增加订单"),
        "introduce_product": ("introduce product", "介绍产品"),
        "new_customer_order": ("new customer order", "新客户订单"),
        "collect_payment": ("collect payment", "回款"),
        "handle_complaint": ("handle complaint", "处理投诉"),
        "convey_policy": ("convey policy", "传达政策"),
        "build_relationship": ("build relationship", "建立关系"),
    },
    "promise_status": {
        "open": ("open", "未完成"),
        "done": ("done", "已完成"),
        "cancelled": ("cancelled", "已取消"),
    },
    "price_kind": {
        "our_invoice": ("our invoice", "我方开票价"),
        "customer_purchase": ("customer purchase", "客户进价"),
        "customer_retail": ("customer retail", "客户零售价"),
        "competitor": ("competitor", "竞品价"),
    },
    "movement": {"fast": ("fast", "快销"), "normal": ("normal", "正常"), "slow": ("slow", "滞销")},
    "competitor_activity": {
        "promotion": ("promotion", "促销"),
        "price_change": ("price change", "调价"),
        "new_product": ("new product", "新品"),
        "rep_change": ("rep change", "换人"),
        "other": ("other", "其他"),
    },
    "tier": {"A": ("A", "A"), "B": ("B", "B"), "C": ("C", "C")},
    "role": {"rep": ("rep", "客户经理"), "manager": ("manager", "经理"), "admin": ("admin", "管理员")},
}

MESSAGES: dict[str, dict[str, str]] = {
    f"enum.{kind}.{value}": {"en": en, "zh-Hans": zh}
    for kind, values in _LABELS.items()
    for value, (en, zh) in values.items()
}
