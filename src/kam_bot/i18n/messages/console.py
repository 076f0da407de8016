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
    "console.usage.done": {
        "en": "Which promise? Type done and its number, e.g. done 4 (promises lists the numbers).",
        "zh-Hans": "哪一条承诺?请输入 done 加编号,例如 done 4(promises 可列出编号)。",
    },
    "console.usage.reopen": {
        "en": "Which promise? Type reopen and its number, e.g. reopen 4.",
        "zh-Hans": "哪一条承诺?请输入 reopen 加编号,例如 reopen 4。",
    },
    "console.usage.cancel": {
        "en": "Which promise? Type cancel and its number, e.g. cancel 4 (promises lists the numbers).",
        "zh-Hans": "哪一条承诺?请输入 cancel 加编号,例如 cancel 4(promises 可列出编号)。",
    },
    "console.usage.snooze": {
        "en": "Type snooze, the promise's number and how many days, e.g. snooze 4 3 (1 day if left out).",
        "zh-Hans": "请输入 snooze、承诺编号和天数,例如 snooze 4 3(不写天数则为 1 天)。",
    },
    "console.usage_undo": {
        "en": "Type undo price NUMBER or undo stock NUMBER, as shown after saving (e.g. undo price 12).",
        "zh-Hans": "请输入 undo price 编号 或 undo stock 编号,编号见保存后的提示(例如 undo price 12)。",
    },
    "console.visit_prompt": {"en": "Describe the visit in one line:", "zh-Hans": "请用一句话描述这次拜访:"},
    "console.confirm": {"en": "Save? [Y/n]", "zh-Hans": "保存?[Y/n]"},
    "console.not_saved": {
        "en": "Not saved. Here is what you typed, to paste again:",
        "zh-Hans": "未保存。以下是你输入的内容,可复制后重新输入:",
    },
    "console.ask.account": {"en": "Which account? (quit to give up)", "zh-Hans": "哪个客户?(输入 quit 放弃)"},
    "console.due_resolved": {"en": "→ due {date}", "zh-Hans": "→ 到期日 {date}"},
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
