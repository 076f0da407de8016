"""``accounts [TEXT]``: listing and finding accounts."""

MESSAGES: dict[str, dict[str, str]] = {
    "accounts.mine": {"en": "Your accounts", "zh-Hans": "你的客户"},
    "accounts.matching": {"en": "Accounts matching “{query}”", "zh-Hans": "与“{query}”匹配的客户"},
    "accounts.none_mine": {
        "en": "You own no accounts yet. Type accounts NAME to search all accounts you can see.",
        "zh-Hans": "你名下还没有客户。输入 accounts 名称 可搜索你能查看的所有客户。",
    },
    "accounts.none_matching": {
        "en": "No account you can see matches “{query}”. Type accounts to list yours.",
        "zh-Hans": "没有与“{query}”匹配且你可查看的客户。输入 accounts 列出你的客户。",
    },
    "accounts.days_since": {"en": "last visit {days} d ago", "zh-Hans": "上次拜访 {days} 天前"},
    "accounts.today": {"en": "visited today", "zh-Hans": "今天已拜访"},
    "accounts.find_hint": {
        "en": "Type accounts to list yours, or accounts TEXT to search.",
        "zh-Hans": "输入 accounts 列出你的客户,或 accounts 文字 进行搜索。",
    },
}
