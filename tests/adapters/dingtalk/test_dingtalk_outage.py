"""A database outage seen from DingTalk: the person hears at once that nothing was saved, with
what they typed; the callback is answered 500 so DingTalk may deliver it again, and that
delivery is handled once the database is back, without a restart."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from conftest import FrozenClock
from dingtalk_harness import start_dingtalk
from fakes.db_outage import Relay
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from kam_bot.bootstrap import App
from kam_bot.store.engine import make_engine

pytestmark = pytest.mark.postgres


@pytest.fixture
def relayed(engine: Engine) -> Iterator[tuple[Engine, Relay]]:
    if engine.dialect.name != "postgresql":
        pytest.skip("an outage of the PostgreSQL server")
    url = make_url(engine.url)
    relay = Relay(url.host or "127.0.0.1", url.port or 5432).up()
    with engine.connect() as conn:
        schema = conn.execute(text("SELECT current_schema()")).scalar_one()
    via = make_url(engine.url).set(port=relay.port).render_as_string(hide_password=False)
    relayed = make_engine(via, connect_args={"options": f"-csearch_path={schema}"})
    yield relayed, relay
    relay.resume()
    relay.down()
    relayed.dispose()


async def test_database_down_says_nothing_was_saved_and_the_redelivery_is_handled(
    relayed: tuple[Engine, Relay], make_app: Callable[[Engine], App], clock: FrozenClock
) -> None:
    engine, relay = relayed
    async with start_dingtalk(engine, make_app, clock, mode="http") as ding:
        await ding.say("help")  # Rita met before the outage
        relay.down()
        data = ding.message("promise Baosteel send samples by Friday")
        assert (await ding.post(data)).status_code == 500
        sorry = ding.answer_to(data).text
        assert "nothing was saved" in sorry and "promise Baosteel send samples by Friday" in sorry
        relay.up()
        assert (await ding.post(data)).status_code == 200  # DingTalk's retry, same msgId
        assert "Baoshan Iron & Steel" in ding.answer_to(data).text  # the promise, understood
