"""Feishu (飞书) and Lark: the bot in 1:1 chats and group chats, over the long connection or HTTP
event subscription, with the official ``lark-oapi`` SDK (imported only in this folder's modules
that ``build`` loads; ``platform.py`` imports none)."""

NAME = "feishu"
