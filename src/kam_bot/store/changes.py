"""Changes other systems follow (a CRM), as outbox rows written in the change's transaction.

A session made with ``info={FOLLOWERS: ("salesforce",)}`` (``bootstrap`` does, when ``CRM`` is
set) turns each ``Repository.record_change`` into one pending outbox row per follower:
``platform`` the follower's name, ``kind`` ``change``, ``recipient`` ``<kind>:<id>``, payload
``{"entity", "id", "change"}``. The key is unique per change (two edits are two rows); the
follower's sender pushes the record as it is when it sends, so rows of one record may go in
any order. Without followers nothing is written.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from kam_bot.store.outbox import PENDING
from kam_bot.store.tables import OutboxRow

FOLLOWERS = "kam_bot.change_followers"
"""``Session.info`` key: the names of the systems following changes."""
KIND = "change"


def key(follower: str, kind: str, entity_id: int, change: str) -> str:
    return f"{KIND}:{follower}:{kind}{entity_id}:{change}:{uuid.uuid4().hex[:16]}"


def row(follower: str, kind: str, entity_id: int, change: str, at: datetime) -> OutboxRow:
    return OutboxRow(
        key=key(follower, kind, entity_id, change),
        kind=KIND,
        platform=follower,
        recipient=f"{kind}:{entity_id}",
        payload={"entity": kind, "id": entity_id, "change": change},
        status=PENDING,
        attempts=0,
        next_attempt_at=at,
        created_at=at,
    )
