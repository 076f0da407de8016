"""Charts as PNG bytes, headless: matplotlib's object API on the Agg canvas, never pyplot.

No global state is touched (no ``pyplot``, no backend switch), so drawing in a worker thread
next to a running event loop is safe. Names in scripts the installed fonts lack (Chinese
names without a CJK font) draw as boxes rather than failing; a CJK font is used when one
is installed.
"""

from __future__ import annotations

import io
import warnings
from functools import cache

from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from kam_bot.jobs.notifications import ChartSpec

CJK_FONTS = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Zen Hei",
    "SimHei",
    "Microsoft YaHei",
    "PingFang SC",
    "Heiti SC",
    "AR PL UMing CN",
)


@cache
def font_family() -> list[str]:
    installed = {f.name for f in font_manager.fontManager.ttflist}
    return [name for name in CJK_FONTS if name in installed] + ["DejaVu Sans"]


def render_png(spec: ChartSpec, width: float = 9.0, height: float = 4.5) -> bytes:
    """A grouped bar chart: one group per label (week), one bar per series (rep)."""
    fig = Figure(figsize=(width, height), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.subplots()
    names = list(spec.series)
    count = max(1, len(names))
    bar = 0.8 / count
    positions = list(range(len(spec.labels)))
    for i, name in enumerate(names):
        offset = (i - (count - 1) / 2) * bar
        ax.bar([p + offset for p in positions], spec.series[name], width=bar, label=name)
    peak = max((max(values, default=0) for values in spec.series.values()), default=0)
    ax.set_ylim(0, max(1, peak) * 1.3)
    ax.set_xticks(positions)
    ax.set_xticklabels(spec.labels)
    ax.set_title(spec.title)
    if spec.y_label:
        ax.set_ylabel(spec.y_label)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    texts = [ax.title, *ax.get_xticklabels()]
    if names:
        texts += ax.legend(loc="upper left", fontsize="small", ncols=min(4, count)).get_texts()
    for text in texts:
        text.set_fontfamily(font_family())
    fig.tight_layout()
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "Glyph ... missing from font"
        fig.savefig(buffer, format="png")
    return buffer.getvalue()
