"""The floor of the weekly digests: hand-written aggregate queries for all teams at once (PostgreSQL).

Each team's week is its own local Monday to Monday (a ``VALUES`` list of bounds); the
figures are the ones ``jobs.digest.compute`` reports: visits and goal outcomes per rep,
visits per rep over the chart's 8 weeks, our promises made / due / kept / overdue per rep,
customers' promises overdue, stale accounts, stage moves, prices off policy, competitor
prices, stock alerts (the week's latest count of each product, as the digest reads the shelf) and
competitor notes per team. Days are the team's local days, as the digest counts them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, text

from kam_bot.jobs.planning import local_date, week_bounds

_BOUNDS = """bounds(team_id, tz, ws, we, w8, start_day, cutoff) AS (VALUES {values})"""

QUERIES: dict[str, str] = {
    "visits": """
        SELECT b.team_id, v.rep_id, count(*) AS visits, count(v.goal_reached) AS rated,
               count(*) FILTER (WHERE v.goal_reached = 'yes') AS reached,
               count(*) FILTER (WHERE v.goal_reached = 'partly') AS partly
          FROM bounds b JOIN accounts a ON a.team_id = b.team_id
          JOIN visits v ON v.account_id = a.id AND v.visited_at >= b.ws AND v.visited_at < b.we
         GROUP BY 1, 2""",
    "chart": """
        SELECT b.team_id, v.rep_id, ((v.visited_at AT TIME ZONE b.tz)::date - b.start_day + 49) / 7 AS week,
               count(*)
          FROM bounds b JOIN accounts a ON a.team_id = b.team_id
          JOIN visits v ON v.account_id = a.id AND v.visited_at >= b.w8 AND v.visited_at < b.we
         GROUP BY 1, 2, 3""",
    "promises": """
        SELECT b.team_id, p.owner_id,
               count(*) FILTER (WHERE p.direction = 'ours'
                                AND p.created_at >= b.ws AND p.created_at < b.we) AS made,
               count(*) FILTER (WHERE p.direction = 'ours'
                                AND p.due_date >= b.start_day AND p.due_date < b.cutoff) AS due,
               count(*) FILTER (WHERE p.direction = 'ours'
                                AND p.due_date >= b.start_day AND p.due_date < b.cutoff
                                AND (p.done_at AT TIME ZONE b.tz)::date <= p.due_date) AS kept,
               count(*) FILTER (WHERE p.direction = 'ours' AND p.due_date < b.cutoff
                                AND (p.status = 'open' OR p.done_at > b.we)) AS overdue,
               count(*) FILTER (WHERE p.direction = 'theirs' AND p.due_date < b.cutoff
                                AND (p.status = 'open' OR p.done_at > b.we)) AS theirs_overdue
          FROM bounds b JOIN accounts a ON a.team_id = b.team_id
          JOIN promises p ON p.account_id = a.id AND p.status <> 'cancelled'
         WHERE p.status = 'open' OR p.done_at > b.we OR p.created_at >= b.ws OR p.due_date >= b.start_day
         GROUP BY 1, 2""",
    "stale": """
        SELECT b.team_id, count(*)
          FROM bounds b JOIN accounts a ON a.team_id = b.team_id AND NOT a.archived AND a.created_at <= b.we
          LEFT JOIN LATERAL (SELECT max(v.visited_at) AS last FROM visits v
                              WHERE v.account_id = a.id AND v.visited_at < b.we) lv ON true
         WHERE (b.cutoff - COALESCE((lv.last AT TIME ZONE b.tz)::date,
                                    (a.created_at AT TIME ZONE b.tz)::date))
               > COALESCE(a.visit_cadence_days, CASE a.tier WHEN 'A' THEN 14 WHEN 'B' THEN 30 ELSE 60 END)
         GROUP BY 1""",
    "stage_moves": """
        SELECT b.team_id, count(*)
          FROM bounds b JOIN accounts a ON a.team_id = b.team_id
          JOIN stage_changes s ON s.account_id = a.id AND s.changed_at >= b.ws AND s.changed_at < b.we
         GROUP BY 1""",
    "prices": """
        SELECT b.team_id,
               count(*) FILTER (WHERE o.kind <> 'competitor' AND l.price > 0
                                AND upper(l.currency) = upper(o.currency)
                                AND (l.unit IS NULL OR o.unit IS NULL OR lower(l.unit) = lower(o.unit))
                                AND abs(o.price - l.price) / l.price > :threshold) AS off_policy,
               count(*) FILTER (WHERE o.kind = 'competitor') AS competitor_prices
          FROM bounds b JOIN accounts a ON a.team_id = b.team_id
          JOIN price_observations o ON o.account_id = a.id AND o.observed_at >= b.ws AND o.observed_at < b.we
          LEFT JOIN LATERAL (
                SELECT pl.price, pl.currency, pl.unit FROM price_list pl
                 WHERE lower(pl.product) = lower(o.product)
                   AND (pl.valid_from IS NULL OR pl.valid_from <= (o.observed_at AT TIME ZONE b.tz)::date)
                 ORDER BY pl.valid_from DESC NULLS LAST, pl.id DESC LIMIT 1) l ON true
         GROUP BY 1""",
    "stock": """
        SELECT s.team_id,
               count(*) FILTER (WHERE s.quantity <= 0
                                OR (s.movement = 'fast' AND prev.quantity > 0
                                    AND s.quantity <= prev.quantity * 0.5)
                                OR (s.movement = 'slow' AND prev.quantity > 0
                                    AND s.quantity >= prev.quantity * 1.5))
          FROM (SELECT b.team_id, o.*, row_number() OVER (
                       PARTITION BY o.account_id, lower(o.product)
                       ORDER BY o.observed_at DESC, o.id DESC) AS latest
                  FROM bounds b JOIN accounts a ON a.team_id = b.team_id
                  JOIN inventory_observations o
                    ON o.account_id = a.id AND o.observed_at >= b.ws AND o.observed_at < b.we) s
          LEFT JOIN LATERAL (
                SELECT p.quantity FROM inventory_observations p
                 WHERE p.account_id = s.account_id AND lower(p.product) = lower(s.product)
                   AND p.observed_at <= s.observed_at AND p.id <> s.id
                 ORDER BY p.observed_at DESC, p.id DESC LIMIT 1) prev ON true
         WHERE s.latest = 1
         GROUP BY 1""",
    "competitor_notes": """
        SELECT b.team_id, count(*)
          FROM bounds b JOIN accounts a ON a.team_id = b.team_id
          JOIN competitor_notes n ON n.account_id = a.id AND n.observed_at >= b.ws AND n.observed_at < b.we
         GROUP BY 1""",
}
INSIGHT: dict[str, str] = {
    "chain": """
        SELECT b.team_id, c.account_id, count(*) AS contacts,
               count(*) FILTER (WHERE c.last_met > b.cutoff - 1 - :met_days) AS recent,
               bool_or(c.role = 'decision_maker' AND c.last_met > b.cutoff - 1 - :met_days) AS dm_met,
               bool_or(c.attitude = 'opponent' AND c.role IN ('decision_maker', 'influencer',
                                                               'technical_evaluator', 'purchaser'))
                   AS opponent_deciding,
               bool_or(c.role = 'coach') AS coach, max(c.last_met) AS last_met
          FROM bounds b JOIN accounts a ON a.team_id = b.team_id AND NOT a.archived
          JOIN contacts c ON c.account_id = a.id
         GROUP BY 1, 2""",
    "allocation": """
        SELECT b.team_id, v.account_id, count(*)
          FROM bounds b JOIN accounts a ON a.team_id = b.team_id AND NOT a.archived
          JOIN visits v ON v.account_id = a.id AND v.visited_at >= b.we - make_interval(weeks => :weeks)
                       AND v.visited_at < b.we
         GROUP BY 1, 2""",
    "stalls": """
        SELECT b.team_id, s.account_id, max(s.changed_at)
          FROM bounds b JOIN accounts a ON a.team_id = b.team_id AND NOT a.archived
          JOIN stage_changes s ON s.account_id = a.id AND s.kind = 'procurement' AND s.changed_at < b.we
         GROUP BY 1, 2""",
    "record": """
        SELECT b.team_id, p.owner_id, p.direction, count(*),
               count(*) FILTER (WHERE p.done_at IS NOT NULL
                                AND (p.done_at AT TIME ZONE b.tz)::date <= p.due_date) AS kept
          FROM bounds b JOIN accounts a ON a.team_id = b.team_id
          JOIN promises p ON p.account_id = a.id AND p.status <> 'cancelled'
                         AND p.due_date >= b.cutoff - 1 - :promise_days AND p.due_date < b.cutoff - 1
         GROUP BY 1, 2, 3""",
}
"""What the insight sections read (decision-chain coverage, time against the grid, stalled deals,
promise record), aggregated per account or rep: the digest computes these too, so the floor does."""


def bounds_values(teams: Sequence[tuple[int, str]], monday: date) -> str:
    """The VALUES rows: (team id, zone, week start, week end, chart start, first day, cutoff day)."""
    rows = []
    for team_id, tz in teams:
        ws, we = week_bounds(monday, tz)
        w8 = week_bounds(monday - timedelta(weeks=7), tz)[0]
        cutoff = local_date(we, tz)
        rows.append(
            f"({int(team_id)}, '{tz}', timestamptz '{_iso(ws)}', timestamptz '{_iso(we)}', "
            f"timestamptz '{_iso(w8)}', date '{monday.isoformat()}', date '{cutoff.isoformat()}')"
        )
    return ", ".join(rows)


def _iso(at: datetime) -> str:
    return at.isoformat()


def run_floor(
    conn: Connection, teams: Sequence[tuple[int, str]], monday: date, threshold: Decimal
) -> dict[str, Any]:
    """Every figure of every team's digest, as ``{query name: rows}``."""
    head = "WITH " + _BOUNDS.format(values=bounds_values(teams, monday))
    params = {"threshold": threshold, **_insight_params()}
    out: dict[str, Any] = {}
    for name, sql in {**QUERIES, **INSIGHT}.items():
        out[name] = conn.execute(text(f"{head} {sql}"), params).all()
    return out


def _insight_params() -> dict[str, int]:
    try:
        from kam_bot.domain.insight.thresholds import DEFAULT
    except ImportError:  # a tree from before the insight sections
        return {"met_days": 90, "weeks": 8, "promise_days": 90}
    return {
        "met_days": DEFAULT.met_days,
        "weeks": DEFAULT.allocation_weeks,
        "promise_days": DEFAULT.promise_days,
    }


def totals(figures: dict[str, Any]) -> dict[str, int]:
    """Company totals of the floor's figures, to compare with the real digests."""
    visits, promises = figures["visits"], figures["promises"]
    return {
        "visits": sum(r[2] for r in visits),
        "rated": sum(r[3] for r in visits),
        "reached": sum(r[4] for r in visits),
        "made": sum(r[2] for r in promises),
        "due": sum(r[3] for r in promises),
        "kept": sum(r[4] for r in promises),
        "overdue": sum(r[5] for r in promises),
        "theirs_overdue": sum(r[6] for r in promises),
        "stale": sum(r[1] for r in figures["stale"]),
        "stage_moves": sum(r[1] for r in figures["stage_moves"]),
        "off_policy": sum(r[1] for r in figures["prices"]),
        "competitor_prices": sum(r[2] for r in figures["prices"]),
        "stock_alerts": sum(r[1] for r in figures["stock"]),
        "competitor_notes": sum(r[1] for r in figures["competitor_notes"]),
    }
