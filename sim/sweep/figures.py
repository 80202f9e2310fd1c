"""Sweep figures, one panel per outcome: a line with its 5-95 % band over one parameter, heatmaps of the mean over
two, and bars of sensitivity indices (Sobol ST and S1, or Morris mu* and sigma)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from sim.sweep.spec import Sweep

COLS = 4


def label(outcome: str) -> str:
    """A readable panel title: trust_PAK_USA -> 'PAK trusts USA'."""
    kind, _, rest = outcome.partition("_")
    if kind == "trust":
        return "{} trusts {}".format(*rest.split("_", 1))
    if kind == "mutual":
        return "mutual trust {}-{}".format(*rest.split("_", 1))
    return {"alignment": "PAK alignment (0 USA, 1 CHN)", "polarization": "polarization (balanced triads)"}[outcome]


def _panels(n: int, width: float = 3.2, height: float = 2.4):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    cols = min(COLS, n)
    rows = math.ceil(n / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(width * cols, height * rows), squeeze=False, layout="constrained")
    for ax in axes.flat[n:]:
        ax.set_visible(False)
    return fig, list(axes.flat[:n])


def _save(fig, path: Path, title: str) -> Path:
    import matplotlib.pyplot as plt

    fig.suptitle(title)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def line_chart(table: pd.DataFrame, parameter: str, names: Sequence[str], path: Path, title: str) -> Path:
    """Each outcome's mean over replications against one parameter, with its 5-95 % band."""
    t = table.sort_values(parameter)
    x = t[parameter].to_numpy()
    fig, axes = _panels(len(names))
    for ax, name in zip(axes, names, strict=True):
        ax.fill_between(x, t[f"{name}_p05"], t[f"{name}_p95"], alpha=0.25, linewidth=0, label="5-95 %")
        ax.plot(x, t[f"{name}_mean"], marker="o", markersize=3, label="mean")
        ax.set_title(label(name), fontsize=9)
        ax.set_xlabel(parameter, fontsize=8)
        ax.tick_params(labelsize=7)
        if name.startswith(("trust", "mutual")):
            ax.set_ylim(0, 1)
    axes[0].legend(fontsize=7, loc="best")
    return _save(fig, path, title)


def heatmaps(table: pd.DataFrame, rows: str, cols: str, names: Sequence[str], path: Path, title: str) -> Path:
    """Each outcome's mean over a two-parameter grid."""
    fig, axes = _panels(len(names), 3.4, 2.8)
    for ax, name in zip(axes, names, strict=True):
        grid = table.pivot_table(index=rows, columns=cols, values=f"{name}_mean", dropna=False, aggfunc="first")
        image = ax.imshow(grid.to_numpy(), origin="lower", aspect="auto", cmap="viridis")
        ax.set_xticks(range(len(grid.columns)), [f"{v:.3g}" for v in grid.columns], fontsize=6, rotation=90)
        ax.set_yticks(range(len(grid.index)), [f"{v:.3g}" for v in grid.index], fontsize=6)
        ax.set_xlabel(cols, fontsize=8)
        ax.set_ylabel(rows, fontsize=8)
        ax.set_title(label(name), fontsize=9)
        fig.colorbar(image, ax=ax, shrink=0.85).ax.tick_params(labelsize=6)
    return _save(fig, path, title)


def sensitivity_chart(sens: pd.DataFrame, kind: str, path: Path, title: str) -> Path:
    """Bars per parameter: Sobol ST and S1 with 95 % intervals, or Morris mu* (with interval) and sigma."""
    names = list(dict.fromkeys(sens["outcome"]))
    main, second = ("ST", "S1") if kind == "sobol" else ("mu_star", "sigma")
    fig, axes = _panels(len(names), 3.4, 0.6 + 0.35 * sens["parameter"].nunique())
    for ax, name in zip(axes, names, strict=True):
        s = sens[sens["outcome"] == name]
        y = np.arange(len(s))
        err = s["ST_conf"] if kind == "sobol" else s["mu_star_conf"]
        ax.barh(y + 0.2, s[main], height=0.4, xerr=err, label=main, color="tab:blue")
        ax.barh(
            y - 0.2,
            s[second],
            height=0.4,
            xerr=s["S1_conf"] if kind == "sobol" else None,
            label=second,
            color="tab:orange",
        )
        ax.set_yticks(y, s["parameter"], fontsize=7)
        ax.invert_yaxis()
        ax.set_title(label(name), fontsize=9)
        ax.tick_params(axis="x", labelsize=7)
    axes[0].legend(fontsize=7, loc="lower right")
    return _save(fig, path, title)


def draw(sweep: Sweep, table: pd.DataFrame, sens: pd.DataFrame | None, folder: Path) -> list[Path]:
    """The figures that suit the sweep: a line chart for one parameter, heatmaps for a two-parameter grid, and
    sensitivity bars for Sobol and Morris."""
    params, names, title = sweep.parameters, sweep.outcomes, f"{sweep.name} (base: {sweep.scenario.name})"
    out = []
    if len(params) == 1:
        out.append(line_chart(table, params[0], names, folder / "sweep.png", title))
    elif len(params) == 2 and sweep.config.design == "grid":
        out.append(heatmaps(table, params[0], params[1], names, folder / "sweep.png", title))
    if sens is not None:
        out.append(sensitivity_chart(sens, sweep.config.design, folder / "sensitivity.png", title))
    return out
