"""WeCom's own strings (the catalog picks this file up)."""

MESSAGES: dict[str, dict[str, str]] = {
    "wecom.more_buttons": {
        "en": "Buttons follow for the first {count}; for the others type the line (done 12, snooze 12 3d).",
        "zh-Hans": "下面是前 {count} 条的按钮;其余请直接输入(例如 完成 12、推迟 12 3d)。",
    },
    "wecom.unexpected": {
        "en": "Something went wrong on my side; nothing was saved. Here is what you typed, to send again:",
        "zh-Hans": "系统出了问题,未保存任何内容。以下是你输入的内容,可复制后重新发送:",
    },
    "wecom.text_only": {
        "en": "I read text messages only. Type help to see what I understand.",
        "zh-Hans": "我只能读取文字消息。输入“帮助”查看可用的指令。",
    },
    "wecom.card_expired": {
        "en": "That button no longer works; type the line instead (help lists them).",
        "zh-Hans": "这个按钮已失效,请直接输入指令(输入“帮助”查看)。",
    },
    "wecom.outcome.done": {"en": "✅ Done", "zh-Hans": "✅ 已完成"},
    "wecom.outcome.reopen": {"en": "↩ Reopened", "zh-Hans": "↩ 已重开"},
    "wecom.outcome.cancel": {"en": "✖ Cancelled", "zh-Hans": "✖ 已取消"},
    "wecom.outcome.snoozed": {"en": "⏰ Until {date}", "zh-Hans": "⏰ 推迟至 {date}"},
    "wecom.outcome.undone": {"en": "↩ Undone", "zh-Hans": "↩ 已撤销"},
    "wecom.outcome.opened": {"en": "Opened below", "zh-Hans": "已在下方打开"},
    "wecom.outcome.answered": {"en": "Answered", "zh-Hans": "已回答"},
    "wecom.outcome.failed": {"en": "Not done", "zh-Hans": "未完成"},
    "wecom.visit_how": {
        "en": "Type the visit in one line: visit {account} met NAME; goal: …",
        "zh-Hans": "请用一行输入拜访:拜访 {account} 见了 姓名;目标:……",
    },
    "wecom.digest.usage": {
        "en": (
            "Admins: digest TEAM group creates a group chat of the team's members with WeCom ids for its "
            "weekly digest; digest TEAM WEBHOOK-URL sends it through a group robot instead."
        ),
        "zh-Hans": (
            "管理员:“周报 团队 群”为该团队有企业微信账号的成员建群并在群里发周报;"
            "“周报 团队 机器人Webhook地址”改由群机器人发送。"
        ),
    },
    "wecom.digest.no_team": {
        "en": "No team is called “{name}”. Teams: {names}",
        "zh-Hans": "没有名为“{name}”的团队。现有团队:{names}",
    },
    "wecom.digest.too_few": {
        "en": (
            "A WeCom group chat needs at least 2 members; {team} has {count} with a WeCom id. "
            "Add wecom_id to users.csv (or have them write to kam-bot once), or use a group robot's webhook."
        ),
        "zh-Hans": (
            "企业微信群聊至少需要 2 名成员;{team} 只有 {count} 人有企业微信账号。"
            "请在 users.csv 中填写 wecom_id(或让他们先给 kam-bot 发一条消息),或改用群机器人 Webhook。"
        ),
    },
    "wecom.digest.bad_webhook": {
        "en": "That is not a group robot's webhook URL; it looks like …/cgi-bin/webhook/send?key=KEY.",
        "zh-Hans": "这不是群机器人的 Webhook 地址,正确格式为 …/cgi-bin/webhook/send?key=KEY。",
    },
    "wecom.digest.group_named": {"en": "kam-bot · {team}", "zh-Hans": "kam-bot · {team}"},
    "wecom.digest.here": {
        "en": "The weekly digest of {team} will be posted in this group.",
        "zh-Hans": "{team} 的周报将发到这个群里。",
    },
    "wecom.digest.set": {
        "en": "The weekly digest of {team} now goes to {where}.",
        "zh-Hans": "{team} 的周报今后发送到{where}。",
    },
    "wecom.digest.where_group": {"en": "the new group chat “{name}”", "zh-Hans": "新群聊“{name}”"},
    "wecom.digest.where_webhook": {"en": "the group robot's group", "zh-Hans": "该群机器人所在的群"},
    "wecom.digest.failed": {
        "en": (
            "WeCom refused that (errcode {code}). "
            "The app's visible range must be the whole company to create groups."
        ),
        "zh-Hans": "企业微信拒绝了该操作(错误码 {code})。应用的可见范围须为全公司才能建群。",
    },
}
