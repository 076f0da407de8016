"""What kam-bot writes into Salesforce records (subjects, description labels)."""

MESSAGES = {
    "salesforce.visit_subject": {"en": "Visit: {account}", "zh-Hans": "拜访：{account}"},
    "salesforce.visit_subject_goal": {
        "en": "Visit: {account} ({goal})",
        "zh-Hans": "拜访：{account}（{goal}）",
    },
    "salesforce.label.goal": {"en": "Goal", "zh-Hans": "目标"},
    "salesforce.label.goal_reached": {"en": "Goal reached", "zh-Hans": "目标达成"},
    "salesforce.label.outcome": {"en": "Outcome", "zh-Hans": "结果"},
    "salesforce.label.next_step": {"en": "Next step", "zh-Hans": "下一步"},
    "salesforce.label.needs": {"en": "Needs", "zh-Hans": "需求"},
    "salesforce.label.competitors": {"en": "Competitors", "zh-Hans": "竞争对手"},
    "salesforce.label.next_visit": {"en": "Next visit", "zh-Hans": "下次拜访"},
    "salesforce.label.contacts": {"en": "Met", "zh-Hans": "会见"},
    "salesforce.label.kind": {"en": "Kind", "zh-Hans": "方式"},
    "salesforce.theirs_prefix": {"en": "Customer's promise: {text}", "zh-Hans": "客户承诺：{text}"},
    "salesforce.price_title": {
        "en": "Price: {product} {price} {currency}{unit}",
        "zh-Hans": "价格：{product} {price} {currency}{unit}",
    },
    "salesforce.stock_title": {
        "en": "Stock: {product} {quantity}{unit}",
        "zh-Hans": "库存：{product} {quantity}{unit}",
    },
    "salesforce.competitor_title": {
        "en": "Competitor: {competitor} ({activity})",
        "zh-Hans": "竞争对手：{competitor}（{activity}）",
    },
    "salesforce.label.recorded_by": {"en": "Recorded by", "zh-Hans": "记录人"},
    "salesforce.label.observed_at": {"en": "Observed", "zh-Hans": "观察时间"},
    "salesforce.label.note": {"en": "Note", "zh-Hans": "备注"},
    "salesforce.label.share": {"en": "Our share", "zh-Hans": "我方份额"},
    "salesforce.label.movement": {"en": "Movement", "zh-Hans": "走势"},
    "salesforce.label.price_kind": {"en": "Kind", "zh-Hans": "类型"},
}
