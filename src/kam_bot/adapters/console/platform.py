"""The console as a platform: a name people have ids on (``kam-bot shell --as``), nothing served."""

NAME = "console"
