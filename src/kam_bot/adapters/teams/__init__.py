"""Microsoft Teams: the Teams SDK v2 app at ``POST /api/messages``, Adaptive Cards, proactive delivery.

Nothing outside this package imports ``microsoft_teams``.
"""

NAME = "teams"
"""Its name in the database: identities, outbox rows, digest destinations."""
NO_CONVERSATION = "no_teams_conversation"
"""Why a DM to a Teams identity without a stored conversation dies in the outbox."""
