"""The personal chat through the real Teams SDK: authentication, first contact, commands, the visit card."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator, Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from card_schema import assert_valid_card, buttons, inputs, submitted, texts
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy import Engine
from teams_harness import CLIENT_ID, NEWBIE, RITA, TeamsDriver, start_teams

from kam_bot.bootstrap import App
from kam_bot.domain import models as m
from kam_bot.domain.enums import PromiseDirection, PromiseStatus
from kam_bot.services.transfer import import_csv
from kam_bot.services.users import PlatformProfile


@pytest.fixture
async def teams(sqlite_engine: Engine, make_app: Callable[[Engine], App]) -> AsyncIterator[TeamsDriver]:
    driver = await start_teams(sqlite_engine, make_app)
    yield driver
    await driver.close()


def all_of(app: App, model: type[m.E]) -> list[m.E]:  # type: ignore[name-defined]
    with app.uow() as uow:
        return uow.repo.all(model)


# -- authentication ---------------------------------------------------------------------


async def test_requests_without_a_valid_bot_framework_token_are_refused(teams: TeamsDriver) -> None:
    activity = teams.activity("message", text="help")
    assert (await teams.post(activity, token="")).status_code == 401
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = teams.fake.sign(CLIENT_ID, teams.fake.url, key=stranger)
    assert (await teams.post(activity, token=forged)).status_code == 401
    other_bot = teams.fake.sign("another-bot-id", teams.fake.url)
    assert (await teams.post(activity, token=other_bot)).status_code == 401
    elsewhere = teams.fake.sign(CLIENT_ID, "https://evil.example/")
    assert (await teams.post(activity, token=elsewhere)).status_code == 401
    assert teams.fake.sent() == []  # nothing was answered
    assert (await teams.post(activity)).status_code == 200
    assert len(teams.fake.sent("POST")) == 1


# -- first contact ----------------------------------------------------------------------


async def test_first_message_links_an_imported_user_by_email_and_stores_the_chat(teams: TeamsDriver) -> None:
    users_before = len(all_of(teams.app, m.User))
    await teams.say("help")
    rita = teams.app.users.get(teams.seed.rep.id)
    assert rita.identities["teams"] == RITA["aadObjectId"]
    assert len(all_of(teams.app, m.User)) == users_before
    ref = teams.app.conversation_refs.get("teams", RITA["aadObjectId"])
    assert ref is not None
    assert ref.conversation_id == "a:chat-aad-rita" and ref.service_url == teams.fake.url
    assert ref.user_id == rita.id and ref.tenant_id == "tenant-1"


async def test_a_new_person_is_created_with_name_locale_and_time_zone(teams: TeamsDriver) -> None:
    activity = teams.activity("message", NEWBIE, text="help", locale="zh-CN", localTimezone="Europe/Berlin")
    assert (await teams.post(activity)).status_code == 200
    nina = teams.app.users.by_identity("teams", NEWBIE["aadObjectId"])
    assert nina is not None
    assert (nina.display_name, nina.timezone, nina.locale.value) == ("Nina New", "Europe/Berlin", "zh-Hans")
    _, card = teams.last_card()
    assert card["lang"] == "zh"  # answered in her language


async def test_a_pending_owner_takes_the_teams_time_zone_and_language(
    teams: TeamsDriver, tmp_path: Path
) -> None:
    accounts = tmp_path / "accounts.csv"
    accounts.write_text("name,owner\nAnshan Steel,nina@example.com\n", encoding="utf-8")
    report = import_csv(teams.app, "accounts", accounts, actor=teams.seed.admin)
    assert report.users_created == ["nina@example.com"]  # pending: UTC and English, chosen by nobody
    teams.fake.members[NEWBIE["id"]] = {**NEWBIE, "email": "nina@example.com"}
    activity = teams.activity("message", NEWBIE, text="help", locale="zh-CN", localTimezone="Asia/Shanghai")
    assert (await teams.post(activity)).status_code == 200
    nina = teams.app.users.find("nina@example.com")
    assert nina is not None and nina.identities == {"teams": NEWBIE["aadObjectId"]}
    assert (nina.display_name, nina.timezone, nina.locale.value) == ("Nina New", "Asia/Shanghai", "zh-Hans")
    _, card = teams.last_card()
    assert card["lang"] == "zh"
    # imported with his Teams id and no time zone: his first message fills it in
    users = tmp_path / "users.csv"
    users.write_text("email,display_name,role,teams_id\nmax@example.com,Max,rep,aad-max\n", encoding="utf-8")
    assert import_csv(teams.app, "users", users, actor=teams.seed.admin).errors == []
    max_ = {"id": "29:max", "aadObjectId": "aad-max", "name": "Max"}
    said = teams.activity("message", max_, text="help", locale="zh-CN", localTimezone="Asia/Tokyo")
    assert (await teams.post(said)).status_code == 200
    met = teams.app.users.find("max@example.com")
    assert met is not None and (met.timezone, met.locale.value) == ("Asia/Tokyo", "zh-Hans")
    # a language she then chooses herself is hers: meeting her again elsewhere does not undo it
    teams.app.users.update_settings(nina, locale="en")
    again = teams.app.users.ensure(
        PlatformProfile(platform="slack", external_id="U_NINA", display_name="Nina", email="nina@example.com",
                        timezone="Europe/Paris", locale="zh-CN")
    )  # fmt: skip
    assert (again.timezone, again.locale.value) == ("Europe/Paris", "en")


async def test_installation_stores_the_reference_and_says_hello(teams: TeamsDriver) -> None:
    install = teams.activity("installationUpdate", NEWBIE, action="add")
    assert (await teams.post(install)).status_code == 200
    assert teams.app.conversation_refs.get("teams", NEWBIE["aadObjectId"]) is not None
    _, card = teams.last_card()
    assert_valid_card(card)
    assert any("visit" in text for text in texts(card))


async def test_conversation_update_adding_the_bot_stores_the_reference(teams: TeamsDriver) -> None:
    update = teams.activity(
        "conversationUpdate", RITA, membersAdded=[{"id": f"28:{CLIENT_ID}", "name": "kam-bot"}]
    )
    assert (await teams.post(update)).status_code == 200
    assert teams.app.conversation_refs.get("teams", RITA["aadObjectId"]) is not None


# -- commands ---------------------------------------------------------------------------


async def test_account_card_escapes_what_people_typed(teams: TeamsDriver) -> None:
    await teams.say("account <at>Boss</at> **now**")
    _, card = teams.last_card()
    assert_valid_card(card)
    joined = "\n".join(texts(card))
    assert "<at>" not in joined and "\\<at\\>Boss\\</at\\>" in joined
    assert "\\*\\*now\\*\\*" in joined


async def test_a_complete_promise_saves_at_once_and_undo_cancels_it_in_place(teams: TeamsDriver) -> None:
    await teams.say("promise Baosteel send the samples by 2026-11-27")
    message_id, card = teams.last_card()
    assert_valid_card(card)
    [promise] = all_of(teams.app, m.Promise)
    assert (promise.text, promise.due_date) == ("send the samples", date(2026, 11, 27))
    [undo] = [b for b in buttons(card) if b["verb"] == "promise.cancel"]
    response = await teams.press("promise.cancel", undo["data"], message_id)
    assert response["type"] == "application/vnd.microsoft.card.adaptive"
    updated = response["value"]
    assert_valid_card(updated)
    assert any("Cancelled by Rita Rep" in t for t in texts(updated))
    assert not [b for b in buttons(updated) if b["verb"] == "promise.cancel"]
    assert teams.app.promises.get(teams.app.users.get(teams.seed.rep.id), promise.id).status is (
        PromiseStatus.CANCELLED
    )


async def test_an_incomplete_quick_entry_answers_with_its_form_and_saves_it_once(teams: TeamsDriver) -> None:
    await teams.say("price Baosteel widget-42")
    message_id, card = teams.last_card()
    assert_valid_card(card)
    assert all_of(teams.app, m.PriceObservation) == []
    fields = inputs(card)
    assert fields["account"]["value"] == str(teams.seed.baosteel.id)
    assert fields["product"]["value"] == "widget-42"
    assert card["body"][1]["type"] == "Container" and card["body"][1]["style"] == "attention"
    data = submitted(card, price="4.20", currency="USD")
    saved = await teams.press("form.submit", data, message_id)
    assert_valid_card(saved["value"])
    again = await teams.press("form.submit", data, message_id)  # a double click
    assert any("Already saved" in t for t in texts(again["value"]))
    [price] = all_of(teams.app, m.PriceObservation)
    assert (price.product, str(price.price), price.currency) == ("widget-42", "4.2000", "USD")


async def test_unknown_words_are_answered_in_plain_words(teams: TeamsDriver) -> None:
    await teams.say("frobnicate now")
    _, card = teams.last_card()
    assert any("frobnicate" in t and "help" in t for t in texts(card))


async def test_account_search_answers_the_cards_typeahead(teams: TeamsDriver) -> None:
    response = await teams.search("baost")
    assert response["type"] == "application/vnd.microsoft.search.searchResponse"
    results = response["value"]["results"]
    assert results[0]["value"] == str(teams.seed.baosteel.id)
    assert "Baosteel" in results[0]["title"]


async def test_account_search_offers_only_accounts_the_searcher_may_see(teams: TeamsDriver) -> None:
    assert (await teams.search("baost", NEWBIE))["value"]["results"] == []


# -- the visit card ---------------------------------------------------------------------

LINE = (
    "visit Baosteel met Li Wei (purchasing) and Wang Lei; goal: trial order - partly; "
    "we promise quote by 2026-11-27; they promise PO by 2026-12-05; price widget-42 4.20 USD/kg"
)


async def test_visit_answers_with_a_form_prefilled_by_the_parser(teams: TeamsDriver) -> None:
    await teams.say(LINE)
    _, card = teams.last_card()
    assert_valid_card(card)
    fields = inputs(card)
    assert fields["account"]["value"] == str(teams.seed.baosteel.id)
    assert fields["account"]["choices.data"] == {"type": "Data.Query", "dataset": "accounts"}
    assert fields["goal"]["value"] == "trial order"
    assert fields["goal_reached"]["value"] == "partly"
    assert (fields["promise_text:0"]["value"], fields["promise_due:0"]["value"]) == ("quote", "2026-11-27")
    assert fields["promise_direction:0"]["value"] == "ours"
    assert (fields["promise_text:1"]["value"], fields["promise_due:1"]["value"]) == ("PO", "2026-12-05")
    assert fields["promise_direction:1"]["value"] == "theirs"
    chain = fields[f"contacts:{teams.seed.baosteel.id}"]
    assert chain["value"] == str(teams.seed.contact.id)  # Wang Lei, already in the decision chain
    assert (fields["new_contact_name:0"]["value"], fields["new_contact_title:0"]["value"]) == (
        "Li Wei",
        "purchasing",
    )
    assert fields["prices"]["value"] == "widget-42 4.2 USD/kg"
    assert all_of(teams.app, m.Visit) == []  # nothing is written before Save


async def test_save_writes_once_and_the_card_becomes_the_confirmation(teams: TeamsDriver) -> None:
    await teams.say(LINE)
    message_id, card = teams.last_card()
    data = submitted(card)
    first = await teams.press("form.submit", data, message_id)
    confirmation = first["value"]
    assert_valid_card(confirmation)
    assert any("saved" in t for t in texts(confirmation))
    second = await teams.press("form.submit", data, message_id)  # a double click
    assert any("already" in t.lower() for t in texts(second["value"]))
    [visit] = all_of(teams.app, m.Visit)
    promises = sorted(all_of(teams.app, m.Promise), key=lambda p: p.due_date)
    assert [(p.text, p.direction, p.due_date) for p in promises] == [
        ("quote", PromiseDirection.OURS, date(2026, 11, 27)),
        ("PO", PromiseDirection.THEIRS, date(2026, 12, 5)),
    ]
    assert visit.goal == "trial order"
    assert len(all_of(teams.app, m.PriceObservation)) == 1
    names = {c.name for c in all_of(teams.app, m.Contact)}
    assert {"Li Wei", "Wang Lei"} <= names
    assert len([c for c in all_of(teams.app, m.Contact) if c.name == "Wang Lei"]) == 1  # matched, not doubled


async def test_save_carries_no_key_field_and_an_older_card_with_one_saves_once(teams: TeamsDriver) -> None:
    # `key` in an Action's data breaks Save in the Adaptive Cards JS renderer (the Agents Playground)
    await teams.say(LINE)
    message_id, card = teams.last_card()
    assert all("key" not in b["data"] for b in buttons(card)), buttons(card)
    data = submitted(card)
    data["key"] = data.pop("submission")  # a card posted before the field was renamed
    await teams.press("form.submit", data, message_id)
    second = await teams.press("form.submit", data, message_id)
    assert any("already" in t.lower() for t in texts(second["value"]))
    assert len(all_of(teams.app, m.Visit)) == 1


async def test_errors_come_back_on_the_card_with_the_input_kept(teams: TeamsDriver) -> None:
    await teams.say(LINE)
    message_id, card = teams.last_card()
    data = submitted(card, **{"promise_due:0": ""}, next_visit_date="2026-11-01", prices="widget-42 lots")
    response = await teams.press("form.submit", data, message_id)
    again = response["value"]
    assert_valid_card(again)
    shown = "\n".join(texts(again))
    assert "when is it due" in shown.lower()
    assert "next visit" in shown.lower()
    assert "Line 1" in shown
    fields = inputs(again)
    assert fields["promise_text:0"]["value"] == "quote"
    assert fields["prices"]["value"] == "widget-42 lots"
    assert fields["goal"]["value"] == "trial order"
    assert all_of(teams.app, m.Visit) == []


def _marked(card: dict[str, Any]) -> dict[str, str]:
    """Input id -> the error shown right under it (an Attention TextBlock)."""
    flat: list[dict[str, Any]] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "TextBlock" or str(node.get("type", "")).startswith("Input."):
                flat.append(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(card.get("body", []))
    return {
        node["id"]: after["text"]
        for node, after in itertools.pairwise(flat)
        if "id" in node and after.get("type") == "TextBlock" and after.get("color") == "Attention"
    }


async def test_every_bad_field_is_marked_on_the_card_at_once_with_everything_kept(teams: TeamsDriver) -> None:
    await teams.say(LINE)
    message_id, card = teams.last_card()
    typed = {
        "prices": "widget-42 4.20 USD\nwidget-43 cheap",
        "stocks": "coil 40 cases\ncoil lots",
        "promise_due:1": "2026-11-20",
        "summary": "kept as typed",
    }
    response = await teams.press("form.submit", submitted(card, **typed), message_id)
    again = response["value"]
    assert_valid_card(again)
    assert _marked(again) == {
        "prices": "Prices seen, one per line — Line 2: No price found in “widget-43 cheap”. "
        "Add it like 4.20 USD/kg.",
        "stocks": "Stock seen, one per line — Line 2: Add the quantity as a number, e.g. “120 cases”.",
        "promise_due:1": "Due date: a promise made at this visit cannot be due before it.",
    }
    shown = {k: v.get("value") for k, v in inputs(again).items()}
    for field_id, value in {**submitted(card), **typed}.items():
        if field_id in shown:
            assert shown[field_id] == value, field_id  # everything typed is kept
    assert all_of(teams.app, m.Visit) == []


async def test_saving_without_an_account_asks_for_one(teams: TeamsDriver) -> None:
    await teams.say("visit Nonexistent Corp met Li Wei; goal: intro")
    message_id, card = teams.last_card()
    assert_valid_card(card)
    assert "value" not in inputs(card)["account"]
    response = await teams.press("form.submit", submitted(card), message_id)
    assert any("Choose the account" in t for t in texts(response["value"]))
    picked = submitted(card, account=str(teams.seed.sinopec.id))
    saved = await teams.press("form.submit", picked, message_id)
    assert any("saved" in t for t in texts(saved["value"]))
    [visit] = all_of(teams.app, m.Visit)
    assert visit.account_id == teams.seed.sinopec.id


async def test_a_card_submitted_as_a_message_with_value_updates_that_message(teams: TeamsDriver) -> None:
    """Clients without the Universal Action Model send ``Action.Submit`` data as a message ``value``."""
    await teams.say("promise Baosteel call back by 2026-11-30")
    message_id, card = teams.last_card()
    [undo] = [b for b in buttons(card) if b["verb"] == "promise.cancel"]
    value = {"verb": "promise.cancel", **undo["data"]}
    response = await teams.post(teams.activity("message", value=value, replyToId=message_id))
    assert response.status_code == 200
    [update] = teams.fake.sent("PUT")
    assert update.activity_id == message_id
    assert any("Cancelled" in t for t in texts(update.card))


async def test_an_imported_conversation_id_is_recognised_and_reachable(teams: TeamsDriver) -> None:
    """An import may give the ``29:`` id instead of the AAD object id: both find the person."""
    from kam_bot.adapters.teams.delivery import TeamsDeliverer
    from kam_bot.domain.enums import Locale
    from kam_bot.handlers.replies import Reply
    from kam_bot.jobs.delivery import Outgoing

    tom = teams.seed.teammate
    with teams.app.uow() as uow:
        uow.repo.link_identity(tom.id, "teams", NEWBIE["id"])
        uow.commit()
    await teams.say("help", NEWBIE)
    assert teams.app.users.by_identity("teams", NEWBIE["aadObjectId"]) is None  # no second user
    teams.fake.clear()

    async def no_checkpoint(ref: str) -> None:
        pass

    note = Outgoing(kind="daily", recipient=NEWBIE["id"], reply=Reply.text("hello"), locale=Locale.EN)
    await TeamsDeliverer(teams.bot).deliver(note, no_checkpoint)
    [call] = teams.fake.sent("POST")
    assert call.conversation == f"a:chat-{NEWBIE['aadObjectId']}"


async def test_added_to_a_team_the_channel_is_stored_for_digests(teams: TeamsDriver) -> None:
    channel = "19:general@thread.tacv2"
    update = teams.activity(
        "conversationUpdate",
        RITA,
        membersAdded=[{"id": f"28:{CLIENT_ID}", "name": "kam-bot"}],
        conversation={"id": channel, "conversationType": "channel", "tenantId": "tenant-1"},
        channelData={"tenant": {"id": "tenant-1"}, "team": {"id": channel, "name": "Steel East"}},
    )
    assert (await teams.post(update)).status_code == 200
    ref = teams.app.conversation_refs.get("teams", channel)
    assert ref is not None and ref.conversation_id == channel
    _, card = teams.last_card()
    assert any(channel.replace("_", "\\_") in t or channel in t for t in texts(card))


async def test_a_body_that_is_not_an_activity_is_a_bad_request(teams: TeamsDriver) -> None:
    token = {"Authorization": "Bearer " + teams.fake.sign(CLIENT_ID, teams.fake.url)}
    no_type = await teams.http.post("/api/messages", json={"serviceUrl": teams.fake.url}, headers=token)
    assert no_type.status_code == 400
    # without a service URL the token cannot be checked against the request: unverified
    response = await teams.http.post("/api/messages", json=[1, 2], headers=token)
    assert response.status_code == 401


async def test_a_visit_line_too_long_for_a_card_is_refused_and_shown_back(teams: TeamsDriver) -> None:
    line = "visit Baosteel " + "x" * 9000
    await teams.say(line)
    _, card = teams.last_card()
    assert_valid_card(card)
    joined = "\n".join(texts(card))
    assert "too long" in joined and "x" * 9000 in joined


async def test_an_admin_sends_a_teams_digest_to_a_channel(teams: TeamsDriver) -> None:
    """``@kam-bot digest TEAM`` in a channel: that team's weekly digest goes there; only for admins."""
    from kam_bot.adapters.teams.delivery import TeamsDeliverer
    from kam_bot.domain.enums import Locale
    from kam_bot.handlers.replies import Reply
    from kam_bot.jobs.delivery import Outgoing

    channel = "19:sales@thread.tacv2"
    admin = {"id": "29:ada", "aadObjectId": "aad-ada", "name": "Ada Admin"}
    with teams.app.uow() as uow:
        uow.repo.link_identity(teams.seed.admin.id, "teams", admin["aadObjectId"])
        uow.commit()

    def in_channel(person: dict[str, str], text: str) -> dict[str, object]:
        return teams.activity(
            "message",
            person,
            text=f"<at>kam-bot</at> {text}",
            conversation={"id": channel, "conversationType": "channel", "tenantId": "tenant-1"},
        )

    assert (await teams.post(in_channel(RITA, "digest Steel East"))).status_code == 200
    _, refused = teams.last_card()
    assert teams.app.users.teams()[0].digest_destinations.get("teams") is None
    assert any("Only an admin can do that." in t for t in texts(refused))
    assert (await teams.post(in_channel(admin, "digest steel east"))).status_code == 200
    _, done = teams.last_card()
    assert any("Steel East" in t and "this channel" in t for t in texts(done))
    team = next(x for x in teams.app.users.teams() if x.name == "Steel East")
    assert team.digest_destinations["teams"] == channel
    teams.fake.clear()
    digest = Outgoing(kind="digest", recipient=channel, reply=Reply.text("Weekly digest"), locale=Locale.EN)

    async def no_checkpoint(ref: str) -> None:
        pass

    await TeamsDeliverer(teams.bot).deliver(digest, no_checkpoint)
    [call] = teams.fake.sent("POST")
    assert call.conversation == channel
