"""Writing many outbox rows at once (both databases): each key once, the rows as given."""

from __future__ import annotations

import json
from datetime import timedelta

from conftest import FrozenClock
from sqlalchemy import select

from kam_bot.bootstrap import App
from kam_bot.jobs import outbox
from kam_bot.store.tables import OutboxRow


def _message(key: str, text: str, user_id: int | None = None) -> outbox.NewMessage:
    body = {"notification": {"title": text, "parts": [{"lines": [{"text": '主 ✓ "quoted"'}]}]}}
    return outbox.NewMessage(key, "daily", "slack", f"U-{key}", body, user_id=user_id)


def test_many_rows_are_written_once_each_and_as_given(app: App, clock: FrozenClock) -> None:
    earlier, now = clock.now - timedelta(minutes=5), clock.now
    with app.jobs.transaction() as tx:
        assert tx.enqueue_many([_message("k1", "first")], earlier) == 1
        tx.commit()
    with app.jobs.transaction() as tx:
        again = [_message("k1", "second"), _message("k2", "two"), _message("k3", "three")]
        assert tx.enqueue_many(again, now) == 2  # k1 was there: left alone
        tx.commit()
    with app.engine.connect() as conn:
        rows = {r.key: r for r in conn.execute(select(OutboxRow)).all()}
    assert sorted(rows) == ["k1", "k2", "k3"]
    assert rows["k1"].payload["notification"]["title"] == "first"
    assert rows["k1"].created_at == earlier
    two = rows["k2"]
    assert (two.kind, two.platform, two.recipient, two.status, two.attempts) == (
        "daily", "slack", "U-k2", "pending", 0
    )  # fmt: skip
    assert two.payload == _message("k2", "two").payload
    assert two.next_attempt_at == now and two.created_at == now
    assert two.user_id is None and two.last_error is None


def test_a_payload_given_as_json_text_is_stored_as_that_value(app: App, clock: FrozenClock) -> None:
    body = {"notification": {"title": '主 ✓ "quoted" \\ back', "parts": [{"lines": [{"text": "a\u2028b"}]}]}}
    encoded = outbox.Encoded(json.dumps(body, ensure_ascii=False, separators=(",", ":")))
    messages = [
        outbox.NewMessage("k1", "daily", "slack", "U1", encoded),
        outbox.NewMessage("k2", "daily", "slack", "U2", body),
    ]
    with app.jobs.transaction() as tx:
        assert tx.enqueue_many(messages, clock.now) == 2
        tx.commit()
    with app.engine.connect() as conn:
        rows = {r.key: r.payload for r in conn.execute(select(OutboxRow)).all()}
    assert rows == {"k1": body, "k2": body}


def test_rows_of_a_transaction_not_committed_are_not_written(app: App, clock: FrozenClock) -> None:
    with app.jobs.transaction() as tx:
        assert tx.enqueue_many([_message("k1", "first"), _message("k2", "two")], clock.now) == 2
    with app.engine.connect() as conn:
        assert conn.execute(select(OutboxRow)).all() == []
    with app.jobs.transaction() as tx:
        assert tx.enqueue_many([_message("k1", "again")], clock.now) == 1
        tx.commit()
    with app.engine.connect() as conn:
        assert [r.payload["notification"]["title"] for r in conn.execute(select(OutboxRow))] == ["again"]
