"""Figures of a run or a comparison, drawn from the CSV tables in its result folder.

Every figure is built from the small tables a run writes (summary.csv, alignment.csv, moves.csv, events.csv;
comparison.csv and comparison_steps.csv for a comparison), so `diplosim plot` can redraw them from any result
folder, including one whose trajectories file was not kept. Matplotlib's object API is used (no pyplot state),
with the Okabe-Ito palette, which stays distinguishable under the common colour-vision deficiencies.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.cm import ScalarMappable
from matplotlib.colors import LinearSegmentedColormap, Normalize
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Circle, FancyArrowPatch, Patch
from matplotlib.path import Path as MplPath
from PIL import Image

from sim import parallel
from sim.errors import ConfigError
from sim.folders import comparison_tables, run_tables
from sim.stats import final_window

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


def _actors(frame: pd.DataFrame) -> list[str]:
    return list(pd.unique(frame["observer"]))


def _strip(caption: str, legend: bool) -> float:
    """Height in inches of the header strip above the panels: title, caption lines and an optional legend row."""
    title_h, caption_h = 12.5 * 1.25, (caption.count("\n") + 1) * 8.5 * 1.3
    return (3 * GAP + title_h + caption_h + (18.0 + GAP if legend else 0.0)) / 72


def _canvas(width: float, body: float, caption: str, legend: bool = False) -> tuple[Figure, float]:
    """A figure `width` inches wide with `body` inches for the panels below a header strip; returns the strip."""
    strip = _strip(caption, legend)
    return Figure(figsize=(width, body + strip)), strip


def _grid(
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


def _dyad_grid(
    fig: Figure, actors: Sequence[str], names: Mapping[str, str], strip: float, left: float = LEFT
) -> dict[tuple[str, str], Any]:
    """An N x N grid of axes, row = observer, column = target; the diagonal names the actor.

    Tick labels appear once per row (left) and once per column (bottom), so the panels share scales visibly.
    """
    n = len(actors)
    spec = _grid(fig, n, n, top=strip + TITLE, left=left, wgap=0.3, hgap=TITLE + 0.05)
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


def _label_grid(fig: Figure, xlabel: str, ylabel: str) -> None:
    """Axis labels for a whole grid, in the bottom and left margins."""
    width, height = fig.get_size_inches()
    fig.supxlabel(xlabel, fontsize=9, y=0.06 / height, va="bottom")
    fig.supylabel(ylabel, fontsize=9, x=0.06 / width, ha="left")


def _header(fig: Figure, title: str, caption: str, legend: tuple[list[Any], list[str]] | None = None) -> None:
    """A bold title, a smaller caption and optionally a one-row legend, in the strip `_canvas` left at the top.

    Heights are in points below the top edge, so the header never overlaps the panels placed under the strip. A
    figure with a constrained layout (sweep, fit and discover figures) grows by the strip instead, and its layout is
    confined below it (`rect`), so its panels keep their size.
    """
    engine = fig.get_layout_engine()
    if engine is not None:
        strip = _strip(caption, legend is not None)
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


def _months(ax: Any, steps: Iterable[int], dates: Iterable[str] | None = None) -> None:
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


def _time_label(frame: pd.DataFrame) -> str:
    """The x label: months from the start, or the calendar year when the run has dates."""
    return "Year (ticks in January)" if "date" in frame.columns else "Month"


def _dates(frame: pd.DataFrame) -> Any:
    return frame["date"] if "date" in frame.columns else None


def _save(fig: Figure, path: Path) -> Path:
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
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def _band_handles(color: str) -> tuple[list[Any], list[str]]:
    handles = [
        Line2D([], [], color=color, lw=1.6),
        Patch(color=color, alpha=0.4, lw=0),
        Patch(color=color, alpha=0.15, lw=0),
        Line2D([], [], color="#555555", lw=0.9, ls=":"),
    ]
    return handles, ["median", "middle 50% of replications", "middle 90%", "level at month 0 (the essay's)"]


def _dyad(frame: pd.DataFrame, obs: str, tgt: str) -> pd.DataFrame:
    return frame[(frame["observer"] == obs) & (frame["target"] == tgt)]


# ---------------------------------------------------------------------------------------------------------------
# Figures of one run


def fan_panel(ax: Any, frame: pd.DataFrame, color: str = FAN, lw: float = 1.6) -> None:
    """One quantity's fan on `ax` from its per-step quantiles (step, p05 ... p95): median line, middle-50% and
    middle-90% bands, the level at month 0 dotted; y from 0 to 1, months on x."""
    ax.fill_between(frame["step"], frame["p05"], frame["p95"], color=color, alpha=0.15, lw=0)
    ax.fill_between(frame["step"], frame["p25"], frame["p75"], color=color, alpha=0.4, lw=0)
    ax.plot(frame["step"], frame["p50"], color=color, lw=lw)
    ax.axhline(frame["p50"].iloc[0], color="#555555", lw=0.9, ls=":")
    ax.set_ylim(0, 1)
    _months(ax, frame["step"], _dates(frame))


def fan_chart(summary: pd.DataFrame, *, names: Mapping[str, str], scenario: str, replications: int) -> Figure:
    """Trust over time for every directed dyad: median line with 50% and 90% bands, as an N x N grid."""
    actors = _actors(summary)
    n = len(actors)
    caption = (
        f"Each panel: the row actor's trust in the column actor, month by month, over {replications} replications."
    )
    fig, strip = _canvas(2.5 * n + 0.8, 1.9 * n + 0.6, caption, legend=True)
    for (obs, tgt), ax in _dyad_grid(fig, actors, names, strip).items():
        fan_panel(ax, _dyad(summary, obs, tgt))
    _label_grid(fig, _time_label(summary), "Trust (probability, 0–1)")
    _header(fig, f"Trust over time: {scenario}", caption, _band_handles(FAN))
    return fig


def _layout(actors: Sequence[str]) -> dict[str, tuple[float, float]]:
    """Node positions: with four or more actors the first sits in the centre (for four the drawing is then planar:
    no arrows cross), the others on a circle starting top left; with fewer, all on the circle."""
    centre = list(actors[:1]) if len(actors) >= 4 else []
    ring = list(actors[len(centre) :])
    angles = np.deg2rad(150 - 360 * np.arange(len(ring)) / len(ring))
    pos = {a: (float(np.cos(t)), float(np.sin(t))) for a, t in zip(ring, angles, strict=True)}
    pos.update({a: (0.0, 0.0) for a in centre})
    return pos


def _clipped_arc(p: np.ndarray, q: np.ndarray, rad: float, clear: float) -> MplPath:
    """Matplotlib's arc3 curve from p to q (a quadratic Bezier) without its first and last `clear` units of
    distance from p and q: the part outside the two nodes. Computed here once, instead of matplotlib clipping
    the curve against each node's outline by bisection on every draw."""
    control = (p + q) / 2 + rad * np.array([q[1] - p[1], p[0] - q[0]])
    t = np.linspace(0.0, 1.0, 401)[:, None]
    curve = (1 - t) ** 2 * p + 2 * (1 - t) * t * control + t**2 * q
    start = t[np.argmax(np.hypot(*(curve - p).T) >= clear), 0]
    end = t[len(t) - 1 - np.argmax(np.hypot(*(curve - q).T)[::-1] >= clear), 0]

    def at(u: float) -> np.ndarray:
        return (1 - u) ** 2 * p + 2 * (1 - u) * u * control + u**2 * q

    # the sub-curve over [start, end] is again quadratic; its control point is the blossom b(start, end)
    middle = (1 - start) * (1 - end) * p + ((1 - start) * end + start * (1 - end)) * control + start * end * q
    return MplPath([at(start), middle, at(end)], [MplPath.MOVETO, MplPath.CURVE3, MplPath.CURVE3])


def _trust_arrow(ax: Any, p: tuple[float, float], q: tuple[float, float], clear: float, value: float) -> None:
    """A curved arrow p -> q (the reverse arrow curves the other way), coloured and sized by trust, labelled.

    The curvature is scaled so that the two directions of every pair sit equally far apart, short or long; the
    arrow stops `clear` short of each end (the node's radius plus a gap).
    """
    (x1, y1), (x2, y2) = p, q
    rad = 0.22 / float(np.hypot(x2 - x1, y2 - y1))
    colour = TRUST_CMAP(value)
    path = _clipped_arc(np.asarray(p), np.asarray(q), rad, clear)
    style = {"arrowstyle": "-|>", "mutation_scale": 10 + 8 * value, "lw": 0.8 + 5.5 * value, "color": colour}
    ax.add_patch(FancyArrowPatch(path=path, zorder=2, **style))
    # the curve's midpoint (quadratic Bezier with matplotlib's arc3 control point), moved a little further out
    mx, my = (x1 + x2) / 2 + 0.62 * rad * (y2 - y1), (y1 + y2) / 2 - 0.62 * rad * (x2 - x1)
    ax.text(
        mx,
        my,
        f"{value:.2f}",
        ha="center",
        va="center",
        fontsize=7.5,
        zorder=4,
        bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": colour, "lw": 0.6, "alpha": 0.9},
    )


def network_chart(
    summary: pd.DataFrame, steps: Sequence[int], *, names: Mapping[str, str], scenario: str, replications: int
) -> Figure:
    """The four actors as a directed trust network at chosen months: arrow colour and width = median trust."""
    actors = _actors(summary)
    pos = _layout(actors)
    xs, ys = zip(*pos.values(), strict=True)
    legend = ", ".join(f"{a} {names.get(a, a)}" for a in actors)
    caption = (
        f"Arrow A → B: A's trust in B (median of {replications} replications); colour and width grow with trust."
        f"\n{legend}"
    )
    fig, strip = _canvas(3.7 * len(steps) + 0.4, 4.2, caption)
    spec = _grid(fig, 1, len(steps), top=strip + 0.35, left=0.2, right=0.2, bottom=1.0, wgap=0.2)
    axes = [fig.add_subplot(spec[0, i]) for i in range(len(steps))]
    for ax, step in zip(axes, steps, strict=True):
        at = summary[summary["step"] == step].set_index(["observer", "target"])["p50"]
        for obs in actors:
            for tgt in actors:
                if obs != tgt:
                    _trust_arrow(ax, pos[obs], pos[tgt], NODE + 0.035, float(at[(obs, tgt)]))
        for a in actors:
            ax.add_patch(Circle(pos[a], NODE, fc="white", ec="#333333", lw=1.2, zorder=3))
            ax.text(*pos[a], a, ha="center", va="center", weight="bold", fontsize=10, zorder=4)
        ax.update_datalim([(min(xs) - 0.3, min(ys) - 0.3), (max(xs) + 0.3, max(ys) + 0.3)])
        ax.autoscale_view(tight=True)
        ax.set_aspect("equal", adjustable="datalim")  # the panel keeps its box; the data range widens to fit
        ax.set_axis_off()
        ax.set_title(f"Month {step}" + (" (the essay's levels)" if step == 0 else ""), fontsize=10)
    height = fig.get_figheight()
    bar = fig.colorbar(
        ScalarMappable(Normalize(0, 1), TRUST_CMAP),
        cax=fig.add_axes((0.25, 0.55 / height, 0.5, 0.13 / height)),
        orientation="horizontal",
    )
    bar.set_label("Trust (median over replications; probability, 0–1)")
    _header(fig, f"Trust network: {scenario}", caption)
    return fig


def alignment_chart(alignment: pd.DataFrame, *, scenario: str, replications: int) -> Figure:
    """Pakistan's alignment between the US (0) and China (1) over time: median with 50% and 90% bands."""
    caption = (
        "Alignment = T(PAK→CHN) / (T(PAK→CHN) + T(PAK→USA)), from Pakistan's trust in each;"
        f" {replications} replications."
    )
    fig, strip = _canvas(7.5, 3.8, caption)
    ax = fig.add_subplot(_grid(fig, 1, 1, top=strip + 0.1, right=0.85)[0, 0])  # right: the labels beside the axis
    fan_panel(ax, alignment, lw=1.8)
    ax.axhline(0.5, color="#333333", lw=0.8, ls="--")
    ax.text(1.01, 0.5, "equidistant", transform=ax.get_yaxis_transform(), va="center", fontsize=8, color="#333333")
    ax.text(1.01, 0.97, "toward\nChina", transform=ax.get_yaxis_transform(), va="top", fontsize=8)
    ax.text(1.01, 0.03, "toward\nthe US", transform=ax.get_yaxis_transform(), va="bottom", fontsize=8)
    ax.set_xlabel("Month")
    ax.set_ylabel("Alignment (0 = US, 1 = China)")
    handles, labels = _band_handles(FAN)
    ax.legend(handles, labels, loc="lower left", ncol=2, fontsize=8)
    _header(fig, f"Pakistan between the US and China: {scenario}", caption)
    return fig


def activity_chart(
    moves: pd.DataFrame, events: pd.DataFrame, *, names: Mapping[str, str], scenario: str, replications: int
) -> Figure:
    """Cooperative and hostile moves per month by actor, and cumulative events by type (means over replications).

    Events are shown cumulated: they are rare, so monthly means are spiky, while the slope of the cumulative
    count is the event rate and a scheduled event shows as a step.
    """
    moves, events = moves[moves["step"] > 0], events[events["step"] > 0]
    caption = f"Means over {replications} replications; a move counts once per target it is made to."
    fig, strip = _canvas(8.5, 7.2, caption)
    spec = _grid(fig, 3, 1, top=strip + TITLE, left=LEFT + 0.15, hgap=TITLE + 0.1)
    axes = spec.subplots(sharex=True)
    legends = []
    kinds = (("cooperative", moves["goldstein"] > 0), ("hostile", moves["goldstein"] < 0))
    actors = list(pd.unique(moves["actor"]))
    for ax, (kind, mask) in zip(axes, kinds, strict=False):
        per_actor = moves[mask].groupby(["actor", "step"])["mean_count"].sum()
        for i, actor in enumerate(actors):
            if actor in per_actor.index.get_level_values(0):
                series = per_actor.loc[actor]
                ax.plot(series.index, series.values, color=OKABE_ITO[i % 8], lw=1.3, label=names.get(actor, actor))
        ax.set_ylim(bottom=0)
        ax.set_ylabel(f"{kind.capitalize()} moves\nper month (mean)")
        sign = "> 0" if kind == "cooperative" else "< 0"
        ax.set_title(f"{kind.capitalize()} moves made by each actor (Goldstein weight {sign})", loc="left")
        if ax.get_legend_handles_labels()[0]:  # a world may have no moves of a kind
            legends.append(ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8))
    ax = axes[2]
    happened = events.groupby("event", sort=False)["mean_count"].sum()
    for i, event in enumerate(happened[happened > 0].sort_values(ascending=False).index):  # legend order = lines
        d = events[events["event"] == event]
        label = str(event).replace("_", " ")
        ax.plot(d["step"], d["mean_count"].cumsum(), color=OKABE_ITO[i % 8], lw=1.4, label=label)
    ax.set_ylim(bottom=0)
    ax.set_ylabel("Events so far\n(mean)")
    ax.set_title("Events (shocks) by type, cumulative; types that never occurred are omitted", loc="left")
    if ax.get_legend_handles_labels()[0]:
        legends.append(ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8))
    ax.set_xlabel(_time_label(moves))
    _months(ax, moves["step"], _dates(moves))
    # the legends sit right of the panels: measure the widest once and narrow the panels to make room for it
    renderer = FigureCanvasAgg(fig).get_renderer()
    widest = max((legend.get_window_extent(renderer).width for legend in legends), default=0.0) / fig.dpi
    spec.update(right=1 - (widest + 0.15) / fig.get_figwidth())
    for ax in axes:  # GridSpec.update only re-places the axes of pyplot's figures
        ax.set_position(ax.get_subplotspec().get_position(fig))
    _header(fig, f"Moves and events over time: {scenario}", caption)
    return fig


# ---------------------------------------------------------------------------------------------------------------
# Figures of a comparison


def _scenario_handles(scenarios: Sequence[str]) -> list[Any]:
    return [Line2D([], [], color=OKABE_ITO[i % 8], lw=2) for i in range(len(scenarios))]


def compare_chart(over_time: pd.DataFrame, *, names: Mapping[str, str], replications: int) -> Figure:
    """Trust over time per dyad, one colour per scenario: median line and middle-50% band."""
    scenarios = list(pd.unique(over_time["scenario"]))
    actors = _actors(over_time)
    n = len(actors)
    caption = f"Line: median; band: middle 50% of {replications} replications. All scenarios share random numbers."
    fig, strip = _canvas(2.5 * n + 0.8, 1.9 * n + 0.6, caption, legend=True)
    for (obs, tgt), ax in _dyad_grid(fig, actors, names, strip).items():
        d = _dyad(over_time, obs, tgt)
        for i, name in enumerate(scenarios):
            s = d[d["scenario"] == name]
            ax.fill_between(s["step"], s["p25"], s["p75"], color=OKABE_ITO[i % 8], alpha=0.18, lw=0)
            ax.plot(s["step"], s["p50"], color=OKABE_ITO[i % 8], lw=1.4)
        ax.set_ylim(0, 1)
        _months(ax, d["step"], _dates(d))
    _label_grid(fig, _time_label(over_time), "Trust (probability, 0–1)")
    title = "Trust over time by scenario: " + " vs ".join(scenarios)
    _header(fig, title, caption, (_scenario_handles(scenarios), scenarios))
    return fig


def difference_chart(over_time: pd.DataFrame, *, names: Mapping[str, str], replications: int) -> Figure:
    """Per dyad, each scenario's mean trust minus the first's, per month: 95% CI (dark) and 90% range (light)."""
    scenarios = list(pd.unique(over_time["scenario"]))
    ref, others = scenarios[0], scenarios[1:]
    actors = _actors(over_time)
    n = len(actors)
    caption = (
        f"Mean paired difference per replication (same random numbers in every scenario), {replications} replications;"
        f"\nabove zero: more trust than under {ref}. Light band: where 90% of the replications' differences fall."
        "\nDark band: 95% CI of the mean, often narrower than the line (compare_final.png shows it on its own scale)."
    )
    fig, strip = _canvas(2.5 * n + 0.8, 1.9 * n + 0.6, caption, legend=True)
    for (obs, tgt), ax in _dyad_grid(fig, actors, names, strip, left=LEFT + 0.15).items():  # labels like -0.05
        d = _dyad(over_time, obs, tgt)
        ax.axhline(0, color="#333333", lw=0.8)
        for i, name in enumerate(others, start=1):
            s = d[d["scenario"] == name]
            colour = OKABE_ITO[i % 8]
            ax.fill_between(s["step"], s["diff_p05"], s["diff_p95"], color=colour, alpha=0.12, lw=0)
            ax.fill_between(s["step"], s["diff_low"], s["diff_high"], color=colour, alpha=0.45, lw=0)
            ax.plot(s["step"], s["diff"], color=colour, lw=1.3)
        _months(ax, d["step"], _dates(d))
    bands = [Patch(color="#777777", alpha=0.55, lw=0), Patch(color="#777777", alpha=0.15, lw=0)]
    handles = [*_scenario_handles(scenarios)[1:], *bands]
    labels = [*(f"{name} − {ref}" for name in others), "95% CI of the mean", "90% of replications"]
    _label_grid(fig, _time_label(over_time), f"Trust minus trust under {ref} (difference of probabilities)")
    _header(fig, f"Effect on trust relative to {ref}", caption, (handles, labels))
    return fig


def effects_chart(final: pd.DataFrame, *, window: tuple[int, int], replications: int) -> Figure:
    """The difference in final trust from the first scenario, per dyad, in two panels side by side: the mean
    paired difference with its 95% CI (on its own, narrow scale, so the interval shows) and the range of 90% of
    the per-replication differences (how much the effect varies from one future to another)."""
    scenarios = list(pd.unique(final["scenario"]))
    ref, others = scenarios[0], scenarios[1:]
    dyads = list(dict.fromkeys(zip(final["observer"], final["target"], strict=True)))
    caption = (
        f"Final trust = mean over months {window[0]}–{window[1]}; differences are paired per replication"
        f"\n(same random numbers in every scenario), {replications} replications. The panels have their own scales:"
        "\nthe CI says how well the mean effect is known, the spread how much it varies between futures."
    )
    fig, strip = _canvas(9.5, 0.32 * len(dyads) * max(1, len(others)) ** 0.5 + 1.6, caption, legend=True)
    grid = _grid(fig, 1, 2, top=strip + TITLE, left=LEFT + 0.2, wgap=0.3)
    mean_ax = fig.add_subplot(grid[0, 0])
    spread_ax = fig.add_subplot(grid[0, 1], sharey=mean_ax)
    spread_ax.tick_params(labelleft=False)
    width = 0.7 / max(1, len(others))
    for i, name in enumerate(others, start=1):
        rows = final[final["scenario"] == name].set_index(["observer", "target"]).loc[dyads]
        y = np.arange(len(dyads)) - 0.35 + width * (i - 0.5)
        colour = OKABE_ITO[i % 8]
        half = (rows["diff_high"] - rows["diff_low"]) / 2
        mean_ax.errorbar(rows["diff"], y, xerr=half, fmt="o", color=colour, ms=3.5, lw=1.6, capsize=3, capthick=1.2)
        spread_ax.hlines(y, rows["diff_p05"], rows["diff_p95"], color=colour, alpha=0.45, lw=5)
        spread_ax.plot(rows["diff"], y, "|", color=colour, ms=9, mew=1.6)
    for ax in (mean_ax, spread_ax):
        ax.axvline(0, color="#333333", lw=0.8)
        ax.grid(axis="y", visible=False)
    mean_ax.set_yticks(np.arange(len(dyads)), [f"{o} → {t}" for o, t in dyads])
    mean_ax.invert_yaxis()
    mean_ax.set_title("Mean difference and its 95% CI", loc="left")
    spread_ax.set_title("Where 90% of the replications' differences fall", loc="left")
    mean_ax.set_xlabel(f"Mean of final trust minus final trust under {ref}")
    spread_ax.set_xlabel(f"Final trust minus final trust under {ref}, per replication")
    handles = [Line2D([], [], color=OKABE_ITO[i % 8], lw=2) for i in range(1, len(scenarios))]
    labels = [f"{name} − {ref}" for name in others]
    handles += [
        Line2D([], [], color="#555555", marker="o", ms=3.5, lw=1.6),
        Line2D([], [], color="#555555", alpha=0.45, lw=5),
    ]
    labels += ["mean, 95% CI", "90% of replications (| = mean)"]
    _header(fig, f"Final trust relative to {ref}", caption, (handles, labels))
    return fig


# ---------------------------------------------------------------------------------------------------------------
# Result folders


def default_network_steps(last: int) -> list[int]:
    """Month 0, the middle, and the last month."""
    return sorted({0, last // 2, last})


def _job(path: Path, chart: Callable[..., Figure], *args: Any, **kwargs: Any) -> Callable[[], Path]:
    """A job that draws one figure in the house style and saves it to `path`."""

    def draw() -> Path:
        with mpl.rc_context(STYLE):
            return _save(chart(*args, **kwargs), path)

    return draw


def _plots_dir(folder: Path, out: str | Path | None) -> Path:
    """Where the figures go: `out` if given, else folder/plots/."""
    target = Path(out) if out else folder / "plots"
    target.mkdir(parents=True, exist_ok=True)
    return target


def run_figures(
    folder: str | Path,
    meta: Mapping[str, Any],
    fmt: str = "png",
    network_steps: Sequence[int] | None = None,
    out: str | Path | None = None,
) -> list[Callable[[], Path]]:
    """Jobs drawing a run's figures into folder/plots/ (or `out`) from its tables, longest first (sim.parallel).

    `meta` is the run's manifest (scenario, replications, actors). The tables and months are checked here. The
    alignment figure is drawn only for worlds with Pakistan, the US and China (whose alignment it shows).
    """
    folder = Path(folder)
    t = run_tables(folder, meta)
    summary = t["summary.csv"]
    last = int(summary["step"].max())
    steps = list(network_steps) if network_steps else default_network_steps(last)
    bad = [s for s in steps if not 0 <= s <= last]
    if bad:
        raise ConfigError(f"month {bad[0]} is outside this run (0 to {last})", key="--network-steps")
    common = {"scenario": meta["scenario"], "replications": meta["replications"]}
    names = meta.get("actors", {})
    target = _plots_dir(folder, out)
    jobs = [
        _job(target / f"trust_fan.{fmt}", fan_chart, summary, names=names, **common),
        _job(target / f"activity.{fmt}", activity_chart, t["moves.csv"], t["events.csv"], names=names, **common),
        _job(target / f"trust_network.{fmt}", network_chart, summary, steps, names=names, **common),
    ]
    if "alignment.csv" in t:
        jobs.append(_job(target / f"alignment.{fmt}", alignment_chart, t["alignment.csv"], **common))
    return jobs


def comparison_figures(
    folder: str | Path, meta: Mapping[str, Any], fmt: str = "png", out: str | Path | None = None
) -> list[Callable[[], Path]]:
    """Jobs drawing a comparison's figures into folder/plots/ (or `out`) from comparison.csv and
    comparison_steps.csv."""
    folder = Path(folder)
    t = comparison_tables(folder, meta)
    over_time = t["comparison_steps.csv"]
    window = final_window(int(over_time["step"].max()))
    common = {"names": meta.get("actors", {}), "replications": meta["replications"]}
    target = _plots_dir(folder, out)
    return [
        _job(target / f"compare_trust.{fmt}", compare_chart, over_time, **common),
        _job(target / f"compare_difference.{fmt}", difference_chart, over_time, **common),
        _job(
            target / f"compare_final.{fmt}",
            effects_chart,
            t["comparison.csv"],
            window=window,
            replications=common["replications"],
        ),
    ]


def plot_run(
    folder: str | Path,
    meta: Mapping[str, Any],
    fmt: str = "png",
    network_steps: Sequence[int] | None = None,
    out: str | Path | None = None,
) -> list[Path]:
    """Draw a run's figures into folder/plots/ (or `out`), several at once where there are CPUs to spare."""
    return parallel.run_all(run_figures(folder, meta, fmt, network_steps, out))


def plot_comparison(
    folder: str | Path, meta: Mapping[str, Any], fmt: str = "png", out: str | Path | None = None
) -> list[Path]:
    """Draw a comparison's figures into folder/plots/ (or `out`), several at once where there are CPUs to spare."""
    return parallel.run_all(comparison_figures(folder, meta, fmt, out))
