"""Who a tick's rows could not reach, for `kam-bot remind` (both databases)."""

from __future__ import annotations

from datetime import timedelta

from conftest import FrozenClock

from kam_bot.bootstrap import App
from kam_bot.domain.models import User
from kam_bot.jobs import outbox
from kam_bot.services.users import PlatformProfile


def test_dead_people_names_only_this_ticks_rows_dead_for_that_reason(app: App, clock: FrozenClock) -> None:
    def person(slack_id: str, name: str) -> User:
        return app.users.ensure(PlatformProfile(platform="slack", external_id=slack_id, display_name=name))

    earlier, now = clock.now - timedelta(minutes=5), clock.now
    ada, bo, cy = (person(f"U{n}", name) for n, name in enumerate(["Ada", "Bo", "Cy"]))
    with app.jobs.transaction() as tx:
        tx.enqueue(outbox.dm_message("daily:old", "daily", ada, ("teams",), {}), earlier)
        tx.enqueue(outbox.dm_message("daily:a", "daily", ada, ("teams",), {}), now)
        tx.enqueue(outbox.dm_message("daily:c", "daily", cy, ("teams",), {}), now)
        tx.enqueue(outbox.dm_message("daily:b", "daily", bo, ("slack",), {}), now)
        tx.commit()
    assert app.jobs.dead_people(now, outbox.NO_CHAT_IDENTITY) == ["Ada", "Cy"]  # Bo is reachable on Slack
    assert app.jobs.dead_people(now, "invalid_auth") == []
