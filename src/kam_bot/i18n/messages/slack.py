"""Messages of the Slack app: modal labels, Home tab, outcomes of buttons, errors in plain words.

Modal titles and buttons must stay within 24 characters (Block Kit).
"""

MESSAGES: dict[str, dict[str, str]] = {
    # modal chrome
    "slack.modal.save": {"en": "Save", "zh-Hans": "保存"},
    "slack.modal.cancel": {"en": "Cancel", "zh-Hans": "取消"},
    "slack.modal.close": {"en": "Close", "zh-Hans": "关闭"},
    "slack.loading.title": {"en": "kam-bot", "zh-Hans": "kam-bot"},
    "slack.loading.text": {"en": "Reading what you typed…", "zh-Hans": "正在读取你输入的内容……"},
    "slack.saved.title": {"en": "Saved", "zh-Hans": "已保存"},
    "slack.saved.text": {
        "en": "Saved — the confirmation is in the conversation where you typed.",
        "zh-Hans": "已保存——确认信息在你输入命令的对话中。",
    },
    # the /visit modal
    "slack.visit.title": {"en": "Log a visit", "zh-Hans": "记录拜访"},
    "slack.visit.account": {"en": "Account", "zh-Hans": "客户"},
    "slack.visit.account_placeholder": {"en": "Type a name or an alias", "zh-Hans": "输入客户名称或别名"},
    "slack.visit.pick_account": {"en": "Choose the account.", "zh-Hans": "请选择客户。"},
    "slack.visit.contacts": {"en": "Who did you meet?", "zh-Hans": "拜访了谁?"},
    "slack.visit.contacts_first": {
        "en": "Choose the account first to pick who you met from its decision chain.",
        "zh-Hans": "请先选择客户,再从其决策链中选择拜访对象。",
    },
    "slack.visit.no_contacts": {
        "en": "No contacts at this account yet — add the people you met below.",
        "zh-Hans": "该客户尚无联系人——请在下方添加拜访对象。",
    },
    "slack.visit.new_contact_name": {"en": "New contact {n}: name", "zh-Hans": "新联系人 {n}:姓名"},
    "slack.visit.new_contact_title": {"en": "New contact {n}: title", "zh-Hans": "新联系人 {n}:职位"},
    "slack.visit.new_contact_role": {"en": "New contact {n}: role", "zh-Hans": "新联系人 {n}:决策角色"},
    "slack.visit.contact_needs_name": {
        "en": "Add the contact's name, or clear the title and role.",
        "zh-Hans": "请填写联系人姓名,或清空职位和角色。",
    },
    "slack.visit.kind": {"en": "How", "zh-Hans": "拜访方式"},
    "slack.visit.date": {"en": "Visit date", "zh-Hans": "拜访日期"},
    "slack.visit.objectives": {"en": "Objectives", "zh-Hans": "拜访目的"},
    "slack.visit.goal": {"en": "Goal", "zh-Hans": "拜访目标"},
    "slack.visit.goal_reached": {"en": "Goal reached?", "zh-Hans": "目标是否达成?"},
    "slack.visit.summary": {"en": "Summary", "zh-Hans": "纪要"},
    "slack.visit.needs": {"en": "Needs discovered", "zh-Hans": "发现的需求"},
    "slack.visit.intel": {"en": "Competitor intel", "zh-Hans": "竞争对手情报"},
    "slack.visit.note": {"en": "Competitor activity ({activity})", "zh-Hans": "竞品动态({activity})"},
    "slack.visit.note_format": {
        "en": "Write it as “Competitor: what they do”.",
        "zh-Hans": "请写成“竞争对手:动态”。",
    },
    "slack.visit.next_step": {"en": "Next step", "zh-Hans": "下一步"},
    "slack.visit.next_visit": {"en": "Next visit", "zh-Hans": "下次拜访"},
    "slack.visit.section_promises": {"en": "Promises", "zh-Hans": "承诺"},
    "slack.visit.promise_text": {"en": "Promise {n}", "zh-Hans": "承诺 {n}"},
    "slack.visit.promise_due": {"en": "Promise {n}: due", "zh-Hans": "承诺 {n}:到期日"},
    "slack.visit.promise_direction": {"en": "Promise {n}: who promised", "zh-Hans": "承诺 {n}:承诺方"},
    "slack.visit.prices": {"en": "Prices seen, one per line", "zh-Hans": "价格记录(每行一条)"},
    "slack.visit.prices_hint": {
        "en": "PRODUCT PRICE CURRENCY[/UNIT] [competitor NAME] — e.g. widget-42 4.20 USD/kg",
        "zh-Hans": "产品 价格 币种[/单位] [competitor 对手] —— 例如 widget-42 4.20 USD/kg",
    },
    "slack.visit.stocks": {"en": "Stock seen, one per line", "zh-Hans": "库存记录(每行一条)"},
    "slack.visit.stocks_hint": {
        "en": "PRODUCT QUANTITY [UNIT] [fast|normal|slow] [share N%] — e.g. widget-42 120 cases slow",
        "zh-Hans": "产品 数量 [单位] [fast|normal|slow] [share N%] —— 例如 widget-42 120 箱 slow",
    },
    "slack.visit.line_problem": {"en": "Line {n}: {message}", "zh-Hans": "第 {n} 行:{message}"},
    "slack.visit.stage": {"en": "Stage change", "zh-Hans": "阶段变化"},
    "slack.visit.stage_funnel": {"en": "Funnel stage", "zh-Hans": "漏斗阶段"},
    "slack.visit.stage_procurement": {"en": "Procurement stage", "zh-Hans": "采购阶段"},
    "slack.direction.ours": {"en": "We promised", "zh-Hans": "我方承诺"},
    "slack.direction.theirs": {"en": "They promised", "zh-Hans": "客户承诺"},
    # quick-entry modals
    "slack.promise.title": {"en": "Add a promise", "zh-Hans": "添加承诺"},
    "slack.promise.text": {"en": "What was promised", "zh-Hans": "承诺内容"},
    "slack.promise.due": {"en": "Due", "zh-Hans": "到期日"},
    "slack.promise.direction": {"en": "Who promised", "zh-Hans": "承诺方"},
    "slack.price.title": {"en": "Record a price", "zh-Hans": "记录价格"},
    "slack.price.kind": {"en": "Kind of price", "zh-Hans": "价格类型"},
    "slack.price.product": {"en": "Product", "zh-Hans": "产品"},
    "slack.price.price": {"en": "Price", "zh-Hans": "价格"},
    "slack.price.currency": {"en": "Currency", "zh-Hans": "币种"},
    "slack.price.unit": {"en": "Unit", "zh-Hans": "单位"},
    "slack.price.competitor": {"en": "Competitor", "zh-Hans": "竞争对手"},
    "slack.price.competitor_hint": {
        "en": "Only for a competitor's price.",
        "zh-Hans": "仅竞品价格需要填写。",
    },
    "slack.price.note": {"en": "Note", "zh-Hans": "备注"},
    "slack.stock.title": {"en": "Record stock", "zh-Hans": "记录库存"},
    "slack.stock.quantity": {"en": "Quantity", "zh-Hans": "数量"},
    "slack.stock.movement": {"en": "Moving", "zh-Hans": "动销"},
    "slack.stock.share": {"en": "Our share (%)", "zh-Hans": "我方占比(%)"},
    "slack.stock.bad_share": {
        "en": "Write the share as a number from 0 to 100.",
        "zh-Hans": "占比请填写 0 到 100 的数字。",
    },
    "slack.shortcut.from": {"en": "From a message in", "zh-Hans": "来自消息:"},
    # editing a visit
    "slack.edit.title": {"en": "Edit the visit", "zh-Hans": "编辑拜访"},
    "slack.edit.about": {"en": "Visit of {date} at {account}", "zh-Hans": "{date} 拜访 {account}"},
    "slack.edit.saved": {"en": "✏️ Visit of {date} updated:", "zh-Hans": "✏️ 已更新 {date} 的拜访:"},
    # account card and Home
    "slack.card.title": {"en": "Account", "zh-Hans": "客户"},
    # what a button did, in place of the buttons
    "slack.outcome.done": {"en": "✅ Done by {name}", "zh-Hans": "✅ {name} 已完成"},
    "slack.outcome.reopen": {"en": "↩️ Reopened by {name}", "zh-Hans": "↩️ {name} 已重新打开"},
    "slack.outcome.cancel": {"en": "✖️ Cancelled by {name}", "zh-Hans": "✖️ {name} 已取消"},
    "slack.outcome.snoozed": {
        "en": "💤 Snoozed until {date} by {name}",
        "zh-Hans": "💤 {name} 已暂缓至 {date}",
    },
    "slack.outcome.undone": {"en": "↩️ Undone by {name}", "zh-Hans": "↩️ {name} 已撤销"},
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
    "slack.error.unexpected": {
        "en": "Something went wrong on my side and nothing was saved. Please try again.",
        "zh-Hans": "系统出错,未保存任何内容。请重试。",
    },
    "slack.error.you_typed": {
        "en": "What you typed, to paste again:",
        "zh-Hans": "你输入的内容(可复制后重试):",
    },
}
