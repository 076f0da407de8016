"""Console prompts."""

MESSAGES: dict[str, dict[str, str]] = {
    "console.welcome": {
        "en": "kam-bot console — you are {name}. Type help for commands, quit to leave.",
        "zh-Hans": "kam-bot 控制台 —— 当前用户 {name}。输入 帮助 查看命令，quit 退出。",
    },
    "console.confirm": {"en": "Save? [Y/n]", "zh-Hans": "保存？[Y/n]"},
}
