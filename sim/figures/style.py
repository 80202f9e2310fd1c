"""The house style every figure shares: palette, fonts, fixed-margin layout, header, month axes, fans, saving.

Run, comparison, sweep, fit, discovery and dashboard figures all draw their frames with these functions, so they
look alike and none measures text on every draw. Matplotlib's object API is used (no pyplot state), with the
Okabe-Ito palette, which stays distinguishable under the common colour-vision deficiencies.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from PIL import Image

OKABE_ITO = ("#0072B2", "#D55E00", "#009E73", "#E69F00", "#CC79A7", "#56B4E9", "#000000", "#F0E442")
FAN = OKABE_ITO[0]
# Distrust (vermillion) through grey to trust (blue): colour-blind safe, and visible on white at every value.
TRUST_CMAP = LinearSegmentedColormap.from_list("trust", [OKABE_ITO[1], "#9a9a9a", OKABE_ITO[0]])
STYLE = {
    "font.size": 9,
    "axes.titlesize": 9.5,
    "axes.labelsize": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#e6e6e6",
    "grid.linewidth": 0.6,
    "legend.frameon": False,
    "axes.axisbelow": True,
    "figure.dpi": 100,
    "savefig.dpi": 150,
}


# ---------------------------------------------------------------------------------------------------------------
# Layout: fixed margins in inches, no layout engine. Each figure's panels are placed once from known sizes, where a
# constrained layout would measure every tick label and re-place the panels on each draw (half the drawing time).

GAP = 4.0  # points between the header's lines
LEFT, BOTTOM, RIGHT = 0.75, 0.5, 0.25  # inches for tick labels plus axis labels, and a margin on the right
TITLE = 0.3  # inches above a panel for its title
NODE = 0.18  # radius of an actor's circle in the network figure (data units; the actors sit on the unit circle)


def actors_of(frame: pd.DataFrame) -> list[str]:
    return list(pd.unique(frame["observer"]))


def strip_height(caption: str, legend: bool) -> float:
    """Height in inches of the header strip above the panels: title, caption lines and an optional legend row."""
    title_h, caption_h = 12.5 * 1.25, (caption.count("\n") + 1) * 8.5 * 1.3
    return (3 * GAP + title_h + caption_h + (18.0 + GAP if legend else 0.0)) / 72


def canvas(width: float, body: float, caption: str, legend: bool = False) -> tuple[Figure, float]:
    """A figure `width` inches wide with `body` inches for the panels below a header strip; returns the strip."""
    strip = strip_height(caption, legend)
    return Figure(figsize=(width, body + strip)), strip


def panel_grid(
    fig: Figure,
    rows: int,
    cols: int,
    *,
    top: float,
    left: float = LEFT,
    right: float = RIGHT,
    bottom: float = BOTTOM,
    wgap: float = 0.0,
    hgap: float = 0.0,
) -> Any:
    """A GridSpec with margins (`top` from the figure's top edge) and gaps between panels, all in inches."""
    width, height = fig.get_size_inches()
    panel_w = (width - left - right - (cols - 1) * wgap) / cols
    panel_h = (height - top - bottom - (rows - 1) * hgap) / rows
    return fig.add_gridspec(
        rows,
        cols,
        left=left / width,
        right=1 - right / width,
        bottom=bottom / height,
        top=1 - top / height,
        wspace=wgap / panel_w,
        hspace=hgap / panel_h,
    )


def dyad_grid(
    fig: Figure, actors: Sequence[str], names: Mapping[str, str], strip: float, left: float = LEFT
) -> dict[tuple[str, str], Any]:
    """An N x N grid of axes, row = observer, column = target; the diagonal names the actor.

    Tick labels appear once per row (left) and once per column (bottom), so the panels share scales visibly.
    """
    n = len(actors)
    spec = panel_grid(fig, n, n, top=strip + TITLE, left=left, wgap=0.3, hgap=TITLE + 0.05)
    grid = spec.subplots(sharex=True, sharey=True, squeeze=False)
    axes = {}
    for i, obs in enumerate(actors):
        for j, tgt in enumerate(actors):
            ax = grid[i][j]
            if i == j:
                ax.set_axis_off()
                ax.text(
                    0.5,
                    0.58,
                    names.get(obs, obs),
                    ha="center",
                    va="center",
                    weight="bold",
                    fontsize=11,
                    transform=ax.transAxes,
                )
                ax.text(
                    0.5,
                    0.36,
                    f"row: {obs}'s trust in ...\ncolumn: trust in {obs}",
                    ha="center",
                    va="center",
                    color="#555555",
                    fontsize=7.5,
                    transform=ax.transAxes,
                )
                continue
            axes[(obs, tgt)] = ax
            ax.set_title(f"{obs} → {tgt}", pad=3)
            ax.tick_params(labelleft=j == (1 if i == 0 else 0), labelbottom=i == (n - 2 if j == n - 1 else n - 1))
    return axes


def label_grid(fig: Figure, xlabel: str, ylabel: str) -> None:
    """Axis labels for a whole grid, in the bottom and left margins."""
    width, height = fig.get_size_inches()
    fig.supxlabel(xlabel, fontsize=9, y=0.06 / height, va="bottom")
    fig.supylabel(ylabel, fontsize=9, x=0.06 / width, ha="left")


def header(fig: Figure, title: str, caption: str, legend: tuple[list[Any], list[str]] | None = None) -> None:
    """A bold title, a smaller caption and optionally a one-row legend, in the strip `_canvas` left at the top.

    Heights are in points below the top edge, so the header never overlaps the panels placed under the strip. A
    figure with a constrained layout (sweep, fit and discover figures) grows by the strip instead, and its layout is
    confined below it (`rect`), so its panels keep their size.
    """
    engine = fig.get_layout_engine()
    if engine is not None:
        strip = strip_height(caption, legend is not None)
        height = fig.get_figheight() + strip
        fig.set_figheight(height)
        engine.set(rect=(0, 0, 1, 1 - strip / height))

    def below_top(points: float) -> mpl.transforms.Transform:
        return mpl.transforms.offset_copy(fig.transFigure, fig=fig, y=-points, units="points")

    title_h, caption_h = 12.5 * 1.25, (caption.count("\n") + 1) * 8.5 * 1.3
    fig.text(0.5, 1, title, ha="center", va="top", fontsize=12.5, weight="bold", transform=below_top(GAP))
    fig.text(
        0.5, 1, caption, ha="center", va="top", fontsize=8.5, color="#333333", transform=below_top(2 * GAP + title_h)
    )
    if legend:
        handles, labels = legend
        fig.legend(
            handles,
            labels,
            loc="upper center",
            bbox_to_anchor=(0.5, 1),
            ncol=min(len(labels), 5),
            bbox_transform=below_top(3 * GAP + title_h + caption_h),
            borderaxespad=0,
            fontsize=8.5,
        )


def months(ax: Any, steps: Iterable[int], dates: Iterable[str] | None = None) -> None:
    """Months on x: ticks on whole years where possible; with a calendar (`dates`, YYYY-MM per step), the ticks
    sit on Januaries and are labelled with the year."""
    steps = list(steps)
    span = max(1, max(steps) - min(steps))
    ax.set_xlim(min(steps), min(steps) + span)
    base = next((b for b in (1, 2, 3, 6, 12, 24, 48, 60, 120, 240, 600, 1200) if span <= 6 * b), max(1, span // 6))
    if dates is None:
        ax.xaxis.set_major_locator(mpl.ticker.MultipleLocator(base))
        return
    every = max(1, base // 12)
    januaries = {step: label[:4] for step, label in zip(steps, dates, strict=True) if label.endswith("-01")}
    ticks = [step for step, year in januaries.items() if int(year) % every == 0]
    ax.set_xticks(ticks, [januaries[t] for t in ticks])


def time_label(frame: pd.DataFrame) -> str:
    """The x label: months from the start, or the calendar year when the run has dates."""
    return "Year (ticks in January)" if "date" in frame.columns else "Month"


def dates(frame: pd.DataFrame) -> Any:
    return frame["date"] if "date" in frame.columns else None


def save(fig: Figure, path: Path) -> Path:
    """Save atomically (temporary name, then rename), so a redraw never leaves a half-written image.

    PNGs are rendered to pixels once and reduced to a 256-colour palette: these flat charts look the same and
    the files are 2-3x smaller.
    """
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        if path.suffix == ".png":
            fig.set_dpi(mpl.rcParams["savefig.dpi"])
            fig.set_facecolor("white")
            canvas = FigureCanvasAgg(fig)
            canvas.draw()
            pixels = Image.fromarray(np.asarray(canvas.buffer_rgba())[..., :3])
            pixels.quantize(256, Image.Quantize.MAXCOVERAGE, dither=Image.Dither.NONE).save(tmp, "PNG")
        else:
            fig.savefig(tmp, format=path.suffix[1:], facecolor="white")
        os.replace(tmp, path)
    except BaseException as exc:
        tmp.unlink(missing_ok=True)
        if isinstance(exc, OSError) and exc.filename in (None, str(tmp)):  # a failed write names the figure
            exc.filename = str(path)
        raise
    return path


def band_handles(color: str) -> tuple[list[Any], list[str]]:
    handles = [
        Line2D([], [], color=color, lw=1.6),
        Patch(color=color, alpha=0.4, lw=0),
        Patch(color=color, alpha=0.15, lw=0),
        Line2D([], [], color="#555555", lw=0.9, ls=":"),
    ]
    return handles, ["median", "middle 50% of replications", "middle 90%", "level at month 0 (the essay's)"]


def dyad_rows(frame: pd.DataFrame, obs: str, tgt: str) -> pd.DataFrame:
    return frame[(frame["observer"] == obs) & (frame["target"] == tgt)]


def fan_panel(ax: Any, frame: pd.DataFrame, color: str = FAN, lw: float = 1.6) -> None:
    """One quantity's fan on `ax` from its per-step quantiles (step, p05 ... p95): median line, middle-50% and
    middle-90% bands, the level at month 0 dotted; y from 0 to 1, months on x."""
    ax.fill_between(frame["step"], frame["p05"], frame["p95"], color=color, alpha=0.15, lw=0)
    ax.fill_between(frame["step"], frame["p25"], frame["p75"], color=color, alpha=0.4, lw=0)
    ax.plot(frame["step"], frame["p50"], color=color, lw=lw)
    ax.axhline(frame["p50"].iloc[0], color="#555555", lw=0.9, ls=":")
    ax.set_ylim(0, 1)
    months(ax, frame["step"], dates(frame))


def difference_panel(ax: Any, frame: pd.DataFrame, color: str, lw: float = 1.3) -> None:
    """A paired difference over time on `ax` (step, diff, diff_low/high, diff_p05/p95): the mean line, its 95% CI
    (dark) and the range of 90% of the replications' differences (light)."""
    ax.fill_between(frame["step"], frame["diff_p05"], frame["diff_p95"], color=color, alpha=0.12, lw=0)
    ax.fill_between(frame["step"], frame["diff_low"], frame["diff_high"], color=color, alpha=0.45, lw=0)
    ax.plot(frame["step"], frame["diff"], color=color, lw=lw)


def scenario_handles(scenarios: Sequence[str]) -> list[Any]:
    return [Line2D([], [], color=OKABE_ITO[i % 8], lw=2) for i in range(len(scenarios))]
