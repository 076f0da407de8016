"""The digest's charts: several per digest, drawn at chat-preview size, Chinese without a
missing glyph, dates with the year where it changes, and `--chart-dir` writing them all."""

from __future__ import annotations

import itertools
import logging
import struct
import warnings
from datetime import UTC, date, datetime

import pytest

from kam_bot.bootstrap import App
from kam_bot.domain.enums import Locale
from kam_bot.jobs.chart import bundled_font, compact_png, font_family, render_png
from kam_bot.jobs.digest import compute
from kam_bot.jobs.digest_charts import day_labels, visits_chart
from kam_bot.jobs.digest_render import build_digest
from kam_bot.jobs.notifications import ChartSpec
from kam_bot.services import demo

W47 = date(2026, 11, 16)


def size(png: bytes) -> tuple[int, int]:
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = struct.unpack(">II", png[16:24])
    return int(width), int(height)


def digest_charts(app: App, loc: Locale) -> list[ChartSpec]:
    demo.seed(app.uow, app.clock())
    [team] = app.users.teams()
    with app.jobs.transaction() as tx:
        data = compute(tx, team, W47, app.clock(), app.settings.price_deviation_threshold)
    return build_digest(data, loc).charts


def test_the_font_ships_with_the_project() -> None:
    font = bundled_font()
    assert font is not None and font.name == "NotoSansCJKsc-Regular.otf"
    assert font_family()[0] == "Noto Sans CJK SC"


@pytest.mark.parametrize("loc", [Locale.EN, Locale.ZH_HANS])
def test_every_chart_draws_readable_without_missing_glyphs(
    app: App, loc: Locale, caplog: pytest.LogCaptureFixture
) -> None:
    charts = digest_charts(app, loc)
    assert [c.filename.split("-2026")[0] for c in charts] == [
        "visits",
        "promises",
        "priority-grid",
        "price-1",
    ]
    if loc is Locale.ZH_HANS:
        assert "采购意向" in charts[2].title and "我方开票价" in charts[3].series
    for spec in charts:
        with (
            warnings.catch_warnings(record=True) as caught,
            caplog.at_level(logging.WARNING, "kam_bot.chart"),
        ):
            warnings.simplefilter("always")
            png = render_png(spec)
        missing = [str(w.message) for w in caught if "missing from" in str(w.message)]
        assert missing == [] and not [r for r in caplog.records if "missing from" in r.getMessage()]
        width, height = size(png)
        assert 900 <= width <= 1200 and 500 <= height <= 700  # a chat preview shows it whole


def test_a_chinese_label_without_the_font_is_reported(caplog: pytest.LogCaptureFixture) -> None:
    """The check above can fail: a glyph no font has (a private-use character) is logged."""
    [spec] = digest_charts_spec()
    with caplog.at_level(logging.WARNING, "kam_bot.chart"):
        render_png(spec)
    assert any("missing from" in r.getMessage() for r in caplog.records)


def digest_charts_spec() -> list[ChartSpec]:
    return [ChartSpec(title="\ue000 拜访", filename="x.png", labels=["a"], series={"r": [1.0]})]


def test_dates_carry_the_year_where_it_changes() -> None:
    days = [date(2026, 12, 21), date(2026, 12, 28), date(2027, 1, 4)]
    assert day_labels(days, Locale.EN) == ["21 Dec\n2026", "28 Dec", "4 Jan\n2027"]
    assert day_labels(days, Locale.ZH_HANS) == ["12月21日\n2026年", "12月28日", "1月4日\n2027年"]


@pytest.mark.parametrize(
    ("loc", "label", "price_title"),
    [(Locale.EN, "Baosteel", "Acme: coil-7 price"), (Locale.ZH_HANS, "宝钢", "Acme：coil-7 价格")],
)
def test_accounts_go_by_their_shortest_name_in_the_readers_script(
    app: App, loc: Locale, label: str, price_title: str
) -> None:
    charts = digest_charts(app, loc)
    grid = next(c for c in charts if c.kind == "grid")
    assert label in [p.label for p in grid.points]
    assert charts[-1].title == price_title
    assert "USD/t" in charts[-1].y_label  # the unit too, not only the currency


@pytest.mark.parametrize("loc", [Locale.EN, Locale.ZH_HANS])
def test_the_compact_png_for_teams_is_the_same_picture_in_under_half_the_bytes(app: App, loc: Locale) -> None:
    for spec in digest_charts(app, loc):
        png = render_png(spec)
        small = compact_png(png)
        assert size(small) == size(png)
        assert len(small) < len(png) / 2 and len(small) < 40_000


def charts_as_of(app: App, monday: date, now: datetime, loc: Locale = Locale.EN) -> dict[str, ChartSpec]:
    if not app.users.teams():
        demo.seed(app.uow, app.clock())
    [team] = app.users.teams()
    with app.jobs.transaction() as tx:
        data = compute(tx, team, monday, now, app.settings.price_deviation_threshold)
    return {c.filename.split("-2026")[0]: c for c in build_digest(data, loc).charts}


def test_the_week_in_progress_is_marked_on_the_visits_chart(app: App) -> None:
    thursday = datetime(2026, 11, 26, 10, tzinfo=UTC)
    visits = charts_as_of(app, date(2026, 11, 23), thursday)["visits"]
    assert (visits.in_progress, visits.in_progress_label) == (7, "week in progress")  # the last of 8 weeks
    zh = charts_as_of(app, date(2026, 11, 23), thursday, Locale.ZH_HANS)["visits"]
    assert zh.in_progress_label == "本周进行中"
    assert charts_as_of(app, W47, app.clock())["visits"].in_progress is None  # a week that is over


def test_kept_promises_show_their_counts_beside_the_rates(app: App) -> None:
    record = charts_as_of(app, W47, app.clock())["promises"]
    for series, values in record.series.items():
        for value, text in zip(values, record.bar_texts[series], strict=True):
            if value is None:
                assert text == "–"  # nothing fell due: no rate, not 0 %
            else:
                rate, counts = text.split("\n")
                kept, due = (int(n) for n in counts.split(" of "))
                assert rate == f"{value:.0f}%" and round(100 * kept / due) == value
    assert "50%\n2 of 4" in record.bar_texts["our promises"]


def test_the_priority_grid_sets_unknown_apart_and_draws_its_zones(app: App) -> None:
    grid = charts_as_of(app, W47, app.clock())["priority-grid"]
    assert grid.x_categories[0] == grid.y_categories[0] == "unknown"
    for ticks in (grid.x_ticks, grid.y_ticks):
        gaps = [b - a for a, b in itertools.pairwise(ticks)]
        assert gaps[0] > gaps[1] == gaps[2]  # unknown, a gap, then the ranked values evenly
    zones = {z.label: z for z in grid.zones if z.label}
    assert set(zones) == {"focus", "nurture", "park", "monitor"}
    baosteel = next(p for p in grid.points if p.label == "Baosteel")  # clear intention, strong power
    focus = zones["focus"]
    assert focus.x0 < baosteel.x < focus.x1 and focus.y0 < baosteel.y < focus.y1
    unknown = [p for p in grid.points if p.x < grid.x_ticks[0] + 0.5]
    assert unknown and all(not (z.x0 < p.x < z.x1) for p in unknown for z in zones.values())


def test_the_price_chart_draws_the_policy_band(app: App) -> None:
    for loc, label in ((Locale.EN, "policy ±5%"), (Locale.ZH_HANS, "价格政策 ±5%")):
        price = charts_as_of(app, W47, app.clock(), loc)["price-1"]
        assert (price.band, price.band_label) == (0.05, label)
        assert any(v is not None for v in price.reference)


def test_two_reps_of_one_name_each_keep_their_line(app: App) -> None:
    """Series are keyed by name: a namesake must not take the other's line (or lose their own)."""
    demo.seed(app.uow, app.clock())
    [team] = app.users.teams()
    with app.jobs.transaction() as tx:
        data = compute(tx, team, W47, app.clock(), app.settings.price_deviation_threshold)
    first, second = sorted(data.reps, key=lambda f: f.user.id)[:2]
    second.user = second.user.model_copy(update={"display_name": first.user.display_name})
    spec = visits_chart(data, Locale.EN)
    name, zero = first.user.display_name, [0] * len(data.weeks)
    assert spec.series[name] == [float(c) for c in data.weekly_visits.get(first.user.id, zero)]
    assert spec.series[f"{name} (2)"] == [float(c) for c in data.weekly_visits.get(second.user.id, zero)]
    assert len(spec.series) == len(data.reps)
