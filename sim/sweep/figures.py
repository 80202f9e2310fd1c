"""Sweep figures in the house style (sim.figures.style): what each outcome does as the parameters vary, and which
parameters matter.

- one number varied: each outcome's median with its 90% band and mean, against the number;
- a 2-D grid: a heatmap of each outcome's median over the grid;
- other designs (Latin hypercube, Monte Carlo, Sobol, Morris): each outcome's median against each parameter;
- Sobol and Morris: bars of the indices with their 95% intervals; an index not distinguishable from zero
  (a negative estimate, or an interval that includes zero) is hatched and said so.

Axes are labelled from the schema (sim.scenario.labels); every outcome is a probability or a share, so panels share the
scale 0-1 and colour maps span 0-1; panels are laid out without empty slots (a short last row is centred).
Figures are drawn from sweep.csv and sensitivity.csv, so `diplosim plot` redraws them from a sweep folder.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from sim.figures.style import OKABE_ITO, STYLE, TRUST_CMAP, header, save
from sim.outputs.read import read_sensitivity, read_sweep_table, window_of
from sim.runs import stats
from sim.scenario import labels
from sim.sweep.spec import Sweep
from sim.util.errors import ConfigError

COLS = 4
SWEEP_TABLE = "sweep.csv"
WIDE = 0.2  # a Sobol interval half-width above this makes the ranking uncertain: said in the caption
MAX_ANNOTATED = 120  # heatmap cells labelled with their value up to this many


@dataclass(frozen=True)
class SweepInfo:
    """What the figures need besides the tables (from the sweep, or from a sweep folder's manifest)."""

    name: str
    scenario: str
    design: str
    parameters: list[str]
    outcomes: list[str]
    replications: int
    window: tuple[int, int]
    points: int

    @classmethod
    def of(cls, sweep: Sweep) -> SweepInfo:
        return cls(
            name=sweep.name,
            scenario=sweep.scenario.name,
            design=sweep.config.design,
            parameters=sweep.parameters,
            outcomes=sweep.outcomes,
            replications=sweep.replications,
            window=stats.final_window(sweep.scenario.steps, sweep.config.last),
            points=len(sweep.points),
        )

    @classmethod
    def from_manifest(cls, meta: Mapping[str, Any], table: pd.DataFrame) -> SweepInfo:
        outcomes = [c.removesuffix("_mean") for c in table.columns if c.endswith("_mean")]
        return cls(
            name=meta["sweep"],
            scenario=meta["scenario"],
            design=meta["design"],
            parameters=list(meta["parameters"]),
            outcomes=outcomes,
            replications=int(meta["replications"]),
            window=window_of(meta),
            points=int(meta["points"]),
        )

    @property
    def title(self) -> str:
        return f"{self.name} (base scenario: {self.scenario})"

    @property
    def what(self) -> str:
        """How each value was computed, for captions."""
        return (
            f"Each replication's mean over months {self.window[0]}–{self.window[1]}; {self.replications} replications"
            f" per point, {self.points} points, the same random numbers at every point."
        )


# ---------------------------------------------------------------------------------------------------------------
# Layout


def panels(fig: Figure, n: int, cols: int = COLS, **share: Any) -> list[Any]:
    """`n` axes in rows of `cols`; a short last row is centred, so no slot is left empty.

    Each panel spans two columns of a grid twice as fine, so a last row of k panels can start half a panel in.
    """
    cols = min(cols, n)
    rows = math.ceil(n / cols)
    grid = fig.add_gridspec(rows, 2 * cols)
    axes: list[Any] = []
    for i in range(n):
        row, col = divmod(i, cols)
        in_row = cols if row < rows - 1 else n - cols * (rows - 1)
        start = 2 * col + (cols - in_row)
        kwargs = {key: axes[0] for key, value in share.items() if value and axes}
        axes.append(fig.add_subplot(grid[row, start : start + 2], **kwargs))
    return axes


def _outer(axes: Sequence[Any], cols: int) -> None:
    """Tick labels of the shared y axis only at the start of each row; x tick labels under every panel (a centred
    last row leaves no column with one panel under another)."""
    for i, ax in enumerate(axes):
        ax.tick_params(labelleft=i % cols == 0, labelbottom=True)


# ---------------------------------------------------------------------------------------------------------------
# Figures


def line_chart(table: pd.DataFrame, info: SweepInfo) -> Figure:
    """Each outcome against the one varied number: median, 90% band and mean over replications."""
    parameter = info.parameters[0]
    t = table.sort_values(parameter)
    x = t[parameter].to_numpy()
    n = len(info.outcomes)
    cols = min(COLS, n)
    fig = Figure(figsize=(2.9 * cols + 0.6, 2.3 * math.ceil(n / cols) + 0.5), layout="constrained")
    axes = panels(fig, n, sharex=True, sharey=True)
    colour = OKABE_ITO[0]
    for ax, name in zip(axes, info.outcomes, strict=True):
        ax.fill_between(x, t[f"{name}_p05"], t[f"{name}_p95"], color=colour, alpha=0.18, lw=0)
        ax.plot(x, t[f"{name}_p50"], color=colour, lw=1.6, marker="o", ms=2.5)
        ax.plot(x, t[f"{name}_mean"], color="#333333", lw=0.9, ls="--")
        ax.set_title(labels.outcome(name).short)
        ax.set_ylim(-0.02, 1.02)  # a line at 0 or 1 stays whole
    _outer(axes, cols)
    fig.supxlabel(labels.parameter(parameter).long, fontsize=9)
    fig.supylabel("Final value (probability or share, 0–1)", fontsize=9)
    handles = [
        Line2D([], [], color=colour, lw=1.6, marker="o", ms=2.5),
        Patch(color=colour, alpha=0.18, lw=0),
        Line2D([], [], color="#333333", lw=0.9, ls="--"),
    ]
    header(
        fig,
        info.title,
        _caption(fig, [info.what]),
        (handles, ["median over replications", "90% of replications", "mean (what sensitivity indices use)"]),
    )
    return fig


def _colour_map(outcome: str) -> Any:
    """Trust in the house trust colours (vermillion = distrust, blue = trust); other outcomes in cividis."""
    return TRUST_CMAP if outcome.startswith(("trust_", "mutual_")) else mpl.colormaps["cividis"]


def _scale_label(outcome: str) -> str:
    if outcome.startswith(("trust_", "mutual_")):
        return "trust (probability)"
    return {"alignment": "alignment: 0 = US, 1 = China"}.get(outcome, labels.outcome(outcome).long)


def heatmaps(table: pd.DataFrame, info: SweepInfo) -> Figure:
    """Each outcome's median over a two-number grid, on one 0-1 colour scale per kind of outcome."""
    rows, cols_param = info.parameters
    n = len(info.outcomes)
    cols = min(COLS, n)
    fig = Figure(figsize=(3.1 * cols + 1.4, 2.7 * math.ceil(n / cols) + 0.6), layout="constrained")
    axes = panels(fig, n, sharex=True, sharey=True)
    images: dict[str, tuple[Any, list[str]]] = {}
    for ax, name in zip(axes, info.outcomes, strict=True):
        grid = table.pivot_table(index=rows, columns=cols_param, values=f"{name}_p50", dropna=False, aggfunc="first")
        cmap = _colour_map(name)
        image = ax.imshow(grid.to_numpy(), origin="lower", aspect="auto", cmap=cmap, vmin=0, vmax=1)
        if grid.size <= MAX_ANNOTATED:
            for (i, j), value in np.ndenumerate(grid.to_numpy()):
                if np.isfinite(value):
                    dark = sum(cmap(float(value))[:3]) < 1.4  # float: an int is read as a colour index
                    ax.text(j, i, f"{value:.2f}", ha="center", va="center", fontsize=6.5, color="w" if dark else "k")
        ax.set_xticks(range(len(grid.columns)), [f"{v:.3g}" for v in grid.columns])
        ax.set_yticks(range(len(grid.index)), [f"{v:.3g}" for v in grid.index])
        ax.tick_params(axis="x", labelrotation=90 if len(grid.columns) > 6 else 0)
        ax.grid(False)
        ax.set_title(labels.outcome(name).short)
        images.setdefault(cmap.name, (image, []))[1].append(name)
    _outer(axes, cols)
    for image, names in images.values():  # one bar per colour map, at the right of all panels
        text = "\n".join(dict.fromkeys(_scale_label(n) for n in names))
        fig.colorbar(image, ax=axes, shrink=0.9, aspect=30, pad=0.01).set_label(text, fontsize=8)
    fig.supxlabel(labels.parameter(cols_param).long, fontsize=9)
    fig.supylabel(labels.parameter(rows).long, fontsize=9)
    header(
        fig,
        info.title,
        _caption(fig, [info.what, "Colour and number: the median over replications; every scale is 0–1."]),
    )
    return fig


def scatter_chart(table: pd.DataFrame, info: SweepInfo) -> Figure:
    """Each outcome's median (rows) against each parameter (columns), one dot per point of the design."""
    k, n = len(info.parameters), len(info.outcomes)
    fig = Figure(figsize=(2.3 * k + 1.0, 1.7 * n + 0.8), layout="constrained")
    grid = fig.subplots(n, k, sharex="col", sharey=True, squeeze=False)
    size = max(2.0, 12.0 / math.sqrt(max(1, len(table)) / 50))
    for i, name in enumerate(info.outcomes):
        for j, parameter in enumerate(info.parameters):
            ax = grid[i][j]
            ax.scatter(table[parameter], table[f"{name}_p50"], s=size, color=OKABE_ITO[0], alpha=0.55, lw=0)
            ax.set_ylim(-0.02, 1.02)
            if i == n - 1:
                ax.set_xlabel(labels.parameter(parameter).short)
            if j == 0:
                ax.set_ylabel(labels.outcome(name).short)
    notes = [f"Median over replications of each point ({info.design} design).", info.what]
    notes.append("; ".join(labels.parameter(p).long for p in info.parameters))
    header(fig, info.title, _caption(fig, notes))
    return fig


def _caption(fig: Figure, notes: Sequence[str]) -> str:
    """Notes as caption lines, each wrapped to the figure's width (about 13 characters of caption per inch)."""
    import textwrap

    width = int(fig.get_figwidth() * 13)
    return "\n".join(line for note in notes for line in textwrap.wrap(note, width))


def _indices(sens: pd.DataFrame, design: str) -> tuple[list[tuple[str, str | None]], str]:
    """The bars to draw, (estimate column, its interval column or None), and the x-axis label."""
    if design == "sobol":
        return [("ST", "ST_conf"), ("S1", "S1_conf")], "Share of the outcome's variance (Sobol index)"
    return [("mu_star", "mu_star_conf"), ("sigma", None)], "Effect over the parameter's range (outcome units)"


def indistinct(estimate: pd.Series, half: pd.Series | None) -> pd.Series:
    """Indices not distinguishable from zero: a negative estimate, or a 95% interval that includes zero."""
    low = estimate if half is None else estimate - half
    return (estimate < 0) | (low <= 0)


def sensitivity_chart(sens: pd.DataFrame, info: SweepInfo) -> Figure:
    """Per outcome, bars of Sobol ST and S1 (or Morris mu* and sigma) per parameter with 95% intervals.

    Hatched bars are not distinguishable from zero; all panels share one x scale.
    """
    bars, xlabel = _indices(sens, info.design)
    names = list(dict.fromkeys(sens["outcome"]))
    params = list(dict.fromkeys(sens["parameter"]))
    n = len(names)
    cols = min(3, n)
    fig = Figure(figsize=(3.6 * cols + 1.2, (0.45 + 0.36 * len(params)) * math.ceil(n / cols) + 0.8))
    fig.set_layout_engine("constrained")
    axes = panels(fig, n, cols, sharex=True, sharey=True)
    lows, highs, flagged, wide = [0.0], [0.0], 0, 0
    for ax, name in zip(axes, names, strict=True):
        drawn = _index_bars(ax, sens[sens["outcome"] == name].set_index("parameter").loc[params], bars, info.design)
        lows += drawn.lows
        highs += drawn.highs
        flagged += drawn.flagged
        wide += drawn.wide
        ax.axvline(0, color="#333333", lw=0.8)
        ax.set_yticks(np.arange(len(params)), [labels.parameter(p).short for p in params])
        ax.grid(axis="y", visible=False)
        ax.set_title(labels.outcome(name).short)
    axes[0].invert_yaxis()
    top = max(highs) if info.design != "sobol" else max(1.0, max(highs))
    axes[0].set_xlim(min(lows) - 0.02 * top, top * 1.04)
    _outer(axes, cols)
    fig.supxlabel(xlabel, fontsize=9)
    header(fig, f"Sensitivity: {info.title}", _caption(fig, _notes(info, params, flagged, wide)), _legend(info.design))
    return fig


@dataclass(frozen=True)
class _Drawn:
    """What one panel of index bars spans, and how many of its indices the caption must warn about."""

    lows: list[float]
    highs: list[float]
    flagged: int
    wide: int


def _index_bars(ax: Any, indices: pd.DataFrame, bars: Sequence[tuple[str, str | None]], design: str) -> _Drawn:
    """One outcome's bars, one row per parameter and one bar per index (with its 95% interval where known);
    indices not distinguishable from zero are pale and hatched."""
    y = np.arange(len(indices))
    height = 0.38
    lows, highs, flagged, wide = [], [], 0, 0
    for b, (column, conf) in enumerate(bars):
        est = indices[column]
        half = indices[conf] if conf else None
        weak = indistinct(est, half) if conf else pd.Series(False, index=est.index)
        offset = (b - 0.5) * height
        ax.barh(
            y + offset,
            est,
            height=height * 0.92,
            color=[_pale(OKABE_ITO[2 * b]) if w else OKABE_ITO[2 * b] for w in weak],
            hatch=["////" if w else "" for w in weak],
            edgecolor=OKABE_ITO[2 * b],
            lw=0.6,
        )
        if half is not None:
            ax.errorbar(est, y + offset, xerr=half, fmt="none", ecolor="#333333", elinewidth=0.9, capsize=2)
            lows.append(float((est - half).min()))
            highs.append(float((est + half).max()))
            flagged += int(weak.sum())
            wide += int((half > WIDE).sum()) if design == "sobol" else 0
        else:
            highs.append(float(est.max()))
    return _Drawn(lows, highs, flagged, wide)


def _legend(design: str) -> tuple[list[Any], list[str]]:
    """The two indices' colours, the hatching of indices not distinguishable from zero, the interval."""
    handles: list[Any] = [Patch(color=OKABE_ITO[2 * b]) for b in range(2)]
    names = ["ST (total)", "S1 (first order)"] if design == "sobol" else ["mu* (mean |effect|)", "sigma"]
    handles += [Patch(facecolor="white", edgecolor="#555555", hatch="////"), Line2D([], [], color="#333333", lw=0.9)]
    return handles, [*names, "not distinguishable from 0", "95% interval"]


def _notes(info: SweepInfo, params: Sequence[str], flagged: int, wide: int) -> list[str]:
    """The caption's sentences: what was swept, what to make of hatched bars and wide intervals, the parameters."""
    notes = [info.what]
    if flagged:
        notes.append(
            f"{flagged} indices (hatched) are not distinguishable from zero: negative estimates or 95% intervals that"
            " include zero. Read them as 'no detectable effect', not as a ranking."
        )
    if wide:
        notes.append(
            f"{wide} intervals are wider than ±{WIDE}: the ranking is uncertain; raise `samples` in the sweep file."
        )
    if info.design == "morris":
        notes.append("sigma well above mu*: the effect depends on the other parameters (interactions, non-linearity).")
    notes.append("; ".join(labels.parameter(p).long for p in params))
    return notes


def _pale(colour: str) -> tuple[float, ...]:
    """The colour mixed with white, for bars that are not distinguishable from zero."""
    r, g, b = mpl.colors.to_rgb(colour)
    return (0.35 * r + 0.65, 0.35 * g + 0.65, 0.35 * b + 0.65)


def figures(table: pd.DataFrame, sens: pd.DataFrame | None, info: SweepInfo) -> dict[str, Figure]:
    """The figures that suit the sweep, by file name (without extension)."""
    out: dict[str, Figure] = {}
    ok = table.dropna()
    with mpl.rc_context(STYLE):
        if ok.empty:
            return out
        if len(info.parameters) == 1:
            out["sweep"] = line_chart(ok, info)
        elif len(info.parameters) == 2 and info.design == "grid":
            out["sweep"] = heatmaps(table, info)
        else:
            out["sweep"] = scatter_chart(ok, info)
        if sens is not None:
            out["sensitivity"] = sensitivity_chart(sens, info)
    return out


def draw(table: pd.DataFrame, sens: pd.DataFrame | None, info: SweepInfo, out: Path, fmt: str = "png") -> list[Path]:
    """Draw the sweep's figures into `out` (sweep.png, sensitivity.png)."""
    out.mkdir(parents=True, exist_ok=True)
    with mpl.rc_context(STYLE):
        return [save(fig, out / f"{name}.{fmt}") for name, fig in figures(table, sens, info).items()]


def read_folder(folder: str | Path, meta: Mapping[str, Any]) -> tuple[pd.DataFrame, pd.DataFrame | None, SweepInfo]:
    """A sweep folder's table, sensitivity indices (or None) and what its figures need, checked against its
    manifest `meta` (as sim.outputs.read.read_manifest returns it)."""
    folder = Path(folder)
    if not (folder / SWEEP_TABLE).is_file():
        raise ConfigError(f"not a complete sweep folder (missing {SWEEP_TABLE})", file=folder)
    table, sens = read_sweep_table(folder, meta), read_sensitivity(folder, meta)
    return table, sens, SweepInfo.from_manifest(meta, table)


def plot_sweep(
    folder: str | Path, meta: Mapping[str, Any], fmt: str = "png", out: str | Path | None = None
) -> list[Path]:
    """Redraw a sweep folder's figures into the folder itself (or `out`)."""
    table, sens, info = read_folder(folder, meta)
    return draw(table, sens, info, Path(out) if out else Path(folder), fmt)


def is_sweep_folder(folder: str | Path) -> bool:
    return (Path(folder) / SWEEP_TABLE).is_file()
