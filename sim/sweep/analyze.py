"""From stored chunks to tables: one row per point (its parameters, its outcomes' mean, median and 90% band over
replications), the failed points, and sensitivity indices (Sobol S1/ST, Morris mu*/sigma) of each outcome's mean.

Chunks are read a point group at a time, in point order, so memory holds one group's replications, not the
sweep's; the numbers do not depend on how the sweep was chunked.
"""

from __future__ import annotations

import itertools
import warnings
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from sim.outputs.read import read_chunks, read_manifest
from sim.runs import outcomes
from sim.sweep import design
from sim.sweep.chunks import Chunk
from sim.sweep.spec import Sweep
from sim.sweep.store import Store
from sim.util.errors import ConfigError


def columns(names: Sequence[str]) -> list[str]:
    """Summary columns of the outcomes: trust_PAK_USA_mean, trust_PAK_USA_p05, trust_PAK_USA_p50, ..."""
    return [f"{n}_{s}" for n in names for s in outcomes.STATS]


def tables(sweep: Sweep, store: Store, chunks: Sequence[Chunk]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The per-point summary table and the failed points (point, parameters, error, detail)."""
    rows, failures = [], []
    for points, group in itertools.groupby(chunks, key=lambda c: c.points):
        parts = [store.read(c, sweep.outcomes, len(sweep.points)) for c in sorted(group, key=lambda c: c.start)]
        values = np.concatenate([v for v, _ in parts], axis=1)
        errors = {p: e for _, errs in parts for p, e in errs.items()}
        summary = outcomes.summarise(values)
        block = np.stack([summary[s] for s in outcomes.STATS], axis=-1).reshape(len(points), -1)
        for i, point in enumerate(points):
            if point in errors:
                block[i] = np.nan
                pv = sweep.points[point]
                failures.append({"point": point, **dict(zip(sweep.parameters, pv, strict=True)), **errors[point]})
        rows.append(block)
    table = pd.DataFrame(np.concatenate(rows), columns=columns(sweep.outcomes))
    table.insert(0, "point", np.arange(len(table)))
    for j, name in enumerate(sweep.parameters):
        table.insert(1 + j, name, sweep.points[:, j])
    failed = pd.DataFrame(failures, columns=["point", *sweep.parameters, "error", "detail"])
    return table, failed


def replications(folder: str | Path) -> xr.DataArray:
    """Every replication's outcomes [point, replication, outcome] from a sweep's output folder (its chunks/,
    checked against its manifest as they are read), for analyses beyond mean and band (say, the share of
    replications in which trust collapses). A failed point's values are NaN."""
    folder = Path(folder)
    meta = read_manifest(folder, "sweep")
    if not (folder / "chunks").is_dir():
        raise ConfigError("has no chunks/ (every replication's outcomes)", file=folder, hint="rerun the sweep")
    values, names = read_chunks(folder, meta)
    coords = {"point": np.arange(values.shape[0]), "replication": np.arange(values.shape[1]), "outcome": names}
    return xr.DataArray(values, dims=("point", "replication", "outcome"), coords=coords, name="outcome")


def failure_lines(failed: pd.DataFrame, limit: int = 10) -> list[str]:
    """The errors of the first failed points (each names its point and values)."""
    lines = [str(error) for error in failed["error"].head(limit)]
    if len(failed) > limit:
        lines.append(f"... and {len(failed) - limit} more (see failures.csv)")
    return lines


def sensitivity(sweep: Sweep, table: pd.DataFrame) -> pd.DataFrame | None:
    """Sobol (S1, ST and their 95 % confidence half-widths) or Morris (mu, mu*, its confidence, sigma) indices
    of every outcome's mean over replications; None for other designs or when points failed."""
    kind = sweep.config.design
    if kind not in ("sobol", "morris") or table[columns(sweep.outcomes)].isna().any().any():
        return None
    problem = design.problem(sweep.parameters)
    frames = []
    for name in sweep.outcomes:
        y = table[f"{name}_mean"].to_numpy()
        with warnings.catch_warnings(), np.errstate(divide="ignore", invalid="ignore"):
            warnings.simplefilter("ignore")  # a constant outcome has no variance to apportion: indices are NaN
            if kind == "sobol":
                from SALib.analyze import sobol

                res = sobol.analyze(problem, y, calc_second_order=False, seed=sweep.seed)
                cols = {"S1": res["S1"], "S1_conf": res["S1_conf"], "ST": res["ST"], "ST_conf": res["ST_conf"]}
            else:
                from SALib.analyze import morris

                res = morris.analyze(problem, sweep.unit, y, num_levels=sweep.config.levels, seed=sweep.seed)
                cols = {"mu": res["mu"], "mu_star": res["mu_star"], "mu_star_conf": res["mu_star_conf"]}
                cols["sigma"] = res["sigma"]
        frames.append(pd.DataFrame({"outcome": name, "parameter": sweep.parameters, **cols}))
    return pd.concat(frames, ignore_index=True)
