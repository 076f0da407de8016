"""The visit card in the Agents Playground's own web page: headless Chromium (Debian's
``chromium``, driven by Playwright, no browser download) types the visit line, reads the card
and presses Save, as a person would.

This is what the HTTP-level test cannot see: the page renders the card with the Adaptive Cards
JS renderer, which builds the Save request itself (a ``key`` in the button's data made it
throw "Cannot assign to read only property 'key'" and send nothing). Runs in a loopback-only
network namespace like ``test_teams_playground.py``; skipped without chromium or Playwright,
except in CI (``CI=true``), where ``.ci/run`` installs them and it must run.
"""

from __future__ import annotations

import asyncio
import importlib.util
import re
import shutil
from datetime import UTC, datetime
from pathlib import Path

from playground_harness import (
    free_port,
    in_loopback_namespace,
    playground,
    seeded_bot,
    serve,
    skip_unless,
    unavailable,
)

MONDAY_MORNING = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
LINE = (
    "visit Baosteel met Li Wei (purchasing); goal: trial order - partly; "
    "we promise quote by Friday; they promise PO in 2 weeks"
)
WAIT_MS = 30_000


def _no_browser() -> str | None:
    if shutil.which("chromium") is None:
        return "chromium is not installed (apt-get install chromium)"
    if importlib.util.find_spec("playwright") is None:
        return "Playwright is not installed (pip install playwright)"
    return None


def test_the_visit_card_saves_from_the_playgrounds_web_page(tmp_path: Path) -> None:
    skip_unless(unavailable() or _no_browser())
    if in_loopback_namespace(__file__):
        asyncio.run(scenario(tmp_path))


async def scenario(tmp_path: Path) -> None:
    from playwright.async_api import TimeoutError as PlaywrightTimeout
    from playwright.async_api import async_playwright

    from kam_bot.domain import models as m
    from kam_bot.server import create_server

    seeded = seeded_bot(tmp_path, MONDAY_MORNING)
    app = seeded.app
    bot_port, ui_port = free_port(), free_port()
    async with (
        serve(create_server(app, [seeded.teams]), bot_port),
        playground(bot_port, ui_port) as ui,
        async_playwright() as pw,
    ):
        browser = await pw.chromium.launch(executable_path=shutil.which("chromium"), args=["--no-sandbox"])
        page = await browser.new_page(viewport={"width": 1400, "height": 1400})
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(e.message))
        await page.goto(ui.base)

        # the visit line, typed in the chat's message box
        await page.locator('[data-lexical-editor="true"]').click(timeout=WAIT_MS)
        await page.keyboard.type(LINE)
        await page.keyboard.press("Enter")
        save = page.get_by_role("button", name="Save")
        await save.wait_for(timeout=WAIT_MS)
        fields = page.get_by_role("combobox")
        # README "What the Playground cannot do": its renderer shows a type-ahead's value
        with app.uow() as uow:
            [baosteel] = uow.repo.all(m.Account)
        assert await fields.first.input_value() == str(baosteel.id)
        typed = [await box.input_value() for box in await page.locator(".ac-adaptiveCard input").all()]
        assert {"Li Wei", "purchasing", "quote", "PO"} <= set(typed), typed

        # Save: the page sends the card's values; the card turns into the confirmation
        await save.click()
        try:
            await page.get_by_text(re.compile("saved: Baoshan Iron & Steel")).wait_for(timeout=WAIT_MS)
        except PlaywrightTimeout:
            raise AssertionError(f"Save showed no confirmation; the page's errors: {errors}") from None
        assert errors == [], errors
        with app.uow() as uow:
            assert len(uow.repo.all(m.Visit)) == 1
            promises = uow.repo.all(m.Promise)
        assert sorted((p.text, p.due_date.isoformat()) for p in promises) == [
            ("PO", "2026-12-07"),
            ("quote", "2026-11-27"),
        ]
        await browser.close()
