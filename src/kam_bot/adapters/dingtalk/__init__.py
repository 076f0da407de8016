"""DingTalk (钉钉): an internal enterprise app with the robot capability.

Messages come in over the official ``dingtalk-stream`` SDK's Stream connection (the default,
``DINGTALK_MODE=stream``: no public URL) or as signed HTTP callbacks at ``POST
/dingtalk/events`` (``DINGTALK_MODE=http``); both are answered through the shared text
conversation (``handlers.chat.TextChat``). Reminders, briefs, escalations and the weekly digest
are sent proactively through the open platform's robot APIs by the outbox. Nothing outside this
package imports ``dingtalk_stream``.
"""

NAME = "dingtalk"
"""Its name in the database: identities, outbox rows, digest destinations."""
INVALID_USER = "dingtalk_invalid_user"
"""Why a DM dies in the outbox when DingTalk says the user id is not a member of the organisation."""
