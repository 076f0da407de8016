"""kam-bot: a chat bot for key-account sales teams."""

__version__ = "0.1.0"
