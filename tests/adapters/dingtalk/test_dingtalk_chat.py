"""A person writes to the robot in DingTalk, over the real Stream client or as signed HTTP
callbacks, and is answered by the shared conversation in their language."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import pytest
from conftest import FrozenClock
from dingtalk_harness import DingTalkDriver, start_dingtalk
from sqlalchemy import Engine

from kam_bot.bootstrap import App
from kam_bot.domain.enums import Locale


@pytest.fixture(params=["stream", "http"])
async def ding(
    request: pytest.FixtureRequest,
    engine: Engine,
    make_app: Callable[[Engine], App],
    clock: FrozenClock,
) -> AsyncIterator[DingTalkDriver]:
    async with start_dingtalk(engine, make_app, clock, mode=request.param) as driver:
        yield driver


async def english(ding: DingTalkDriver) -> None:
    """Rita chooses English (DingTalk's default for her is Chinese)."""
    said = await ding.say("设置 语言 en")
    assert ding.app.users.get(ding.seed.rep.id).locale is Locale.EN, said.text


async def test_a_visit_is_confirmed_saved_and_undone(ding: DingTalkDriver) -> None:
    await english(ding)
    said = await ding.say("visit Baosteel met Wang Lei; we promise quote by Friday")
    assert "Here is what I understood" in said.text
    assert said.buttons == {"Save": "yes", "Edit": "edit", "Cancel": "no"}
    saved = await ding.press(said.buttons["Save"])
    assert "saved: Baoshan Iron & Steel" in saved.text
    assert saved.buttons["Undo"].startswith("undo visit ")
    undone = await ding.press(saved.buttons["Undo"])
    assert "Undone: the visit of Mon 23 Nov 2026, its 1 promise(s)" in undone.text


async def test_a_missing_field_is_asked_for_in_chinese(ding: DingTalkDriver) -> None:
    said = await ding.say("承诺 宝钢 寄样品")
    assert "到期" in said.text or "日期" in said.text, said.text
    answered = await ding.say("周五")
    assert "是" in answered.buttons.values() or "yes" in answered.buttons.values(), answered.text


async def test_first_contact_links_by_email_and_new_people_get_chinese(ding: DingTalkDriver) -> None:
    await ding.say("help")
    rita = ding.app.users.by_identity("dingtalk", "ding-rita")
    assert rita is not None and rita.id == ding.seed.rep.id  # the contacts API's email linked her
    assert rita.locale is Locale.ZH_HANS and rita.timezone == "Asia/Shanghai"
    said = await ding.say("帮助", user="ding-nina")
    nina = ding.app.users.by_identity("dingtalk", "ding-nina")
    assert nina is not None and nina.display_name == "倪娜" and nina.locale is Locale.ZH_HANS
    assert "拜访" in said.text


async def test_a_redelivered_message_is_processed_once(ding: DingTalkDriver) -> None:
    await english(ding)
    said = await ding.say("promise Baosteel send samples by Friday")
    confirm = ding.message(said.buttons["Save"])
    await ding.deliver(confirm)
    await ding.deliver(confirm)  # DingTalk pushes the same msgId again
    answers = [c for c in ding.fake.sent("/robot/sendBySession") if c.body["_session"] == confirm["msgId"]]
    assert len(answers) == 1 and "Promise saved" in answers[0].text
    assert [p.text for p in ding.app.promises.mine(ding.seed.rep)].count("send samples") == 1


async def test_a_picture_is_answered_with_what_the_bot_reads(ding: DingTalkDriver) -> None:
    data = ding.message("", msgtype="picture", content={"downloadCode": "dc1"})
    del data["text"]
    await ding.deliver(data)
    assert "只能读取文字" in ding.answer_to(data).text


async def test_a_forged_button_line_on_someone_elses_promise_is_refused(ding: DingTalkDriver) -> None:
    """A send-message link is only text: anyone can type ``done N``; the services decide."""
    from datetime import timedelta

    from kam_bot.domain import models as m
    from kam_bot.domain.enums import PromiseDirection, PromiseStatus

    with ding.app.uow() as uow:
        other = uow.repo.add(
            m.Promise,
            account_id=ding.seed.cosco.id,
            owner_id=ding.seed.other_manager.id,
            direction=PromiseDirection.OURS,
            text="their promise",
            due_date=ding.clock.now.date(),
            created_at=ding.clock.now - timedelta(days=1),
        )
        uow.commit()
    said = await ding.say(f"done {other.id}")
    assert f"承诺 #{other.id} 不是你的" in said.text  # refused, in Rita's language
    with ding.app.uow() as uow:
        assert uow.repo.get(m.Promise, other.id).status is PromiseStatus.OPEN
