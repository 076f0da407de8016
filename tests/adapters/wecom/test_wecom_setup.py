"""Setting WeCom up: enabled by its settings, each missing or malformed one named; the secret
checked with WeCom as `kam-bot serve` starts; `kam-bot wecom-link` linking imported users by email."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterator

import pytest
from fakes.wecom_api import FakeWecom
from sqlalchemy import Engine
from wecom_harness import settings

from kam_bot.adapters.wecom.linking import link_all
from kam_bot.adapters.wecom.settings import WecomSettings
from kam_bot.adapters.wecom.startup import check_token
from kam_bot.bootstrap import App
from kam_bot.config import SettingsError
from kam_bot.platforms import enabled


@pytest.fixture
def fake_in_thread() -> Iterator[FakeWecom]:
    """The fake on its own loop (``check_token`` runs its own, as at `kam-bot serve`'s start)."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    fake = asyncio.run_coroutine_threadsafe(FakeWecom().start(), loop).result(10)
    yield fake
    asyncio.run_coroutine_threadsafe(fake.stop(), loop).result(10)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(10)


def test_wecom_is_enabled_by_its_settings_and_each_missing_one_is_named() -> None:
    complete = settings("https://qyapi.weixin.qq.com").model_dump()
    [entry] = enabled({"wecom": WecomSettings(_env_file=None, **complete)})  # type: ignore[call-arg]
    entry.check()
    assert enabled({"wecom": WecomSettings(_env_file=None)}) == []  # type: ignore[call-arg]
    for variable, bad in [("secret", None), ("token", None), ("aes_key", "too-short"), ("agent_id", "app")]:
        [entry] = enabled({"wecom": WecomSettings(_env_file=None, **{**complete, variable: bad})})  # type: ignore[call-arg]
        with pytest.raises(SettingsError, match=f"WECOM_{variable.upper()}"):
            entry.check()


def test_serve_stops_on_a_secret_wecom_refuses(fake_in_thread: FakeWecom) -> None:
    check_token(settings(fake_in_thread.url))  # accepted: nothing said
    wrong = settings(fake_in_thread.url).model_copy(update={"secret": "mistyped"})
    with pytest.raises(SettingsError, match="WECOM_SECRET: WeCom refused the secret"):
        check_token(wrong)
    unknown = settings(fake_in_thread.url).model_copy(update={"corp_id": "ww-nobody"})
    with pytest.raises(SettingsError, match="WECOM_CORP_ID"):
        check_token(unknown)


def test_serve_starts_anyway_when_wecom_does_not_answer(capsys: pytest.CaptureFixture[str]) -> None:
    check_token(settings("http://127.0.0.1:9"), timeout=2)
    assert "could not reach WeCom" in capsys.readouterr().err


async def test_wecom_link_finds_imported_users_by_email(
    sqlite_engine: Engine, make_app: Callable[[Engine], App]
) -> None:
    from factories import seed_team

    app = make_app(sqlite_engine)
    seed = seed_team(app)
    fake = await FakeWecom().start()
    try:
        fake.add_member("rita.rep", "Rita Rep", "rita@example.com")
        dry = await link_all(app, settings(fake.url), dry_run=True)
        assert "rita@example.com: would be linked to WeCom userid rita.rep" in dry
        assert app.users.by_identity("wecom", "rita.rep") is None
        lines = await link_all(app, settings(fake.url))
        linked = app.users.by_identity("wecom", "rita.rep")
        assert linked is not None and linked.id == seed.rep.id
        assert "ada@example.com: no WeCom member with this email" in lines
    finally:
        await fake.stop()


async def test_the_token_is_cached_and_fetched_again_before_it_expires() -> None:
    from kam_bot.adapters.wecom.api import WecomApi

    fake = await FakeWecom().start()
    now = [1000.0]
    api = WecomApi(fake.url, fake.corp_id, fake.secret, fake.agent_id, clock=lambda: now[0])
    try:
        fake.add_member("rita.rep", "Rita Rep")
        await api.user("rita.rep")
        now[0] += 6800  # 6,800 of its 7,200 seconds: still used
        await api.user("rita.rep")
        assert fake.tokens_issued == 1
        now[0] += 150  # within 5 minutes of its end: a new one before the call
        await api.user("rita.rep")
        assert fake.tokens_issued == 2 and fake.calls.count("gettoken") == 2
    finally:
        await api.close()
        await fake.stop()
