"""The calibration figure: simulated bands over time against the observed points, one panel per series.

Drawn from the tables the calibration writes (points.csv and bands.csv), in the house style of sim.figures.style
(Okabe-Ito palette, object API, title strip above the panels).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import matplotlib as mpl
import matplotlib.dates as mdates
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from sim.figures.style import OKABE_ITO, STYLE, header, save

FITTED, REFERENCE, OBSERVED = OKABE_ITO[0], OKABE_ITO[1], "#000000"


def _observed_dates(points: pd.DataFrame) -> pd.Series:
    """Where an observation sits on the time axis: its survey month, or mid-year for a yearly value."""
    months = points["month"].fillna(7).astype(int)
    return pd.to_datetime(pd.DataFrame({"year": points["year"], "month": months, "day": 1}))


def fit_chart(
    points: pd.DataFrame,
    bands: pd.DataFrame,
    *,
    split: int,
    label: str,
    names: Mapping[str, str],
    run: str = "run",
    reference: str = "no_moves",
) -> Figure:
    """Per series: the posterior runs' median trust with 50% and 90% bands by month, the no-moves runs' median,
    the observed values (filled: train window, open: held out) and the split between the windows."""
    series = list(pd.unique(points["series"]))
    cols = 1 if len(series) == 1 else 2
    rows = math.ceil(len(series) / cols)
    # Wide enough for the one-row legend even with a single panel; a time axis reads well wide anyway.
    fig = Figure(figsize=(10.8, 2.6 * rows + 0.5) if cols == 2 else (9.0, 3.4), layout="constrained")
    axes = fig.subplots(rows, cols, squeeze=False, sharex=True)
    cut = pd.Timestamp(year=split + 1, month=1, day=1)
    for k, ax in enumerate(axes.flat):
        if k >= len(series):
            ax.set_axis_off()
            continue
        observed = points[(points["series"] == series[k]) & (points["run"] == run)]
        obs, tgt = observed["observer"].iloc[0], observed["target"].iloc[0]
        mine = bands[(bands["observer"] == obs) & (bands["target"] == tgt)]
        if "history" in observed:  # a dyad may be scored in several histories: this series' own
            mine = mine[mine["history"] == observed["history"].iloc[0]]
        _series_panel(ax, observed, mine[mine["run"] == run], mine[mine["run"] == reference], cut)
        ax.set_title(f"{series[k]}: {names.get(obs, obs)} → {names.get(tgt, tgt)}", pad=3)
    if len(series) % cols:  # the panel above the empty slot is the last of its column: give it the date labels
        axes.flat[len(series) - cols].xaxis.set_tick_params(labelbottom=True)
    fig.supylabel("Trust (simulated) / share (observed), 0–1", fontsize=9)
    header(
        fig,
        "Histories against the polls, with the fit's posterior",
        f"Each panel: the observer's trust in the target by month ({label}, one parameter draw per run), fitted\n"
        f"on the years up to {split} (filled points); observations after {split} (open points) were held out.",
        _legend(),
    )
    return fig


def _series_panel(ax: Axes, observed: pd.DataFrame, band: pd.DataFrame, ref: pd.DataFrame, cut: pd.Timestamp) -> None:
    """One series: the run's bands and median, the reference run's median, the observations (filled before the
    split, open after) and the split, on a date axis."""
    x = pd.to_datetime(band["date"])
    ax.fill_between(x, band["p05"], band["p95"], color=FITTED, alpha=0.15, lw=0)
    ax.fill_between(x, band["p25"], band["p75"], color=FITTED, alpha=0.4, lw=0)
    ax.plot(x, band["p50"], color=FITTED, lw=1.6)
    if len(ref):
        ax.plot(pd.to_datetime(ref["date"]), ref["p50"], color=REFERENCE, lw=1.3, ls="--")
    when = _observed_dates(observed)
    train = (observed["window"] == "train").to_numpy()
    ax.scatter(when[train], observed["value"][train], s=22, color=OBSERVED, zorder=3)
    ax.scatter(when[~train], observed["value"][~train], s=22, facecolor="white", edgecolor=OBSERVED, zorder=3)
    if x.min() < cut < x.max():
        ax.axvline(cut, color="#555555", lw=0.9, ls=":")
        ax.text(cut, 0.98, "train ", ha="right", va="top", transform=ax.get_xaxis_transform(), color="#555555")
        ax.text(cut, 0.98, " test", ha="left", va="top", transform=ax.get_xaxis_transform(), color="#555555")
    values = pd.concat([band["p05"], band["p95"], observed["value"], ref["p50"]])
    ax.set_ylim(max(0.0, values.min() - 0.05), min(1.0, values.max() + 0.05))
    locator = mdates.AutoDateLocator(minticks=4, maxticks=10)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))


def _legend() -> tuple[list[Any], list[str]]:
    handles = [
        Line2D([], [], color=FITTED, lw=1.6),
        Patch(color=FITTED, alpha=0.4, lw=0),
        Patch(color=FITTED, alpha=0.15, lw=0),
        Line2D([], [], color=REFERENCE, lw=1.3, ls="--"),
        Line2D([], [], marker="o", color=OBSERVED, lw=0, markersize=5),
    ]
    labels = ["posterior: median", "middle 50%", "middle 90%", "no-moves run: median", "observed (open: held out)"]
    return handles, labels


def draw_fit(folder: Path, points: pd.DataFrame, bands: pd.DataFrame, **fields: object) -> Path:
    """Draw fit.png into `folder` (atomically)."""
    with mpl.rc_context(STYLE):
        return save(fit_chart(points, bands, **fields), folder / "fit.png")
