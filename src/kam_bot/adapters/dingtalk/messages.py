"""DingTalk's own strings (joined to the catalog automatically; no SDK import here)."""

MESSAGES: dict[str, dict[str, str]] = {
    "dingtalk.group_only_digest": {
        "en": "In a group I only take `digest TEAM` (an admin: this group gets that team's weekly "
        "digest). Everything else: write to me in a 1:1 chat.",
        "zh-Hans": "在群里我只接受 `digest 团队名`(管理员:本群接收该团队的每周摘要)。其他操作请和我单聊。",
    },
    "dingtalk.digest_here": {
        "en": "This group now gets the weekly digest of {team}.",
        "zh-Hans": "本群今后接收 {team} 的每周摘要。",
    },
    "dingtalk.no_such_team": {
        "en": "No team is called “{name}”. Teams: {names}. Write `digest TEAM` with one of these names.",
        "zh-Hans": "没有名为“{name}”的团队。现有团队:{names}。请写 `digest 团队名`,用其中一个名称。",
    },
    "dingtalk.text_only": {
        "en": "I read typed text only (not pictures, voice or files). Type `help` to see what I understand.",
        "zh-Hans": "我只能读取文字(不能读取图片、语音或文件)。输入 `帮助` 查看我能理解的内容。",
    },
    "dingtalk.too_long": {
        "en": "That message is {count} characters; I take at most {limit}. Send it in shorter parts.",
        "zh-Hans": "这条消息有 {count} 个字符,最多只能 {limit} 个。请分几次发送。",
    },
    "dingtalk.cut": {
        "en": "… (shortened: DingTalk takes {limit} characters per message)",
        "zh-Hans": "……(已截短:钉钉每条消息最多 {limit} 个字符)",
    },
    "dingtalk.failed": {
        "en": "Something went wrong and nothing was saved. Please send it again in a minute.",
        "zh-Hans": "出了点问题,什么都没有保存。请稍后再发一次。",
    },
    "dingtalk.chart": {"en": "Chart: {title}", "zh-Hans": "图表:{title}"},
}
