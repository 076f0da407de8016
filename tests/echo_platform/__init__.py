"""Echo: a chat platform of a few dozen lines with only text in and text and buttons out, kept
under tests/ to prove a platform is one folder (issue 19). Nothing outside this folder and
``tests/test_echo_platform.py`` names it.

Its "server" is a list: what the bot posts (DMs, digests) is appended to ``EchoDeliverer.posted``
as a real platform's API would store it; a person's message is ``POST /echo/messages``
``{"user": ID, "text": …}`` or a button ``{"user": ID, "press": ACTION_ID, "value": V}``.
"""

NAME = "echo"
