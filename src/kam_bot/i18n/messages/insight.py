"""Account insight: coverage rules, time against the grid, promise record, stalls, the team view."""

MESSAGES: dict[str, dict[str, str]] = {
    # the rules' names, as a rep reads them
    "insight.rule.gone_cold": {"en": "chain gone cold", "zh-Hans": "关系已冷"},
    "insight.rule.no_decision_maker_met": {"en": "no decision maker met", "zh-Hans": "未见决策者"},
    "insight.rule.opponent_deciding": {"en": "opponent in a deciding role", "zh-Hans": "关键角色有反对者"},
    "insight.rule.single_threaded": {"en": "single-threaded", "zh-Hans": "单线联系"},
    "insight.rule.no_coach": {"en": "no coach", "zh-Hans": "没有内线"},
    "insight.coverage": {"en": "Decision-chain coverage", "zh-Hans": "决策链覆盖"},
    "insight.coverage_ok": {"en": "No coverage gaps.", "zh-Hans": "决策链覆盖良好。"},
    "insight.met_recently": {
        "en": "{met} of {contacts} contacts met in the last {days} days",
        "zh-Hans": "近{days}天见过 {met}/{contacts} 位联系人",
    },
    "insight.role_met": {"en": "{role} {met}/{count} met", "zh-Hans": "{role} 见过 {met}/{count}"},
    "insight.missing_roles": {"en": "nobody known as: {roles}", "zh-Hans": "缺少角色:{roles}"},
    "insight.opponents": {"en": "opposed: {names}", "zh-Hans": "反对者:{names}"},
    "insight.to_see": {"en": "Who to see this time", "zh-Hans": "这次该见谁"},
    "insight.to_see_none": {
        "en": "Everyone in the chain was met recently.",
        "zh-Hans": "决策链上的人最近都见过。",
    },
    "insight.never_met": {"en": "never met", "zh-Hans": "从未见过"},
    "insight.last_met": {"en": "last met {date}", "zh-Hans": "上次见面 {date}"},
    # promise record
    "insight.promise_record": {"en": "Promises kept on time", "zh-Hans": "承诺按时兑现"},
    "insight.record_line": {
        "en": "ours {kept}/{due} ({rate}) · theirs {tkept}/{tdue} ({trate}) · last {days} days",
        "zh-Hans": "我方 {kept}/{due}({rate})· 客户 {tkept}/{tdue}({trate})· 近{days}天",
    },
    "insight.rate_na": {"en": "n/a", "zh-Hans": "无"},
    # stage age and stalls
    "insight.stage_age": {
        "en": "{stage} for {days} days · visits since: {visits}",
        "zh-Hans": "处于“{stage}” {days} 天 · 此后拜访 {visits} 次",
    },
    "insight.stalled": {"en": "stalled", "zh-Hans": "停滞"},
    # time against the grid
    "insight.neglected": {
        "en": "{priority} · visits in {weeks} weeks: {visits} (expected at least {expected})",
        "zh-Hans": "{priority} · {weeks}周内拜访 {visits} 次(应至少 {expected} 次)",
    },
    "insight.overserved": {
        "en": "{priority} · visits in {weeks} weeks: {visits} (expected at most {expected})",
        "zh-Hans": "{priority} · {weeks}周内拜访 {visits} 次(应至多 {expected} 次)",
    },
    "insight.rep_time": {
        "en": "{focus_visits} of {visits} visits on focus accounts ({focus_accounts} of {accounts} accounts)",
        "zh-Hans": (
            "{visits} 次拜访中 {focus_visits} 次在重点客户({accounts} 个客户中 {focus_accounts} 个重点)"
        ),
    },
    # digest sections
    "insight.digest.at_risk": {"en": "Accounts at risk (tier A first)", "zh-Hans": "风险客户(A类优先)"},
    "insight.digest.time": {"en": "Time against the priority grid", "zh-Hans": "时间分配与优先级"},
    "insight.digest.record": {
        "en": "Promise record (kept on time, last {days} days)",
        "zh-Hans": "承诺记录(按时兑现,近{days}天)",
    },
    "insight.digest.to_chase": {"en": "Customer promises to chase", "zh-Hans": "需催办的客户承诺"},
    "insight.digest.stalled": {"en": "Stalled deals", "zh-Hans": "停滞的商机"},
    "insight.digest.stock_risk": {"en": "Stock-out risk", "zh-Hans": "断货风险"},
    # the manager's view
    "insight.team.title": {"en": "Team {team} · {date}", "zh-Hans": "团队 {team} · {date}"},
    "insight.team.overdue": {"en": "Our overdue promises per rep", "zh-Hans": "各销售逾期承诺"},
    "insight.team.overdue_line": {
        "en": "{count} overdue, oldest {days} days",
        "zh-Hans": "逾期 {count} 条,最久 {days} 天",
    },
    "insight.team.gaps": {"en": "Coverage gaps", "zh-Hans": "覆盖缺口"},
    "insight.team.refused": {
        "en": "The team view is for managers and admins.",
        "zh-Hans": "团队视图仅限经理和管理员使用。",
    },
    "insight.team.no_team": {"en": "You are not in a team.", "zh-Hans": "你不在任何团队中。"},
    "insight.team.unknown_name": {"en": "No team named {name}.", "zh-Hans": "没有名为 {name} 的团队。"},
    "insight.none": {"en": "nothing", "zh-Hans": "无"},
    # charts
    "insight.chart.record_title": {
        "en": "{team}: promises kept on time, last {days} days",
        "zh-Hans": "{team}:近{days}天承诺按时兑现率",
    },
    "insight.chart.record_y": {"en": "kept on time (%)", "zh-Hans": "按时兑现率(%)"},
    "insight.chart.ours": {"en": "our promises", "zh-Hans": "我方承诺"},
    "insight.chart.theirs": {"en": "customer promises", "zh-Hans": "客户承诺"},
    "insight.chart.grid_title": {
        "en": "{team}: intention × purchasing power (size = tier)",
        "zh-Hans": "{team}:采购意向 × 购买力(点大小=客户级别)",
    },
    "insight.chart.intention": {"en": "purchase intention", "zh-Hans": "采购意向"},
    "insight.chart.power": {"en": "purchasing power", "zh-Hans": "购买力"},
    "insight.chart.unknown": {"en": "unknown", "zh-Hans": "未知"},
    "insight.chart.price_title": {"en": "{account}: {product} price", "zh-Hans": "{account}:{product} 价格"},
    "insight.chart.price_y": {"en": "price ({currency})", "zh-Hans": "价格({currency})"},
    "insight.chart.left_out": {
        "en": "Left out: {count} price(s) in {currencies}, no exchange rate to {currency}",
        "zh-Hans": "未计入：{count} 个以 {currencies} 计的价格，没有兑 {currency} 的汇率",
    },
    "insight.chart.in_progress": {"en": "week in progress", "zh-Hans": "本周进行中"},
    "insight.chart.kept_of": {"en": "{kept} of {due}", "zh-Hans": "{due} 项中 {kept} 项"},
    "insight.chart.policy_band": {"en": "policy ±{pct}", "zh-Hans": "价格政策 ±{pct}"},
    "insight.chart.price_list": {"en": "price list", "zh-Hans": "价目表"},
    "insight.chart.date": {"en": "date", "zh-Hans": "日期"},
    "insight.chart.week": {"en": "week starting", "zh-Hans": "周起始日"},
    "insight.chart.rep": {"en": "rep", "zh-Hans": "销售"},
    "insight.chart.day": {"en": "{day} {mon}", "zh-Hans": "{mon}{day}日"},
    "insight.chart.year": {"en": "{year}", "zh-Hans": "{year}年"},
    "insight.chart.written": {"en": "Chart written: {path}", "zh-Hans": "图表已写入:{path}"},
}
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
MESSAGES |= {
    f"insight.month.{i}": {"en": name, "zh-Hans": f"{i}月"} for i, name in enumerate(_MONTHS, start=1)
}
