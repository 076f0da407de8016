"""A Slack call writes its request and answer out as text only when debug lines are on
(``retry.settle_level``): slack_sdk builds that text whenever its logger has no level of its own."""

from __future__ import annotations

import logging

import pytest
from slack_harness import RITA, SlackDriver, slack_fixture  # noqa: F401

from kam_bot.adapters.slack.retry import make_client

SDK_LOGGER = "slack_sdk.web.async_base_client"


class Shown(str):
    """A message text that counts how often it is written out with ``repr`` (as debug lines do)."""

    times = 0

    def __repr__(self) -> str:
        Shown.times += 1
        return super().__repr__()


async def test_a_slack_call_writes_no_debug_text_unless_debug_lines_are_on(
    slack: SlackDriver, caplog: pytest.LogCaptureFixture
) -> None:
    sdk = logging.getLogger(SDK_LOGGER)
    kept = sdk.level
    sdk.setLevel(logging.NOTSET)  # as slack_sdk leaves it
    client = make_client(slack.settings)
    try:
        Shown.times = 0
        await client.chat_postMessage(channel=RITA, text=Shown("Visit saved"))
        assert Shown.times == 0  # posted, and never written out for a line no one reads
        with caplog.at_level(logging.DEBUG, logger=SDK_LOGGER):
            await client.chat_postMessage(channel=RITA, text=Shown("Visit saved"))
        assert Shown.times > 0 and "Sending a request" in caplog.text  # debugging the calls still works
        assert [c.args["text"] for c in slack.fake.calls_to("chat.postMessage")] == ["Visit saved"] * 2
    finally:
        await client.close()
        sdk.setLevel(kept)
