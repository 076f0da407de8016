"""Microsoft Teams: the Teams SDK v2 app at ``POST /api/messages``, Adaptive Cards, proactive delivery.

Nothing outside this package imports ``microsoft_teams``.
"""

NAME = "teams"
"""Its name in the database: identities, outbox rows, digest destinations."""
