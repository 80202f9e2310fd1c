"""The dashboard's charts: the reference beside the comparison and the paired difference between them.

Drawn from the comparison tables (`sim.app.compute.Outcome`) with the house style (sim.figures.style: frames,
header, fans, differences) and network (sim.figures.network), so the page and a result folder's figures read the
same way. Margins are fixed in inches, as there, so the page's frequent redraws stay quick; names of any length are
shortened and captions wrapped to the space they have (measured from the font), so no text runs past a figure's
edge. The difference panels
carry the yardstick: a band as wide as a poll's sampling error.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.textpath import text_to_path

from sim.app.compute import PairedRuns
from sim.app.policies import when
from sim.figures.network import draw_network
from sim.figures.style import (
    OKABE_ITO,
    STYLE,
    canvas,
    difference_panel,
    fan_panel,
    header,
    panel_grid,
    time_label,
)

REFERENCE_COLOUR, COMPARISON_COLOUR = OKABE_ITO[0], OKABE_ITO[1]  # as in compare_trust.png
YARDSTICK_COLOUR = "#888888"
WIDTH = 10.0  # inches; shown at 100 dpi, 1,000 pixels wide
ROW = 1.75  # inches per row of panels
COLUMN_TITLES = 0.3
LEFT, RIGHT, WGAP = 0.95, 0.2, 0.6  # inches: margins and the gap between a row's panels (room for its ticks)


def width(text: str, size: float, weight: str = "normal") -> float:
    """The width of `text` in inches at font `size` points, measured from the font (no figure is drawn)."""
    w, _, _ = text_to_path.get_text_width_height_descent(text, FontProperties(size=size, weight=weight), ismath=False)
    return w / 72


def clip(text: str, inches: float, size: float, weight: str = "normal") -> str:
    """`text`, shortened in the middle ('us_pakistan…_variant') as little as needed to fit `inches`."""
    if width(text, size, weight) <= inches:
        return text

    def middle(keep: int) -> str:
        head = keep // 2
        return f"{text[:head]}…{text[len(text) - (keep - head) :]}"

    low, high = 0, len(text) - 1  # the most characters kept that fit: middle(low) fits, middle(high + 1) does not
    while low < high:
        mid = (low + high + 1) // 2
        low, high = (mid, high) if width(middle(mid), size, weight) <= inches else (low, mid - 1)
    return middle(low)


def wrap(text: str, inches: float = WIDTH - 0.4, size: float = 8.5) -> str:
    """`text` broken between words into lines that fit `inches` at font `size` points (captions)."""
    lines: list[str] = []
    for word in text.split():
        joined = f"{lines[-1]} {word}" if lines else word
        if lines and width(joined, size) <= inches:
            lines[-1] = joined
        else:
            lines.append(word)
    return "\n".join(lines)


def _legend(sampling_error: float) -> tuple[list[Any], list[str]]:
    handles = [
        Line2D([], [], color="#555555", lw=1.6),
        Patch(color="#555555", alpha=0.4, lw=0),
        Patch(color="#555555", alpha=0.15, lw=0),
        Patch(color=COMPARISON_COLOUR, alpha=0.45, lw=0),
        Patch(color=YARDSTICK_COLOUR, alpha=0.25, lw=0),
    ]
    labels = [
        "median",
        "middle 50%",
        "middle 90% of replications",
        "difference: 95% CI (Monte Carlo)",
        f"poll sampling error ±{sampling_error:.2f}",
    ]
    return handles, labels


def _rows(outcome: PairedRuns, frames: Sequence[pd.DataFrame], labels: Sequence[str], unit: str, caption: str) -> Any:
    """A figure with one row per frame: reference fan | comparison fan | difference (sharing a scale)."""
    ref, scen = outcome.names
    rows = len(frames)
    fig, strip = canvas(WIDTH, rows * ROW + (rows - 1) * 0.25 + 0.5 + COLUMN_TITLES, caption, legend=True)
    grid = panel_grid(fig, rows, 3, top=strip + COLUMN_TITLES, left=LEFT, right=RIGHT, wgap=WGAP, hgap=0.25)
    axes = grid.subplots(sharex=True, squeeze=False)
    for r, (frame, label) in enumerate(zip(frames, labels, strict=True)):
        left, middle, right = axes[r]
        fan_panel(left, frame[frame["scenario"] == ref], REFERENCE_COLOUR)
        fan_panel(middle, frame[frame["scenario"] == scen], COMPARISON_COLOUR)
        middle.tick_params(labelleft=False)
        right.axhline(0, color="#333333", lw=0.8)
        difference_panel(right, frame[frame["scenario"] == scen], COMPARISON_COLOUR, lw=1.4)
        if r:
            right.sharey(axes[0][2])
        left.set_ylabel(f"{label}\n{unit}")
    _titles(axes, outcome.names, time_label(outcome.over_time))
    return fig, axes


def _titles(axes: Any, names: tuple[str, str], xlabel: str) -> None:
    """Column titles (names shortened to the panel's width) and the time axis' label."""
    panel = (WIDTH - LEFT - RIGHT - 2 * WGAP) / 3
    size = mpl.rcParams["axes.titlesize"]
    axes[0][0].set_title(clip(f"reference: {names[0]}", panel, size))
    axes[0][1].set_title(clip(f"comparison: {names[1]}", panel, size))
    axes[0][2].set_title("difference: comparison − reference")
    for ax in axes[-1]:
        ax.set_xlabel(xlabel)


def _yardstick(axes: Any, sampling_error: float) -> None:
    """The band of a poll's sampling error around zero on every difference panel."""
    for row in axes:
        row[2].axhspan(-sampling_error, sampling_error, color=YARDSTICK_COLOUR, alpha=0.25, lw=0, zorder=0)


def _title(prefix: str, names: tuple[str, str]) -> str:
    return clip(f"{prefix}: {names[1]} against {names[0]}", WIDTH - 0.4, 12.5, "bold")


def trust_figure(
    outcome: PairedRuns, dyads: Sequence[tuple[str, str]], names: Mapping[str, str], sampling_error: float
) -> Figure:
    """Trust over time for the chosen dyads: both fans and the paired difference with its CI."""
    t = outcome.over_time
    frames = [t[(t["observer"] == o) & (t["target"] == g)] for o, g in dyads]
    caption = wrap(
        f"Row: the first actor's trust in the second ({', '.join(f'{k} {v}' for k, v in names.items())});"
        f" {outcome.replications} replications of each on the same random numbers. The difference's band is Monte"
        " Carlo precision (it narrows with more replications); the grey band is a poll's sampling error."
    )
    with mpl.rc_context(STYLE):
        fig, axes = _rows(outcome, frames, [f"{o} → {g}" for o, g in dyads], "trust (0–1)", caption)
        _yardstick(axes, sampling_error)
        header(fig, _title("Trust over time", outcome.names), caption, _legend(sampling_error))
    return fig


def alignment_figure(outcome: PairedRuns, sampling_error: float) -> Figure:
    """Pakistan's alignment between the US (0) and China (1): both runs and the paired difference."""
    assert outcome.alignment is not None, "the world has Pakistan, the US and China"
    caption = wrap(
        "Alignment = T(PAK→CHN) / (T(PAK→CHN) + T(PAK→USA)); dashed: equidistant; above it Pakistan leans to China."
    )
    frame = outcome.alignment
    if "date" in outcome.over_time.columns:
        frame = frame.merge(outcome.over_time[["step", "date"]].drop_duplicates(), on="step")
    with mpl.rc_context(STYLE):
        fig, axes = _rows(outcome, [frame], ["PAK alignment"], "0 = US, 1 = China", caption)
        for ax in axes[0][:2]:
            ax.axhline(0.5, color="#333333", lw=0.8, ls="--")
        _yardstick(axes, sampling_error)
        header(fig, _title("Pakistan between the US and China", outcome.names), caption, _legend(sampling_error))
    return fig


def network_figure(outcome: PairedRuns, month: int, names: Mapping[str, str]) -> Figure:
    """Both runs' trust networks at one month (median over replications), drawn as in trust_network.png."""
    t = outcome.over_time[outcome.over_time["step"] == month]
    actors = list(pd.unique(t["observer"]))
    caption = wrap(
        f"Arrow A → B: A's trust in B, median of {outcome.replications} replications; colour from vermillion"
        " (distrust) through grey (0.5) to blue (trust), width grows with trust."
    )
    with mpl.rc_context(STYLE):
        fig, strip = canvas(WIDTH, 3.8, caption)
        grid = panel_grid(fig, 1, 2, top=strip + 0.35, left=0.1, right=0.1, bottom=0.1, wgap=0.3)  # titles above
        for i, (role, name) in enumerate(zip(("reference", "comparison"), outcome.names, strict=True)):
            at = t[t["scenario"] == name].set_index(["observer", "target"])["p50"]
            draw_network(fig.add_subplot(grid[0, i]), at.to_dict(), actors, clip(f"{role}: {name}", 4.6, 10))
        header(fig, f"Trust network at {when(month, outcome.start)}", caption)
    return fig


def final_rows(outcome: PairedRuns, dyads: Sequence[tuple[str, str]]) -> list[dict[str, str]]:
    """Final trust (mean of the final window) per chosen dyad: both runs' medians and the paired difference."""
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
