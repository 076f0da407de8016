"""Every Slack request is acknowledged, however its listener fails (``adapters/slack/acks.py``).

Bolt answers HTTP 404 ("unhandled request") after 3 s when a listener acknowledges and then
fails before Bolt looked at the acknowledgement; during a database outage a listener fails
within a millisecond of its ``ack()``. Slack shows the person a failed command.
"""

from __future__ import annotations

from urllib.parse import urlencode

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_harness import SlackDriver, asgi_request, signed_headers, slack_fixture  # noqa: F401

from kam_bot.adapters.slack.server import SlackPlatform
from kam_bot.server import create_server

FORM = "application/x-www-form-urlencoded"


async def test_a_command_that_fails_right_after_its_ack_is_answered_200_every_time(
    slack: SlackDriver,
) -> None:
    """The failure and the error handler are done within Bolt's 10 ms poll here (no one to
    tell: no user, no ``response_url``); before ``KeptAck`` each of these was a 404 after 3 s."""
    platform = SlackPlatform(slack.app, slack.settings, client=slack.client)  # closed with the driver

    @platform.bolt.command("/refused")
    async def refused(ack: AsyncAck) -> None:
        await ack()
        raise ConnectionRefusedError("the database refused the connection")

    asgi = create_server(slack.app, [platform], jobs=False)
    statuses = []
    for n in range(10):
        form = {
            "team_id": "T1",
            "channel_id": "C_SALES",
            "command": "/refused",
            "text": f"try {n}",
            "api_app_id": "A1",
            "trigger_id": slack.trigger(),
        }
        body = urlencode(form).encode()
        response = await asgi_request(asgi, "POST", "/slack/events", body, signed_headers(body, FORM))
        statuses.append(response.status)
    assert statuses == [200] * 10
