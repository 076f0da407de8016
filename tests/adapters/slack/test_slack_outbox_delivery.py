"""The Slack deliverer's own client: rate limits are the outbox's job."""

from __future__ import annotations

from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from kam_bot.adapters.slack.outbox_delivery import outbox_client


def test_the_outbox_client_leaves_rate_limits_to_the_outbox() -> None:
    shared = AsyncWebClient(
        token="xoxb-t",
        base_url="http://slack.test/api/",
        timeout=12,
        retry_handlers=[AsyncRateLimitErrorRetryHandler(), AsyncConnectionErrorRetryHandler()],
    )
    copy = outbox_client(shared)
    assert (copy.token, copy.base_url, copy.timeout) == ("xoxb-t", "http://slack.test/api/", 12)
    assert [type(h) for h in copy.retry_handlers] == [AsyncConnectionErrorRetryHandler]
    assert len(shared.retry_handlers) == 2  # the adapter's own client is left as it was
