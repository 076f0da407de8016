"""Use cases: one unit of work each. Nothing here imports Slack, Teams or SQL."""
