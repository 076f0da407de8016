"""Statements, transactions and connection checkouts one ``/visit`` modal submission costs.

``python -m bench.prototypes.count_submission URL [N]`` (URL: the loaded bench schema's, as
``bench.core`` builds it) takes kam-bot's own filled-in modal (the ``submission`` bench's: 3
promises, 1 price, 1 stock) and runs, in process, what one submission does on the database:
the Slack middleware's request-key claim (when it still takes it), ``prepare_visit`` (the
checks) and ``save``, then the rep's Home tab read and built as a refresh does.
Each phase's statements, BEGINs, COMMITs/ROLLBACKs and pool checkouts (each a pre-ping) are
counted by SQLAlchemy event hooks and printed as the mean over ``N`` submissions; the
statements of the last one are listed, with the wall and CPU time this process spent.
The visits written are deleted afterwards.
"""

from __future__ import annotations

import hashlib
import sys
import time
from collections import Counter
from typing import Any

from sqlalchemy import event

from bench.apps import engine_for, open_app
from bench.cases.submission import KEY_PREFIX, cleanup, views
from bench.payloads import submission_body


def _hooks(engine: Any, counts: Counter[str], log: list[str]) -> None:
    def statement(conn: Any, cursor: Any, sql: str, params: Any, context: Any, many: bool) -> None:
        counts["statements"] += 1
        log.append(" ".join(sql.split())[:110])

    event.listen(engine, "before_cursor_execute", statement)
    event.listen(engine, "begin", lambda conn: counts.update(["begin"]))
    event.listen(engine, "commit", lambda conn: counts.update(["commit"]))
    event.listen(engine, "rollback", lambda conn: counts.update(["rollback"]))
    event.listen(engine.pool, "checkout", lambda *a: counts.update(["checkout"]))


def _done(
    name: str,
    counts: Counter[str],
    log: list[str],
    totals: dict[str, Counter[str]],
    last: dict[str, list[str]],
) -> None:
    totals.setdefault(name, Counter()).update(counts)
    last[name] = list(log)
    counts.clear()
    log.clear()


def main(url: str, n: int) -> None:
    from kam_bot.adapters.slack.dedup import PLATFORM, request_key
    from kam_bot.adapters.slack.forms.state import FormState
    from kam_bot.adapters.slack.home import PLANNED, home_view
    from kam_bot.handlers.forms.submit import Claim, PreparedVisit, prepare_visit
    from kam_bot.handlers.my_day import load_my_day

    filled = views(url, 20261123, 20)
    engine = engine_for(url)
    totals: dict[str, Counter[str]] = {}
    last: dict[str, list[str]] = {}
    spent: Counter[str] = Counter()
    with open_app(url) as app:
        counts: Counter[str] = Counter()
        log: list[str] = []
        _hooks(app.engine, counts, log)
        stamp = int(time.time())
        for i in range(n):
            owner, view = filled[i % len(filled)]
            view_id = f"{KEY_PREFIX}count{stamp}-{i:05d}"
            body = submission_body(owner, view, view_id).decode()
            actor = app.users.get(owner)
            assert actor is not None
            submitted = {**view, "id": view_id, "state": _state(view)}
            key = request_key({"type": "view_submission", "view": submitted}, body)
            counts.clear()
            log.clear()
            wall, cpu = time.perf_counter(), time.process_time()
            if key is not None:  # the middleware claims the request
                app.claims.claim(PLATFORM, key)
                _done("middleware claim", counts, log, totals, last)
            claim = () if key is not None else (Claim(PLATFORM, _body_key(body)),)  # or the save does
            prepared = prepare_visit(app, actor, FormState(submitted), view_id, *claim)
            _done("prepare_visit", counts, log, totals, last)
            assert isinstance(prepared, PreparedVisit), prepared
            saved = prepared.save()
            _done("save", counts, log, totals, last)
            spent["wall"] += time.perf_counter() - wall
            spent["cpu"] += time.process_time() - cpu
            wall, cpu = time.perf_counter(), time.process_time()
            home_view(load_my_day(app, actor, PLANNED))
            _done("Home tab refresh", counts, log, totals, last)
            spent["home wall"] += time.perf_counter() - wall
            spent["home cpu"] += time.process_time() - cpu
            assert not getattr(saved, "errors", None), saved
    cleanup(engine)
    engine.dispose()
    keys = ("statements", "begin", "commit", "rollback", "checkout")
    print(f"per submission, mean of {n}: " + " ".join(f"{k:>10}" for k in keys))
    whole: Counter[str] = Counter()
    for name, c in totals.items():
        whole.update(c)
        print(f"{name:>30}: " + " ".join(f"{c[k] / n:10.1f}" for k in keys))
    print(f"{'total':>30}: " + " ".join(f"{whole[k] / n:10.1f}" for k in keys))
    for what in ("", "home "):
        wall, cpu = spent[f"{what}wall"] / n * 1000, spent[f"{what}cpu"] / n * 1000
        print(f"this process, {what or 'submission '}each: {wall:.1f} ms wall, {cpu:.1f} ms CPU")
    for name, lines in last.items():
        print(f"\n{name}:")
        for line in lines:
            print("   ", line)


def _body_key(raw_body: str) -> str:
    """The request's key as the middleware names it (``dedup.body_key`` where it exists)."""
    from kam_bot.adapters.slack import dedup

    if hasattr(dedup, "body_key"):
        return str(dedup.body_key(raw_body))
    return "body:" + hashlib.sha256(raw_body.encode()).hexdigest()


def _state(view: dict[str, Any]) -> dict[str, Any]:
    from bench.payloads import state_values

    return {"values": state_values(view)}


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 20)
