"""At the start of `kam-bot serve`: does Slack accept the bot token? (``auth.test``)

A revoked or mistyped token would otherwise show only later, as every reply and reminder
failing. Slack refusing the token stops the start with one line naming the variable; Slack
not answering (no network yet, an outage) is said and the server starts anyway, because the
sender retries deliveries.
"""

from __future__ import annotations

import sys

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from kam_bot.adapters.slack.settings import SlackSettings
from kam_bot.config import SettingsError

TOKEN_ERRORS = {"invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired"}


def check_token(settings: SlackSettings, timeout: int = 10) -> str | None:
    """The workspace and bot the token belongs to (``T123/U123``), or None when Slack did not answer.

    Raises ``SettingsError`` naming ``SLACK_BOT_TOKEN`` when Slack refuses the token.
    """
    client = WebClient(token=settings.bot_token, base_url=settings.api_url, timeout=timeout)
    try:
        answer = client.auth_test()
    except SlackApiError as exc:
        error = str(exc.response.get("error", "")) if exc.response is not None else ""
        if error in TOKEN_ERRORS:
            raise SettingsError(
                f"SLACK_BOT_TOKEN: Slack refused the token at auth.test ({error}); "
                "copy the Bot User OAuth Token (xoxb-…) from the app's OAuth & Permissions page"
            ) from None
        print(
            f"kam-bot: warning: Slack's auth.test answered {error or exc}; starting anyway", file=sys.stderr
        )
        return None
    except (SlackClientError, OSError) as exc:
        print(
            f"kam-bot: warning: could not reach Slack to check the token ({exc}); starting anyway",
            file=sys.stderr,
        )
        return None
    return f"{answer.get('team_id')}/{answer.get('user_id')}"
