"""One module per area; add new areas to MESSAGE_MODULES."""

from kam_bot.i18n.messages import (
    commands,
    common,
    console,
    core,
    enums,
    forms,
    insight,
    jobs,
    parser,
    prefill,
    slack,
    transfer,
)

MESSAGE_MODULES = [
    common.MESSAGES,
    core.MESSAGES,
    enums.MESSAGES,
    parser.MESSAGES,
    prefill.MESSAGES,
    forms.MESSAGES,
    commands.MESSAGES,
    console.MESSAGES,
    jobs.MESSAGES,
    insight.MESSAGES,
    transfer.MESSAGES,
    slack.MESSAGES,
]
