"""A rep in the WeCom app's 1:1 chat: every callback verified, answered at once, processed once;
typed commands through the shared conversation, Save / Edit / Cancel and Undo as card buttons."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import pytest
from sqlalchemy import Engine
from wecom_callbacks import WecomSigner, text_message
from wecom_harness import ADA, MAX, RITA, WecomDriver, start_wecom

from kam_bot.bootstrap import App
from kam_bot.domain.enums import Locale


@pytest.fixture
async def wecom(sqlite_engine: Engine, make_app: Callable[[Engine], App]) -> AsyncIterator[WecomDriver]:
    driver = await start_wecom(sqlite_engine, make_app)
    yield driver
    await driver.close()


async def test_the_url_check_answers_the_decrypted_echo(wecom: WecomDriver) -> None:
    query = wecom.signer.url_check("8675309-echo", wecom.now())
    response = await wecom.http.get(f"/wecom/events?{query}")
    assert response.status_code == 200 and response.text == "8675309-echo"


async def test_forged_stale_and_foreign_callbacks_are_refused_with_401(
    wecom: WecomDriver, caplog: pytest.LogCaptureFixture
) -> None:
    message = text_message(RITA, "promises", 1, wecom.now())
    stale = await wecom.post(message, timestamp=wecom.now() - 301)
    forged = WecomSigner(token="not-the-token")
    query, body = forged.post(message, wecom.now())
    wrong_token = await wecom.http.post(f"/wecom/events?{query}", content=body)
    query, body = wecom.signer.post(message, wecom.now(), corp_id="ww-another-company")
    foreign = await wecom.http.post(f"/wecom/events?{query}", content=body)
    query, _ = wecom.signer.post(message, wecom.now())
    entity = b'<!DOCTYPE x [<!ENTITY a "aaaa">]><xml><Encrypt>&a;</Encrypt></xml>'
    dtd = await wecom.http.post(f"/wecom/events?{query}", content=entity)
    assert [r.status_code for r in (stale, wrong_token, foreign, dtd)] == [401, 401, 401, 401]
    assert wecom.fake.sent == []
    refusals = [
        r.getMessage() for r in caplog.records if "Refused an unverified wecom request" in r.getMessage()
    ]
    assert len(refusals) == 4 and not any("promises" in r for r in refusals)


async def test_help_in_chinese_for_a_rep_whose_profile_says_nothing_else(wecom: WecomDriver) -> None:
    [answer] = await wecom.say("帮助")
    assert answer.msgtype == "text" and "拜访" in answer.text and "Slack" not in answer.text
    rita = wecom.app.users.by_identity("wecom", RITA)
    assert rita is not None and rita.locale is Locale.ZH_HANS and rita.timezone == "Asia/Shanghai"


async def test_a_retried_or_replayed_message_is_processed_once(wecom: WecomDriver) -> None:
    message = text_message(RITA, "promise Baosteel call Wang Lei by Friday", 42, wecom.now())
    query, body = wecom.signer.post(message, wecom.now())
    first = await wecom.http.post(f"/wecom/events?{query}", content=body)
    again = await wecom.http.post(f"/wecom/events?{query}", content=body)
    await wecom.bot.drain()
    assert first.status_code == again.status_code == 200
    assert len(wecom.fake.to(RITA)) == 1  # one "here is what I understood" card, not two


async def test_a_visit_is_confirmed_with_a_card_saved_and_undone(wecom: WecomDriver) -> None:
    await wecom.say("settings lang en")
    sent = await wecom.say(
        "visit Baosteel met Wang Lei; goal: trial order - partly; we promise quote by Friday"
    )
    summary, card = sent[0], sent[-1]
    assert summary.msgtype == "text" and "Here is what I understood:" in summary.text
    assert card.msgtype == "template_card"
    assert [b["key"] for b in card.buttons] == ["draft.save|yes", "draft.edit|edit", "draft.cancel|no"]
    saved = await wecom.press(card, "draft.save|yes")
    assert card.updated == "Answered"
    text = "\n".join(s.text or str(s.content.get("sub_title_text", "")) for s in saved)
    assert "saved: Baoshan Iron & Steel" in text
    undo = next(s for s in saved if s.msgtype == "template_card")
    [key] = [b["key"] for b in undo.buttons if b["key"].startswith("undo.visit|")]
    undone = await wecom.press(undo, key)
    assert undo.updated == "↩ Undone"
    assert "Undone: the visit of Mon 23 Nov 2026" in undone[0].text


async def test_a_missing_field_is_asked_for_and_the_answer_typed(wecom: WecomDriver) -> None:
    await wecom.say("settings lang en")
    [asked] = await wecom.say("promise Baosteel send samples")
    assert "Due date for “send samples”?" in asked.text
    sent = await wecom.say("Friday")
    card = sent[-1]
    assert card.msgtype == "template_card"
    saved = await wecom.press(card, "draft.save|yes")
    assert any("Promise saved" in (s.text or str(s.content)) for s in saved)


async def test_a_new_member_is_met_and_an_email_links_an_imported_user(wecom: WecomDriver) -> None:
    wecom.fake.old_app = True  # an app created before mid-2022 still reads the email
    wecom.fake.add_member("dora.d", "Dora D.", "dora@example.com")
    await wecom.say("help", userid="dora.d")
    dora = wecom.app.users.by_identity("wecom", "dora.d")
    assert dora is not None and dora.id == wecom.seed.director.id
    wecom.fake.old_app = False
    [answer] = await wecom.say("help", userid=MAX)  # a newer app's member: met by name only
    newcomer = wecom.app.users.by_identity("wecom", MAX)
    assert newcomer is not None and newcomer.display_name == "Max Manager" and newcomer.email is None
    assert "拜访" in answer.text


async def test_an_admin_creates_the_teams_digest_group(wecom: WecomDriver) -> None:
    [answer] = await wecom.say("digest Steel East group", userid=ADA)
    [chatid] = wecom.fake.chats
    assert set(wecom.fake.chats[chatid]["userlist"]) == {ADA, RITA}
    assert "Steel East" in answer.text
    [team] = [t for t in wecom.app.users.teams() if t.name == "Steel East"]
    assert team.digest_destinations["wecom"] == chatid
    [hello] = wecom.fake.to(chatid)
    assert "Steel East" in hello.text
    [refused] = await wecom.say("digest Steel East group")  # Rita is no admin
    assert refused.text and not wecom.fake.to(chatid)[1:]


async def test_the_callback_is_answered_before_the_work_is_done(wecom: WecomDriver) -> None:
    """WeCom waits 5 s for the answer: the 200 goes first, the reply follows it."""
    wecom.fake.latency = 0.3  # WeCom's API answering slowly
    query, body = wecom.signer.post(text_message(RITA, "help", 77, wecom.now()), wecom.now())
    response = await wecom.http.post(f"/wecom/events?{query}", content=body)
    assert response.status_code == 200 and response.text == ""
    assert wecom.fake.sent == [] and wecom.bot._tasks  # answered; the work still running
    await wecom.bot.drain()
    assert len(wecom.fake.to(RITA)) == 1


async def test_a_failure_tells_the_rep_nothing_was_saved_and_gives_the_line_back(
    wecom: WecomDriver, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*args: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(type(wecom.bot.chat), "handle", broken)
    [told] = await wecom.say("promise Baosteel quote by Friday")
    assert told.text.startswith("⚠️ 系统出了问题") and "未保存任何内容" in told.text
    assert "promise Baosteel quote by Friday" in told.text
    assert any(r.levelname == "ERROR" and "WeCom message failed" in r.getMessage() for r in caplog.records)
