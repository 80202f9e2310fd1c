"""Figures of a scenario discovery (sim.discovery.prim), in the house style: PRIM's peeling trajectory and the limits
of the chosen box."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from sim.figures.style import OKABE_ITO, header
from sim.scenario import labels


@dataclass(frozen=True)
class Peeling:
    """What the figures of a discovery show (sim.discovery.prim.Discovery.peeling)."""

    trajectory: pd.DataFrame  # one row per box: coverage, density, res_dim, ...
    box: pd.DataFrame  # the chosen box, a row per parameter (Discovery.box)
    chosen: int
    condition: str  # "PAK→USA > 0.4"
    share: float  # share of all cases that are of interest
    count: int  # cases
    cases: str  # "runs" or "points"
    sweep: str

    @property
    def unit(self) -> str:
        return "runs (replication x point)" if self.cases == "runs" else "points (median over replications)"


def trajectory_chart(found: Peeling) -> Figure:
    """Coverage against density for every box PRIM peeled, coloured by how many parameters it restricts."""
    t = found.trajectory
    fig = Figure(figsize=(7.0, 4.6), layout="constrained")
    ax = fig.subplots()
    dims = sorted(int(d) for d in t["res_dim"].unique())
    for i, d in enumerate(dims):
        rows = t[t["res_dim"] == d]
        ax.scatter(rows["coverage"], rows["density"], s=22, color=OKABE_ITO[i % 8], label=f"{d} restricted", zorder=3)
    ax.plot(t["coverage"], t["density"], color="#999999", lw=0.8, zorder=2)
    row = t.loc[found.chosen]
    ax.scatter([row["coverage"]], [row["density"]], s=140, facecolor="none", edgecolor="#000000", lw=1.4, zorder=4)
    ax.annotate(
        f"box {found.chosen}",
        (row["coverage"], row["density"]),
        xytext=(8, -14),
        textcoords="offset points",
        fontsize=8.5,
    )
    ax.axhline(found.share, color="#555555", lw=0.9, ls=":")
    ax.set_xlim(0, 1.02)
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("Coverage: share of all cases of interest inside the box")
    ax.set_ylabel("Density: share of the box's cases of interest")
    handles, names = ax.get_legend_handles_labels()
    handles += [Line2D([], [], color="#555555", lw=0.9, ls=":"), Line2D([], [], marker="o", mfc="none", mec="k", ls="")]
    names += ["share in the whole sweep", "the box reported (densest with enough coverage)"]
    ax.legend(handles, names, loc="lower left", fontsize=8)
    header(
        fig,
        f"Scenario discovery: {found.condition}",
        f"PRIM's peeling trajectory over {found.count:,} {found.unit} of sweep {found.sweep}; from the whole"
        "\nsweep (right) each box peels a sliver off one parameter's range, trading coverage for density.",
    )
    return fig


def limits_chart(found: Peeling) -> Figure:
    """The chosen box: each parameter's swept range (grey) and the box's limits within it (colour), to scale."""
    box = found.box
    n = len(box)
    fig = Figure(figsize=(7.5, 0.55 * n + 1.2), layout="constrained")
    ax = fig.subplots()
    y = np.arange(n)
    span = (box["sweep_high"] - box["sweep_low"]).replace(0, 1)
    low = (box["low"] - box["sweep_low"]) / span
    high = (box["high"] - box["sweep_low"]) / span
    ax.barh(y, 1.0, color="#e3e3e3", height=0.55)
    colours = [OKABE_ITO[0] if r else "#b0b0b0" for r in box["restricted"]]
    ax.barh(y, high - low, left=low, color=colours, height=0.55)
    for i, r in enumerate(box.itertuples()):
        text = f"{r.low:.3g} to {r.high:.3g}" if r.restricted else "any value"
        if r.restricted and np.isfinite(np.nanmin([r.qp_low, r.qp_high])):
            text += f"  (quasi-p {np.nanmin([r.qp_low, r.qp_high]):.2g})"
        ax.text(1.02, i, text, va="center", fontsize=8, transform=ax.get_yaxis_transform())
        ax.text(-0.01, i + 0.42, f"{r.sweep_low:.3g}", ha="left", va="center", fontsize=6.5, color="#555555")
        ax.text(1.01, i + 0.42, f"{r.sweep_high:.3g}", ha="right", va="center", fontsize=6.5, color="#555555")
    ax.set_yticks(y, [labels.parameter(p).short for p in box["parameter"]])
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_xticks([0, 0.5, 1], ["low end", "middle", "high end"])
    ax.set_xlabel("Position within the range the sweep covered")
    ax.grid(axis="y", visible=False)
    row = found.trajectory.loc[found.chosen]
    handles = [Patch(color=OKABE_ITO[0]), Patch(color="#b0b0b0"), Patch(color="#e3e3e3")]
    header(
        fig,
        f"Where {found.condition}: box {found.chosen}",
        f"Coverage {row['coverage']:.0%}, density {row['density']:.0%} (the whole sweep: {found.share:.0%}),"
        f" over {found.count:,} {found.unit}.\nQuasi-p: the chance that a restriction this good arises by luck.",
        (handles, ["restricted by the box", "not restricted", "range swept"]),
    )
    return fig
