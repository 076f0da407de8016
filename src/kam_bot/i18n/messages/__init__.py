"""One module per area; add new areas to MESSAGE_MODULES."""

from kam_bot.i18n.messages import common, parser

MESSAGE_MODULES = [common.MESSAGES, parser.MESSAGES]
