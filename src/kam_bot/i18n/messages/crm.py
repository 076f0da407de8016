"""CRM sync: what admins are told when it stops, and the text kam-bot writes into CRM records."""

MESSAGES = {
    "crm.stopped": {
        "en": (
            "CRM sync with {crm} has stopped: it refused kam-bot's credentials ({reason}). "
            "Nothing is lost: visits and promises wait in the queue and go out once the "
            "credentials work again. Ask whoever runs kam-bot to check its {crm} settings "
            "(`kam-bot crm status` shows the state)."
        ),
        "zh-Hans": (
            "与 {crm} 的 CRM 同步已停止：对方拒绝了 kam-bot 的凭据（{reason}）。"
            "数据不会丢失：拜访和承诺在队列中等待，凭据恢复后会自动发送。"
            "请联系 kam-bot 的管理员检查 {crm} 的设置（`kam-bot crm status` 可查看状态）。"
        ),
    },
    "crm.cli.not_set": {
        "en": "kam-bot: CRM is not set; to sync, set {how}",
        "zh-Hans": "kam-bot：未设置 CRM；如需同步，请设置 {how}",
    },
    "crm.cli.running": {"en": "CRM sync with {crm}: running", "zh-Hans": "与 {crm} 的 CRM 同步：运行中"},
    "crm.cli.stopped": {
        "en": "CRM sync with {crm}: STOPPED since {at}: {crm} refused kam-bot's credentials ({reason}). "
        "Fix the {crm} settings; nothing is lost and it resumes on its own.",
        "zh-Hans": "与 {crm} 的 CRM 同步：自 {at} 起已停止：{crm} 拒绝了 kam-bot 的凭据（{reason}）。"
        "请修正 {crm} 设置；数据不会丢失，修复后会自动恢复。",
    },
    "crm.cli.oldest": {"en": "  oldest waiting since {at}", "zh-Hans": "  最早的待发送记录自 {at} 起等待"},
    "crm.cli.error_line": {"en": "  {n} {state}: {error}", "zh-Hans": "  {n} 条{state}：{error}"},
    "crm.cli.limited": {
        "en": "  rate limited {n} times (last: {reason}, waited until {until})",
        "zh-Hans": "  被限流 {n} 次（最近：{reason}，等待至 {until}）",
    },
    "crm.cli.allowance": {
        "en": "  API allowance today: {remaining} of {max} left",
        "zh-Hans": "  今日 API 配额：剩余 {remaining}/{max}",
    },
    "crm.cli.last_pull": {"en": "  last pull {at}: {summary}", "zh-Hans": "  最近一次拉取 {at}：{summary}"},
    "crm.cli.never_pulled": {
        "en": "  never pulled: run `kam-bot crm pull`",
        "zh-Hans": "  尚未拉取：请运行 `kam-bot crm pull`",
    },
    "crm.cli.bad_since": {
        "en": "kam-bot crm resync: --since {value!r} is not a date; write it as YYYY-MM-DD, e.g. 2026-12-01",
        "zh-Hans": "kam-bot crm resync：--since {value!r} 不是日期；请写成 YYYY-MM-DD，例如 2026-12-01",
    },
    "crm.cli.resynced": {
        "en": "Queued {n} records saved since {since} for the CRM again ({detail}).",
        "zh-Hans": "已重新排队 {since} 以来保存的 {n} 条记录（{detail}）。",
    },
    "crm.cli.pulled": {"en": "Pulled from {crm}: {summary}", "zh-Hans": "已从 {crm} 拉取：{summary}"},
    "crm.cli.pushed": {
        "en": "Pushed to {crm}: {pushed} written, {removed} removed, {waiting} waiting, {dead} failed.",
        "zh-Hans": "已推送到 {crm}：写入 {pushed} 条，删除 {removed} 条，等待 {waiting} 条，失败 {dead} 条。",
    },
    "crm.cli.revoked": {
        "en": "CRM sync with {crm} is stopped: {crm} refused kam-bot's credentials ({reason}). "
        "Nothing is lost; fix the {crm} settings and it resumes.",
        "zh-Hans": "与 {crm} 的 CRM 同步已停止：{crm} 拒绝了 kam-bot 的凭据（{reason}）。"
        "数据不会丢失；修正 {crm} 设置后即恢复。",
    },
    "crm.cli.failed": {
        "en": "kam-bot crm: the CRM did not answer: {reason}",
        "zh-Hans": "kam-bot crm：CRM 未响应：{reason}",
    },
    # what kam-bot writes into every CRM's records (jobs/crm_text.py)
    "crm.text.visit_title": {"en": "Visit: {account}", "zh-Hans": "拜访：{account}"},
    "crm.text.visit_title_goal": {
        "en": "Visit: {account} ({goal})",
        "zh-Hans": "拜访：{account}（{goal}）",
    },
    "crm.label.goal": {"en": "Goal", "zh-Hans": "目标"},
    "crm.label.goal_reached": {"en": "Goal reached", "zh-Hans": "目标达成"},
    "crm.label.outcome": {"en": "Outcome", "zh-Hans": "结果"},
    "crm.label.next_step": {"en": "Next step", "zh-Hans": "下一步"},
    "crm.label.needs": {"en": "Needs", "zh-Hans": "需求"},
    "crm.label.competitors": {"en": "Competitors", "zh-Hans": "竞争对手"},
    "crm.label.next_visit": {"en": "Next visit", "zh-Hans": "下次拜访"},
    "crm.label.contacts": {"en": "Met", "zh-Hans": "会见"},
    "crm.label.kind": {"en": "Kind", "zh-Hans": "方式"},
    "crm.text.theirs_prefix": {"en": "Customer's promise: {text}", "zh-Hans": "客户承诺：{text}"},
    "crm.text.price_title": {
        "en": "Price: {product} {price} {currency}{unit}",
        "zh-Hans": "价格：{product} {price} {currency}{unit}",
    },
    "crm.text.stock_title": {
        "en": "Stock: {product} {quantity}{unit}",
        "zh-Hans": "库存：{product} {quantity}{unit}",
    },
    "crm.text.competitor_title": {
        "en": "Competitor: {competitor} ({activity})",
        "zh-Hans": "竞争对手：{competitor}（{activity}）",
    },
    "crm.label.recorded_by": {"en": "Recorded by", "zh-Hans": "记录人"},
    "crm.label.observed_at": {"en": "Observed", "zh-Hans": "观察时间"},
    "crm.label.note": {"en": "Note", "zh-Hans": "备注"},
    "crm.label.share": {"en": "Our share", "zh-Hans": "我方份额"},
    "crm.label.movement": {"en": "Movement", "zh-Hans": "走势"},
    "crm.label.price_kind": {"en": "Kind", "zh-Hans": "类型"},
}
