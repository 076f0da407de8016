"""Help and settings."""

MESSAGES: dict[str, dict[str, str]] = {
    "help.title": {"en": "kam-bot — what you can type", "zh-Hans": "kam-bot —— 可用命令"},
    "help.text": {
        "en": (
            "/visit ACCOUNT met NAME (title); goal: ... - yes|partly|no; we promise ... by DATE; "
            "they promise ... by DATE; price PRODUCT 4.20 USD/kg; competitor NAME 3.95; "
            "stock PRODUCT 120 cases slow\n"
            "/promise ACCOUNT what by DATE — a promise we made (start with “they” for theirs)\n"
            "/price ACCOUNT PRODUCT PRICE CURRENCY[/UNIT] [competitor NAME]\n"
            "/stock ACCOUNT PRODUCT QUANTITY [UNIT] [fast|normal|slow] [share N%]\n"
            "/account NAME — the account card; accounts [TEXT] — your accounts, or find one\n"
            "today — your day: open promises, accounts due a visit, planned visits\n"
            "promises — your open promises; done N, reopen N, cancel N, snooze N [days]\n"
            "settings — tz Asia/Shanghai | lang zh | hour 08:30 | away 12/24 | back\n"
            "remind — tomorrow's reminder; digest — this week's team digest\n"
            "team — managers: the team's accounts at risk, overdue promises, coverage gaps, stalled deals\n"
            "calendar show [--team T] — the team's days off and extra working days; "
            "calendar set --team T --country CN — admins"
        ),
        "zh-Hans": (
            "/visit 客户 见了 姓名(职位); 目标: …… - 达成|部分|未达成; 我们承诺 …… 周五前; "
            "他们承诺 …… 12月5日前; price 产品 4.20 USD/kg; competitor 对手 3.95; stock 产品 120 箱 slow\n"
            "/promise 客户 内容 by 日期 —— 我方承诺(以“他们”开头表示客户承诺)\n"
            "/price 客户 产品 价格 币种[/单位] [competitor 对手]\n"
            "/stock 客户 产品 数量 [单位] [fast|normal|slow] [share N%]\n"
            "/account 名称 —— 查看客户卡片;accounts [文字] —— 你的客户,或查找客户\n"
            "today —— 我的今天:未完成承诺、待拜访客户、计划拜访\n"
            "promises —— 你的未完成承诺;done N、reopen N、cancel N、snooze N [天数]\n"
            "settings —— tz Asia/Shanghai | lang en | hour 08:30 | away 12/24 | back\n"
            "remind —— 明天的提醒;digest —— 本周团队周报\n"
            "team —— 经理:团队的风险客户、逾期承诺、覆盖缺口、停滞商机\n"
            "calendar show [--team 团队] —— 团队的休息日和额外工作日；"
            "calendar set --team 团队 --country CN —— 管理员"
        ),
    },
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
