"""A built serving process keeps what it was built from out of the collector's later walks
(``kam_bot.heap``): without it, each process's first full collection under load held every
request in flight for 160-200 ms (the ``/visit`` bench); and what requests in flight hold
does not set off a young collection every few requests."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from kam_bot.store.engine import make_engine, upgrade

CHILD = textwrap.dedent(
    """
    import gc, json, weakref
    from kam_bot.bootstrap import worker_server

    worker_server()
    frozen, walked = gc.get_freeze_count(), len(gc.get_objects())

    class Node:
        pass

    made_after = Node()
    made_after.me = made_after  # a cycle: only the collector frees it
    gone = weakref.ref(made_after)
    del made_after
    gc.collect()

    runs = []
    gc.callbacks.append(lambda phase, info: runs.append(info["generation"]) if phase == "start" else None)
    in_flight = [{"block": [{"text": str(i)}]} for i in range(3_000)]  # ten requests' parsed views
    gc.callbacks.clear()
    print(json.dumps({
        "frozen": frozen, "walked": walked, "collected_after": gone() is None, "in_flight_runs": len(runs),
    }))
    """
)


def test_a_serve_worker_leaves_its_built_heap_out_of_later_collections(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'kam.db'}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SLACK_BOT_TOKEN": "xoxb-test",
        "SLACK_SIGNING_SECRET": "heap-secret",
        "SLACK_APP_TOKEN": "",
        "SLACK_API_URL": "http://127.0.0.1:9/api/",  # never called while building
    }
    done = subprocess.run(
        [sys.executable, "-c", CHILD], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["frozen"] > 10 * seen["walked"]  # a full collection walks under a tenth of the heap
    assert seen["collected_after"]  # garbage made while serving is still collected
    assert seen["in_flight_runs"] == 0  # the objects of requests in flight are not walked again and again
