"""Messages of the account card, promises, visits and the errors services raise."""

MESSAGES: dict[str, dict[str, str]] = {
    # promises
    "promise.due_today": {"en": "due today", "zh-Hans": "今天到期"},
    "promise.overdue_days": {"en": "overdue {days} d", "zh-Hans": "已逾期 {days} 天"},
    "promise.due_on": {"en": "due {date}", "zh-Hans": "{date} 到期"},
    "promise.snoozed_until": {"en": "(snoozed until {date})", "zh-Hans": "(暂缓至 {date})"},
    "promise.direction.ours": {"en": "We promised:", "zh-Hans": "我方承诺:"},
    "promise.direction.theirs": {"en": "They promised:", "zh-Hans": "客户承诺:"},
    "promise.saved": {"en": "Promise saved:", "zh-Hans": "承诺已保存:"},
    "promise.done": {"en": "Done:", "zh-Hans": "已完成:"},
    "promise.reopened": {"en": "Reopened:", "zh-Hans": "已重新打开:"},
    "promise.already_done": {"en": "Already done:", "zh-Hans": "此前已完成:"},
    "promise.already_cancelled": {"en": "Already cancelled:", "zh-Hans": "此前已取消:"},
    "promise.already_open": {"en": "Already open:", "zh-Hans": "本来就未完成:"},
    "promise.cancelled": {"en": "Cancelled:", "zh-Hans": "已取消:"},
    "promise.snoozed": {"en": "Snoozed until {date}:", "zh-Hans": "已暂缓至 {date}:"},
    "promise.reassigned": {"en": "Reassigned to {name}:", "zh-Hans": "已转给 {name}:"},
    "promise.not_found": {"en": "There is no promise #{id}.", "zh-Hans": "找不到承诺 #{id}。"},
    "promise.unknown_contact": {
        "en": "That contact does not belong to this account.",
        "zh-Hans": "该联系人不属于这个客户。",
    },
    "promise.bad_snooze": {
        "en": "Snooze to a day after today and within a year.",
        "zh-Hans": "暂缓日期须在今天之后、一年以内。",
    },
    "promise.not_open": {
        "en": "This promise is {status}; reopen it first.",
        "zh-Hans": "该承诺状态为 {status},请先重新打开。",
    },
    "promise.reassign_outside_team": {
        "en": "You can reassign only to someone in your team.",
        "zh-Hans": "只能转给本团队的成员。",
    },
    "promise.needs_due_date": {
        "en": "When is it due? Add a date such as “by Friday”, “12/5” or “in 2 weeks”.",
        "zh-Hans": "什么时候到期?请加上日期,例如“周五前”、“12月5日”或“两周后”。",
    },
    "promise.needs_text": {
        "en": "What was promised? Add the promise text.",
        "zh-Hans": "承诺了什么?请填写承诺内容。",
    },
    "promises.none": {"en": "No open promises. 🎉", "zh-Hans": "没有未完成的承诺。🎉"},
    "promises.title": {"en": "Your open promises", "zh-Hans": "你的未完成承诺"},
    # actions
    "action.done": {"en": "Done", "zh-Hans": "完成"},
    "action.snooze_1": {"en": "Snooze 1 day", "zh-Hans": "暂缓 1 天"},
    "action.snooze_3": {"en": "Snooze 3 days", "zh-Hans": "暂缓 3 天"},
    "action.snooze_7": {"en": "Snooze 1 week", "zh-Hans": "暂缓 1 周"},
    "action.open_account": {"en": "Open account", "zh-Hans": "查看客户"},
    "action.log_visit": {"en": "Log a visit", "zh-Hans": "记录拜访"},
    "action.add_promise": {"en": "Add a promise", "zh-Hans": "添加承诺"},
    "action.decision_chain": {"en": "Decision chain", "zh-Hans": "决策链"},
    "action.edit": {"en": "Edit", "zh-Hans": "编辑"},
    "action.undo": {"en": "Undo", "zh-Hans": "撤销"},
    # prices and stock
    "price.off_policy": {"en": "⚠ {pct} vs list {list}", "zh-Hans": "⚠ 较价目表 {list} 偏离 {pct}"},
    "price.on_policy": {"en": "({pct} vs list {list})", "zh-Hans": "(较价目表 {list} {pct})"},
    "price.not_comparable.currency": {
        "en": "(not comparable with list {list}: no exchange rate set; an admin sets one with kam-bot rates)",
        "zh-Hans": "(无法与价目表 {list} 比较:未设置汇率;管理员可用 kam-bot rates 设置)",
    },
    "price.not_comparable.unit": {
        "en": "(not comparable with list {list}: another kind of unit)",
        "zh-Hans": "(无法与价目表 {list} 比较:单位类型不同)",
    },
    "price.saved": {"en": "Price saved:", "zh-Hans": "价格已记录:"},
    "price.needs_currency": {
        "en": "Which currency? Add it after the price, e.g. “4.20 USD”.",
        "zh-Hans": "什么币种?请在价格后注明,例如“4.20 USD”。",
    },
    "price.needs_price": {
        "en": "Add the price as a number, e.g. “4.20”.",
        "zh-Hans": "请填写数字价格,例如“4.20”。",
    },
    "price.needs_product": {
        "en": "Which product? Add its code or name.",
        "zh-Hans": "哪个产品?请填写产品编号或名称。",
    },
    "stock.change": {"en": "({delta} since last time)", "zh-Hans": "(较上次 {delta})"},
    "stock.change_since": {
        "en": "({delta} since {date}, when it was {was})",
        "zh-Hans": "({date}为 {was},此后 {delta})",
    },
    "stock.unit_changed": {
        "en": "(the unit changed: {was} {unit} last time, so no change is computed)",
        "zh-Hans": "（单位已变：上次为 {was} {unit}，不计算变化）",
    },
    "stock.stock_out": {"en": "⚠ likely stock-out", "zh-Hans": "⚠ 可能断货"},
    "stock.overstock": {"en": "⚠ likely overstock", "zh-Hans": "⚠ 可能积压"},
    "stock.saved": {"en": "Stock saved:", "zh-Hans": "库存已记录:"},
    "stock.needs_quantity": {
        "en": "Add the quantity as a number, e.g. “120 cases”.",
        "zh-Hans": "请填写数量,例如“120 箱”。",
    },
    "undo.done": {"en": "Undone.", "zh-Hans": "已撤销。"},
    "undo.gone": {"en": "Nothing to undo: it was already removed.", "zh-Hans": "无需撤销：记录已不存在。"},
    "undo.visit": {
        "en": "Undone: the visit of {date}, its {promises} promise(s) and {observations} observation(s), at",
        "zh-Hans": "已撤销：{date} 的拜访，连同其中 {promises} 条承诺和 {observations} 条观察记录，客户",
    },
    "undo.nothing": {
        "en": "Nothing to undo: you saved nothing in the last {minutes} minutes that is still there.",
        "zh-Hans": "没有可撤销的内容：最近 {minutes} 分钟内你没有保存任何记录。",
    },
    "undo.too_late": {
        "en": "This was saved more than {minutes} minutes ago: correct it with Edit instead of undoing it.",
        "zh-Hans": "保存已超过 {minutes} 分钟，无法撤销，请用“编辑”修改。",
    },
    # contacts
    "contact.last_met": {"en": "met {date}", "zh-Hans": "{date} 见过"},
    "contact.never_met": {"en": "not met yet", "zh-Hans": "尚未见过"},
    "contact.notes": {"en": "notes:", "zh-Hans": "备注:"},
    "contact.not_found": {"en": "There is no contact #{id}.", "zh-Hans": "找不到联系人 #{id}。"},
    # account card
    "card.tier": {"en": "Tier {tier}", "zh-Hans": "{tier} 类客户"},
    "card.funnel": {"en": "funnel: {stage}", "zh-Hans": "漏斗:{stage}"},
    "card.procurement": {"en": "procurement: {stage}", "zh-Hans": "采购阶段:{stage}"},
    "card.priority": {"en": "priority: {priority}", "zh-Hans": "优先级:{priority}"},
    "card.owner": {"en": "Owner:", "zh-Hans": "负责人:"},
    "card.last_visit": {"en": "last visit {date}", "zh-Hans": "上次拜访 {date}"},
    "card.next_visit": {"en": "Next visit planned: {date}", "zh-Hans": "计划下次拜访:{date}"},
    "card.never_visited": {"en": "never visited", "zh-Hans": "从未拜访"},
    "card.overdue": {"en": "⚠ visit overdue by {days} d", "zh-Hans": "⚠ 拜访已逾期 {days} 天"},
    "card.cadence_ok": {"en": "visit every {days} d", "zh-Hans": "每 {days} 天拜访一次"},
    "card.aliases": {"en": "Also known as:", "zh-Hans": "别名:"},
    "card.decision_chain": {"en": "Decision chain", "zh-Hans": "决策链"},
    "card.no_contacts": {"en": "No contacts yet.", "zh-Hans": "暂无联系人。"},
    "card.ours": {"en": "We promised", "zh-Hans": "我方承诺"},
    "card.theirs": {"en": "They promised", "zh-Hans": "客户承诺"},
    "card.no_promises": {"en": "Nothing open.", "zh-Hans": "无未完成事项。"},
    "card.last_visits": {"en": "Last visits", "zh-Hans": "最近拜访"},
    "card.no_visits": {"en": "No visits logged yet.", "zh-Hans": "尚无拜访记录。"},
    "card.prices": {"en": "Latest prices", "zh-Hans": "最新价格"},
    "card.price_trend": {"en": "Prices over time (last {weeks} weeks)", "zh-Hans": "价格走势(近{weeks}周)"},
    "card.price_trend.point": {"en": "{price} ({day})", "zh-Hans": "{price}（{day}）"},
    "card.price_trend.list": {"en": " · list {price}", "zh-Hans": " · 价目表 {price}"},
    "card.price_trend.colon": {"en": ": ", "zh-Hans": "："},
    "card.no_prices": {"en": "No prices seen yet.", "zh-Hans": "尚无价格记录。"},
    "card.stock": {"en": "Latest stock", "zh-Hans": "最新库存"},
    "card.no_stock": {"en": "No stock seen yet.", "zh-Hans": "尚无库存记录。"},
    "card.stage_moves": {"en": "Stage moves", "zh-Hans": "阶段变化"},
    # visits
    "visit.saved": {"en": "✅ Visit of {date} saved:", "zh-Hans": "✅ 已保存 {date} 的拜访:"},
    "visit.already_saved": {
        "en": "This visit of {date} was already saved:",
        "zh-Hans": "{date} 的这次拜访已保存过:",
    },
    "visit.goal": {"en": "Goal:", "zh-Hans": "目标:"},
    "visit.next_step": {"en": "Next:", "zh-Hans": "下一步:"},
    "visit.summary": {"en": "Summary:", "zh-Hans": "纪要:"},
    "visit.next_visit": {"en": "Next visit planned {date}.", "zh-Hans": "计划下次拜访:{date}。"},
    "visit.new_contact": {"en": "New contact:", "zh-Hans": "新联系人:"},
    "visit.stage_moved": {"en": "Stage moved to {stage}.", "zh-Hans": "阶段已变为 {stage}。"},
    "visit.unknown_contact": {
        "en": "Some contacts do not belong to this account: {ids}.",
        "zh-Hans": "部分联系人不属于该客户:{ids}。",
    },
    "visit.not_found": {"en": "That visit no longer exists.", "zh-Hans": "该拜访记录已不存在。"},
    "visit.too_long": {"en": "Keep it under {limit} characters.", "zh-Hans": "请控制在 {limit} 个字符以内。"},
    "visit.in_future": {"en": "The visit date is in the future.", "zh-Hans": "拜访日期不能晚于现在。"},
    "visit.next_before": {
        "en": "Next visit: it should come after this visit.",
        "zh-Hans": "下次拜访:日期应晚于本次拜访。",
    },
    "visit.next_in_past": {
        "en": "Next visit: that day has passed; pick today or later.",
        "zh-Hans": "下次拜访:该日期已过,请选择今天或以后。",
    },
    "promise.due_out_of_range": {
        "en": "Due date: that is too far from today; give a date from a year ago to five years ahead.",
        "zh-Hans": "到期日：离今天太远，请填写一年前至五年后之间的日期。",
    },
    "visit.next_too_far": {
        "en": "Next visit: that is more than five years ahead; pick an earlier day.",
        "zh-Hans": "下次拜访：该日期超过五年之后，请选择更早的日期。",
    },
    "promise.due_before_visit": {
        "en": "Due date: a promise made at this visit cannot be due before it.",
        "zh-Hans": "截止日期:本次拜访中的承诺不能早于拜访日期到期。",
    },
    # accounts and access
    "account.not_found": {"en": "No account matches", "zh-Hans": "找不到客户"},
    "account.ambiguous": {"en": "Several accounts match", "zh-Hans": "匹配到多个客户"},
    "account.did_you_mean": {
        "en": "Did you mean one of these? Type its name:",
        "zh-Hans": "你是指以下哪一个?请输入名称:",
    },
    "account.gone": {"en": "That account no longer exists.", "zh-Hans": "该客户已不存在。"},
    "account.name_required": {"en": "The account needs a name.", "zh-Hans": "客户名称不能为空。"},
    "account.exists": {
        "en": "An account named “{name}” exists already.",
        "zh-Hans": "已存在名为“{name}”的客户。",
    },
    "account.unknown_stage": {"en": "“{stage}” is not a stage.", "zh-Hans": "“{stage}”不是有效阶段。"},
    "account.missing": {
        "en": "Which account? Start with its name, e.g. “Acme …”.",
        "zh-Hans": "哪个客户?请以客户名称开头,例如“宝钢 ……”。",
    },
    "access.denied.account": {
        "en": (
            "That account is not yours: only its owner or an admin can change it, and only its team "
            "and the owner's managers can see it."
        ),
        "zh-Hans": "这不是你的客户：只有负责人或管理员可以更改，只有其团队和负责人的上级可以查看。",
    },
    "access.denied.promise": {
        "en": "Only a manager of the account's team or an admin can reassign a promise.",
        "zh-Hans": "只有该客户团队的经理或管理员可以转交承诺。",
    },
    "promise.not_yours.read": {
        "en": "Promise #{id} is not yours, and its account is not one you can see.",
        "zh-Hans": "承诺 #{id} 不是你的，且它所属的客户你无法查看。",
    },
    "access.denied.visit": {
        "en": "That visit is on an account that is not yours: only its owner or an admin can change it.",
        "zh-Hans": "这次拜访属于不是你的客户：只有负责人或管理员可以更改。",
    },
    "access.denied.settings": {
        "en": "Those are someone else's settings: only they or an admin can change them.",
        "zh-Hans": "这是别人的设置：只有本人或管理员可以更改。",
    },
    "access.denied.personal_notes": {
        "en": "Personal notes are only for the account's owner, the owner's managers and admins.",
        "zh-Hans": "个人备注仅限客户负责人、其上级和管理员。",
    },
    "access.denied.admin": {"en": "Only an admin can do that.", "zh-Hans": "只有管理员可以执行此操作。"},
    "promise.not_yours.done": {
        "en": (
            "Promise #{id} is not yours, so you cannot mark it done: "
            "only its owner, the account's owner, a manager of the team or an admin can."
        ),
        "zh-Hans": (
            "承诺 #{id} 不是你的，你不能将其标为完成：只有承诺负责人、客户负责人、团队经理或管理员可以。"
        ),
    },
    "promise.not_yours.reopened": {
        "en": (
            "Promise #{id} is not yours, so you cannot reopen it: "
            "only its owner, the account's owner, a manager of the team or an admin can."
        ),
        "zh-Hans": (
            "承诺 #{id} 不是你的，你不能重新打开它：只有承诺负责人、客户负责人、团队经理或管理员可以。"
        ),
    },
    "promise.not_yours.cancelled": {
        "en": (
            "Promise #{id} is not yours, so you cannot cancel it: "
            "only its owner, the account's owner, a manager of the team or an admin can."
        ),
        "zh-Hans": ("承诺 #{id} 不是你的，你不能取消它：只有承诺负责人、客户负责人、团队经理或管理员可以。"),
    },
    "promise.not_yours.snoozed": {
        "en": (
            "Promise #{id} is not yours, so you cannot snooze it: "
            "only its owner, the account's owner, a manager of the team or an admin can."
        ),
        "zh-Hans": (
            "承诺 #{id} 不是你的，你不能推迟提醒：只有承诺负责人、客户负责人、团队经理或管理员可以。"
        ),
    },
    "promise.not_yours.rescheduled": {
        "en": (
            "Promise #{id} is not yours, so you cannot move its due date: "
            "only its owner, the account's owner, a manager of the team or an admin can."
        ),
        "zh-Hans": (
            "承诺 #{id} 不是你的，你不能更改截止日期：只有承诺负责人、客户负责人、团队经理或管理员可以。"
        ),
    },
    "access.denied_account": {
        "en": "Account: you are not allowed to write to this one; choose one of your own accounts.",
        "zh-Hans": "客户:你没有权限写入此客户,请选择你自己的客户。",
    },
    "access.read_only": {
        "en": (
            "You may see this account but are not allowed to write to it: only its owner or an admin can log "
            "visits, promises, prices or stock there. Choose one of your own accounts:"
        ),
        "zh-Hans": (
            "你可以查看此客户,但不能写入:只有负责人或管理员可以为其记录拜访、承诺、价格或库存。"
            "请选择你自己的客户:"
        ),
    },
    "user.not_found": {"en": "No such user.", "zh-Hans": "找不到该用户。"},
    "team.not_found": {"en": "No such team.", "zh-Hans": "找不到该团队。"},
    "settings.bad_timezone": {
        "en": "“{value}” is not a time zone; use a name like Asia/Shanghai or Europe/Berlin.",
        "zh-Hans": "“{value}”不是有效时区,请使用如 Asia/Shanghai 的名称。",
    },
}
