"""Driving the Teams app the way Teams does: signed activities posted to ``/api/messages``.

``start_teams(engine, make_app)`` seeds the usual cast, starts a ``FakeBotConnector`` (the
Bot Connector API and Bot Framework's key set), builds the real SDK app against both and
returns a ``TeamsDriver``:

    teams = await start_teams(sqlite_engine, make_app)
    await teams.say("visit Baosteel met Li Wei")
    [posted] = teams.fake.sent("POST")
    ...
    await teams.close()

Every request carries a Bot Framework-shaped JWT signed by the fake's key, so the SDK's own
validation runs (issuer, audience, expiry, ``serviceurl`` claim, signature).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from factories import Seed, seed_team
from fakes.teams_api import FakeBotConnector
from sqlalchemy import Engine
from starlette.applications import Starlette

from kam_bot.adapters.teams.app import TeamsBot
from kam_bot.adapters.teams.retry import RetryMiddleware
from kam_bot.adapters.teams.settings import TeamsSettings
from kam_bot.bootstrap import App

CLIENT_ID = "00000000-0000-0000-0000-0000000b0b01"
TENANT = "tenant-1"
RITA = {"id": "29:rita", "aadObjectId": "aad-rita", "name": "Rita Rep", "email": "rita@example.com"}
NEWBIE = {"id": "29:nina", "aadObjectId": "aad-nina", "name": "Nina New"}


@dataclass
class TeamsDriver:
    app: App
    bot: TeamsBot
    fake: FakeBotConnector
    http: httpx.AsyncClient
    seed: Seed
    waits: list[float] = field(default_factory=list)
    _ids: Any = field(default_factory=lambda: itertools.count(1))

    def activity(self, kind: str, person: dict[str, str] = RITA, **fields: Any) -> dict[str, Any]:
        """An activity as Teams sends it to a bot in a personal chat."""
        return {
            "type": kind,
            "id": f"in-{next(self._ids)}",
            "timestamp": "2026-11-23T10:00:00.000Z",
            "localTimestamp": "2026-11-23T18:00:00.000+08:00",
            "localTimezone": "Asia/Shanghai",
            "serviceUrl": self.fake.url,
            "channelId": "msteams",
            "from": {"id": person["id"], "name": person["name"], "aadObjectId": person["aadObjectId"]},
            "conversation": {
                "conversationType": "personal",
                "tenantId": TENANT,
                "id": f"a:chat-{person['aadObjectId']}",
            },
            "recipient": {"id": f"28:{CLIENT_ID}", "name": "kam-bot"},
            "entities": [{"type": "clientInfo", "locale": "en-US", "country": "US", "platform": "Web",
                          "timezone": "Asia/Shanghai"}],
            "channelData": {"tenant": {"id": TENANT}},
            "locale": "en-US",
            **fields,
        }  # fmt: skip

    async def post(self, activity: dict[str, Any], *, token: str | None = None) -> httpx.Response:
        bearer = token if token is not None else self.fake.sign(CLIENT_ID, self.fake.url)
        headers = {"Authorization": f"Bearer {bearer}"} if bearer else {}
        return await self.http.post("/api/messages", json=activity, headers=headers)

    async def say(self, text: str, person: dict[str, str] = RITA) -> httpx.Response:
        response = await self.post(self.activity("message", person, text=text, textFormat="plain"))
        assert response.status_code == 200, response.text
        return response

    async def press(
        self, verb: str, data: dict[str, Any], reply_to: str, person: dict[str, str] = RITA
    ) -> dict[str, Any]:
        """An ``Action.Execute`` button: the ``adaptiveCard/action`` invoke; returns the invoke response."""
        value = {"action": {"type": "Action.Execute", "verb": verb, "data": data}, "trigger": "manual"}
        activity = self.activity(
            "invoke", person, name="adaptiveCard/action", value=value, replyToId=reply_to
        )
        response = await self.post(activity)
        assert response.status_code == 200, response.text
        return dict(response.json())

    async def search(self, text: str, person: dict[str, str] = RITA) -> dict[str, Any]:
        value = {"queryText": text, "dataset": "accounts", "queryOptions": {"skip": 0, "top": 15}}
        response = await self.post(self.activity("invoke", person, name="application/search", value=value))
        assert response.status_code == 200, response.text
        return dict(response.json())

    def last_card(self) -> tuple[str, dict[str, Any]]:
        """(activity id, card) of the last message the bot posted."""
        call = self.fake.sent("POST")[-1]
        assert call.activity_id is not None
        return call.activity_id, call.card

    async def close(self) -> None:
        await self.http.aclose()
        self.fake.stop()


async def start_teams(engine: Engine, make_app: Callable[[Engine], App], **settings: Any) -> TeamsDriver:
    app = make_app(engine)
    seed = seed_team(app)
    fake = FakeBotConnector().start()
    fake.members[RITA["id"]] = {**RITA, "userPrincipalName": RITA["email"]}
    config = TeamsSettings(client_id=CLIENT_ID, client_secret="not-used-with-a-token-provider", **settings)
    waits: list[float] = []

    async def no_sleep(seconds: float) -> None:
        waits.append(seconds)

    bot = TeamsBot.build(
        app,
        config,
        cloud=fake.cloud,
        token=lambda scope, tenant=None: fake.sign("https://api.botframework.com", fake.url),
        retry=RetryMiddleware(sleep=no_sleep),
    )
    await bot.startup()
    asgi = Starlette(routes=bot.routes())
    http = httpx.AsyncClient(transport=httpx.ASGITransport(app=asgi), base_url="http://bot.test")
    return TeamsDriver(app=app, bot=bot, fake=fake, http=http, seed=seed, waits=waits)
