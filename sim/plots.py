"""Figures of a run or a comparison, drawn from the CSV tables in its result folder.

Every figure is built from the small tables a run writes (summary.csv, alignment.csv, moves.csv, events.csv;
comparison.csv and comparison_steps.csv for a comparison), so `diplosim plot` can redraw them from any result
folder, including one whose trajectories file was not kept. Matplotlib's object API is used (no pyplot state),
with the Okabe-Ito palette, which stays distinguishable under the common colour-vision deficiencies.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.cm import ScalarMappable
from matplotlib.colors import LinearSegmentedColormap, Normalize
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Circle, FancyArrowPatch, Patch
from PIL import Image

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
# Layout helpers


def _actors(frame: pd.DataFrame) -> list[str]:
    return list(pd.unique(frame["observer"]))


def _dyad_grid(fig: Figure, actors: Sequence[str], names: Mapping[str, str]) -> dict[tuple[str, str], Any]:
    """An N x N grid of axes, row = observer, column = target; the diagonal names the actor.

    Tick labels appear once per row (left) and once per column (bottom), so the panels share scales visibly.
    """
    n = len(actors)
    grid = fig.subplots(n, n, sharex=True, sharey=True, squeeze=False)
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
    fig.supxlabel(xlabel, fontsize=9)
    fig.supylabel(ylabel, fontsize=9)


def _header(fig: Figure, title: str, caption: str, legend: tuple[list[Any], list[str]] | None = None) -> None:
    """A bold title, a smaller caption and optionally a one-row legend, in a strip added above the panels.

    The figure grows by the strip's height and the constrained layout is confined below it (`rect`), so the
    panels keep their size and nothing in the layout can overlap the header. Heights are in points.
    """
    gap, title_h, caption_h = 4.0, 12.5 * 1.25, (caption.count("\n") + 1) * 8.5 * 1.3
    legend_h = 18.0 + gap if legend else 0.0
    strip = (3 * gap + title_h + caption_h + legend_h) / 72
    height = fig.get_figheight() + strip
    fig.set_figheight(height)
    fig.get_layout_engine().set(rect=(0, 0, 1, 1 - strip / height))

    def below_top(points: float) -> mpl.transforms.Transform:
        return mpl.transforms.offset_copy(fig.transFigure, fig=fig, y=-points, units="points")

    fig.text(0.5, 1, title, ha="center", va="top", fontsize=12.5, weight="bold", transform=below_top(gap))
    fig.text(
        0.5, 1, caption, ha="center", va="top", fontsize=8.5, color="#333333", transform=below_top(2 * gap + title_h)
    )
    if legend:
        handles, labels = legend
        fig.legend(
            handles,
            labels,
            loc="upper center",
            bbox_to_anchor=(0.5, 1),
            ncol=min(len(labels), 5),
            bbox_transform=below_top(3 * gap + title_h + caption_h),
            borderaxespad=0,
            fontsize=8.5,
        )


def _months(ax: Any, steps: Iterable[int]) -> None:
    steps = list(steps)
    span = max(1, max(steps) - min(steps))
    ax.set_xlim(min(steps), min(steps) + span)
    base = next((b for b in (1, 2, 3, 6, 12, 24, 48, 60, 120, 240, 600, 1200) if span <= 6 * b), max(1, span // 6))
    ax.xaxis.set_major_locator(mpl.ticker.MultipleLocator(base))  # ticks on whole years where possible


def _save(fig: Figure, path: Path) -> Path:
    """Save atomically (temporary name, then rename), so a redraw never leaves a half-written image.

    PNGs are reduced to a 256-colour palette: these flat charts look the same and the files are 3x smaller.
    """
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        if path.suffix == ".png":
            buffer = io.BytesIO()
            fig.savefig(buffer, format="png", facecolor="white")
            image = Image.open(buffer).convert("RGB").quantize(256, Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
            image.save(tmp, "PNG", optimize=True)
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
    _months(ax, frame["step"])


def fan_chart(summary: pd.DataFrame, *, names: Mapping[str, str], scenario: str, replications: int) -> Figure:
    """Trust over time for every directed dyad: median line with 50% and 90% bands, as an N x N grid."""
    actors = _actors(summary)
    n = len(actors)
    fig = Figure(figsize=(2.5 * n + 0.8, 1.9 * n + 0.6), layout="constrained")
    for (obs, tgt), ax in _dyad_grid(fig, actors, names).items():
        fan_panel(ax, _dyad(summary, obs, tgt))
    _label_grid(fig, "Month", "Trust (probability, 0–1)")
    _header(
        fig,
        f"Trust over time: {scenario}",
        f"Each panel: the row actor's trust in the column actor, month by month, over {replications} replications.",
        _band_handles(FAN),
    )
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


def _trust_arrow(ax: Any, p: tuple[float, float], q: tuple[float, float], nodes: tuple[Any, Any], value: float) -> None:
    """A curved arrow p -> q (the reverse arrow curves the other way), coloured and sized by trust, labelled.

    The curvature is scaled so that the two directions of every pair sit equally far apart, short or long.
    """
    (x1, y1), (x2, y2) = p, q
    rad = 0.22 / float(np.hypot(x2 - x1, y2 - y1))
    colour = TRUST_CMAP(value)
    ax.add_patch(
        FancyArrowPatch(
            p,
            q,
            patchA=nodes[0],
            patchB=nodes[1],
            shrinkA=3,
            shrinkB=3,
            connectionstyle=f"arc3,rad={rad}",
            arrowstyle="-|>",
            mutation_scale=10 + 8 * value,
            lw=0.8 + 5.5 * value,
            color=colour,
            zorder=2,
        )
    )
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
    fig = Figure(figsize=(3.7 * len(steps) + 0.4, 4.2), layout="constrained")
    axes = fig.subplots(1, len(steps), squeeze=False)[0]
    for ax, step in zip(axes, steps, strict=True):
        at = summary[summary["step"] == step].set_index(["observer", "target"])["p50"]
        nodes = {a: Circle(pos[a], 0.18, fc="white", ec="#333333", lw=1.2, zorder=3) for a in actors}
        for obs in actors:
            for tgt in actors:
                if obs != tgt:
                    _trust_arrow(ax, pos[obs], pos[tgt], (nodes[obs], nodes[tgt]), float(at[(obs, tgt)]))
        for a, node in nodes.items():
            ax.add_patch(node)
            ax.text(*pos[a], a, ha="center", va="center", weight="bold", fontsize=10, zorder=4)
        ax.update_datalim([(min(xs) - 0.3, min(ys) - 0.3), (max(xs) + 0.3, max(ys) + 0.3)])
        ax.autoscale_view(tight=True)
        ax.set_aspect("equal", adjustable="datalim")  # "datalim" keeps the title inside the layout
        ax.set_axis_off()
        ax.set_title(f"Month {step}" + (" (the essay's levels)" if step == 0 else ""), fontsize=10)
    bar = fig.colorbar(
        ScalarMappable(Normalize(0, 1), TRUST_CMAP),
        ax=list(axes),
        orientation="horizontal",
        fraction=0.05,
        shrink=0.5,
        aspect=35,
    )
    bar.set_label("Trust (median over replications; probability, 0–1)")
    legend = ", ".join(f"{a} {names.get(a, a)}" for a in actors)
    _header(
        fig,
        f"Trust network: {scenario}",
        f"Arrow A → B: A's trust in B (median of {replications} replications); colour and width grow with trust."
        f"\n{legend}",
    )
    return fig


def alignment_chart(alignment: pd.DataFrame, *, scenario: str, replications: int) -> Figure:
    """Pakistan's alignment between the US (0) and China (1) over time: median with 50% and 90% bands."""
    fig = Figure(figsize=(7.5, 3.8), layout="constrained")
    ax = fig.subplots()
    fan_panel(ax, alignment, lw=1.8)
    ax.axhline(0.5, color="#333333", lw=0.8, ls="--")
    ax.text(1.01, 0.5, "equidistant", transform=ax.get_yaxis_transform(), va="center", fontsize=8, color="#333333")
    ax.text(1.01, 0.97, "toward\nChina", transform=ax.get_yaxis_transform(), va="top", fontsize=8)
    ax.text(1.01, 0.03, "toward\nthe US", transform=ax.get_yaxis_transform(), va="bottom", fontsize=8)
    ax.set_xlabel("Month")
    ax.set_ylabel("Alignment (0 = US, 1 = China)")
    handles, labels = _band_handles(FAN)
    ax.legend(handles, labels, loc="lower left", ncol=2, fontsize=8)
    _header(
        fig,
        f"Pakistan between the US and China: {scenario}",
        "Alignment = T(PAK→CHN) / (T(PAK→CHN) + T(PAK→USA)), from Pakistan's trust in each;"
        f" {replications} replications.",
    )
    return fig


def activity_chart(
    moves: pd.DataFrame, events: pd.DataFrame, *, names: Mapping[str, str], scenario: str, replications: int
) -> Figure:
    """Cooperative and hostile moves per month by actor, and cumulative events by type (means over replications).

    Events are shown cumulated: they are rare, so monthly means are spiky, while the slope of the cumulative
    count is the event rate and a scheduled event shows as a step.
    """
    moves, events = moves[moves["step"] > 0], events[events["step"] > 0]
    fig = Figure(figsize=(8.5, 7.2), layout="constrained")
    axes = fig.subplots(3, 1, sharex=True)
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
            ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8)
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
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8)
    ax.set_xlabel("Month")
    _months(ax, moves["step"])
    _header(
        fig,
        f"Moves and events over time: {scenario}",
        f"Means over {replications} replications; a move counts once per target it is made to.",
    )
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
    fig = Figure(figsize=(2.5 * n + 0.8, 1.9 * n + 0.6), layout="constrained")
    for (obs, tgt), ax in _dyad_grid(fig, actors, names).items():
        d = _dyad(over_time, obs, tgt)
        for i, name in enumerate(scenarios):
            s = d[d["scenario"] == name]
            ax.fill_between(s["step"], s["p25"], s["p75"], color=OKABE_ITO[i % 8], alpha=0.18, lw=0)
            ax.plot(s["step"], s["p50"], color=OKABE_ITO[i % 8], lw=1.4)
        ax.set_ylim(0, 1)
        _months(ax, d["step"])
    _label_grid(fig, "Month", "Trust (probability, 0–1)")
    _header(
        fig,
        "Trust over time by scenario: " + " vs ".join(scenarios),
        f"Line: median; band: middle 50% of {replications} replications. All scenarios share random numbers.",
        (_scenario_handles(scenarios), scenarios),
    )
    return fig


def difference_chart(over_time: pd.DataFrame, *, names: Mapping[str, str], replications: int) -> Figure:
    """Per dyad, each scenario's mean trust minus the first's, per month: 95% CI (dark) and 90% range (light)."""
    scenarios = list(pd.unique(over_time["scenario"]))
    ref, others = scenarios[0], scenarios[1:]
    actors = _actors(over_time)
    n = len(actors)
    fig = Figure(figsize=(2.5 * n + 0.8, 1.9 * n + 0.6), layout="constrained")
    for (obs, tgt), ax in _dyad_grid(fig, actors, names).items():
        d = _dyad(over_time, obs, tgt)
        ax.axhline(0, color="#333333", lw=0.8)
        for i, name in enumerate(others, start=1):
            s = d[d["scenario"] == name]
            colour = OKABE_ITO[i % 8]
            ax.fill_between(s["step"], s["diff_p05"], s["diff_p95"], color=colour, alpha=0.12, lw=0)
            ax.fill_between(s["step"], s["diff_low"], s["diff_high"], color=colour, alpha=0.45, lw=0)
            ax.plot(s["step"], s["diff"], color=colour, lw=1.3)
        _months(ax, d["step"])
    bands = [Patch(color="#777777", alpha=0.55, lw=0), Patch(color="#777777", alpha=0.15, lw=0)]
    handles = [*_scenario_handles(scenarios)[1:], *bands]
    labels = [*(f"{name} − {ref}" for name in others), "95% CI of the mean", "90% of replications"]
    _label_grid(fig, "Month", f"Trust minus trust under {ref} (difference of probabilities)")
    _header(
        fig,
        f"Effect on trust relative to {ref}",
        f"Mean paired difference per replication (same random numbers in every scenario), {replications} replications;"
        f" above zero: more trust than under {ref}.\nLight band: where 90% of the replications' differences fall."
        " Dark band: 95% CI of the mean, often narrower than the line (compare_final.png shows it on its own scale).",
        (handles, labels),
    )
    return fig


def effects_chart(final: pd.DataFrame, *, window: tuple[int, int], replications: int) -> Figure:
    """The difference in final trust from the first scenario, per dyad, in two panels side by side: the mean
    paired difference with its 95% CI (on its own, narrow scale, so the interval shows) and the range of 90% of
    the per-replication differences (how much the effect varies from one future to another)."""
    scenarios = list(pd.unique(final["scenario"]))
    ref, others = scenarios[0], scenarios[1:]
    dyads = list(dict.fromkeys(zip(final["observer"], final["target"], strict=True)))
    fig = Figure(figsize=(9.5, 0.32 * len(dyads) * max(1, len(others)) ** 0.5 + 1.6), layout="constrained")
    mean_ax, spread_ax = fig.subplots(1, 2, sharey=True)
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
    _header(
        fig,
        f"Final trust relative to {ref}",
        f"Final trust = mean over months {window[0]}–{window[1]}; differences are paired per replication (same random"
        f" numbers in every scenario), {replications} replications.\nThe panels have their own scales: the CI"
        " says how well the mean effect is known, the spread how much it varies between futures.",
        (handles, labels),
    )
    return fig


# ---------------------------------------------------------------------------------------------------------------
# Result folders


def default_network_steps(last: int) -> list[int]:
    """Month 0, the middle, and the last month."""
    return sorted({0, last // 2, last})


def _draw(out: Path, figures: Mapping[str, Figure], fmt: str) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    return [_save(fig, out / f"{name}.{fmt}") for name, fig in figures.items()]


def plot_run(
    folder: str | Path,
    meta: Mapping[str, Any],
    fmt: str = "png",
    network_steps: Sequence[int] | None = None,
    out: str | Path | None = None,
) -> list[Path]:
    """Draw a run's figures into folder/plots/ (or `out`) from its tables; `meta` is its manifest.

    The alignment figure is drawn only for worlds with Pakistan, the US and China (whose alignment it shows)."""
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
    with mpl.rc_context(STYLE):
        figures = {
            "trust_fan": fan_chart(summary, names=names, **common),
            "trust_network": network_chart(summary, steps, names=names, **common),
            "activity": activity_chart(t["moves.csv"], t["events.csv"], names=names, **common),
        }
        if "alignment.csv" in t:
            figures["alignment"] = alignment_chart(t["alignment.csv"], **common)
        return _draw(Path(out) if out else folder / "plots", figures, fmt)


def plot_comparison(
    folder: str | Path, meta: Mapping[str, Any], fmt: str = "png", out: str | Path | None = None
) -> list[Path]:
    """Draw a comparison's figures into folder/plots/ (or `out`) from comparison.csv and comparison_steps.csv."""
    folder = Path(folder)
    t = comparison_tables(folder, meta)
    over_time = t["comparison_steps.csv"]
    window = final_window(int(over_time["step"].max()))
    common = {"names": meta.get("actors", {}), "replications": meta["replications"]}
    with mpl.rc_context(STYLE):
        figures = {
            "compare_trust": compare_chart(over_time, **common),
            "compare_difference": difference_chart(over_time, **common),
            "compare_final": effects_chart(t["comparison.csv"], window=window, replications=meta["replications"]),
        }
        return _draw(Path(out) if out else folder / "plots", figures, fmt)
