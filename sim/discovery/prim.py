"""Scenario discovery (PRIM): which ranges of a sweep's parameters lead to an outcome above (or below) a threshold.

PRIM (the patient rule induction method, Friedman and Fisher 1999) peels a sweep's parameter space, a sliver at
a time, toward a box where the cases of interest are dense; each box on its peeling trajectory trades coverage
(the share of all cases of interest that fall in the box) against density (the share of the box's cases that
are of interest). The implementation is the EMA Workbench's (`ema_workbench.analysis.prim`, an optional extra:
`pip install 'diplosim[discover]'`), the maintained reference implementation in exploratory modelling, with
quasi-p values for each restriction (Bryant and Lempert 2010).

A case is one replication at one point (`cases="runs"`, from the folder's chunks/: "in this box, 80% of the
futures end with PAK's trust in the US above 0.4"), or one point with its median over replications
(`cases="points"`, from sweep.csv). The box reported is the densest on the trajectory that still covers at
least `min_coverage` of the cases of interest.
"""

from __future__ import annotations

import html
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.discovery import figures
from sim.discovery.cases import Cases, cases, outcome_name
from sim.figures.style import STYLE, save
from sim.outputs.read import read_sweep
from sim.runs import stats
from sim.scenario import labels
from sim.util.errors import ConfigError

EXTRA_HINT = "pip install 'diplosim[discover]' (the EMA Workbench)"


def _prim() -> Any:
    """ema_workbench's Prim, or a ConfigError naming the extra to install."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # ImportWarning: altair (interactive inspection) is not needed here
            from ema_workbench.analysis.prim import Prim
    except ImportError:
        raise ConfigError(
            "scenario discovery needs the EMA Workbench, which is not installed", hint=EXTRA_HINT
        ) from None
    return Prim


@dataclass
class Discovery:
    """PRIM's result: the peeling trajectory, each box's limits, and the box chosen."""

    outcome: str
    threshold: float
    above: bool
    cases: Cases
    x: pd.DataFrame
    y: np.ndarray
    trajectory: pd.DataFrame  # id, coverage, density, mass, res_dim, n, k
    limits: list[pd.DataFrame]  # per box: rows min, max; a column per parameter
    qp: list[dict[str, list[float]]]  # per box: quasi-p of the lower and upper limit of each restriction
    chosen: int
    sweep: str

    @property
    def condition(self) -> str:
        return f"{labels.outcome(self.outcome).short} {'>' if self.above else '<'} {self.threshold:g}"

    @property
    def parameters(self) -> list[str]:
        return list(self.x.columns)

    def restricted(self, box: int) -> list[str]:
        """Parameters whose range box `box` narrows."""
        first, lim = self.limits[0], self.limits[box]
        return [p for p in self.parameters if not np.allclose(first[p].to_numpy(float), lim[p].to_numpy(float))]

    def boxes(self) -> pd.DataFrame:
        """Every box on the peeling trajectory: its statistics and each parameter's limits (boxes.csv)."""
        rows = []
        for i, row in self.trajectory.iterrows():
            lim = self.limits[i]
            limits = {
                f"{p}_{end}": float(lim[p].iloc[j]) for p in self.parameters for j, end in enumerate(("low", "high"))
            }
            rows.append(
                {
                    "box": i,
                    "coverage": row["coverage"],
                    "density": row["density"],
                    "mass": row["mass"],
                    "restricted": int(row["res_dim"]),
                    "cases": int(row["n"]),
                    "of_interest": int(row["k"]),
                    "chosen": i == self.chosen,
                    **limits,
                }
            )
        return pd.DataFrame(rows)

    def box(self, i: int | None = None) -> pd.DataFrame:
        """One box (default: the chosen one), a row per parameter: its range in the sweep, its limits in the box,
        whether the box restricts it, and the quasi-p values of the restriction (box.csv)."""
        i = self.chosen if i is None else i
        first, lim, qp = self.limits[0], self.limits[i], self.qp[i]
        rows = []
        for p in self.parameters:
            q = [v if v >= 0 else np.nan for v in qp.get(p, [-1, -1])]
            rows.append(
                {
                    "parameter": p,
                    "label": labels.parameter(p).long,
                    "low": float(lim[p].iloc[0]),
                    "high": float(lim[p].iloc[1]),
                    "sweep_low": float(first[p].iloc[0]),
                    "sweep_high": float(first[p].iloc[1]),
                    "restricted": p in self.restricted(i),
                    "qp_low": q[0],
                    "qp_high": q[1],
                }
            )
        return pd.DataFrame(rows).sort_values("restricted", ascending=False, kind="stable").reset_index(drop=True)

    def text(self) -> str:
        """What `diplosim discover` prints: the share of cases of interest and the chosen box."""
        row = self.trajectory.loc[self.chosen]
        unit = "runs (replication x point)" if self.cases == "runs" else "points (median over replications)"
        lines = [
            f"{int(self.y.sum()):,} of {len(self.y):,} {unit} have {self.condition} ({self.y.mean():.0%} of all).",
            f"Box {self.chosen} of {len(self.trajectory) - 1}: it holds {row['coverage']:.0%} of them (coverage) and"
            f" {row['density']:.0%} of the cases in it are of interest (density), in {row['mass']:.0%} of all cases.",
        ]
        box = self.box()
        for r in box[box["restricted"]].itertuples():
            qp = np.nanmin([r.qp_low, r.qp_high])
            lines.append(
                f"  {labels.parameter(r.parameter).short:<28}{r.low:.4g} to {r.high:.4g}"
                f"   (swept {r.sweep_low:.4g} to {r.sweep_high:.4g}; quasi-p {qp:.2g})"
            )
        if not box["restricted"].any():
            lines.append("  no parameter is restricted: the cases of interest are spread over the whole sweep")
        return "\n".join(lines)

    def peeling(self) -> figures.Peeling:
        """What the figures show: the trajectory, the chosen box and the shares, as plain data."""
        return figures.Peeling(
            trajectory=self.trajectory,
            box=self.box(),
            chosen=self.chosen,
            condition=self.condition,
            share=float(self.y.mean()),
            count=len(self.y),
            cases=self.cases,
            sweep=self.sweep,
        )

    def plot(self, kind: str = "trajectory") -> Any:
        """The figure "trajectory" (coverage against density) or "limits" (the chosen box per parameter)."""
        charts = {"trajectory": figures.trajectory_chart, "limits": figures.limits_chart}
        if kind not in charts:
            raise ValueError(f"unknown figure {kind!r}; choose from {', '.join(charts)}")
        return charts[kind](self.peeling())

    def __repr__(self) -> str:
        row = self.trajectory.loc[self.chosen]
        return (
            f"<Discovery {self.condition} in sweep {self.sweep}: box {self.chosen}, coverage {row['coverage']:.2f},"
            f" density {row['density']:.2f}, restricting {', '.join(map(labels.short, self.restricted(self.chosen)))}>"
        )

    def _repr_html_(self) -> str:
        head = html.escape(self.text()).replace("\n", "<br>")
        return f"<div><p>{head}</p>{self.box().to_html(index=False, border=0)}</div>"


def discover(
    folder: str | Path,
    outcome: str,
    *,
    above: float | None = None,
    below: float | None = None,
    cases_from: Cases = "runs",
    min_coverage: float = 0.5,
    peel_alpha: float = 0.05,
    mass_min: float = 0.05,
) -> Discovery:
    """Find the parameter ranges of a sweep folder where `outcome` ends above (or below) a threshold."""
    folder = Path(folder)
    if (above is None) == (below is None):
        raise ConfigError("give exactly one of --above and --below", hint="e.g. --above 0.4")
    if not 0 < min_coverage <= 1:
        raise ConfigError(f"must be in (0, 1], got {min_coverage}", key="--min-coverage")
    meta, table, _, _ = read_sweep(folder)  # checked: one line naming a damaged file, before any work
    name = outcome_name(outcome, list(meta["outcomes"]))
    x, values = cases(folder, meta, table, name, cases_from)
    threshold = float(above if above is not None else below)
    y = _of_interest(values, name, threshold, above is not None)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", module="ema_workbench")  # its pandas deprecations are not ours to show
        box = _prim()(x.astype(float), y, peel_alpha=peel_alpha, mass_min=mass_min).find_box()
    trajectory = box.peeling_trajectory.reset_index(drop=True)
    covering = trajectory.index[trajectory["coverage"] >= min_coverage]
    chosen = int(trajectory.loc[covering, "density"].idxmax()) if len(covering) else 0
    return Discovery(
        outcome=name,
        threshold=threshold,
        above=above is not None,
        cases=cases_from,
        x=x,
        y=y,
        trajectory=trajectory,
        limits=[lim.reset_index(drop=True) for lim in box.box_lims],
        qp=list(box.p_values),
        chosen=chosen,
        sweep=str(meta.get("sweep", folder.name)),
    )


def _of_interest(values: np.ndarray, name: str, threshold: float, above: bool) -> np.ndarray:
    """1 for the cases above (or below) the threshold, 0 for the others; an error unless both kinds occur."""
    y = (values > threshold if above else values < threshold).astype(int)
    if 0 < y.sum() < len(y):
        return y
    side = "above" if above else "below"
    raise ConfigError(
        f"{'none' if y.sum() == 0 else 'all'} of the {len(y)} cases have {name} {side} {threshold:g}: nothing to"
        " tell apart",
        key=f"--{side}",
        hint=f"the {'highest' if above else 'lowest'} value is {values.max() if above else values.min():.3g}; choose"
        " a threshold inside the range",
    )


def write_boxes(found: Discovery, folder: Path, fmt: str = "png") -> list[Path]:
    """Write boxes.csv, box.csv and the figures trajectory.<fmt> and limits.<fmt> into `folder`."""
    import matplotlib as mpl

    written = [stats.write_csv(found.boxes(), folder / "boxes.csv"), stats.write_csv(found.box(), folder / "box.csv")]
    with mpl.rc_context(STYLE):
        written += [save(found.plot(kind), folder / f"{kind}.{fmt}") for kind in ("trajectory", "limits")]
    return written
