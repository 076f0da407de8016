MESSAGES: dict[str, dict[str, str]] = {
    "common.yes": {"en": "yes", "zh-Hans": "是"},
    "common.no": {"en": "no", "zh-Hans": "否"},
    "common.none": {"en": "none", "zh-Hans": "无"},
    "common.and_more": {"en": "… and {count} more", "zh-Hans": "…… 另有 {count} 条"},
    # what a pressed button did, under its row, on every platform with buttons (handlers/pressed.py)
    "card.outcome.done": {"en": "✅ Done by {name}", "zh-Hans": "✅ {name} 已完成"},
    "card.outcome.reopen": {"en": "↩️ Reopened by {name}", "zh-Hans": "↩️ {name} 已重新打开"},
    "card.outcome.cancel": {"en": "✖️ Cancelled by {name}", "zh-Hans": "✖️ {name} 已取消"},
    "card.outcome.snoozed": {
        "en": "💤 Snoozed until {date} by {name}",
        "zh-Hans": "💤 {name} 已推迟到 {date}",
    },
    "card.outcome.undone": {"en": "↩️ Undone by {name}", "zh-Hans": "↩️ {name} 已撤销"},
    "card.expired": {
        "en": "This card is out of date: type the command again.",
        "zh-Hans": "此卡片已过期:请重新输入命令。",
    },
}
