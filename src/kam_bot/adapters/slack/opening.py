"""Opening a modal inside the 3 seconds a ``trigger_id`` lives.

When the view is not ready within the caller's budget (``BUDGET`` by default) a small
"reading what you typed…" modal is opened with the trigger first and replaced
(``views.update``) by the real view when it is ready, so the trigger never expires while we
work. A slash command's form does not wait (``FORM_WAIT``): parsing the line and resolving
the account take tens of milliseconds alone and much longer under load (every request's form
built on two cores), so the rep sees a modal at once and the form a moment later. The light
modal shows the line as typed, and a failure replaces it with the error (the error handler
then sends the line back to paste again).
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
FORM_WAIT = 0.0
"""Seconds a slash command's form may take before the light modal opens first. Zero: a form
takes tens of milliseconds even alone (none of 1,300 bench forms, at c=1 and c=10, was ready
within 5 ms), so waiting only delays the modal the rep is waiting for."""
TYPED_SHOWN = 500
"""Characters of the typed line the light modal shows (a section holds 3,000)."""


def loading_view(loc: Locale, typed: str | None = None) -> dict[str, Any]:
    text = escape(t("slack.loading.text", loc))
    if typed:
        shown = typed if len(typed) <= TYPED_SHOWN else typed[:TYPED_SHOWN] + "…"
        text += "\n>" + escape(" ".join(shown.split()))
    return notice_modal(t("slack.loading.title", loc), text, loc)


async def open_view(
    client: AsyncWebClient,
    trigger_id: str,
    build: Awaitable[dict[str, Any] | None],
    loc: Locale,
    *,
    push: bool = False,
    budget: float | None = None,
    done_view: dict[str, Any] | None = None,
    typed: str | None = None,
) -> str | None:
    """Open the view ``build`` makes; the id of the view on screen, or None when none was needed.

    ``build`` returning None means no modal is needed (a quick entry saved directly). If that
    is only known after the loading modal opened, ``done_view`` replaces it. ``typed``: the
    line the loading modal shows while the view is built.
    """
    task = asyncio.ensure_future(build)
    done, _ = await asyncio.wait({task}, timeout=BUDGET if budget is None else budget)
    if task in done:
        view = task.result()
        if view is None:
            return None
        opened = await (client.views_push if push else client.views_open)(trigger_id=trigger_id, view=view)
        return str(opened["view"]["id"])
    view_id = await open_loading(client, trigger_id, loc, typed, push=push)
    try:
        view = await task
    except Exception:
        await show_failure(client, view_id, loc)
        raise
    final = view if view is not None else done_view
    if final is not None:
        await client.views_update(view_id=view_id, view=final)
    return view_id


async def open_loading(
    client: AsyncWebClient, trigger_id: str, loc: Locale, typed: str | None, *, push: bool = False
) -> str:
    """Open the light modal with the trigger; the id of the view on screen."""
    opened = await (client.views_push if push else client.views_open)(
        trigger_id=trigger_id, view=loading_view(loc, typed)
    )
    return str(opened["view"]["id"])


async def show_failure(client: AsyncWebClient, view_id: str, loc: Locale) -> None:
    """The light modal says the form could not be made (the error handler gives the line back)."""
    failed = notice_modal(t("slack.loading.title", loc), escape(t("slack.error.unexpected", loc)), loc)
    await client.views_update(view_id=view_id, view=failed)
