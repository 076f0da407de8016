"""Help and settings."""

MESSAGES: dict[str, dict[str, str]] = {
    "help.title": {"en": "kam-bot — what you can type", "zh-Hans": "kam-bot —— 可用命令"},
    # my day (Slack's Home tab, the console's `today`, a Teams card)
    "my_day.title": {"en": "My day · {date}", "zh-Hans": "我的今天 · {date}"},
    "my_day.promises": {"en": "Your open promises", "zh-Hans": "你的未完成承诺"},
    "my_day.accounts": {"en": "Your accounts, most overdue first", "zh-Hans": "你的客户(按拜访逾期排序)"},
    "my_day.no_accounts": {"en": "You own no accounts yet.", "zh-Hans": "你名下暂无客户。"},
    "my_day.planned": {"en": "Planned visits", "zh-Hans": "计划拜访"},
    "my_day.none_planned": {
        "en": "No visits planned. Set a next visit date when you log a visit.",
        "zh-Hans": "暂无拜访计划。记录拜访时可设置下次拜访日期。",
    },
    "settings.current": {
        "en": "Time zone {tz} · language {lang} · reminder at {hour} · away until {away}",
        "zh-Hans": "时区 {tz} · 语言 {lang} · 提醒时间 {hour} · 休假至 {away}",
    },
    "settings.how": {
        "en": "Change with: settings tz Asia/Shanghai | lang zh | hour 08:30 | away 12/24 | back",
        "zh-Hans": "修改方式:settings tz Asia/Shanghai | lang en | hour 08:30 | away 12/24 | back",
    },
    "settings.bad_language": {
        "en": "“{value}” is not a language here; use en or zh.",
        "zh-Hans": "不支持“{value}”,请用 en 或 zh。",
    },
    "settings.bad_date": {
        "en": "“{value}” is not a date I can read; try 12/24 or “in 2 weeks”.",
        "zh-Hans": "无法识别日期“{value}”,请尝试 12月24日 或“两周后”。",
    },
    "settings.bad_time": {
        "en": "“{value}” is not a time; use HH:MM, e.g. 08:30.",
        "zh-Hans": "“{value}”不是有效时间,请用 HH:MM,例如 08:30。",
    },
    "settings.unknown": {"en": "Unknown setting “{value}”.", "zh-Hans": "未知设置“{value}”。"},
}
