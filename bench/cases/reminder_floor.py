"""The floor of reminder planning: one hand-written SQL query for everyone's morning DM.

It returns (recipient user id, kind, entity id) for every person not away:

- ``due``   open promises we owe due today or earlier, and customers' open promises due
  before today, not snoozed past today, on live accounts (``daily.due_ours``/``overdue_theirs``);
- ``stale`` live accounts past their cadence (``daily.stale_accounts``);
- ``visit`` accounts whose latest visit planned the next one for today (``daily.planned_visits``);
- ``esc``   to each manager: their reps' open promises overdue by ``escalation_days``;
- ``far``   to each manager: their reps' accounts more than twice past their cadence.

Staleness is counted in the owner's local days, as ``daily`` does. Last visits are index lookups
per account (``ix_visits_account_at``), not a scan of the history, so the query's cost follows the
accounts and the open promises, not the years.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import TextClause, text

_PG = {"day": "({col} AT TIME ZONE o.timezone)::date", "diff": "({a} - {b})"}
_LITE = {"day": "date({col})", "diff": "CAST(julianday({a}) - julianday({b}) AS INTEGER)"}
"""Days are the owner's local days (``rules.days_overdue(..., tz=)``); SQLite has no time zones,
so its floor counts UTC days and may differ on a visit or creation near midnight."""

_SQL = """
WITH people AS (
  SELECT id FROM users WHERE away_until IS NULL OR away_until < :today
),
live AS (
  SELECT a.id, a.owner_id,
         COALESCE(a.visit_cadence_days, CASE a.tier WHEN 'A' THEN 14 WHEN 'B' THEN 30 ELSE 60 END) AS cadence,
         COALESCE((SELECT {last_day} FROM visits v WHERE v.account_id = a.id), {created_day}) AS since
  FROM accounts a JOIN users o ON o.id = a.owner_id
  WHERE a.archived = :no
),
stale AS (
  SELECT owner_id, id, {age} AS age, cadence FROM live WHERE {age} > cadence
)
SELECT p.owner_id, 'due', p.id
  FROM promises p JOIN people u ON u.id = p.owner_id
  JOIN accounts a ON a.id = p.account_id AND a.archived = :no
 WHERE p.status = 'open'
   AND ((p.direction = 'ours' AND p.due_date <= :today) OR (p.direction = 'theirs' AND p.due_date < :today))
   AND (p.snoozed_until IS NULL OR p.snoozed_until <= :today)
UNION ALL
SELECT s.owner_id, 'stale', s.id FROM stale s JOIN people u ON u.id = s.owner_id
UNION ALL
SELECT a.owner_id, 'visit', a.id
  FROM visits v JOIN accounts a ON a.id = v.account_id AND a.archived = :no JOIN people u ON u.id = a.owner_id
 WHERE v.next_visit_date = :today
   AND v.visited_at = (SELECT max(v2.visited_at) FROM visits v2 WHERE v2.account_id = v.account_id)
UNION ALL
SELECT r.manager_id, 'esc', p.id
  FROM promises p JOIN users r ON r.id = p.owner_id JOIN people m ON m.id = r.manager_id
  JOIN accounts a ON a.id = p.account_id AND a.archived = :no
 WHERE p.status = 'open' AND p.direction = 'ours' AND p.due_date <= :esc_day
UNION ALL
SELECT r.manager_id, 'far', s.id
  FROM stale s JOIN users r ON r.id = s.owner_id JOIN people m ON m.id = r.manager_id
 WHERE s.age > 2 * s.cadence
"""


def floor_query(dialect: str) -> TextClause:
    f = _PG if dialect == "postgresql" else _LITE
    today = ":today" if dialect == "postgresql" else "date(:today)"
    sql = _SQL.format(
        last_day=f["day"].format(col="max(v.visited_at)"),
        created_day=f["day"].format(col="a.created_at"),
        age=f["diff"].format(a=today, b="since"),
    )
    return text(sql)


def floor_params(dialect: str, today: date, escalation_days: int) -> dict[str, object]:
    """``esc_day``: the latest due date ``escalation_days`` working days overdue (the generated
    teams keep Monday to Friday), as ``daily`` counts it."""
    esc_day = _escalation_cutoff(today, escalation_days)
    if dialect == "postgresql":
        return {"today": today, "esc_day": esc_day, "no": False}
    return {"today": today.isoformat(), "esc_day": esc_day.isoformat(), "no": False}


def _escalation_cutoff(today: date, escalation_days: int) -> date:
    try:
        from kam_bot.domain.calendar import MONDAY_TO_FRIDAY
    except ImportError:  # a tree from before working calendars counted calendar days
        return today - timedelta(days=escalation_days)
    return MONDAY_TO_FRIDAY.overdue_cutoff(today, escalation_days)
