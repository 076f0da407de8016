"""Messages of the Teams app: card labels, outcomes of buttons, what cannot be done in Teams."""

MESSAGES: dict[str, dict[str, str]] = {
    "teams.personal_only": {
        "en": "I work in our personal chat: open a chat with kam-bot and write there.",
        "zh-Hans": "请在与 kam-bot 的个人聊天中使用我。",
    },
    "teams.channel_added": {
        "en": "kam-bot is in this team. People use it in their personal chat with kam-bot. "
        "An admin can write “@kam-bot digest TEAM” in a channel to post that team's weekly digest there "
        "(this channel's id: {id}).",
        "zh-Hans": "kam-bot 已加入此团队。大家在与 kam-bot 的个人聊天中使用它。"
        "管理员可以在频道中写“@kam-bot digest 团队名”,把该团队的每周摘要发到那里(此频道的 id:{id})。",
    },
    "teams.digest_here_how": {
        "en": "An admin can write “@kam-bot digest TEAM” here "
        "to post that team's weekly digest in this channel.",
        "zh-Hans": "管理员可以在此写“@kam-bot digest 团队名”,把该团队的每周摘要发到此频道。",
    },
    "teams.digest_here": {
        "en": "The weekly digest of {team} will be posted in this channel.",
        "zh-Hans": "{team} 的每周摘要将发布在此频道。",
    },
    "teams.no_such_team": {
        "en": "No team is called “{name}”. Teams: {names}",
        "zh-Hans": "没有名为“{name}”的团队。现有团队:{names}",
    },
    "teams.chart_alt": {"en": "Chart: {title}", "zh-Hans": "图表:{title}"},
    # the visit card
    "teams.visit.title": {"en": "Log a visit", "zh-Hans": "记录拜访"},
    "teams.visit.typed": {"en": "You typed: {text}", "zh-Hans": "你输入的是:{text}"},
    "teams.visit.account": {"en": "Account", "zh-Hans": "客户"},
    "teams.visit.account_placeholder": {"en": "Type a name or an alias", "zh-Hans": "输入客户名称或别名"},
    "teams.visit.pick_account": {"en": "Choose the account.", "zh-Hans": "请选择客户。"},
    "teams.visit.contacts": {
        "en": "Who you met (one a line: name, title)",
        "zh-Hans": "拜访对象(每行一位:姓名, 职位)",
    },
    "teams.visit.date": {"en": "Visit date", "zh-Hans": "拜访日期"},
    "teams.visit.goal": {"en": "Goal of the visit", "zh-Hans": "拜访目标"},
    "teams.visit.goal_reached": {"en": "Goal reached?", "zh-Hans": "目标达成了吗?"},
    "teams.visit.summary": {"en": "Summary", "zh-Hans": "纪要"},
    "teams.visit.next_step": {"en": "Next step", "zh-Hans": "下一步"},
    "teams.visit.next_visit": {"en": "Next visit", "zh-Hans": "下次拜访"},
    "teams.visit.promises": {"en": "Promises", "zh-Hans": "承诺"},
    "teams.visit.promise_text": {"en": "Promise {n}", "zh-Hans": "承诺 {n}"},
    "teams.visit.promise_due": {"en": "Due", "zh-Hans": "到期日"},
    "teams.visit.promise_direction": {"en": "Who promised", "zh-Hans": "承诺方"},
    "teams.visit.prices": {
        "en": "Prices (one a line: product price currency/unit)",
        "zh-Hans": "价格(每行一条:产品 价格 币种/单位)",
    },
    "teams.visit.stocks": {
        "en": "Stock (one a line: product quantity unit)",
        "zh-Hans": "库存(每行一条:产品 数量 单位)",
    },
    "teams.visit.too_long": {
        "en": "That line is too long for one card ({count} characters): log the visit in a shorter "
        "line and add promises, prices and stock with promise, price and stock. Your line:",
        "zh-Hans": "这一行太长,一张卡片放不下({count} 个字符):请用较短的一行记录拜访,"
        "再用 promise、price、stock 分别添加承诺、价格和库存。你输入的内容:",
    },
    "teams.visit.save": {"en": "Save", "zh-Hans": "保存"},
    "teams.visit.fix": {"en": "Please fix what is marked below.", "zh-Hans": "请修改下面标出的内容。"},
    "teams.visit.line_problem": {"en": "Line {n}: {message}", "zh-Hans": "第 {n} 行:{message}"},
    "teams.visit.next_before": {
        "en": "The next visit must come after the visit date.",
        "zh-Hans": "下次拜访日期必须晚于本次拜访日期。",
    },
    "teams.visit.contact_format": {
        "en": "Write one person a line: name, title.",
        "zh-Hans": "每行写一位:姓名, 职位。",
    },
    "teams.direction.ours": {"en": "We promised", "zh-Hans": "我方承诺"},
    "teams.direction.theirs": {"en": "They promised", "zh-Hans": "客户承诺"},
}
