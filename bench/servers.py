"""The HTTP servers the Slack benches hit, each run as ``python -m bench.servers KIND ...``.

- ``kam``    kam-bot's own ASGI app, ``kam_bot.adapters.slack.server.create_asgi(app, settings)``,
  under uvicorn exactly as ``kam-bot serve`` runs it (one process, ``log_level="info"``),
  but with the ASGI lifespan off so the scheduler's ticks (which fire on the wall clock)
  cannot land in the middle of a latency measurement; ``kam-bot serve`` itself, jobs and
  all, is what the memory bench runs.
  ``--workers N`` runs N such processes on the port, as ``kam-bot serve --workers N`` does
  (uvicorn's worker model; each worker builds the app from ``BENCH_KAM_*`` variables).
- ``floor``  a bare Bolt ``AsyncApp`` behind the same Starlette adapter and uvicorn settings:
  ``/visit`` acks and opens one fixed modal; a ``visit`` view submission only acks.
"""

from __future__ import annotations

import argparse
from typing import Any

FIXED_MODAL: dict[str, Any] = {
    "type": "modal",
    "callback_id": "visit",
    "title": {"type": "plain_text", "text": "Log a visit"},
    "submit": {"type": "plain_text", "text": "Save"},
    "blocks": [
        {
            "type": "input",
            "block_id": "summary",
            "label": {"type": "plain_text", "text": "Summary"},
            "element": {"type": "plain_text_input", "action_id": "value", "multiline": True},
        }
    ],
}


def floor_asgi(token: str, secret: str, api_url: str) -> Any:
    from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
    from slack_bolt.async_app import AsyncApp
    from slack_bolt.context.ack.async_ack import AsyncAck
    from slack_sdk.web.async_client import AsyncWebClient
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    bolt = AsyncApp(
        client=AsyncWebClient(token=token, base_url=api_url),
        signing_secret=secret,
        process_before_response=False,
    )

    async def visit(ack: AsyncAck, command: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        await client.views_open(trigger_id=command["trigger_id"], view=FIXED_MODAL)

    async def submitted(ack: AsyncAck) -> None:
        await ack()

    bolt.command("/visit")(visit)
    bolt.view("visit")(submitted)
    handler = AsyncSlackRequestHandler(bolt)

    async def events(request: Request) -> Response:
        return await handler.handle(request)

    return Starlette(routes=[Route("/slack/events", events, methods=["POST"])])


def kam_asgi(database_url: str, token: str, secret: str, api_url: str) -> Any:
    from kam_bot.adapters.slack.server import create_asgi
    from kam_bot.adapters.slack.settings import SlackSettings
    from kam_bot.bootstrap import bootstrap
    from kam_bot.config import Settings

    slack = SlackSettings(bot_token=token, signing_secret=secret, api_url=api_url)
    asgi = create_asgi(bootstrap(Settings(database_url=database_url)), slack)
    try:  # as kam-bot serve leaves a built server process
        from kam_bot.heap import freeze_built
    except ImportError:  # a tree from before
        return asgi
    freeze_built()
    return asgi


def kam_factory() -> Any:
    """One worker's app (``--workers N``), from the variables ``main`` sets for its workers."""
    import os

    env = os.environ
    db, token, secret, api = (env[f"BENCH_KAM_{k}"] for k in ("DB", "TOKEN", "SECRET", "API"))
    return kam_asgi(db, token, secret, api)


def main() -> None:
    import uvicorn

    try:  # each worker on a listening socket of its own, as kam-bot serve runs them
        from kam_bot.workers import run_workers
    except ImportError:  # a tree from before: uvicorn's shared socket
        run_workers = uvicorn.run  # type: ignore[assignment]

    p = argparse.ArgumentParser(prog="python -m bench.servers")
    p.add_argument("kind", choices=["kam", "floor"])
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--database-url")
    p.add_argument("--token", required=True)
    p.add_argument("--secret", required=True)
    p.add_argument("--api-url", required=True)
    p.add_argument("--workers", type=int, default=1)
    args = p.parse_args()
    if args.kind == "kam" and args.workers > 1:
        import os

        os.environ.update(
            BENCH_KAM_DB=args.database_url,
            BENCH_KAM_TOKEN=args.token,
            BENCH_KAM_SECRET=args.secret,
            BENCH_KAM_API=args.api_url,
        )
        run_workers(
            "bench.servers:kam_factory",
            factory=True,
            workers=args.workers,
            host="127.0.0.1",
            port=args.port,
            log_level="info",
            lifespan="off",
        )
        return
    if args.kind == "kam":
        asgi = kam_asgi(args.database_url, args.token, args.secret, args.api_url)
    else:
        asgi = floor_asgi(args.token, args.secret, args.api_url)
    uvicorn.run(asgi, host="127.0.0.1", port=args.port, log_level="info", lifespan="off")


if __name__ == "__main__":
    main()
