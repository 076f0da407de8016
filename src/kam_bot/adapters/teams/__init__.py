"""Microsoft Teams: the Teams SDK v2 app at ``POST /api/messages``, Adaptive Cards, proactive delivery.

Nothing outside this package imports ``microsoft_teams``.
"""

import warnings

# The SDK builds a preview ("experimental") object when it is imported and warns about it on
# every start; kam-bot uses no preview API, so the operator is not told about one.
warnings.filterwarnings("ignore", message=r".* is in preview and may change", category=FutureWarning)

NAME = "teams"
"""Its name in the database: identities, outbox rows, digest destinations."""
NO_CONVERSATION = "no_teams_conversation"
"""Why a DM to a Teams identity without a stored conversation dies in the outbox."""
