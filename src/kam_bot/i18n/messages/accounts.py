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
        "en": "Type accounts to list yours, accounts TEXT to search, or account new NAME to add one.",
        "zh-Hans": "输入 客户列表 列出你的客户，客户列表 文字 进行搜索，或 客户 新建 名称 添加新客户。",
    },
    "account.created": {"en": "New account, yours:", "zh-Hans": "已新建客户，归你负责："},
    "account.created_next": {
        "en": "Tier B with its visit cadence until you change it. Log a visit: visit {name} met …",
        "zh-Hans": "默认 B 类及其拜访周期，可随时修改。记录拜访：拜访 {name} 见了……",
    },
}
