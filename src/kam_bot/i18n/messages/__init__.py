"""One module per area; add new areas to MESSAGE_MODULES."""

from kam_bot.i18n.messages import (
    accounts,
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
    rates,
    slack,
    teams,
    transfer,
    trust,
)

MESSAGE_MODULES = [
    common.MESSAGES,
    core.MESSAGES,
    accounts.MESSAGES,
    enums.MESSAGES,
    parser.MESSAGES,
    prefill.MESSAGES,
    forms.MESSAGES,
    commands.MESSAGES,
    console.MESSAGES,
    jobs.MESSAGES,
    insight.MESSAGES,
    transfer.MESSAGES,
    rates.MESSAGES,
    slack.MESSAGES,
    teams.MESSAGES,
    trust.MESSAGES,
]
