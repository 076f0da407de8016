"""What Slack would send: ``/visit`` slash commands and ``visit`` modal submissions, form-encoded.

People and accounts come from the loaded dataset (reps log visits at their own accounts;
Slack ids are the generator's ``U`` + user id). A submission is the modal kam-bot itself
builds (``forms.visit.build_view``) for a filled-in form, with Slack's ``state.values``
made from the values the modal shows, so what is submitted is exactly what a rep who
pressed Save without changing anything would send.
"""

from __future__ import annotations

import json
import random
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import text

from bench.apps import engine_for
from bench.people import slack_id

TEAM = "T1"


def owned_accounts(url: str, limit: int, seed: int) -> list[tuple[int, int, str]]:
    """(owner user id, account id, name) of live accounts, a deterministic sample."""
    engine = engine_for(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT owner_id, id, name FROM accounts "
                    "WHERE archived = :no AND owner_id IS NOT NULL ORDER BY id"
                ),
                {"no": False},
            ).all()
    finally:
        engine.dispose()
    rng = random.Random(f"{seed}/payload-accounts")
    picked = rng.sample(list(rows), min(limit, len(rows)))
    return [(int(o), int(a), str(n)) for o, a, n in picked]


def visit_texts(accounts: list[tuple[int, int, str]], n: int, seed: int) -> list[tuple[int, str]]:
    """(user id, text after /visit): 40 % empty, 40 % an exact account name and a note, 20 % a prefix."""
    rng = random.Random(f"{seed}/visit-texts")
    out = []
    for _ in range(n):
        owner, _, name = rng.choice(accounts)
        r = rng.random()
        if r < 0.4:
            out.append((owner, ""))
        elif r < 0.8:
            out.append((owner, f"{name}: met the buyer, promised a revised offer by Friday"))
        else:
            out.append((owner, f"{name[: max(4, len(name) // 2)]} quick call about the delivery delay"))
    return out


def command_body(user_id: int, command: str, typed: str, trigger: str, response_url: str) -> bytes:
    return urlencode(
        {
            "token": "bench",
            "team_id": TEAM,
            "team_domain": "bench",
            "channel_id": f"D{user_id:08d}",
            "channel_name": "directmessage",
            "user_id": slack_id(user_id),
            "user_name": f"user{user_id}",
            "command": command,
            "text": typed,
            "api_app_id": "ABENCH",
            "is_enterprise_install": "false",
            "response_url": response_url,
            "trigger_id": trigger,
        }
    ).encode()


# -- view submissions ------------------------------------------------------------------


def state_values(view: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Slack's ``view.state.values`` for a modal submitted as shown (initial values kept)."""
    values: dict[str, dict[str, Any]] = {}
    for block in view.get("blocks", []):
        if block.get("type") != "input":
            continue
        element = block["element"]
        kind = element["type"]
        if kind == "plain_text_input":
            state: dict[str, Any] = {"value": element.get("initial_value")}
        elif kind == "datepicker":
            state = {"selected_date": element.get("initial_date")}
        elif kind == "timepicker":
            state = {"selected_time": element.get("initial_time")}
        elif kind in {"checkboxes", "multi_static_select", "multi_external_select"}:
            state = {"selected_options": element.get("initial_options", [])}
        else:
            state = {"selected_option": element.get("initial_option")}
        values[block["block_id"]] = {element["action_id"]: {"type": kind, **state}}
    return values


def visit_form(account: tuple[int, str], contact_id: int | None, day: date) -> Any:
    """The /visit form filled in: 3 promises (2 ours, 1 theirs), 1 price and 1 stock line."""
    from kam_bot.adapters.slack.forms.visit import PromiseSlot, VisitForm
    from kam_bot.domain.enums import GoalReached, Objective, PromiseDirection

    return VisitForm(
        account=account,
        contact_ids=[contact_id] if contact_id else [],
        visit_date=day,
        objectives=[Objective.INCREASE_ORDER],
        goal="Agree the Q1 volume",
        goal_reached=GoalReached.PARTLY,
        summary="Met the purchasing team; they want a revised offer and a trial of the new grade.",
        next_step="Send the offer",
        promises=[
            PromiseSlot("Send the revised quotation", day + timedelta(days=3), PromiseDirection.OURS),
            PromiseSlot("Share the test report", day + timedelta(days=7), PromiseDirection.OURS),
            PromiseSlot("Send the PO", day + timedelta(days=14), PromiseDirection.THEIRS),
        ],
        prices="HR coil A1 4200 CNY/t",
        stocks="CR sheet B2 120 t fast",
    )


def submission_body(user_id: int, view: dict[str, Any], view_id: str) -> bytes:
    submitted = {
        **view,
        "id": view_id,
        "hash": f"h{view_id}",
        "team_id": TEAM,
        "app_id": "ABENCH",
        "state": {"values": state_values(view)},
    }
    payload = {
        "type": "view_submission",
        "team": {"id": TEAM, "domain": "bench"},
        "user": {"id": slack_id(user_id), "team_id": TEAM},
        "api_app_id": "ABENCH",
        "token": "bench",
        "trigger_id": f"trig-{view_id}",
        "view": submitted,
        "response_urls": [],
    }
    return urlencode({"payload": json.dumps(payload)}).encode()
