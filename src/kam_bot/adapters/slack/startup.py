"""At the start of `kam-bot serve`: does Slack accept the bot token (``auth.test``) and, for
Socket Mode, the app-level token (``apps.connections.open``)?

A revoked or mistyped token would otherwise show only later, as every reply and reminder
failing (the app token: Socket Mode retrying with a traceback every few seconds, never naming
the variable). Slack refusing a token stops the start with one line naming the variable; Slack
not answering (no network yet, an outage) is said and the server starts anyway, because the
sender retries deliveries and Socket Mode reconnects.
"""

from __future__ import annotations

import sys

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from kam_bot.adapters.slack import answers
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
        error = answers.error_code(exc)
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
    if settings.app_token:
        check_app_token(client, settings.app_token)
    return f"{answer.get('team_id')}/{answer.get('user_id')}"


APP_TOKEN_ERRORS = TOKEN_ERRORS | {"not_allowed_token_type", "invalid_token"}


def check_app_token(client: WebClient, app_token: str) -> None:
    """Raises ``SettingsError`` naming ``SLACK_APP_TOKEN`` when Slack refuses it. The Socket Mode
    URL this asks for is not used (an unused one expires on its own)."""
    try:
        client.apps_connections_open(app_token=app_token)
    except SlackApiError as exc:
        error = answers.error_code(exc)
        if error in APP_TOKEN_ERRORS:
            raise SettingsError(
                f"SLACK_APP_TOKEN: Slack refused the app-level token at apps.connections.open ({error}); "
                "create one (xapp-…) with the connections:write scope under the app's Basic Information"
            ) from None
        print(
            f"kam-bot: warning: Slack's apps.connections.open answered {error or exc}; starting anyway",
            file=sys.stderr,
        )
    except (SlackClientError, OSError) as exc:
        print(
            f"kam-bot: warning: could not reach Slack to check SLACK_APP_TOKEN ({exc}); starting anyway",
            file=sys.stderr,
        )
