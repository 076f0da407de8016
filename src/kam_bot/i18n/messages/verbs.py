"""The command language: one help line per verb, its usage when its arguments do not fit, and
the conversation that confirms a capture on surfaces without forms."""

MESSAGES: dict[str, dict[str, str]] = {
    "verb.unknown": {
        "en": "I don't know “{command}”. Type help to see what I understand.",
        "zh-Hans": "无法识别“{command}”。输入 help（或 帮助）查看可用命令。",
    },
    "verb.usage.done": {
        "en": "Which promise? Type done and its number, e.g. done 4 (promises lists the numbers).",
        "zh-Hans": "哪一条承诺？请输入 done 加编号，例如 done 4（promises 可列出编号）。",
    },
    "verb.usage.reopen": {
        "en": "Which promise? Type reopen and its number, e.g. reopen 4.",
        "zh-Hans": "哪一条承诺？请输入 reopen 加编号，例如 reopen 4。",
    },
    "verb.usage.cancel": {
        "en": "Which promise? Type cancel and its number, e.g. cancel 4 (promises lists the numbers).",
        "zh-Hans": "哪一条承诺？请输入 cancel 加编号，例如 cancel 4（promises 可列出编号）。",
    },
    "verb.usage.snooze": {
        "en": "Type snooze, the promise's number and how many days, e.g. snooze 4 3 (1 day if left out).",
        "zh-Hans": "请输入 snooze、承诺编号和天数，例如 snooze 4 3（不写天数则为 1 天）。",
    },
    "verb.usage.undo": {
        "en": (
            "Type undo alone for your last save, or undo visit|promise|price|stock NUMBER as shown "
            "after saving (e.g. undo price 12)."
        ),
        "zh-Hans": (
            "只输入 撤销 可撤销你最近一次保存；或输入 撤销 visit|promise|price|stock 编号"
            "（例如 撤销 price 12）。"
        ),
    },
    "help.verb.visit": {
        "en": (
            "visit ACCOUNT met NAME (title); goal: ... - yes|partly|no; we promise ... by DATE; "
            "they promise ... by DATE; price PRODUCT 4.20 USD/kg; competitor NAME 3.95; "
            "stock PRODUCT 120 cases slow — log a visit"
        ),
        "zh-Hans": (
            "拜访 客户 见了 姓名（职位）；目标：…… - 达成|部分|未达成；我们承诺 …… 周五前；"
            "他们承诺 …… 下周三前；price 产品 4.20 USD/kg；competitor 对手 3.95；"
            "stock 产品 120 箱 慢 —— 记录拜访"
        ),
    },
    "help.verb.promise": {
        "en": (
            "promise ACCOUNT what by DATE — a promise we made (start with “they” for theirs); "
            "promise alone lists yours"
        ),
        "zh-Hans": "承诺 客户 内容 日期前 —— 我方承诺（以“他们”开头表示客户承诺）；只写 承诺 则列出你的承诺",
    },
    "help.verb.price": {
        "en": "price ACCOUNT PRODUCT PRICE CURRENCY[/UNIT] [competitor NAME] — a price seen",
        "zh-Hans": "价格 客户 产品 价格 币种[/单位] [competitor 对手] —— 记录看到的价格",
    },
    "help.verb.stock": {
        "en": "stock ACCOUNT PRODUCT QUANTITY [UNIT] [fast|normal|slow] [share N%] — a stock count",
        "zh-Hans": "库存 客户 产品 数量 [单位] [快|正常|慢] [share N%] —— 记录库存",
    },
    "help.verb.account": {
        "en": "account NAME — the account card; account new NAME — add a prospect, yours",
        "zh-Hans": "客户 名称 —— 查看客户卡片；客户 新建 名称 —— 新增一个由你负责的客户",
    },
    "help.verb.accounts": {
        "en": "accounts [TEXT] — your accounts, or find one",
        "zh-Hans": "客户列表 [文字] —— 你的客户，或查找客户",
    },
    "help.verb.promises": {
        "en": "promises — your open promises with their numbers",
        "zh-Hans": "承诺列表 —— 你的未完成承诺及编号",
    },
    "help.verb.today": {
        "en": "today — your day: open promises, accounts due a visit, planned visits",
        "zh-Hans": "今天 —— 我的今天：未完成承诺、待拜访客户、计划拜访",
    },
    "help.verb.done": {"en": "done N — promise N is kept", "zh-Hans": "完成 N —— 第 N 条承诺已兑现"},
    "help.verb.reopen": {"en": "reopen N — open promise N again", "zh-Hans": "重开 N —— 重新打开第 N 条承诺"},
    "help.verb.cancel": {"en": "cancel N — cancel promise N", "zh-Hans": "取消 N —— 取消第 N 条承诺"},
    "help.verb.snooze": {
        "en": "snooze N [DAYS] — remind me of promise N later (1 day if left out)",
        "zh-Hans": "推迟 N [天数] —— 稍后再提醒第 N 条承诺（默认 1 天）",
    },
    "help.verb.undo": {
        "en": "undo — take back your last save (a visit with all it recorded, a promise, a price, a stock)",
        "zh-Hans": "撤销 —— 撤回你最近一次保存（拜访及其全部内容、承诺、价格、库存）",
    },
    "help.verb.settings": {
        "en": (
            "settings — tz Asia/Shanghai | lang zh | hour 08:30 | away DATE | back; "
            "admins: settings team NAME tz | lang | digest"
        ),
        "zh-Hans": (
            "设置 —— tz Asia/Shanghai | lang en | hour 08:30 | away 日期 | back；"
            "管理员：settings team 团队名 tz | lang | digest"
        ),
    },
    "help.verb.team": {
        "en": "team — managers: the team's accounts at risk, overdue promises, coverage gaps, stalled deals",
        "zh-Hans": "团队 —— 经理：团队的风险客户、逾期承诺、覆盖缺口、停滞商机",
    },
    "help.verb.calendar": {
        "en": "calendar show [--team T] — the team's days off and extra working days (admins: calendar set)",
        "zh-Hans": "日历 show [--team 团队] —— 团队的休息日和额外工作日；日历 set …… —— 管理员",
    },
    "help.verb.help": {"en": "help — this list", "zh-Hans": "帮助 —— 显示本列表"},
    "help.verb.remind": {
        "en": "remind — what your next reminder would say",
        "zh-Hans": "提醒 —— 预览下一次提醒的内容",
    },
    "help.verb.digest": {
        "en": "digest [2026-W48] — your team's weekly digest, this week so far",
        "zh-Hans": "周报 [2026-W48] —— 你所在团队的周报（默认本周至今）",
    },
    "help.slack.commands": {
        "en": (
            "In Slack: /visit, /promise, /price and /stock open their form; /account NAME; "
            "/kam followed by any line above; the message shortcut “Save as promise”"
        ),
        "zh-Hans": (
            "在 Slack 中：/visit、/promise、/price、/stock 打开表单；/account 名称；"
            "/kam 加上面任一命令；消息快捷方式“保存为承诺”"
        ),
    },
}
