"""Messages shown while confirming a prefill."""

MESSAGES: dict[str, dict[str, str]] = {
    "prefill.understood": {"en": "Here is what I understood:", "zh-Hans": "我理解的内容如下:"},
    "prefill.due_passed": {"en": " (already past)", "zh-Hans": "（已过期）"},
    "prefill.due_before_visit": {
        "en": "Due date: {date} is before the visit ({visit}); give a later one.",
        "zh-Hans": "截止日期：{date} 早于本次拜访（{visit}），请填写更晚的日期。",
    },
    "prefill.to_fix": {"en": "Please fix before saving:", "zh-Hans": "保存前请补充或修改:"},
    "contact.which": {
        "en": "Several contacts fit: {options}.",
        "zh-Hans": "有多位联系人符合:{options}。",
    },
    "prefill.you_typed": {"en": "you typed:", "zh-Hans": "你输入的是:"},
    "prefill.account": {"en": "Account:", "zh-Hans": "客户:"},
    "prefill.date": {"en": "Visit date: {date}", "zh-Hans": "拜访日期:{date}"},
    "prefill.met": {"en": "Met:", "zh-Hans": "拜访对象:"},
    "prefill.new_contacts": {"en": "New contacts to add:", "zh-Hans": "将新增联系人:"},
    "prefill.kind": {"en": "Kind:", "zh-Hans": "方式:"},
    "prefill.objectives": {"en": "Objectives:", "zh-Hans": "拜访目的:"},
    "prefill.price": {"en": "Price", "zh-Hans": "价格"},
    "prefill.stock": {"en": "Stock", "zh-Hans": "库存"},
    "prefill.competitor": {"en": "Competitor", "zh-Hans": "竞争对手"},
    "prefill.needs": {"en": "Needs:", "zh-Hans": "需求:"},
    "prefill.unplaced": {
        "en": "Kept in the summary (not recognised as a field):",
        "zh-Hans": "未识别为具体字段,已保留在纪要中:",
    },
}
