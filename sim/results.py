"""Results: a run as labelled arrays (xarray), its derived outputs, tidy tables, and a file that round-trips.

Dimensions: `replication`, `step` (0 is the initial state), `observer`, `target` (actor codes), `actor`, `move`,
`event`. Trust on the diagonal (an actor's trust in itself) is NaN. Trust is stored as float32 and counts as
small unsigned integers (sim.recording); summaries are computed in float64.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from sim import dynamics
from sim.config import Scenario
from sim.recording import TRUST_DTYPE

QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
FORMAT_VERSION = 1
SUMMARY_BLOCK = 64 * 2**20  # bytes of float64 trust a summary works on at once
NETCDF_ENCODING = {"zlib": True, "complevel": 4, "shuffle": True}


class Results:
    """Trust trajectories and move/event counts of R replications, with the scenario that produced them."""

    def __init__(self, dataset: xr.Dataset) -> None:
        self.dataset = dataset

    @classmethod
    def from_arrays(
        cls,
        *,
        trust: np.ndarray,
        moves: np.ndarray,
        events: np.ndarray,
        replications: Sequence[int],
        actors: list[str],
        move_names: list[str],
        event_names: list[str],
        scenario: Scenario,
        seed: int,
        copy: bool = True,
    ) -> Results:
        """Wrap a run's arrays; trust is stored as float32. With `copy=False` the arrays are used as they are
        where possible (and trust's diagonal is set to NaN in place)."""
        trust = np.array(trust, dtype=TRUST_DTYPE, copy=True if copy else None)
        moves, events = (np.array(a, copy=True if copy else None) for a in (moves, events))
        n = len(actors)
        trust[..., np.arange(n), np.arange(n)] = np.nan
        steps = np.arange(trust.shape[1])
        rep = np.asarray(replications, dtype=np.int64)
        ds = xr.Dataset(
            {
                "trust": (
                    ("replication", "step", "observer", "target"),
                    trust,
                    {"long_name": "trust", "units": "probability", "description": "observer's trust in target"},
                ),
                "moves": (
                    ("replication", "step", "actor", "move"),
                    moves,
                    {"long_name": "moves made", "units": "count"},
                ),
                "events": (("replication", "step", "event"), events, {"long_name": "events", "units": "count"}),
            },
            coords={
                "replication": rep,
                "step": steps,
                "observer": actors,
                "target": actors,
                "actor": actors,
                "move": move_names,
                "event": event_names,
            },
            attrs={
                "scenario": scenario.name,
                "seed": seed,
                "config": scenario.model_dump_json(),
                "format_version": FORMAT_VERSION,
            },
        )
        return cls(ds)

    # -- basic views -------------------------------------------------------------------------------------------

    @property
    def trust(self) -> xr.DataArray:
        """Trust [replication, step, observer, target] in (0, 1)."""
        return self.dataset["trust"]

    @property
    def moves(self) -> xr.DataArray:
        return self.dataset["moves"]

    @property
    def events(self) -> xr.DataArray:
        return self.dataset["events"]

    @property
    def actors(self) -> list[str]:
        return [str(a) for a in self.dataset["observer"].values]

    @property
    def scenario(self) -> Scenario:
        return Scenario.model_validate_json(self.dataset.attrs["config"])

    @property
    def seed(self) -> int:
        return int(self.dataset.attrs["seed"])

    def __repr__(self) -> str:
        d = self.dataset.sizes
        return (
            f"Results(scenario={self.dataset.attrs['scenario']!r}, replications={d['replication']}, "
            f"steps={d['step'] - 1}, actors={self.actors})"
        )

    # -- derived outputs ---------------------------------------------------------------------------------------

    def mutual_trust(self) -> xr.DataArray:
        """Mean of the two directions for each unordered pair, dim `pair` labelled 'PAK-USA'."""
        actors = self.actors
        pairs = [(a, b) for i, a in enumerate(actors) for b in actors[i + 1 :]]
        values = [(self.trust.sel(observer=a, target=b) + self.trust.sel(observer=b, target=a)) / 2 for a, b in pairs]
        out = xr.concat(values, dim="pair", coords="minimal", compat="override")
        out = out.drop_vars(["observer", "target"], errors="ignore")
        return out.assign_coords(pair=[f"{a}-{b}" for a, b in pairs]).rename("mutual_trust")

    def alignment(self, pivot: str = "PAK", east: str = "CHN", west: str = "USA") -> xr.DataArray:
        """Pakistan's alignment T[PAK,CHN] / (T[PAK,CHN] + T[PAK,USA]): 0 toward the US, 1 toward China."""
        a, b = self.trust.sel(observer=pivot, target=east), self.trust.sel(observer=pivot, target=west)
        return (a / (a + b)).drop_vars(["observer", "target"], errors="ignore").rename("alignment")

    def polarization(self) -> xr.DataArray:
        """Share of balanced triads [replication, step] (1 = two clean blocs or one)."""
        t = np.nan_to_num(self.trust.values, nan=0.5)
        return xr.DataArray(
            dynamics.polarization(t),
            dims=("replication", "step"),
            coords={"replication": self.trust.replication, "step": self.trust.step},
            name="polarization",
        )

    def final(self, last: int = 12) -> xr.DataArray:
        """Mean trust over the last `last` steps, per replication and dyad."""
        return self.trust.isel(step=slice(-last, None)).mean("step")

    # -- tables -----------------------------------------------------------------------------------------------

    def to_dataframe(self) -> pd.DataFrame:
        """Tidy trust: one row per replication, step and directed dyad (columns ... observer, target, trust)."""
        df = self.trust.to_dataframe().reset_index()
        return df[df["observer"] != df["target"]].reset_index(drop=True)

    def summary(self) -> pd.DataFrame:
        """Per step and dyad: mean and the 5, 25, 50, 75, 95 % quantiles of trust over replications."""
        trust, actors = self.trust.values, self.actors
        observer, target = (a.ravel() for a in np.nonzero(~np.eye(len(actors), dtype=bool)))  # observer-major
        steps = self.trust.step.values
        stats = np.empty((1 + len(QUANTILES), len(steps), len(observer)))
        # a few steps at a time, in float64: temporary copies stay small however many replications there are
        block = max(1, SUMMARY_BLOCK // max(1, trust.shape[0] * len(observer) * 8))
        for start in range(0, len(steps), block):
            values = trust[:, start : start + block][:, :, observer, target].astype(np.float64)
            stats[0, start : start + block] = values.mean(axis=0)
            stats[1:, start : start + block] = np.quantile(values, QUANTILES, axis=0)
        names = np.asarray(actors, dtype=object)
        columns = {
            "step": np.repeat(steps, len(observer)),
            "observer": np.tile(names[observer], len(steps)),
            "target": np.tile(names[target], len(steps)),
        }
        labels = ["mean", *(f"p{round(q * 100):02d}" for q in QUANTILES)]
        return pd.DataFrame(columns | {label: stats[i].ravel() for i, label in enumerate(labels)})

    def move_counts(self) -> pd.DataFrame:
        """Moves made per step, actor and type, averaged over replications."""
        return self.moves.mean("replication").to_dataframe(name="mean_count").reset_index()

    def event_counts(self) -> pd.DataFrame:
        """Events per step and type, averaged over replications."""
        return self.events.mean("replication").to_dataframe(name="mean_count").reset_index()

    # -- files ------------------------------------------------------------------------------------------------

    def save(self, path: str | Path) -> Path:
        """Write a compressed netCDF-4 file (h5netcdf, zlib); `Results.load` reads it back identically.

        Written through xarray's h5netcdf store directly: `Dataset.to_netcdf` asks Dask for its scheduler
        first, which imports Dask and distributed (a second or more) whenever they are installed.
        """
        from xarray.backends import H5NetCDFStore

        path = Path(path)
        encoding = {name: NETCDF_ENCODING for name in self.dataset.data_vars}
        store = H5NetCDFStore.open(str(path), mode="w", lock=False)
        try:
            self.dataset.dump_to_store(store, encoding=encoding)
        finally:
            store.close()
        return path

    @classmethod
    def load(cls, path: str | Path) -> Results:
        with xr.open_dataset(path, engine="h5netcdf") as ds:
            return cls(ds.load())
