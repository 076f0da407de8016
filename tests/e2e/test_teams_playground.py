"""A real Teams client end to end: the Microsoft 365 Agents Playground talking to ``kam-bot serve``'s app.

The test drives the same HTTP and WebSocket endpoints the Playground's web UI uses (see
``playground_harness``): it writes a visit with two promises, saves the card, reads the account
card, runs the reminder planner and the outbox sender (the reminder card arrives proactively)
and presses Done, which updates that card in place. ``test_teams_playground_browser.py`` does
the visit in the web page itself, in headless Chromium.

Runs in a loopback-only network namespace (root and ``unshare`` needed). Skipped when the npm
package is not installed, except in CI (``CI=true``), where it must run.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from playground_harness import (
    free_port,
    in_loopback_namespace,
    playground,
    seeded_bot,
    serve,
    skip_unless,
    unavailable,
)

TUESDAY_MORNING = datetime(2026, 11, 24, 8, 30, tzinfo=UTC)
LINE = (
    "visit Baosteel met Li Wei (purchasing); goal: trial order - partly; "
    "we promise quote by 2026-11-24; they promise PO by 2026-12-05"
)


def test_visit_save_reminder_and_done_through_the_agents_playground(tmp_path: Path) -> None:
    skip_unless(unavailable())
    if in_loopback_namespace(__file__):
        asyncio.run(scenario(tmp_path))


# -- the scenario ---------------------------------------------------------------------------


async def scenario(tmp_path: Path) -> None:
    from kam_bot.domain import models as m
    from kam_bot.domain.enums import PromiseStatus
    from kam_bot.jobs.scheduler import reminder_tick
    from kam_bot.jobs.sender import Sender
    from kam_bot.server import create_server

    seeded = seeded_bot(tmp_path, TUESDAY_MORNING)
    app, bot, alex = seeded.app, seeded.teams, seeded.alex
    bot_port, ui_port = free_port(), free_port()
    asgi = create_server(app, [bot])
    async with serve(asgi, bot_port), playground(bot_port, ui_port) as ui:
        me, chat = ui.config["currentUser"]["id"], ui.config["personalChat"]["id"]

        # a visit with two promises, typed in one line: the form comes back prefilled
        await ui.say(chat, me, LINE)
        form_id, form = await ui.next_card()
        values = inputs(form)
        assert values["promise_text:0"]["value"] == "quote"
        assert values["promise_due:1"]["value"] == "2026-12-05"
        assert values["promise_direction:1"]["value"] == "theirs"

        # Save: the card changes in place into the confirmation; the visit and promises exist
        saved = await ui.press(chat, me, form_id, "form.submit", submitted(form))
        assert "saved" in "\n".join(texts(saved)).lower(), texts(saved)
        with app.uow() as uow:
            assert len(uow.repo.all(m.Visit)) == 1
            promises = uow.repo.all(m.Promise)
        assert sorted(p.text for p in promises) == ["PO", "quote"]
        linked = app.users.by_identity("teams", ui.config["currentUser"]["aadObjectId"])
        assert linked is not None and linked.id == alex.id  # linked by email on first contact

        # the account card
        await ui.say(chat, me, "account Baosteel")
        _, account_card = await ui.next_card()
        assert any("Baoshan Iron & Steel" in t for t in texts(account_card))

        # the morning reminder arrives proactively, with Done on each promise we owe
        reminder_tick(app.jobs_context, app.clock(), "e2e")
        await Sender(app.jobs_context, {"teams": bot.deliverer}, instance="e2e").run_once()
        reminder_id, reminder = await ui.next_card()
        done = [b for b in buttons(reminder) if b["verb"] == "promise.done"]
        assert done, texts(reminder)

        # Done: the reminder card updates in place
        updated = await ui.press(chat, me, reminder_id, "promise.done", done[0]["data"])
        assert any("Done by" in t for t in texts(updated)), texts(updated)
        quote = next(p for p in promises if p.text == "quote")
        assert app.promises.get(alex, quote.id).status is PromiseStatus.DONE
        assert date(2026, 11, 24) == quote.due_date


# -- reading cards ------------------------------------------------------------------------------


def _walk(node: Any, keep: Any, out: list[Any]) -> list[Any]:
    if isinstance(node, dict):
        if keep(node):
            out.append(node)
        for value in node.values():
            _walk(value, keep, out)
    elif isinstance(node, list):
        for item in node:
            _walk(item, keep, out)
    return out


def texts(card: dict[str, Any]) -> list[str]:
    return [str(n.get("text")) for n in _walk(card.get("body"), lambda n: n.get("type") == "TextBlock", [])]


def inputs(card: dict[str, Any]) -> dict[str, dict[str, Any]]:
    found = _walk(card.get("body"), lambda n: str(n.get("type", "")).startswith("Input.") and "id" in n, [])
    return {n["id"]: n for n in found}


def buttons(card: dict[str, Any]) -> list[dict[str, Any]]:
    return _walk([card.get("body"), card.get("actions")], lambda n: n.get("type") == "Action.Execute", [])


def submitted(card: dict[str, Any]) -> dict[str, Any]:
    values = {k: v.get("value", "") for k, v in inputs(card).items()}
    save = next(b for b in buttons(card) if b["verb"] == "form.submit")
    return {**values, **save["data"]}
