"""A rep's day in DingTalk, end to end through the real ``dingtalk-stream`` client: the admin
imports users.csv with a ``dingtalk_id`` column; Rita logs a visit (confirmed, saved), a
promise she takes back with Undo, and one for tomorrow; the next morning the reminder comes
to her as a robot 1:1 message and its Done link closes the promise; the admin asks for the
digest in the team's group, which then arrives there with its charts."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import timedelta

from conftest import FrozenClock
from dingtalk_harness import GROUP, Said, start_dingtalk
from sqlalchemy import Engine

from kam_bot.bootstrap import App
from kam_bot.domain.enums import PromiseStatus
from kam_bot.jobs.planning import week_start
from kam_bot.jobs.scheduler import decide_digest, reminder_tick
from kam_bot.jobs.sender import Sender
from kam_bot.services.transfer import import_csv

VISIT = "拜访 宝钢 见了 Wang Lei;目标:试订单;我们承诺 明天 报价"


async def test_a_reps_day(
    sqlite_engine: Engine, make_app: Callable[[Engine], App], clock: FrozenClock
) -> None:
    async with start_dingtalk(sqlite_engine, make_app, clock) as ding:
        app, seed = ding.app, ding.seed
        users = "email,display_name,dingtalk_id\nrita@example.com,Rita Rep,ding-rita\n"
        assert import_csv(app, "users", io.StringIO(users), actor=seed.admin).errors == []

        understood = await ding.say(VISIT)
        assert "我理解的内容如下" in understood.text and "Wang Lei" in understood.text
        saved = await ding.press(understood.buttons["保存"])
        assert "已保存" in saved.text or "保存" in saved.text, saved.text
        assert [v for v in saved.buttons.values() if v.startswith("undo visit ")]

        promise = await ding.say("承诺 宝钢 寄样品 周五")
        kept = await ding.press(promise.buttons["保存"])
        [undo] = [v for v in kept.buttons.values() if v.startswith("cancel ")]
        taken_back = await ding.press(undo)
        assert app.promises.get(seed.rep, int(undo.split()[1])).status is PromiseStatus.CANCELLED, (
            taken_back.text
        )

        clock.advance(days=1)  # Tuesday 08:30 in Shanghai
        assert reminder_tick(app.jobs_context, clock.now, "day").queued == 1
        sender = Sender(app.jobs_context, {"dingtalk": ding.platform.deliverer}, instance="day")
        await sender.run_once()
        [dm] = ding.fake.sent("/v1.0/robot/oToMessages/batchSend")
        assert dm.body["userIds"] == ["ding-rita"] and "报价" in dm.text
        [done] = [v for v in Said(dm).buttons.values() if v.startswith("done ")]
        answer = await ding.press(done)
        assert "完成" in answer.text
        assert app.promises.get(seed.rep, int(done.split()[1])).status is PromiseStatus.DONE

        here = await ding.say("@kam-bot digest Steel East", user="ding-ada", group=GROUP)
        assert "Steel East" in here.text
        [team] = [t for t in app.users.teams() if t.id == seed.team.id]
        assert decide_digest(app.jobs_context, team, week_start(clock.now.date()), clock.now + timedelta(0))
        await sender.run_once()
        [digest] = ding.fake.sent("/v1.0/robot/groupMessages/send")
        uploads = ding.fake.sent("/media/upload")
        assert digest.body["openConversationId"] == GROUP and uploads
        assert all(f"]({u.body['media_id']})" in digest.text for u in uploads)
        assert "@" not in digest.body.get("msgParam", "").replace("@lADP", "")  # nobody is @-mentioned
