"""/visit end to end: signed command -> prefilled modal -> submission -> DM -> Home."""

from __future__ import annotations

import json
import threading
from datetime import date
from typing import Any

import pytest
from slack_harness import (
    OTTO,
    RITA,
    SlackDriver,
    blocks_of,
    input_block,
    slack_fixture,  # noqa: F401
    texts,
    view_of,
)

from kam_bot.bootstrap import App
from kam_bot.domain.enums import PromiseDirection
from kam_bot.domain.models import Contact, InventoryObservation, PriceObservation, Promise, Visit


def _all(app: App, model: type) -> list:
    with app.uow() as uow:
        return uow.repo.all(model)


async def test_visit_from_typed_line_to_home(slack: SlackDriver) -> None:
    response = await slack.command("/visit", "Baosteel met Li Wei; we promise quote by Friday")
    assert response.status == 200 and response.body == b""

    [opened] = await slack.calls("views.open")
    assert opened.args["trigger_id"] == "1.42.trigger"
    view = view_of(opened)
    assert view["callback_id"] == "visit"
    account = input_block(view, "account")["element"]
    assert account["type"] == "external_select" and account["initial_option"]["value"] == str(
        slack.seed.baosteel.id
    )
    assert input_block(view, "new_contact_name:0")["element"]["initial_value"] == "Li Wei"
    assert input_block(view, "promise_text:0")["element"]["initial_value"] == "quote"
    assert input_block(view, "promise_due:0")["element"]["initial_date"] == "2026-11-27"  # Friday
    assert len(view["blocks"]) <= 100 and len(view["private_metadata"]) <= 3000

    submitted = await slack.submit(
        view, view_id="V_VISIT_1", changes={"next_visit_date": {"selected_date": "2026-12-03"}}
    )
    assert submitted.status == 200 and submitted.body == b""  # closes the modal

    [dm] = await slack.calls("chat.postMessage")
    assert dm.args["channel"] == RITA
    buttons = [e for b in blocks_of(dm) if b["type"] == "actions" for e in b["elements"]]
    [visit] = _all(slack.app, Visit)
    assert [b["action_id"] for b in buttons] == [f"visit.edit:{visit.id}", f"undo.visit:{visit.id}"]
    assert "quote" in texts(blocks_of(dm))
    [promise] = _all(slack.app, Promise)
    assert (promise.text, promise.due_date, promise.direction) == (
        "quote",
        date(2026, 11, 27),
        PromiseDirection.OURS,
    )
    assert promise.visit_id == visit.id
    li_wei = [c for c in _all(slack.app, Contact) if c.name == "Li Wei"]
    assert li_wei and li_wei[0].id in visit.contact_ids

    await slack.calls("views.publish")  # Home refreshed after the change
    slack.fake.reset()
    opened_home = await slack.event(
        {"type": "app_home_opened", "user": RITA, "tab": "home", "channel": "D1"}, "Ev9"
    )
    assert opened_home.status == 200
    [published] = await slack.calls("views.publish")
    home = view_of(published)
    assert published.args["user_id"] == RITA and home["type"] == "home"
    shown = texts(home)
    assert "quote" in shown and f"promise.done:{promise.id}" in shown
    assert "Thu 3 Dec 2026* · Baoshan Iron &amp; Steel" in shown  # the planned visit
    sinopec = shown.index("China Petroleum")  # never visited: overdue, listed before the account just visited
    assert sinopec < shown.index("Baoshan Iron &amp; Steel Co., Ltd.*")


async def test_double_submit_saves_once(slack: SlackDriver) -> None:
    await slack.command("/visit", "Baosteel; we promise samples by Friday")
    view = view_of((await slack.calls("views.open"))[0])
    first = await slack.submit(view, view_id="V_TWICE")
    second = await slack.submit(view, view_id="V_TWICE")
    assert first.status == second.status == 200
    await slack.calls("chat.postMessage", 2)
    assert len(_all(slack.app, Visit)) == 1
    assert len(_all(slack.app, Promise)) == 1


async def test_invalid_fields_come_back_on_their_input(slack: SlackDriver) -> None:
    await slack.command("/visit", "Baosteel met Wang Lei")
    view = view_of((await slack.calls("views.open"))[0])
    response = await slack.submit(
        view,
        changes={
            "promise_text:0": {"value": "send the price list"},
            "prices": {"value": "widget-42 cheap"},
            "summary": {"value": "kept as typed"},
        },
    )
    body = response.json()
    assert response.status == 200 and body["response_action"] == "errors"
    assert set(body["errors"]) == {"promise_due:0", "prices"}
    assert "due" in body["errors"]["promise_due:0"].lower()
    assert body["errors"]["prices"].startswith("Prices seen, one per line — Line 1")
    assert _all(slack.app, Visit) == []


async def test_every_bad_field_comes_back_in_one_answer_and_one_fix_saves(slack: SlackDriver) -> None:
    """Two bad lines (a price and a stock) and a promise due before the visit: the modal shows all
    three at once. The stock line used to be refused only after the prices were fixed."""
    await slack.command("/visit", "Baosteel; we promise samples by Friday")
    view = view_of((await slack.calls("views.open"))[0])
    typed = {
        "prices": {"value": "widget-42 4.20 USD\nwidget-43 cheap"},
        "stocks": {"value": "coil 40 cases\ncoil lots"},
        "promise_due:0": {"selected_date": "2026-11-18"},
        "summary": {"value": "kept as typed"},
    }
    body = (await slack.submit(view, changes=typed)).json()
    assert body["response_action"] == "errors"
    assert body["errors"] == {
        "prices": "Prices seen, one per line — Line 2: No price found in “widget-43 cheap”. "
        "Add it like 4.20 USD/kg.",
        "stocks": "Stock seen, one per line — Line 2: Add the quantity as a number, e.g. “120 cases”.",
        "promise_due:0": "Due date: a promise made at this visit cannot be due before it.",
    }
    assert _all(slack.app, Visit) == []

    fixed = {
        **typed,
        "prices": {"value": "widget-42 4.20 USD\nwidget-43 3.90 USD"},
        "stocks": {"value": "coil 40 cases\ncoil 12 cases"},
        "promise_due:0": {"selected_date": "2026-11-30"},
    }
    saved = await slack.submit(view, changes=fixed)
    assert saved.status == 200 and saved.body == b""  # one round of fixes, one Submit: saved
    [visit] = _all(slack.app, Visit)
    assert visit.summary == "kept as typed"
    assert sorted(p.product for p in _all(slack.app, PriceObservation)) == ["widget-42", "widget-43"]
    assert [s.quantity for s in _all(slack.app, InventoryObservation)] == [40, 12]


async def test_user_text_is_escaped_in_what_is_sent(slack: SlackDriver) -> None:
    await slack.command("/visit", "Baosteel")
    view = view_of((await slack.calls("views.open"))[0])
    await slack.submit(view, changes={"summary": {"value": "<!channel> & <@U999> <http://x|y>"}})
    [dm] = await slack.calls("chat.postMessage")
    sent = texts(blocks_of(dm)) + dm.args["text"]
    assert "&lt;!channel&gt; &amp; &lt;@U999&gt; &lt;http://x|y&gt;" in sent
    assert "<!channel>" not in sent and "<@U999>" not in sent


async def test_typed_text_nothing_understood_stays_in_summary(slack: SlackDriver) -> None:
    await slack.command("/visit", "Baosteel; the new plant manager hates delays; met Li Wei")
    view = view_of((await slack.calls("views.open"))[0])
    assert "the new plant manager hates delays" in input_block(view, "summary")["element"]["initial_value"]


async def test_unknown_account_is_shown_and_the_rest_prefilled(slack: SlackDriver) -> None:
    await slack.command("/visit", "Baoshen Iron met Li Wei; next step: send samples")
    view = view_of((await slack.calls("views.open"))[0])
    assert "initial_option" not in input_block(view, "account")["element"]
    top = view["blocks"][0]["text"]["text"]
    assert "No account matches" in top and "Baoshen Iron" in top
    assert "Baoshan Iron &amp; Steel Co., Ltd." in top  # a suggestion, escaped
    assert input_block(view, "next_step")["element"]["initial_value"] == "send samples"
    assert input_block(view, "new_contact_name:0")["element"]["initial_value"] == "Li Wei"


async def test_changing_the_account_updates_its_contacts_and_keeps_the_rest(slack: SlackDriver) -> None:
    await slack.command("/visit", "Baosteel met Wang Lei")
    view = view_of((await slack.calls("views.open"))[0])
    sinopec = slack.seed.sinopec
    current = {**view, "id": "V_OPEN", "hash": "1.x", "state": {"values": {}}}
    from slack_harness import submitted_state

    current["state"]["values"] = submitted_state(
        view,
        {
            "account": {
                "selected_option": {
                    "value": str(sinopec.id),
                    "text": {"type": "plain_text", "text": sinopec.name},
                }
            },
            "summary": {"value": "typed before switching"},
        },
    )
    response = await slack.press("visit.account", "", view=current)
    assert response.status == 200
    [updated] = await slack.calls("views.update")
    assert updated.args["view_id"] == "V_OPEN"
    new = view_of(updated)
    assert input_block(new, "summary")["element"]["initial_value"] == "typed before switching"
    assert input_block(new, "account")["block_id"] == "account~1"  # fresh ids: Slack shows these values
    assert not any(
        str(b.get("block_id", "")).startswith(f"contacts:{slack.seed.baosteel.id}") for b in new["blocks"]
    )
    assert "No contacts at this account yet" in texts(new)


async def test_account_type_ahead_finds_aliases_and_typos(slack: SlackDriver) -> None:
    typo = await slack.suggest("visit.account", "Baostel")
    alias = await slack.suggest("entry.account", "宝钢")
    assert typo.status == alias.status == 200
    for response in (typo, alias):
        options = response.json()["options"]
        assert options[0]["value"] == str(slack.seed.baosteel.id)
        assert all(len(o["text"]["text"]) <= 75 for o in options)


async def test_type_ahead_offers_only_accounts_the_typist_may_see(slack: SlackDriver) -> None:
    """Otto (no team) sees none of Rita's accounts: typing "Bao" offers nothing, as
    ``/kam accounts Bao`` says no account he can see matches."""
    mine = await slack.suggest("visit.account", "Bao")
    theirs = await slack.suggest("visit.account", "Bao", user=OTTO)
    assert [o["value"] for o in mine.json()["options"]] == [str(slack.seed.baosteel.id)]
    assert theirs.status == 200 and theirs.json()["options"] == []


async def test_many_promises_stay_within_the_modal_budget(slack: SlackDriver) -> None:
    text = "Baosteel " + "; ".join(f"we promise item {i} by Friday" for i in range(14))
    await slack.command("/visit", text)
    view = view_of((await slack.calls("views.open"))[0])
    assert len(view["blocks"]) <= 100
    assert "item 13" in json.dumps(view)  # promises past the slots are kept in the summary


async def test_undo_button_takes_the_visit_back_with_its_promises(slack: SlackDriver) -> None:
    await slack.command("/visit", "Baosteel met Li Wei; we promise quote by Friday")
    await slack.submit(view_of((await slack.calls("views.open"))[0]))
    [dm] = await slack.calls("chat.postMessage")
    [visit] = _all(slack.app, Visit)
    assert len(_all(slack.app, Promise)) == 1
    message = {"type": "message", "ts": "1700000099.000200", "text": dm.args["text"], "blocks": blocks_of(dm)}
    await slack.press(f"undo.visit:{visit.id}", str(visit.id), message=message)
    await slack.settle()
    assert _all(slack.app, Visit) == [] and _all(slack.app, Promise) == []


async def test_edit_button_corrects_the_visit(slack: SlackDriver) -> None:
    await slack.command("/visit", "Baosteel")
    await slack.submit(view_of((await slack.calls("views.open"))[0]))
    [dm] = await slack.calls("chat.postMessage")
    [visit] = _all(slack.app, Visit)
    message = {"type": "message", "ts": "1700000099.000100", "text": dm.args["text"], "blocks": blocks_of(dm)}
    await slack.press(f"visit.edit:{visit.id}", str(visit.id), message=message)
    [opened] = (await slack.calls("views.open", 2))[1:]
    edit = view_of(opened)
    assert edit["callback_id"] == "visit_edit"
    response = await slack.submit(
        edit,
        view_id="V_EDIT",
        changes={
            "summary": {"value": "Corrected summary"},
            "next_step": {"value": "call Li Wei"},
            "goal_reached": {"selected_option": {"value": "partly"}},
        },
    )
    assert response.status == 200 and response.body == b""
    await slack.calls("chat.postMessage", 2)
    [edited] = _all(slack.app, Visit)
    assert (edited.summary, edited.next_step, edited.goal_reached.value) == (
        "Corrected summary",
        "call Li Wei",
        "partly",
    )


async def test_date_rules_come_back_on_their_input(slack: SlackDriver) -> None:
    await slack.command("/visit", "Baosteel; we promise samples by Friday")
    view = view_of((await slack.calls("views.open"))[0])
    response = await slack.submit(
        view,
        changes={
            "visit_date": {"selected_date": "2026-11-20"},
            "next_visit_date": {"selected_date": "2026-11-19"},
            "promise_due:0": {"selected_date": "2026-11-18"},
        },
    )
    body = response.json()
    assert body["response_action"] == "errors"
    assert body["errors"] == {
        "next_visit_date": "Next visit: it should come after this visit.",
        "promise_due:0": "Due date: a promise made at this visit cannot be due before it.",
    }
    assert _all(slack.app, Visit) == []


async def test_edit_refuses_a_next_visit_before_the_visit_on_its_input(slack: SlackDriver) -> None:
    await slack.command("/visit", "Baosteel")
    await slack.submit(view_of((await slack.calls("views.open"))[0]))
    [dm] = await slack.calls("chat.postMessage")
    [visit] = _all(slack.app, Visit)
    message = {"type": "message", "ts": "1700000099.000100", "text": dm.args["text"], "blocks": blocks_of(dm)}
    await slack.press(f"visit.edit:{visit.id}", str(visit.id), message=message)
    [opened] = (await slack.calls("views.open", 2))[1:]
    response = await slack.submit(
        view_of(opened), view_id="V_EDIT2", changes={"next_visit_date": {"selected_date": "2026-11-01"}}
    )
    assert response.json()["errors"] == {"next_visit_date": "Next visit: it should come after this visit."}
    [unchanged] = _all(slack.app, Visit)
    assert unchanged.next_visit_date is None


async def test_edit_is_refused_to_someone_else(slack: SlackDriver) -> None:
    await slack.command("/visit", "Baosteel")
    await slack.submit(view_of((await slack.calls("views.open"))[0]))
    [visit] = _all(slack.app, Visit)
    message = {"type": "message", "ts": "1700000099.000100", "text": "x", "blocks": []}
    await slack.press(f"visit.edit:{visit.id}", str(visit.id), user="U_OTTO", message=message)
    [reply] = await slack.responses()
    assert "That visit is on an account that is not yours" in reply.args["text"]
    assert len(slack.fake.calls_to("views.open")) == 1


async def test_visit_opens_a_light_modal_at_once_then_its_form(
    slack: SlackDriver, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As in production: the light modal shows the line as typed, then becomes the prefilled form."""
    monkeypatch.setattr("kam_bot.adapters.slack.opening.FORM_WAIT", 0.0)  # as in production
    await slack.command("/visit", "Baosteel met Li Wei")
    [opened] = await slack.calls("views.open")
    assert "Reading what you typed" in texts(view_of(opened))
    assert "/visit Baosteel met Li Wei" in texts(view_of(opened))
    [updated] = await slack.calls("views.update")
    assert updated.args["view_id"].startswith("V")  # the id Slack gave the loading modal
    assert input_block(view_of(updated), "new_contact_name:0")["element"]["initial_value"] == "Li Wei"


async def test_a_form_that_fails_behind_the_light_modal_says_so_and_gives_the_line_back(
    slack: SlackDriver, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("kam_bot.adapters.slack.opening.FORM_WAIT", 0.0)

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("the form could not be built")

    monkeypatch.setattr("kam_bot.adapters.slack.modals.visit_view", broken)
    await slack.command("/visit", "Baosteel met Li Wei")
    [updated] = await slack.calls("views.update")
    assert "Something went wrong" in texts(view_of(updated))
    [reply] = await slack.responses()
    assert "nothing was saved" in reply.args["text"]
    assert "/visit Baosteel met Li Wei" in reply.args["text"]


async def test_slow_save_closes_the_modal_and_reports_by_dm(
    slack: SlackDriver, monkeypatch: pytest.MonkeyPatch
) -> None:
    await slack.command("/visit", "Baosteel")
    view = view_of((await slack.calls("views.open"))[0])
    monkeypatch.setattr("kam_bot.adapters.slack.listeners.views.SAVE_BUDGET", 0.0)
    original = slack.app.visits.log
    release = threading.Event()

    def slow_log(*args: Any, **kwargs: Any) -> Any:
        assert release.wait(timeout=10), "the test never let the save finish"
        return original(*args, **kwargs)

    monkeypatch.setattr(slack.app.visits, "log", slow_log)
    response = await slack.submit(view)
    assert response.status == 200 and response.body == b""
    assert _all(slack.app, Visit) == []  # acknowledged before the save finished
    release.set()
    [dm] = await slack.calls("chat.postMessage")
    assert "Visit of" in dm.args["text"]
    assert len(_all(slack.app, Visit)) == 1
