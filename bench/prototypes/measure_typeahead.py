"""Before/after of the type-ahead prototype: ``python -m bench.prototypes.measure_typeahead URL [N]``.

Same keystrokes as the bench; reports p50/p99 of the real ``account_options`` search and of
``FastSearch``, and how often both give the same first suggestion and the same set.
"""

from __future__ import annotations

import json
import sys
import time

from sqlalchemy import text

from bench.apps import engine_for, open_app
from bench.cases.typeahead import keystrokes
from bench.core import latency_summary
from bench.generate import GenConfig
from bench.prototypes.typeahead import FastSearch


def main(url: str, n: int = 200) -> None:
    engine = engine_for(url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT name, aliases FROM accounts WHERE id % 97 = 1 ORDER BY id")).all()
    engine.dispose()
    samples = [(name, json.loads(a) if isinstance(a, str) else list(a or [])) for name, a in rows]
    queries = keystrokes(samples, n, GenConfig().seed)
    fast = FastSearch()
    real_s, fast_s, same_top, same_set = [], [], 0, 0
    with open_app(url) as app, app.uow() as uow:
        session = uow.repo.session
        fast.search(session, "warm")
        for q in queries:
            t0 = time.perf_counter()
            real = app.accounts.search(q, limit=20)
            real_s.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            mine = fast.search(session, q, limit=20)
            fast_s.append(time.perf_counter() - t0)
            same_top += bool(real and mine and real[0].account_id == mine[0].account_id) or (
                not real and not mine
            )
            same_set += {m.account_id for m in real} == {m.account_id for m in mine}
    print(f"AccountService.search  {latency_summary(real_s)}")
    print(f"FastSearch (prototype) {latency_summary(fast_s)}")
    print(f"same first suggestion {same_top}/{len(queries)}, same suggestions {same_set}/{len(queries)}")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 200)
