"""Which platform a DM or a digest is queued for: the enabled ones, per person and per team."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from conftest import FrozenClock
from factories import add_account, add_team, add_user
from sqlalchemy import Engine, select

from kam_bot.adapters.slack.settings import SlackSettings
from kam_bot.adapters.teams.settings import TeamsSettings
from kam_bot.bootstrap import App, bootstrap
from kam_bot.config import Settings
from kam_bot.domain.enums import Tier
from kam_bot.jobs.scheduler import decide_digest, reminder_tick
from kam_bot.store.tables import OutboxRow

TUESDAY = datetime(2026, 11, 24, 8, 30, tzinfo=UTC)


def app_with(engine: Engine, clock: FrozenClock, **slack: Any) -> App:
    """An app whose Slack settings are ``slack`` (no setting: no chat platform enabled)."""
    configured = {"slack": SlackSettings(_env_file=None, **slack), "teams": TeamsSettings(_env_file=None)}
    return bootstrap(
        Settings(database_url=str(engine.url)), engine=engine, clock=clock, platform_settings=configured
    )


def rows(app: App) -> dict[str, tuple[str, str, str, str | None]]:
    with app.uow() as uow:
        found = uow.repo.session.scalars(select(OutboxRow).order_by(OutboxRow.id))
        return {r.key: (r.platform, r.recipient, r.status, r.last_error) for r in found}


def stale_account_for(app: App, *people: Any) -> None:
    for person in people:
        add_account(
            app, f"{person.display_name} Co", person, tier=Tier.A, created_at=TUESDAY - timedelta(days=60)
        )


def test_a_dm_goes_to_an_enabled_platform_the_person_is_on(engine: Engine, clock: FrozenClock) -> None:
    app = app_with(engine, clock, bot_token="xoxb-1", signing_secret="s")
    assert app.recipient_platforms == ("slack",)
    both = add_user(app, "Bo Both", identities={"teams": "aad-bo", "slack": "UBO"})
    teams_only = add_user(app, "Tia Teams", identities={"teams": "aad-tia"})
    stale_account_for(app, both, teams_only)
    clock.now = TUESDAY
    assert reminder_tick(app.jobs_context, clock.now, "t").queued == 2
    assert rows(app) == {
        f"daily:u{both.id}:2026-11-24": ("slack", "UBO", "pending", None),
        # not on any platform this installation runs: reported in the outbox, never sent nowhere
        f"daily:u{teams_only.id}:2026-11-24": ("", "", "dead", "no_chat_identity"),
    }


def test_with_no_platform_configured_the_dm_is_queued_for_the_one_the_person_is_on(
    engine: Engine, clock: FrozenClock
) -> None:
    """A CLI run without chat settings decides for every platform; `kam-bot serve` delivers."""
    app = app_with(engine, clock)
    teams_only = add_user(app, "Tia Teams", identities={"teams": "aad-tia"})
    stale_account_for(app, teams_only)
    clock.now = TUESDAY
    assert reminder_tick(app.jobs_context, clock.now, "t").queued == 1
    assert rows(app) == {f"daily:u{teams_only.id}:2026-11-24": ("teams", "aad-tia", "pending", None)}


def test_a_digest_row_per_enabled_platform_destination(engine: Engine, clock: FrozenClock) -> None:
    everywhere = app_with(engine, clock)
    team = add_team(everywhere, "East", digest_destinations={"slack": "C-EAST", "teams": "19:east@thread"})
    add_user(everywhere, "Rita Rep", team=team, identities={"slack": "URITA"})
    monday = date(2026, 11, 16)
    now = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    slack_only = app_with(engine, clock, bot_token="xoxb-1", signing_secret="s")
    assert decide_digest(slack_only.jobs_context, team, monday, now) is True
    assert set(rows(slack_only)) == {f"digest:t{team.id}:2026-W47:slack"}
    assert decide_digest(everywhere.jobs_context, team, monday, now) is True  # the Teams one is new
    assert decide_digest(everywhere.jobs_context, team, monday, now) is False  # both queued: nothing twice
    assert rows(everywhere) == {
        f"digest:t{team.id}:2026-W47:slack": ("slack", "C-EAST", "pending", None),
        f"digest:t{team.id}:2026-W47:teams": ("teams", "19:east@thread", "pending", None),
    }
