"""What kam-bot writes into HubSpot records (titles, body labels)."""

MESSAGES = {
    "hubspot.visit_title": {"en": "Visit: {account}", "zh-Hans": "拜访：{account}"},
    "hubspot.visit_title_goal": {"en": "Visit: {account} ({goal})", "zh-Hans": "拜访：{account}（{goal}）"},
    "hubspot.label.kind": {"en": "Kind", "zh-Hans": "方式"},
    "hubspot.label.contacts": {"en": "Met", "zh-Hans": "会见"},
    "hubspot.label.goal": {"en": "Goal", "zh-Hans": "目标"},
    "hubspot.label.goal_reached": {"en": "Goal reached", "zh-Hans": "目标达成"},
    "hubspot.label.outcome": {"en": "Outcome", "zh-Hans": "结果"},
    "hubspot.label.next_step": {"en": "Next step", "zh-Hans": "下一步"},
    "hubspot.label.needs": {"en": "Needs", "zh-Hans": "需求"},
    "hubspot.label.competitors": {"en": "Competitors", "zh-Hans": "竞争对手"},
    "hubspot.label.next_visit": {"en": "Next visit", "zh-Hans": "下次拜访"},
    "hubspot.label.whose": {"en": "Whose promise", "zh-Hans": "承诺方"},
    "hubspot.whose.ours": {"en": "ours", "zh-Hans": "我方"},
    "hubspot.whose.theirs": {"en": "the customer's", "zh-Hans": "客户"},
    "hubspot.label.contact": {"en": "Contact", "zh-Hans": "联系人"},
    "hubspot.theirs_prefix": {"en": "Customer's promise: {text}", "zh-Hans": "客户承诺：{text}"},
    "hubspot.price_title": {
        "en": "Price: {product} {price} {currency}{unit}",
        "zh-Hans": "价格：{product} {price} {currency}{unit}",
    },
    "hubspot.stock_title": {
        "en": "Stock: {product} {quantity}{unit}",
        "zh-Hans": "库存：{product} {quantity}{unit}",
    },
    "hubspot.competitor_title": {
        "en": "Competitor: {competitor} ({activity})",
        "zh-Hans": "竞争对手：{competitor}（{activity}）",
    },
    "hubspot.label.price_kind": {"en": "Kind", "zh-Hans": "类型"},
    "hubspot.label.note": {"en": "Note", "zh-Hans": "备注"},
    "hubspot.label.share": {"en": "Our share", "zh-Hans": "我方份额"},
    "hubspot.label.movement": {"en": "Movement", "zh-Hans": "走势"},
    "hubspot.label.observed_at": {"en": "Observed", "zh-Hans": "观察时间"},
    "hubspot.label.recorded_by": {"en": "Recorded by", "zh-Hans": "记录人"},
}
