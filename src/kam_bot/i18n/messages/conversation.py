"""The confirm-and-save conversation (``handlers.conversation``): its questions and answers."""

MESSAGES: dict[str, dict[str, str]] = {
    "conversation.not_saved": {
        "en": "Not saved. Here is what you typed, to paste again:",
        "zh-Hans": "未保存。以下是你输入的内容，可复制后重新输入：",
    },
    "conversation.ask.account": {
        "en": "Which account? (accounts lists yours, new NAME adds one, quit gives up)",
        "zh-Hans": "哪个客户？（输入 客户列表 查看你的客户，新建 名称 添加客户，quit 放弃）",
    },
    "conversation.due_resolved": {"en": "→ due {date}", "zh-Hans": "→ 到期日 {date}"},
    "conversation.ask.due_date": {"en": "Due date for “{what}”?", "zh-Hans": "“{what}”的到期日？"},
    "conversation.ask.price": {"en": "Price of {what}?", "zh-Hans": "{what} 的价格？"},
    "conversation.ask.currency": {"en": "Currency of the {what} price?", "zh-Hans": "{what} 价格的币种？"},
    "conversation.ask.quantity": {"en": "Quantity of {what}?", "zh-Hans": "{what} 的数量？"},
    "conversation.ask.product": {"en": "Which product?", "zh-Hans": "哪个产品？"},
    "conversation.ask.contact": {
        "en": "Which of them is “{what}”? A number or a name, or new for someone else:",
        "zh-Hans": "“{what}”是哪一位？请输入编号或姓名，其他人请输入 new：",
    },
    "conversation.ask.value": {"en": "What should “{what}” be?", "zh-Hans": "“{what}”应填写什么？"},
    "conversation.ask.line": {
        "en": "Describe the visit in one line:",
        "zh-Hans": "请用一句话描述这次拜访：",
    },
    "conversation.ask.our_share_pct": {
        "en": "Our share of {what}'s stock, in % (0 to 100)?",
        "zh-Hans": "{what} 库存中我方占比多少（0 到 100 的百分比）？",
    },
    "conversation.ask.text": {"en": "What was promised?", "zh-Hans": "承诺的内容是什么？"},
    "conversation.ask.competitor": {"en": "Which competitor?", "zh-Hans": "哪个竞争对手？"},
    "conversation.confirm": {
        "en": "Save? Answer yes, edit or no.",
        "zh-Hans": "保存吗？请回答 是、修改 或 否。",
    },
    "conversation.confirm_again": {
        "en": "Answer yes to save, edit to change the line, or no to drop it.",
        "zh-Hans": "回答 是 保存，修改 以更改内容，否 放弃。",
    },
    "conversation.edit": {
        "en": "Change the line and send it again; nothing was saved:",
        "zh-Hans": "请修改后重新发送，尚未保存：",
    },
    "conversation.expired": {
        "en": (
            "That draft was left open too long ({minutes} minutes) and expired; nothing was saved. "
            "Here is what you typed, to send again:"
        ),
        "zh-Hans": "该草稿超过 {minutes} 分钟未确认，已失效，未保存。以下是你输入的内容，可重新发送：",
    },
    "conversation.dropped": {
        "en": "The draft you had open was not saved. Here is what you typed, to send again:",
        "zh-Hans": "之前未确认的草稿没有保存。以下是你输入的内容，可重新发送：",
    },
    "conversation.none_open": {
        "en": "There is no draft waiting for an answer; type a command (help lists them).",
        "zh-Hans": "当前没有待确认的草稿，请输入命令（帮助 可列出命令）。",
    },
    "conversation.button.save": {"en": "Save", "zh-Hans": "保存"},
    "conversation.button.edit": {"en": "Edit", "zh-Hans": "修改"},
    "conversation.button.cancel": {"en": "Cancel", "zh-Hans": "取消"},
}
