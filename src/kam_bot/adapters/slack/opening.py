"""Opening a modal inside the 3 seconds a ``trigger_id`` lives.

The prefilled view is usually ready in milliseconds (parse the line, resolve the account).
When it is not ready within ``BUDGET`` (a first-contact ``users.info``, a slow database) a
small "reading what you typed…" modal is opened with the trigger first and replaced by the
real view when it is ready, so the trigger never expires while we work.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from kam_bot.adapters.slack.blocks import escape
from kam_bot.adapters.slack.forms.elements import notice_modal
from kam_bot.domain.enums import Locale
from kam_bot.i18n import t

BUDGET = 1.5
"""Seconds of the trigger's 3 spent waiting for the real view; the rest is for views.open."""


def loading_view(loc: Locale) -> dict[str, Any]:
    return notice_modal(t("slack.loading.title", loc), escape(t("slack.loading.text", loc)), loc)


async def open_view(
    client: AsyncWebClient,
    trigger_id: str,
    build: Awaitable[dict[str, Any] | None],
    loc: Locale,
    *,
    push: bool = False,
    budget: float | None = None,
    done_view: dict[str, Any] | None = None,
) -> str | None:
    """Open the view ``build`` makes; the id of the view on screen, or None when none was needed.

    ``build`` returning None means no modal is needed (a quick entry saved directly). If that
    is only known after the loading modal opened, ``done_view`` replaces it.
    """
    task = asyncio.ensure_future(build)
    done, _ = await asyncio.wait({task}, timeout=BUDGET if budget is None else budget)
    if task in done:
        view = task.result()
        if view is None:
            return None
        opened = await (client.views_push if push else client.views_open)(trigger_id=trigger_id, view=view)
        return str(opened["view"]["id"])
    opened = await (client.views_push if push else client.views_open)(
        trigger_id=trigger_id, view=loading_view(loc)
    )
    view_id = str(opened["view"]["id"])
    try:
        view = await task
    except Exception:
        failed = notice_modal(t("slack.loading.title", loc), escape(t("slack.error.unexpected", loc)), loc)
        await client.views_update(view_id=view_id, view=failed)
        raise
    final = view if view is not None else done_view
    if final is not None:
        await client.views_update(view_id=view_id, view=final)
    return view_id
