"""Figures of a comparison, drawn from its tables: trust by scenario, the effect over time, the final effect."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib import patheffects
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from sim.figures.style import (
    LEFT,
    OKABE_ITO,
    TITLE,
    actors_of,
    canvas,
    dates,
    difference_panel,
    dyad_grid,
    dyad_rows,
    header,
    label_grid,
    months,
    panel_grid,
    scenario_handles,
    time_label,
)
from sim.util import calendar


def compare_chart(over_time: pd.DataFrame, *, names: Mapping[str, str], replications: int) -> Figure:
    """Trust over time per dyad, one colour per scenario: median line and middle-50% band. The reference (the
    first scenario) is drawn last, dashed, over a white edge, so it stays visible where the others cover it."""
    scenarios = list(pd.unique(over_time["scenario"]))
    actors = actors_of(over_time)
    n = len(actors)
    caption = (
        f"Line: median; band: middle 50% of {replications} replications. All scenarios share random numbers;"
        f"\nthe reference, {scenarios[0]}, is dashed and drawn on top."
    )
    fig, strip = canvas(2.5 * n + 0.8, 1.9 * n + 0.6, caption, legend=True)
    halo = [patheffects.Stroke(linewidth=3.2, foreground="white"), patheffects.Normal()]
    for (obs, tgt), ax in dyad_grid(fig, actors, names, strip).items():
        d = dyad_rows(over_time, obs, tgt)
        for i, name in reversed(list(enumerate(scenarios))):  # the reference last, on top
            s = d[d["scenario"] == name]
            ax.fill_between(s["step"], s["p25"], s["p75"], color=OKABE_ITO[i % 8], alpha=0.18, lw=0)
            if i == 0:
                ax.plot(s["step"], s["p50"], color=OKABE_ITO[0], lw=1.5, ls=(0, (4, 2)), path_effects=halo, zorder=4)
            else:
                ax.plot(s["step"], s["p50"], color=OKABE_ITO[i % 8], lw=1.4, zorder=3)
        ax.set_ylim(0, 1)
        months(ax, d["step"], dates(d))
    label_grid(fig, time_label(over_time), "Trust (probability, 0–1)")
    title = "Trust over time by scenario: " + " vs ".join(scenarios)
    handles = scenario_handles(scenarios)
    handles[0] = Line2D([], [], color=OKABE_ITO[0], lw=1.5, ls=(0, (4, 2)))
    labels = [f"{scenarios[0]} (reference)", *scenarios[1:]]
    header(fig, title, caption, (handles, labels))
    return fig


def difference_chart(over_time: pd.DataFrame, *, names: Mapping[str, str], replications: int) -> Figure:
    """Per dyad, each scenario's mean trust minus the first's, per month: 95% CI (dark) and 90% range (light)."""
    scenarios = list(pd.unique(over_time["scenario"]))
    ref, others = scenarios[0], scenarios[1:]
    actors = actors_of(over_time)
    n = len(actors)
    caption = (
        f"Mean paired difference per replication (same random numbers in every scenario), {replications} replications;"
        f"\nabove zero: more trust than under {ref}. Light band: where 90% of the replications' differences fall."
        "\nDark band: 95% CI of the mean, often narrower than the line (compare_final.png shows it on its own scale)."
    )
    fig, strip = canvas(2.5 * n + 0.8, 1.9 * n + 0.6, caption, legend=True)
    for (obs, tgt), ax in dyad_grid(fig, actors, names, strip, left=LEFT + 0.15).items():  # labels like -0.05
        d = dyad_rows(over_time, obs, tgt)
        ax.axhline(0, color="#333333", lw=0.8)
        for i, name in enumerate(others, start=1):
            difference_panel(ax, d[d["scenario"] == name], OKABE_ITO[i % 8])
        months(ax, d["step"], dates(d))
    bands = [Patch(color="#777777", alpha=0.55, lw=0), Patch(color="#777777", alpha=0.15, lw=0)]
    handles = [*scenario_handles(scenarios)[1:], *bands]
    labels = [*(f"{name} − {ref}" for name in others), "95% CI of the mean", "90% of replications"]
    label_grid(fig, time_label(over_time), f"Trust minus trust under {ref} (difference of probabilities)")
    header(fig, f"Effect on trust relative to {ref}", caption, (handles, labels))
    return fig


def effects_chart(
    final: pd.DataFrame, *, window: tuple[int, int], replications: int, start: str | None = None
) -> Figure:
    """The difference in final trust from the first scenario, per dyad, in two panels side by side: the mean
    paired difference with its 95% CI (on its own, narrow scale, so the interval shows) and the range of 90% of
    the per-replication differences (how much the effect varies from one future to another)."""
    scenarios = list(pd.unique(final["scenario"]))
    ref, others = scenarios[0], scenarios[1:]
    dyads = list(dict.fromkeys(zip(final["observer"], final["target"], strict=True)))
    caption = (
        f"Final trust = mean over {calendar.span(*window, start, dash='–')}; differences are paired per replication"
        f"\n(same random numbers in every scenario), {replications} replications. The panels have their own scales:"
        "\nthe CI says how well the mean effect is known, the spread how much it varies between futures."
    )
    fig, strip = canvas(9.5, 0.32 * len(dyads) * max(1, len(others)) ** 0.5 + 1.6, caption, legend=True)
    grid = panel_grid(fig, 1, 2, top=strip + TITLE, left=LEFT + 0.2, wgap=0.3)
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
    header(fig, f"Final trust relative to {ref}", caption, (handles, labels))
    return fig
