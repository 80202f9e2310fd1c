"""A run's tables, computed from its labelled arrays: final trust, trust over time, alignment, moves, events, and
the paired comparison of several runs.

Every function takes the run's `xarray.Dataset` (what `Results.dataset` holds), so `Results`, `Comparison`, the
notebook views, the dashboard and the result-folder writers all compute a table one way. Statistics come from
sim.runs.stats; trust is read a few steps at a time in float64, so temporary copies stay small however many
replications there are.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import xarray as xr

from sim.core import dynamics
from sim.runs import stats
from sim.scenario.dyads import ALIGNMENT_ACTORS, dyad_indices
from sim.scenario.schema import Scenario
from sim.util.errors import ConfigError

TABLE_BLOCK = 64 * 2**20  # bytes of float64 trust a table works on at once


def actors(ds: xr.Dataset) -> list[str]:
    """The run's actor codes, in the order of its arrays."""
    return [str(a) for a in ds["observer"].values]


def scenario(ds: xr.Dataset) -> Scenario:
    """The resolved scenario the run was made from (stored with it)."""
    return Scenario.model_validate_json(ds.attrs["config"])


def dyad_frame(
    codes: Sequence[str], columns: Mapping[str, np.ndarray], steps: np.ndarray | None = None
) -> pd.DataFrame:
    """A tidy frame of per-dyad columns ([D], or [S, D] with `steps`): (step,) observer, target, then the columns."""
    observer, target = dyad_indices(len(codes))
    names = np.asarray(codes, dtype=object)
    repeat = 1 if steps is None else len(steps)
    index = {"observer": np.tile(names[observer], repeat), "target": np.tile(names[target], repeat)}
    if steps is not None:
        index = {"step": np.repeat(steps, len(observer))} | index
    return pd.DataFrame(index | {name: np.asarray(v).ravel() for name, v in columns.items()})


def dyad_values(ds: xr.Dataset, steps: slice = slice(None)) -> np.ndarray:
    """Trust [R, S, D] of every directed dyad (observer-major, self-trust left out) at `steps`, in float64."""
    observer, target = dyad_indices(ds.sizes["observer"])
    return ds["trust"].values[:, steps][:, :, observer, target].astype(np.float64)


def final_trust(ds: xr.Dataset) -> np.ndarray:
    """Per replication and directed dyad [R, D]: the mean trust over the final window (sim.runs.stats)."""
    observer, target = dyad_indices(ds.sizes["observer"])
    return stats.final_mean(ds["trust"].values[..., observer, target], ds["step"].values, axis=1)


def final_table(ds: xr.Dataset) -> pd.DataFrame:
    """Final trust per directed dyad: observer, target, mean, p05, p50, p95 over replications (final.csv)."""
    return dyad_frame(actors(ds), stats.describe(final_trust(ds), axis=0))


def _blocks(ds: xr.Dataset, width: int) -> list[slice]:
    """Slices of steps small enough that [R, block, width] float64 stays within TABLE_BLOCK bytes."""
    size = max(1, TABLE_BLOCK // max(1, ds.sizes["replication"] * width * 8))
    return [slice(s, s + size) for s in range(0, ds.sizes["step"], size)]


def summary(ds: xr.Dataset) -> pd.DataFrame:
    """Per step and dyad: mean and the 5, 25, 50, 75, 95 % quantiles of trust over replications (summary.csv)."""
    per_step: dict[str, np.ndarray] = {}
    width = len(dyad_indices(ds.sizes["observer"])[0])
    for part in _blocks(ds, width):
        for key, value in stats.describe(dyad_values(ds, part), axis=0, bands=stats.BANDS).items():
            per_step.setdefault(key, np.empty((ds.sizes["step"], width)))[part] = value
    return dyad_frame(actors(ds), per_step, ds["step"].values)


def alignment(ds: xr.Dataset, pivot: str = "PAK", east: str = "CHN", west: str = "USA") -> xr.DataArray:
    """Pakistan's alignment T[PAK,CHN] / (T[PAK,CHN] + T[PAK,USA]) [replication, step]: 0 toward the US, 1 toward
    China (sim.core.dynamics.alignment). Any three actors may stand in for Pakistan, China and the US."""
    codes = actors(ds)
    missing = [code for code in (pivot, east, west) if code not in codes]
    if missing:
        raise ConfigError(
            f"alignment needs actor {', '.join(missing)}, which this world lacks ({', '.join(codes)})",
            key="alignment",
            hint="name three of its actors: alignment(pivot=..., east=..., west=...)",
        )
    index = {code: i for i, code in enumerate(codes)}
    values = dynamics.alignment(ds["trust"].values, index[pivot], index[east], index[west])
    coords = ds["trust"].isel(observer=0, target=0, drop=True).coords  # replication, step (and date)
    return xr.DataArray(values, dims=("replication", "step"), coords=coords, name="alignment")


def alignment_table(ds: xr.Dataset) -> pd.DataFrame:
    """Pakistan's alignment per step: mean and quantiles over replications (alignment.csv)."""
    values = alignment(ds, *ALIGNMENT_ACTORS)
    described = stats.describe(values.values.astype(np.float64), axis=0, bands=stats.BANDS)
    return pd.DataFrame({"step": values.step.values} | described)


def alignment_comparison(runs: Mapping[str, xr.Dataset]) -> pd.DataFrame:
    """Pakistan's alignment per step and scenario (mean and quantiles), with the paired difference from the first."""
    names = list(runs)
    ref = alignment(runs[names[0]], *ALIGNMENT_ACTORS).values.astype(np.float64)
    frames = []
    for name, ds in runs.items():
        values = alignment(ds, *ALIGNMENT_ACTORS).values.astype(np.float64)
        columns = stats.describe(values, axis=0, bands=stats.BANDS)
        if name != names[0]:
            columns |= stats.paired(values - ref, axis=0)
        frames.append(pd.DataFrame({"step": ds["step"].values, "scenario": name} | columns))
    return pd.concat(frames, ignore_index=True)


def with_dates(table: pd.DataFrame, dates: Sequence[str] | None) -> pd.DataFrame:
    """The table with a `date` column (the month, YYYY-MM) after `step`, when the scenario has a calendar."""
    if dates is None or "step" not in table.columns:
        return table
    out = table.drop(columns="date", errors="ignore")  # xarray's tables carry the coordinate as a timestamp
    out.insert(list(out.columns).index("step") + 1, "date", out["step"].map(dict(enumerate(dates))))
    return out


def dated(ds: xr.Dataset, table: pd.DataFrame) -> pd.DataFrame:
    """`with_dates` for a table of the run `ds`: its calendar's months, when its scenario has one."""
    return with_dates(table, scenario(ds).dates())


def move_counts(ds: xr.Dataset) -> pd.DataFrame:
    """Moves made per step, actor and type, averaged over replications."""
    return ds["moves"].mean("replication").to_dataframe(name="mean_count").reset_index()


def event_counts(ds: xr.Dataset) -> pd.DataFrame:
    """Events per step and type, averaged over replications (events.csv)."""
    return ds["events"].mean("replication").to_dataframe(name="mean_count").reset_index()


def move_table(ds: xr.Dataset) -> pd.DataFrame:
    """Mean moves per step, actor and type, with the move's Goldstein weight; moves an actor never makes omitted
    (moves.csv)."""
    df = move_counts(ds)
    used = df.groupby(["actor", "move"])["mean_count"].transform("max") > 0
    df = df[used].reset_index(drop=True)
    df["goldstein"] = df["move"].map({k: m.goldstein for k, m in scenario(ds).world.moves.items()})
    return df[["step", "actor", "move", "goldstein", "mean_count"]]


def comparison_tables(runs: Mapping[str, xr.Dataset]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each run against the first, with paired differences per replication (common random numbers).

    Returns (final, over_time): final trust per scenario and dyad (mean, p05, p50, p95, and the difference from
    the first scenario: diff, its 95% CI diff_low..diff_high, the 90% range of per-replication differences
    diff_p05..diff_p95, and p_above, the share of replications in which the scenario ends above the first; empty
    for the first scenario), and the same per step with all quantiles (comparison.csv and comparison_steps.csv).
    With a fit's posterior every replication is a parameter draw, so p_above is the probability, across what
    the fit does not know, that the scenario beats the first.
    """
    names = list(runs)
    ref = runs[names[0]]
    codes, steps = actors(ref), ref["step"].values
    width = len(dyad_indices(len(codes))[0])
    ref_final = final_trust(ref)
    finals, over_time = [], []
    for name, ds in runs.items():
        fin, per_step = final_trust(ds), {}
        final = stats.describe(fin, axis=0)
        if name != names[0]:
            final |= stats.paired(fin - ref_final, axis=0)
            final["p_above"] = (fin > ref_final).mean(axis=0)
        for part in _blocks(ds, width):
            values = dyad_values(ds, part)
            described = stats.describe(values, axis=0, bands=stats.BANDS)
            if name != names[0]:
                described |= stats.paired(values - dyad_values(ref, part), axis=0)
            for key, value in described.items():
                per_step.setdefault(key, np.empty((len(steps), width)))[part] = value
        finals.append(dyad_frame(codes, final).assign(scenario=name))
        over_time.append(dyad_frame(codes, per_step, steps).assign(scenario=name))
    final_df = pd.concat(finals, ignore_index=True)
    steps_df = pd.concat(over_time, ignore_index=True)
    return (
        final_df[["scenario", *(c for c in final_df.columns if c != "scenario")]],
        steps_df[["step", "scenario", *(c for c in steps_df.columns if c not in ("step", "scenario"))]],
    )
