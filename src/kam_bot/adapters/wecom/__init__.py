"""WeCom (企业微信): kam-bot as a self-built internal app (自建应用) with its callback URL.

People type the command language in the app's 1:1 chat; replies, reminders and briefs come
back as text and template cards (button interaction); a team's weekly digest goes to an app
group chat the bot created, or to a group robot's webhook. See README "Running it in WeCom".
"""

NAME = "wecom"
"""Its name in the database: identities (``wecom_id`` in users.csv), outbox rows, digests."""
