"""Feishu's own lines, English and Simplified Chinese (picked up by the catalog)."""

MESSAGES = {
    "feishu.personal_only": {
        "en": "I work in our 1:1 chat: open a chat with kam-bot and write there.",
        "zh-Hans": "请在与 kam-bot 的单聊中使用我。",
    },
    "feishu.digest_here_how": {
        "en": "An admin can write “@kam-bot digest TEAM” here "
        "to post that team's weekly digest in this group.",
        "zh-Hans": "管理员可以在此写“@kam-bot digest 团队名”,把该团队的每周摘要发到此群。",
    },
    "feishu.digest_here": {
        "en": "The weekly digest of {team} will be posted in this group.",
        "zh-Hans": "{team} 的每周摘要将发布在此群。",
    },
    "feishu.no_such_team": {
        "en": "No team is called “{name}”. Teams: {names}",
        "zh-Hans": "没有名为“{name}”的团队。现有团队:{names}",
    },
    "feishu.visit.too_long": {
        "en": "That line is too long for one card ({count} characters): log the visit in a shorter "
        "line and add promises, prices and stock with promise, price and stock. Your line:",
        "zh-Hans": "这一行太长,一张卡片放不下({count} 个字符):请用较短的一行记录拜访,"
        "再用 promise、price、stock 添加承诺、价格和库存。你的原文:",
    },
    "feishu.not_text": {
        "en": "I read text only: type a command (help lists them).",
        "zh-Hans": "我只能读取文字:请输入命令(help 列出全部命令)。",
    },
}
