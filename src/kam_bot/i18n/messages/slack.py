"""Messages of the Slack app: modal chrome, outcomes of buttons, settings, errors in plain words.

Modal titles and buttons must stay within 24 characters (Block Kit).
"""

MESSAGES: dict[str, dict[str, str]] = {
    # modal chrome
    "slack.modal.cancel": {"en": "Cancel", "zh-Hans": "取消"},
    "slack.modal.close": {"en": "Close", "zh-Hans": "关闭"},
    "slack.loading.title": {"en": "kam-bot", "zh-Hans": "kam-bot"},
    "slack.loading.text": {"en": "Reading what you typed…", "zh-Hans": "正在读取你输入的内容……"},
    "slack.saved.title": {"en": "Saved", "zh-Hans": "已保存"},
    "slack.saved.text": {
        "en": "Saved — the confirmation is in the conversation where you typed.",
        "zh-Hans": "已保存——确认信息在你输入命令的对话中。",
    },
    # quick-entry modals (their fields are the neutral forms', in forms.py)
    "slack.shortcut.from": {"en": "From a message in", "zh-Hans": "来自消息:"},
    # editing a visit
    "slack.edit.title": {"en": "Edit the visit", "zh-Hans": "编辑拜访"},
    "slack.edit.about": {"en": "Visit of {date} at {account}", "zh-Hans": "{date} 拜访 {account}"},
    "slack.edit.saved": {"en": "✏️ Visit of {date} updated:", "zh-Hans": "✏️ 已更新 {date} 的拜访:"},
    # account card and Home
    "slack.card.title": {"en": "Account", "zh-Hans": "客户"},
    # what a button did, in place of the buttons
    # settings
    "slack.settings.title": {"en": "Your settings", "zh-Hans": "个人设置"},
    "slack.settings.timezone": {"en": "Time zone", "zh-Hans": "时区"},
    "slack.settings.timezone_placeholder": {
        "en": "Type a city, e.g. Shanghai",
        "zh-Hans": "输入城市英文名,如 Shanghai",
    },
    "slack.settings.timezone_hint": {
        "en": "Reminders come at your local time in this zone.",
        "zh-Hans": "提醒按该时区的本地时间发送。",
    },
    "slack.settings.language": {"en": "Language", "zh-Hans": "语言"},
    "slack.settings.reminder": {"en": "Daily reminder at", "zh-Hans": "每日提醒时间"},
    "slack.settings.away": {"en": "Away until", "zh-Hans": "休假至"},
    "slack.settings.away_hint": {
        "en": "No reminders until then. Leave empty when you are not away.",
        "zh-Hans": "在此之前不发送提醒。不休假请留空。",
    },
    "slack.settings.channels": {"en": "Team digest channels", "zh-Hans": "团队周报频道"},
    "slack.settings.team_channel": {"en": "Weekly digest of {team}", "zh-Hans": "{team} 的周报频道"},
    "slack.settings.pick_channel": {"en": "Pick a channel", "zh-Hans": "选择频道"},
    "slack.settings.more_teams": {
        "en": "{count} more teams: set their channels with kam-bot's admin commands.",
        "zh-Hans": "另有 {count} 个团队,请用 kam-bot 管理命令设置频道。",
    },
    # errors, in plain words
    "slack.error.trigger_expired": {
        "en": "Slack did not let me open the form in time. Please run the command again.",
        "zh-Hans": "Slack 未能及时打开表单,请再执行一次命令。",
    },
    "slack.error.busy": {
        "en": "Slack is asking me to slow down. Please try again in a minute.",
        "zh-Hans": "Slack 暂时限制了请求频率,请一分钟后再试。",
    },
    "slack.error.not_in_channel": {
        "en": "I can't post in that conversation. Invite me to the channel, or try again in a DM with me.",
        "zh-Hans": "我无法在该对话中发消息。请先邀请我进入频道,或在与我的私信中重试。",
    },
    "slack.error.slack": {
        "en": "Slack refused that request ({code}). Please try again; if it keeps failing, tell your admin.",
        "zh-Hans": "Slack 拒绝了该请求({code})。请重试;若仍失败,请联系管理员。",
    },
    "slack.error.not_answering": {
        "en": "The database is not answering, so this is not saved yet. Submit again in a minute; "
        "if it gets saved meanwhile, I will send you a message.",
        "zh-Hans": "数据库暂时没有响应,内容尚未保存。请一分钟后再次提交;如果期间保存成功,我会发消息告诉你。",
    },
    "slack.error.unexpected": {
        "en": "Something went wrong on my side and nothing was saved. Please try again.",
        "zh-Hans": "系统出错,未保存任何内容。请重试。",
    },
    "slack.error.you_typed": {
        "en": "What you typed, to paste again:",
        "zh-Hans": "你输入的内容(可复制后重试):",
    },
}
