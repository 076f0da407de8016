"""Charts as PNG bytes, headless: matplotlib's object API on the Agg canvas, never pyplot.

No pyplot and no backend switch, so drawing in a worker thread next to a running event loop is
safe. Text is drawn in Noto Sans CJK SC, which the ``mplfonts`` package installs with the
project (SIL Open Font License), so Chinese titles, names and labels render; any glyph still
missing is logged (``kam_bot.chart``), never silently drawn as a box.

Sized for a chat preview (about 1000 x 560 px, 11 pt and up), labelled axes, the Okabe-Ito
colour-blind-safe palette, and date labels that carry the year where it changes (built by the
caller, in the reader's language).
"""

from __future__ import annotations

import io
import itertools
import logging
import warnings
from functools import cache
from importlib import metadata
from pathlib import Path

from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.text import Text
from matplotlib.ticker import MaxNLocator
from PIL import Image

from kam_bot.jobs.notifications import ChartSpec

log = logging.getLogger("kam_bot.chart")

OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#F0E442", "#000000")
"""Okabe & Ito's palette, yellow late (weak on white)."""
BUNDLED_FONT = "mplfonts/fonts/NotoSansCJKsc-Regular.otf"
CJK_FONTS = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Zen Hei",
    "SimHei",
    "Microsoft YaHei",
    "PingFang SC",
)
SIZE = (7.0, 4.0)
DPI = 150
PALETTE_COLOURS = 64


def bundled_font() -> Path | None:
    """The Noto Sans CJK SC file the ``mplfonts`` distribution ships, found without importing it."""
    try:
        path = Path(str(metadata.distribution("mplfonts").locate_file(BUNDLED_FONT)))
    except metadata.PackageNotFoundError:
        return None
    return path if path.is_file() else None


@cache
def font_family() -> list[str]:
    """CJK fonts available (the bundled one registered first), then DejaVu Sans for the rest."""
    bundled = bundled_font()
    if bundled is not None:
        font_manager.fontManager.addfont(str(bundled))
    installed = {f.name for f in font_manager.fontManager.ttflist}
    return [name for name in CJK_FONTS if name in installed] + ["DejaVu Sans"]


def colour(i: int) -> str:
    return OKABE_ITO[i % len(OKABE_ITO)]


def render_png(spec: ChartSpec, width: float = SIZE[0], height: float = SIZE[1]) -> bytes:
    """The chart as PNG, ``width`` x ``height`` inches (smaller for a platform's message limit)."""
    fig = Figure(figsize=(width, height), dpi=DPI)
    FigureCanvasAgg(fig)
    ax = fig.subplots()
    {"bars": _bars, "lines": _lines, "grid": _grid}[spec.kind](ax, spec)
    ax.set_title(spec.title, fontsize=12)
    if spec.y_label:
        ax.set_ylabel(spec.y_label, fontsize=11)
    if spec.x_label:
        ax.set_xlabel(spec.x_label, fontsize=11)
    ax.spines[["top", "right"]].set_visible(False)
    if spec.note:
        ax.annotate(spec.note, (0, 0), xycoords="figure fraction", xytext=(6, 6), textcoords="offset points",
                    fontsize=9, color="#555555", ha="left", va="bottom")  # fmt: skip
    buffer = io.BytesIO()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", UserWarning)
        # every text set so far (titles, labels, legends, the explicit tick labels); numeric
        # ticks made at draw time are digits, which any font has
        for text in fig.findobj(Text):
            text.set_fontfamily(font_family())
        fig.tight_layout()
        fig.savefig(buffer, format="png")
    for w in caught:
        if "missing from" in str(w.message):
            log.warning("chart %s: %s", spec.filename, w.message)
    return buffer.getvalue()


def compact_png(png: bytes, colours: int = PALETTE_COLOURS) -> bytes:
    """The same picture as an 8-bit palette PNG, about a third of the size: a chart has a few flat
    colours and their anti-aliased edges, which ``colours`` keep indistinguishable at chat size."""
    with Image.open(io.BytesIO(png)) as image:
        small = image.convert("RGB").quantize(colors=colours, method=Image.Quantize.FASTOCTREE)
    out = io.BytesIO()
    small.save(out, format="PNG")
    return out.getvalue()


def _legend(ax: Axes, count: int) -> None:
    if count:
        ax.legend(loc="upper left", fontsize=9, ncols=min(4, count), frameon=False)


def _bars(ax: Axes, spec: ChartSpec) -> None:
    """A grouped bar chart: one group per label (a week, a rep), one bar per series."""
    names = list(spec.series)
    count = max(1, len(names))
    bar = 0.8 / count
    positions = list(range(len(spec.labels)))
    peak = 0.0
    for i, name in enumerate(names):
        values = [v or 0.0 for v in spec.series[name]]
        peak = max([peak, *values])
        xs = [p + (i - (count - 1) / 2) * bar for p in positions]
        bars = ax.bar(xs, values, width=bar, label=name, color=colour(i))
        if spec.in_progress is not None and spec.in_progress < len(bars):
            part = bars[spec.in_progress]  # not over yet: lighter, hatched, so it is not read as a drop
            part.set_alpha(0.45)
            part.set_hatch("///")
            part.set_edgecolor(colour(i))
        texts = spec.bar_texts.get(name)
        if texts or spec.value_suffix:
            for k, (x, v) in enumerate(zip(xs, spec.series[name], strict=False)):
                shown = texts[k] if texts else "–" if v is None else f"{v:.0f}{spec.value_suffix}"
                ax.annotate(shown, (x, v or 0), ha="center", va="bottom", fontsize=8, xytext=(0, 2),
                            textcoords="offset points")  # fmt: skip
    if spec.y_max is not None:
        room = 1.28 if spec.bar_texts else 1.18  # for the legend above the highest bar (and its text)
        ax.set_ylim(0, spec.y_max * room)
        ax.set_yticks([spec.y_max * i / 5 for i in range(6)])
    else:
        ax.set_ylim(0, max(1.0, peak) * 1.3)
    ax.set_xticks(positions)
    ax.set_xticklabels(spec.labels, fontsize=10)
    if spec.y_max is None:
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    if spec.in_progress is not None:  # the period not over yet: a shaded column, named, even when empty
        ax.axvspan(spec.in_progress - 0.5, spec.in_progress + 0.5, facecolor="#EEEEEE", hatch="//",
                   edgecolor="#D5D5D5", linewidth=0, zorder=0)  # fmt: skip
        ax.annotate(spec.in_progress_label, (spec.in_progress, ax.get_ylim()[1]), ha="center", va="top",
                    fontsize=8, style="italic", color="#444444", xytext=(0, -4), textcoords="offset points",
                    wrap=True)  # fmt: skip
    _legend(ax, len(names))


def _lines(ax: Axes, spec: ChartSpec) -> None:
    """Prices over time: a line with markers per series, the price list dashed."""
    xs = [float(d.toordinal()) for d in spec.days]  # plain day numbers: the ticks are set below
    for i, (name, values) in enumerate(spec.series.items()):
        pts = [(x, v) for x, v in zip(xs, values, strict=False) if v is not None]
        ax.plot(
            [p[0] for p in pts], [p[1] for p in pts], marker="o", label=name, color=colour(i), linewidth=2
        )
    ref = [(x, v) for x, v in zip(xs, spec.reference, strict=False) if v is not None]
    if ref and spec.band:
        ax.fill_between([p[0] for p in ref], [p[1] * (1 - spec.band) for p in ref],
                        [p[1] * (1 + spec.band) for p in ref], step="post", color="#999999", alpha=0.18,
                        linewidth=0, label=spec.band_label)  # fmt: skip
    if ref:
        ax.step([p[0] for p in ref], [p[1] for p in ref], where="post", linestyle="--", color="#555555",
                label=spec.reference_label)  # fmt: skip
    ax.set_xticks([float(d.toordinal()) for d in spec.tick_days])
    ax.set_xticklabels(spec.labels, fontsize=10)
    ax.margins(x=0.08, y=0.25)
    _legend(ax, len(spec.series) + int(bool(ref)) + int(bool(ref and spec.band)))


def _grid(ax: Axes, spec: ChartSpec) -> None:
    """Accounts on the intention x power grid: a point per account sized by tier, coloured by owner."""
    groups = list(dict.fromkeys(p.group for p in spec.points))
    for zone in spec.zones:
        corner, width, height = (zone.x0, zone.y0), zone.x1 - zone.x0, zone.y1 - zone.y0
        ax.add_patch(Rectangle(corner, width, height, facecolor=zone.colour, edgecolor="none", zorder=0))
        if zone.label:
            ax.annotate(zone.label, (zone.x0, zone.y0), xytext=(4, 3), textcoords="offset points", ha="left",
                        va="bottom", fontsize=8, style="italic", color="#444444", zorder=1)  # fmt: skip
    for i, group in enumerate(groups):
        mine = [p for p in spec.points if p.group == group]
        ax.scatter([p.x for p in mine], [p.y for p in mine], s=[p.size for p in mine], label=group,
                   color=colour(i), alpha=0.8, edgecolors="white", linewidths=1)  # fmt: skip
        for p in mine:
            ax.annotate(p.label, (p.x, p.y), fontsize=8, xytext=(0, -17 if p.label_below else 11),
                        textcoords="offset points", ha="center")  # fmt: skip
    xs = spec.x_ticks or [float(i) for i in range(len(spec.x_categories))]
    ys = spec.y_ticks or [float(i) for i in range(len(spec.y_categories))]
    ax.set_xticks(xs)
    ax.set_xticklabels(spec.x_categories, fontsize=10)
    ax.set_yticks(ys)
    ax.set_yticklabels(spec.y_categories, fontsize=10)
    ax.set_xlim(xs[0] - 0.6, xs[-1] + 0.6)
    ax.set_ylim(ys[0] - 0.6, ys[-1] + 0.8)
    for a, b in itertools.pairwise(xs):
        ax.axvline((a + b) / 2, color="#DDDDDD", linewidth=1, zorder=0.5)
    for a, b in itertools.pairwise(ys):
        ax.axhline((a + b) / 2, color="#DDDDDD", linewidth=1, zorder=0.5)
    if groups:
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=9, frameon=False, markerscale=0.4)
