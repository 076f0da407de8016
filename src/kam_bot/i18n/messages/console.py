"""Console prompts."""

MESSAGES: dict[str, dict[str, str]] = {
    "console.welcome": {
        "en": "kam-bot console — you are {name}. Type help for commands, quit to leave.",
        "zh-Hans": "kam-bot 控制台 —— 当前用户 {name}。输入 help 查看命令,quit 退出。",
    },
    "console.unknown_command": {
        "en": "I don't know “{command}”. Type help to see what I understand.",
        "zh-Hans": "无法识别“{command}”。输入 help 查看可用命令。",
    },
    "console.usage_promise": {
        "en": "Usage: {action} PROMISE_NUMBER [DAYS]",
        "zh-Hans": "用法:{action} 承诺编号 [天数]",
    },
    "console.usage_undo": {"en": "Usage: undo price|stock NUMBER", "zh-Hans": "用法:undo price|stock 编号"},
    "console.visit_prompt": {"en": "Describe the visit in one line:", "zh-Hans": "请用一句话描述这次拜访:"},
    "console.confirm": {"en": "Save? [Y/n]", "zh-Hans": "保存?[Y/n]"},
    "console.not_saved": {
        "en": "Not saved. Here is what you typed, to paste again:",
        "zh-Hans": "未保存。以下是你输入的内容,可复制后重新输入:",
    },
    "console.ask.account": {"en": "Which account?", "zh-Hans": "哪个客户?"},
    "console.ask.due_date": {"en": "Due date for “{what}”?", "zh-Hans": "“{what}”的到期日?"},
    "console.ask.price": {"en": "Price of {what}?", "zh-Hans": "{what} 的价格?"},
    "console.ask.currency": {"en": "Currency of the {what} price?", "zh-Hans": "{what} 价格的币种?"},
    "console.ask.quantity": {"en": "Quantity of {what}?", "zh-Hans": "{what} 的数量?"},
    "console.ask.product": {"en": "Which product?", "zh-Hans": "哪个产品?"},
    "console.ask.contact": {
        "en": "Which of them is “{what}”? A number or a name, or new for someone else:",
        "zh-Hans": "“{what}”是哪一位?请输入编号或姓名,其他人请输入 new:",
    },
    "console.ask.value": {"en": "Value?", "zh-Hans": "请输入:"},
}
