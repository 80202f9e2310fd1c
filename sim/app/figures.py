"""The dashboard's charts: the scenario beside its status quo and the difference between them.

Drawn from the comparison tables (`sim.app.compute.Outcome`) with the house style (sim.figures.style: frames,
header, fans, differences) and network (sim.figures.network), so the page and a result folder's figures read the
same way. Margins are fixed in inches, as there, so the page's frequent redraws stay quick.
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
from matplotlib.patches import Patch

from sim.app.compute import Outcome
from sim.figures.network import draw_network
from sim.figures.style import OKABE_ITO, STYLE, canvas, difference_panel, fan_panel, header, months, panel_grid

REFERENCE_COLOUR, SCENARIO_COLOUR = OKABE_ITO[0], OKABE_ITO[1]  # as in compare_trust.png
WIDTH = 10.0  # inches; shown at 100 dpi, 1,000 pixels wide
ROW = 1.75  # inches per row of panels
COLUMN_TITLES = 0.3


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


def _rows(outcome: Outcome, frames: Sequence[pd.DataFrame], labels: Sequence[str], unit: str, caption: str) -> Any:
    """A figure with one row per frame: status quo fan | scenario fan | difference (sharing a scale)."""
    ref, scen = outcome.names
    rows = len(frames)
    fig, strip = canvas(WIDTH, rows * ROW + (rows - 1) * 0.25 + 0.5 + COLUMN_TITLES, caption, legend=True)
    grid = panel_grid(fig, rows, 3, top=strip + COLUMN_TITLES, left=0.95, right=0.2, wgap=0.45, hgap=0.25)
    axes = grid.subplots(sharex=True, squeeze=False)
    for r, (frame, label) in enumerate(zip(frames, labels, strict=True)):
        left, middle, right = axes[r]
        fan_panel(left, frame[frame["scenario"] == ref], REFERENCE_COLOUR)
        fan_panel(middle, frame[frame["scenario"] == scen], SCENARIO_COLOUR)
        middle.tick_params(labelleft=False)
        right.axhline(0, color="#333333", lw=0.8)
        difference_panel(right, frame[frame["scenario"] == scen], SCENARIO_COLOUR, lw=1.4)
        if r:
            right.sharey(axes[0][2])
        left.set_ylabel(f"{label}\n{unit}")
    months(axes[0][0], outcome.over_time["step"])
    axes[0][0].set_title(f"{ref} (reference)")
    axes[0][1].set_title(scen)
    axes[0][2].set_title(f"difference: {scen} − {ref}")
    for ax in axes[-1]:
        ax.set_xlabel("Month")
    return fig, axes


def trust_figure(outcome: Outcome, dyads: Sequence[tuple[str, str]], names: Mapping[str, str]) -> Figure:
    """Trust over time for the chosen dyads: status quo and scenario fans, and the paired difference with its CI."""
    ref, scen = outcome.names
    t = outcome.over_time
    frames = [t[(t["observer"] == o) & (t["target"] == g)] for o, g in dyads]
    caption = (
        f"Row: the first actor's trust in the second ({', '.join(f'{k} {v}' for k, v in names.items())});"
        f" {outcome.replications} replications on the same random numbers."
    )
    with mpl.rc_context(STYLE):
        fig, _ = _rows(outcome, frames, [f"{o} → {g}" for o, g in dyads], "trust (0–1)", caption)
        header(fig, f"Trust over time: {scen} beside {ref}", caption, _legend(outcome.names))
    return fig


def alignment_figure(outcome: Outcome) -> Figure:
    """Pakistan's alignment between the US (0) and China (1): status quo, scenario, and the paired difference."""
    ref, scen = outcome.names
    caption = (
        "Alignment = T(PAK→CHN) / (T(PAK→CHN) + T(PAK→USA)); dashed: equidistant; above it Pakistan leans to China."
    )
    with mpl.rc_context(STYLE):
        fig, axes = _rows(outcome, [outcome.alignment], ["PAK alignment"], "0 = US, 1 = China", caption)
        for ax in axes[0][:2]:
            ax.axhline(0.5, color="#333333", lw=0.8, ls="--")
        header(fig, f"Pakistan between the US and China: {scen} beside {ref}", caption, _legend(outcome.names))
    return fig


def network_figure(outcome: Outcome, month: int, names: Mapping[str, str]) -> Figure:
    """Both runs' trust networks at one month (median over replications), drawn as in trust_network.png."""
    t = outcome.over_time[outcome.over_time["step"] == month]
    actors = list(pd.unique(t["observer"]))
    caption = (
        f"Arrow A → B: A's trust in B, median of {outcome.replications} replications; colour from vermillion"
        " (distrust) through grey (0.5) to blue (trust), width grows with trust."
    )
    with mpl.rc_context(STYLE):
        fig, strip = canvas(WIDTH, 3.8, caption)
        grid = panel_grid(fig, 1, 2, top=strip + 0.1, left=0.1, right=0.1, bottom=0.1, wgap=0.3)
        for i, name in enumerate(outcome.names):
            at = t[t["scenario"] == name].set_index(["observer", "target"])["p50"]
            draw_network(fig.add_subplot(grid[0, i]), at.to_dict(), actors, name)
        header(fig, f"Trust network at month {month}", caption)
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
