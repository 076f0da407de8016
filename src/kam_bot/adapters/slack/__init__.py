"""The Slack adapter: Bolt listeners per feature, Block Kit rendering."""
