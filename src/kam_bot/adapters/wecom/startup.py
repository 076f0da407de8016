"""At the start of `kam-bot serve`: does WeCom accept the corp id and the app's secret?

A mistyped secret would otherwise show only as every reply and reminder failing. WeCom refusing
the credentials (``gettoken``: 40013 corp id, 40001 secret) stops the start with one line naming
the variable; an app created after 20 June 2022 called from an IP it does not trust (60020)
names what the admin must set; WeCom not answering is said and the server starts anyway.
"""

from __future__ import annotations

import asyncio
import sys

from kam_bot.config import SettingsError

from .api import UnreadableError, WecomApi, WecomError
from .settings import WecomSettings

REFUSED = {
    40013: "WECOM_CORP_ID: WeCom does not know this corp id (My company → Company info → 企业ID)",
    40001: "WECOM_SECRET: WeCom refused the secret; copy the app's Secret (App management → the app)",
    60020: (
        "WECOM_SECRET: WeCom refuses calls from this server's IP (60020): add it to the app's "
        "企业可信IP (trusted IPs) in the admin console"
    ),
}


def check_token(settings: WecomSettings, timeout: float = 10.0) -> None:
    async def fetch() -> None:
        api = WecomApi(
            settings.api_url, str(settings.corp_id), str(settings.secret), int(str(settings.agent_id))
        )
        try:
            await asyncio.wait_for(api.token(), timeout)
        finally:
            await api.close()

    try:
        asyncio.run(fetch())
    except WecomError as exc:
        if exc.errcode in REFUSED:
            raise SettingsError(REFUSED[exc.errcode]) from None
        print(
            f"kam-bot: warning: WeCom's gettoken answered errcode {exc.errcode}; starting anyway",
            file=sys.stderr,
        )
    except (UnreadableError, OSError, TimeoutError) as exc:
        print(
            f"kam-bot: warning: could not reach WeCom to check the secret ({exc}); starting anyway",
            file=sys.stderr,
        )
    except Exception as exc:  # aiohttp's client errors
        print(
            f"kam-bot: warning: could not reach WeCom to check the secret ({exc}); starting anyway",
            file=sys.stderr,
        )
