"""The dashboard's charts: the scenario beside its status quo and the difference between them.

Drawn from the comparison tables (`sim.app.compute.Outcome`) with sim.plots' style, palette and network arrows,
so the page and a result folder's figures read the same way. Margins are fixed in inches instead of matplotlib's
constrained layout, which halves the drawing time: the page redraws these on every update.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Circle, Patch
from matplotlib.transforms import offset_copy

from sim import plots
from sim.app.compute import Outcome

REFERENCE_COLOUR, SCENARIO_COLOUR = plots.OKABE_ITO[0], plots.OKABE_ITO[1]  # as in compare_trust.png
WIDTH = 10.0  # inches; shown at 100 dpi, 1,000 pixels wide
HEADER = 0.95  # inches above the panels: title, caption, legend
COLUMN_TITLES = 0.3


def _frame(fig: Figure, rows: int, cols: int, row_height: float, top: float, **gaps: float) -> Any:
    """An axes grid with fixed margins (inches): the figure's height follows from the rows."""
    left, right, bottom = gaps.get("left", 0.95), gaps.get("right", 0.2), gaps.get("bottom", 0.5)
    wgap, hgap = gaps.get("wgap", 0.45), gaps.get("hgap", 0.25)
    height = top + rows * row_height + (rows - 1) * hgap + bottom
    fig.set_size_inches(WIDTH, height)
    axes_width = (WIDTH - left - right - (cols - 1) * wgap) / cols
    fig.subplots_adjust(
        left=left / WIDTH,
        right=1 - right / WIDTH,
        top=1 - top / height,
        bottom=bottom / height,
        wspace=wgap / axes_width,
        hspace=hgap / row_height,
    )
    return fig.subplots(rows, cols, squeeze=False, sharex=True)


def _header(fig: Figure, title: str, caption: str, legend: tuple[list[Any], list[str]] | None = None) -> None:
    """Title, caption and a one-row legend, placed in points from the top edge."""

    def below_top(points: float) -> Any:
        return offset_copy(fig.transFigure, fig=fig, y=-points, units="points")

    fig.text(0.5, 1, title, ha="center", va="top", fontsize=12.5, weight="bold", transform=below_top(6))
    fig.text(0.5, 1, caption, ha="center", va="top", fontsize=8.5, color="#333333", transform=below_top(25))
    if legend:
        handles, labels = legend
        fig.legend(
            handles,
            labels,
            loc="upper center",
            bbox_to_anchor=(0.5, 1),
            bbox_transform=below_top(40),
            ncol=len(labels),
            fontsize=8.5,
            borderaxespad=0,
        )


def _fan(ax: Any, frame: pd.DataFrame, colour: str) -> None:
    """Median line with the middle 50% (dark) and 90% (light) of replications."""
    ax.fill_between(frame["step"], frame["p05"], frame["p95"], color=colour, alpha=0.15, lw=0)
    ax.fill_between(frame["step"], frame["p25"], frame["p75"], color=colour, alpha=0.4, lw=0)
    ax.plot(frame["step"], frame["p50"], color=colour, lw=1.6)
    ax.set_ylim(0, 1)


def _difference(ax: Any, frame: pd.DataFrame, colour: str) -> None:
    """Mean paired difference with its 95% CI (dark) and the range of 90% of replications' differences (light)."""
    ax.axhline(0, color="#333333", lw=0.8)
    ax.fill_between(frame["step"], frame["diff_p05"], frame["diff_p95"], color=colour, alpha=0.12, lw=0)
    ax.fill_between(frame["step"], frame["diff_low"], frame["diff_high"], color=colour, alpha=0.45, lw=0)
    ax.plot(frame["step"], frame["diff"], color=colour, lw=1.4)


def _legend(names: tuple[str, str]) -> tuple[list[Any], list[str]]:
    ref, scen = names
    handles = [
        Line2D([], [], color="#555555", lw=1.6),
        Patch(color="#555555", alpha=0.4, lw=0),
        Patch(color="#555555", alpha=0.15, lw=0),
        Patch(color=SCENARIO_COLOUR, alpha=0.45, lw=0),
    ]
    labels = ["median", "middle 50%", "middle 90% of replications", f"{scen} − {ref}: 95% CI of the mean"]
    return handles, labels


def _rows(fig: Figure, outcome: Outcome, frames: Sequence[pd.DataFrame], labels: Sequence[str], unit: str) -> Any:
    """One row per frame: status quo fan | scenario fan | difference; the difference panels share a scale."""
    ref, scen = outcome.names
    grid = _frame(fig, len(frames), 3, 1.75, HEADER + COLUMN_TITLES)
    for r, (frame, label) in enumerate(zip(frames, labels, strict=True)):
        left, middle, right = grid[r]
        _fan(left, frame[frame["scenario"] == ref], REFERENCE_COLOUR)
        _fan(middle, frame[frame["scenario"] == scen], SCENARIO_COLOUR)
        middle.tick_params(labelleft=False)
        _difference(right, frame[frame["scenario"] == scen], SCENARIO_COLOUR)
        if r:
            right.sharey(grid[0][2])
        left.set_ylabel(f"{label}\n{unit}")
    plots._months(grid[0][0], outcome.over_time["step"])
    grid[0][0].set_title(f"{ref} (reference)")
    grid[0][1].set_title(scen)
    grid[0][2].set_title(f"difference: {scen} − {ref}")
    for ax in grid[-1]:
        ax.set_xlabel("Month")
    return grid


def trust_figure(outcome: Outcome, dyads: Sequence[tuple[str, str]], names: Mapping[str, str]) -> Figure:
    """Trust over time for the chosen dyads: status quo and scenario fans, and the paired difference with its CI."""
    ref, scen = outcome.names
    t = outcome.over_time
    frames = [t[(t["observer"] == o) & (t["target"] == g)] for o, g in dyads]
    fig = Figure()
    with mpl.rc_context(plots.STYLE):
        _rows(fig, outcome, frames, [f"{o} → {g}" for o, g in dyads], "trust (0–1)")
        _header(
            fig,
            f"Trust over time: {scen} beside {ref}",
            f"Row: the first actor's trust in the second ({', '.join(f'{k} {v}' for k, v in names.items())});"
            f" {outcome.replications} replications on the same random numbers.",
            _legend(outcome.names),
        )
    return fig


def alignment_figure(outcome: Outcome) -> Figure:
    """Pakistan's alignment between the US (0) and China (1): status quo, scenario, and the paired difference."""
    ref, scen = outcome.names
    fig = Figure()
    with mpl.rc_context(plots.STYLE):
        grid = _rows(fig, outcome, [outcome.alignment], ["PAK alignment"], "0 = US, 1 = China")
        for ax in grid[0][:2]:
            ax.axhline(0.5, color="#333333", lw=0.8, ls="--")
        _header(
            fig,
            f"Pakistan between the US and China: {scen} beside {ref}",
            "Alignment = T(PAK→CHN) / (T(PAK→CHN) + T(PAK→USA)); dashed: equidistant; above it Pakistan leans to"
            " China.",
            _legend(outcome.names),
        )
    return fig


def draw_network(ax: Any, trust: Mapping[tuple[str, str], float], actors: Sequence[str], title: str) -> None:
    """The actors as a directed trust network on `ax`: arrow A -> B coloured, sized and labelled by A's trust in B."""
    pos = plots._layout(actors)
    xs, ys = zip(*pos.values(), strict=True)
    nodes = {a: Circle(pos[a], plots.NODE, fc="white", ec="#333333", lw=1.2, zorder=3) for a in actors}
    for obs in actors:
        for tgt in actors:
            if obs != tgt:
                plots._trust_arrow(ax, pos[obs], pos[tgt], plots.NODE + 0.035, float(trust[(obs, tgt)]))
    for a, node in nodes.items():
        ax.add_patch(node)
        ax.text(*pos[a], a, ha="center", va="center", weight="bold", fontsize=10, zorder=4)
    ax.set_xlim(min(xs) - 0.35, max(xs) + 0.35)
    ax.set_ylim(min(ys) - 0.35, max(ys) + 0.35)
    ax.set_aspect("equal", adjustable="box")
    ax.set_axis_off()
    ax.set_title(title, fontsize=10.5)


def network_figure(outcome: Outcome, month: int, names: Mapping[str, str]) -> Figure:
    """Both runs' trust networks at one month (median over replications), drawn as in trust_network.png."""
    t = outcome.over_time[outcome.over_time["step"] == month]
    actors = list(pd.unique(t["observer"]))
    fig = Figure()
    with mpl.rc_context(plots.STYLE):
        axes = _frame(fig, 1, 2, 3.6, 0.8, left=0.1, right=0.1, bottom=0.1, wgap=0.3)[0]
        for ax, name in zip(axes, outcome.names, strict=True):
            at = t[t["scenario"] == name].set_index(["observer", "target"])["p50"]
            draw_network(ax, at.to_dict(), actors, name)
        _header(
            fig,
            f"Trust network at month {month}",
            f"Arrow A → B: A's trust in B, median of {outcome.replications} replications; colour from vermillion"
            " (distrust) through grey (0.5) to blue (trust), width grows with trust.",
        )
    return fig


def final_rows(outcome: Outcome, dyads: Sequence[tuple[str, str]]) -> list[dict[str, str]]:
    """Final trust (mean of the last 12 months) per chosen dyad: both runs' medians and the paired difference."""
    ref, scen = outcome.names
    table = outcome.final.set_index(["scenario", "observer", "target"])
    rows = []
    for obs, tgt in dyads:
        base, run = table.loc[(ref, obs, tgt)], table.loc[(scen, obs, tgt)]
        rows.append(
            {
                "dyad": f"{obs} → {tgt}",
                ref: f"{base['p50']:.3f} [{base['p05']:.3f}, {base['p95']:.3f}]",
                scen: f"{run['p50']:.3f} [{run['p05']:.3f}, {run['p95']:.3f}]",
                "difference [95% CI]": f"{run['diff']:+.3f} [{run['diff_low']:+.3f}, {run['diff_high']:+.3f}]"
                if np.isfinite(run["diff"])
                else "",
            }
        )
    return rows


def png(fig: Figure, dpi: int = 100) -> bytes:
    """The figure as PNG bytes (for the page and for download)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, facecolor="white")
    return buffer.getvalue()
