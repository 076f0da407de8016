"""The Slack adapter: Bolt listeners per feature, Block Kit rendering."""

NAME = "slack"
"""Its name in the database: identities, outbox rows, digest destinations."""
