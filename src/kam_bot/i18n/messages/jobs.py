"""Scheduled messages: the morning DM, pre-visit briefs, escalations, the weekly digest."""

MESSAGES: dict[str, dict[str, str]] = {
    # `kam-bot remind` (the operator's summary of one planner tick)
    "jobs.remind.done": {
        "en": "{queued} DM(s) queued; {quiet} due with nothing (new) to say; {failed} failed.",
        "zh-Hans": "已排队 {queued} 条私信;{quiet} 人到期但没有(新)内容;{failed} 条失败。",
    },
    "jobs.remind.unreachable": {
        "en": "{count} could not be reached (no chat identity on {platforms}; their DMs are dead as "
        "no_chat_identity): {names}.",
        "zh-Hans": "{count} 人无法送达(在 {platforms} 上没有聊天身份;"
        "其私信已标记为 no_chat_identity):{names}。",
    },
    "jobs.remind.idle": {
        "en": "Nobody's reminder is due now (or it was decided already); nothing done.",
        "zh-Hans": "现在没有到期的提醒(或已处理过);未做任何操作。",
    },
    "jobs.remind.elsewhere": {
        "en": "This 5-minute slot is taken: another run decided it or is deciding it; nothing done.",
        "zh-Hans": "这个 5 分钟时段已被占用:另一次运行已处理或正在处理它;未做任何操作。",
    },
    # the morning DM
    "jobs.daily.title": {"en": "Good morning, {name} — {date}", "zh-Hans": "{name},早上好 —— {date}"},
    "jobs.daily.ours_due": {"en": "We owe — due today or overdue", "zh-Hans": "我方承诺 —— 今天到期或已逾期"},
    "jobs.daily.theirs_overdue": {
        "en": "To chase — the customer owes us, overdue",
        "zh-Hans": "待跟进 —— 客户承诺已逾期",
    },
    "jobs.daily.stale": {"en": "Accounts past their visit cadence", "zh-Hans": "超过拜访周期的客户"},
    "jobs.daily.stale_line": {
        "en": "{over} d past the {cadence}-day cadence",
        "zh-Hans": "超出 {cadence} 天拜访周期 {over} 天",
    },
    "jobs.daily.more_visits": {"en": "Also planned today", "zh-Hans": "今天还计划拜访"},
    # pre-visit brief
    "jobs.brief.title": {"en": "Visit today: {account}", "zh-Hans": "今日拜访:{account}"},
    "jobs.brief.last_visit": {"en": "Last visit {date}", "zh-Hans": "上次拜访 {date}"},
    "jobs.brief.not_met": {"en": "not met recently", "zh-Hans": "近期未见"},
    "jobs.brief.prices_stock": {"en": "Latest prices and stock", "zh-Hans": "最新价格与库存"},
    # escalation (in the manager's DM)
    "jobs.escalation.rep": {
        "en": "⚠ {name}: promises overdue {days}+ working days, accounts far past cadence",
        "zh-Hans": "⚠ {name}：逾期 {days} 个工作日以上的承诺、严重超期未拜访的客户",
    },
    "jobs.escalation.far_stale": {
        "en": "{days} d without a visit (cadence {cadence} d)",
        "zh-Hans": "{days} 天未拜访(周期 {cadence} 天)",
    },
    # weekly digest
    "jobs.digest.title": {
        "en": "Weekly digest · {team} · {week} ({start} – {end})",
        "zh-Hans": "周报 · {team} · {week}({start} – {end})",
    },
    "jobs.digest.so_far": {
        "en": "Week in progress: figures as of {date}.",
        "zh-Hans": "本周尚未结束:数据截至 {date}。",
    },
    "jobs.digest.visits": {"en": "Visits", "zh-Hans": "拜访"},
    "jobs.digest.visit_line": {
        "en": "visits {visits} · goal reached {reached}/{rated} ({rate}) · partly {partly}",
        "zh-Hans": "拜访 {visits} 次 · 目标达成 {reached}/{rated}({rate})· 部分达成 {partly}",
    },
    "jobs.digest.promises": {"en": "Our promises", "zh-Hans": "我方承诺"},
    "jobs.digest.promise_line": {
        "en": "made {made} · due {due} · kept {kept} ({rate}) · overdue {overdue}",
        "zh-Hans": "新增 {made} · 到期 {due} · 按时兑现 {kept}({rate})· 逾期 {overdue}",
    },
    "jobs.digest.theirs_overdue": {
        "en": "Customers' promises overdue: {count}",
        "zh-Hans": "客户逾期未兑现的承诺:{count}",
    },
    "jobs.digest.team_total": {"en": "Team", "zh-Hans": "团队合计"},
    "jobs.digest.rate_na": {"en": "n/a", "zh-Hans": "无"},
    "jobs.digest.stale": {"en": "Accounts past their cadence", "zh-Hans": "超过拜访周期的客户"},
    "jobs.digest.stage_moves": {"en": "Stage moves", "zh-Hans": "阶段变化"},
    "jobs.digest.off_policy": {"en": "Prices off policy", "zh-Hans": "偏离价格政策"},
    "jobs.digest.stock_alerts": {"en": "Stock alerts", "zh-Hans": "库存预警"},
    "jobs.digest.competitors": {"en": "Competitor activity", "zh-Hans": "竞争对手动态"},
    "jobs.digest.new_accounts": {"en": "New accounts this week", "zh-Hans": "本周新客户"},
    "jobs.digest.none": {"en": "None this week.", "zh-Hans": "本周无。"},
    "jobs.chart.title": {"en": "{team}: visits per rep per week", "zh-Hans": "{team}:每周各销售拜访次数"},
    "jobs.chart.y_label": {"en": "visits", "zh-Hans": "拜访次数"},
    # previews (console `remind`, `digest`)
    "jobs.remind.nothing": {
        "en": "Nothing to remind you of on {date}: no DM would be sent.",
        "zh-Hans": "{date} 没有需要提醒的事项,不会发送消息。",
    },
    "jobs.remind.away": {
        "en": "You are away until {date}: no reminder until you are back.",
        "zh-Hans": "你休假至 {date},回来之前不会收到提醒。",
    },
    "jobs.remind.preview": {
        "en": "Your next reminder: {date} at {time}.",
        "zh-Hans": "下一次提醒:{date} {time}。",
    },
    "jobs.digest.no_team": {
        "en": "You are not in a team, so there is no team digest.",
        "zh-Hans": "你不属于任何团队,因此没有团队周报。",
    },
    "jobs.digest.bad_week": {
        "en": "“{value}” is not a week; write it like 2026-W48.",
        "zh-Hans": "“{value}”不是有效的周,请写成 2026-W48 的形式。",
    },
    "jobs.digest.no_channel": {
        "en": "This team has no digest channel: the digest is not posted anywhere.",
        "zh-Hans": "该团队未设置周报频道,周报不会发布。",
    },
}
