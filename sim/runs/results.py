"""Results: a run as labelled arrays (xarray), its derived outputs, tidy tables, and a file that round-trips.

Dimensions: `replication`, `step` (0 is the initial state), `observer`, `target` (actor codes), `actor`, `move`,
`event`. Trust on the diagonal (an actor's trust in itself) is NaN. Trust is stored as float32 and counts as
small unsigned integers (sim.core.recording); summaries are computed in float64.
"""

from __future__ import annotations

import errno
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import xarray as xr

from sim.core import dynamics
from sim.core.recording import TRUST_DTYPE
from sim.runs import outcomes, stats, tables, views
from sim.runs.integrity import HINT, check_dataset
from sim.scenario.dyads import pairs
from sim.scenario.outcome_syntax import Outcome
from sim.scenario.schema import Scenario
from sim.util.crash import exception_line
from sim.util.errors import ConfigError
from sim.util.files import write_atomic

if TYPE_CHECKING:
    from sim.core.batch import Batch

FORMAT_VERSION = 1
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
            _variables(trust, moves, events),
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
        dates = scenario.dates()
        if dates is not None:  # a calendar: label every step with the month it ends
            months = np.array(dates[: len(steps)], dtype="datetime64[M]")
            ds = ds.assign_coords(date=("step", months.astype("datetime64[ns]")))
        return cls(ds)

    @classmethod
    def from_model(cls, model: Batch) -> Results:
        """The run a model has recorded so far (step 0 to its current step), e.g. after `model.run()`."""
        if model.recording is None:
            raise RuntimeError("this model was created with record=False; nothing was recorded")
        w, done, rec = model.world, min(model.done, model.n_steps) + 1, model.recording
        return cls.from_arrays(
            trust=rec.trust[:, :done],
            moves=rec.moves[:, :done],
            events=rec.events[:, :done],
            replications=model.replication_index,
            actors=w.actors,
            move_names=w.moves,
            event_names=[e.name for e in w.events],
            scenario=model.config,
            seed=model.seed,
        )

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
        return tables.actors(self.dataset)

    @property
    def scenario(self) -> Scenario:
        return tables.scenario(self.dataset)

    @property
    def seed(self) -> int:
        return int(self.dataset.attrs["seed"])

    def headline(self) -> str:
        """'baseline: 500 replications x 120 months, seed 20261128, actors PAK USA CHN IND'."""
        return views.run_headline(self.dataset)

    def __repr__(self) -> str:
        d = self.dataset.sizes
        return (
            f"Results(scenario={self.dataset.attrs['scenario']!r}, replications={d['replication']}, "
            f"steps={d['step'] - 1}, actors={self.actors})"
        )

    def _repr_html_(self) -> str:
        """In Jupyter: the headline and final trust (median [90% band]) as an observer x target table."""
        return views.results_html(self.dataset)

    def plot(self, kind: str = "fan", ax: Any = None, **options: Any) -> Any:
        """Draw a figure by name: "fan" (trust over time), "network", "alignment" or "activity".

        Without `ax`, returns a new matplotlib Figure, the one `diplosim run` writes. With `ax`, "fan" draws one
        dyad onto it (`dyad="PAK->USA"`; default the first) and "alignment" the alignment fan; returns `ax`.
        Further options: `color`, `lw` for panels on `ax`; `steps=[0, 60, 120]` for "network".
        """
        return views.plot_results(self.dataset, kind, ax, **options)

    # -- derived outputs ---------------------------------------------------------------------------------------

    def mutual_trust(self) -> xr.DataArray:
        """Mean of the two directions for each unordered pair, dim `pair` labelled 'PAK-USA'."""
        both = [
            (self.trust.sel(observer=a, target=b) + self.trust.sel(observer=b, target=a)) / 2
            for a, b in pairs(self.actors)
        ]
        out = xr.concat(both, dim="pair", coords="minimal", compat="override")
        out = out.drop_vars(["observer", "target"], errors="ignore")
        return out.assign_coords(pair=[f"{a}-{b}" for a, b in pairs(self.actors)]).rename("mutual_trust")

    def alignment(self, pivot: str = "PAK", east: str = "CHN", west: str = "USA") -> xr.DataArray:
        """Pakistan's alignment T[PAK,CHN] / (T[PAK,CHN] + T[PAK,USA]): 0 toward the US, 1 toward China.

        Any three actors of the world may stand in for Pakistan (pivot), China (east) and the US (west)."""
        return tables.alignment(self.dataset, pivot, east, west)

    def polarization(self) -> xr.DataArray:
        """How sharply the actors split into two camps [replication, step], in [-1, 1] (sim.core.dynamics):
        1 = two blocs (or one) of complete trust, completely hostile to each other; 0 = indifference."""
        t = np.nan_to_num(self.trust.values, nan=0.5)
        return xr.DataArray(
            dynamics.polarization(t),
            dims=("replication", "step"),
            coords={"replication": self.trust.replication, "step": self.trust.step},
            name="polarization",
        )

    def outcome(self, expression: str, last: int = stats.FINAL_WINDOW) -> xr.DataArray:
        """One value per replication of an outcome (sim.scenario.outcome_syntax): "PAK->USA" (final trust),
        "PAK->USA at 2028-06", "P(PAK->USA < 0.2 by 2030-12)" (1 or 0; its mean is the probability),
        "first(PAK->USA < 0.2)" (the month of the first crossing; the month after the run if never)."""
        return self.outcomes([expression], last)[..., 0].rename(self.resolve_outcomes([expression])[0].name)

    def outcomes(self, expressions: Sequence[str], last: int = stats.FINAL_WINDOW) -> xr.DataArray:
        """Several outcomes per replication [replication, outcome] (see `outcome`), labelled by their names."""
        asked = self.resolve_outcomes(expressions)
        steps = self.trust.step.values
        each = outcomes.evaluate(asked, self.trust.values, steps, self.actors, self.scenario.start, last)
        coords = {"replication": self.trust.replication.values, "outcome": [o.name for o in asked]}
        return xr.DataArray(
            each, dims=("replication", "outcome"), coords=coords, attrs={"labels": [o.label for o in asked]}
        )

    def outcomes_table(self, expressions: Sequence[str]) -> pd.DataFrame:
        """The outcomes over replications (outcomes.csv): the mean (a probability for P(...)) with its 95% CI and
        the quantiles (sim.runs.outcomes.table)."""
        values = self.outcomes(expressions).values
        return outcomes.table(self.resolve_outcomes(expressions), {self.dataset.attrs["scenario"]: values}, self.steps)

    @property
    def steps(self) -> int:
        """Months simulated (step 0, the start, not counted)."""
        return int(self.trust.step.max())

    def resolve_outcomes(self, expressions: Sequence[str]) -> list[Outcome]:
        """The outcomes, checked against this run: its actors and months (a ConfigError otherwise)."""
        return [outcomes.resolve_outcome(e, self.actors, self.scenario.start, self.steps) for e in expressions]

    def explain(self, questions: Sequence[str] | None = None) -> Any:
        """Why this run differs from the same run without its moves (its policies, rules and events), split into
        what did it and through which mechanism (sim.runs.explain): an Explanation with `.table` and `.text()`.
        `questions`: outcomes to explain (default: final trust of the dyads its moves act on)."""
        from sim.runs import explain

        spec = self.scenario
        return explain.explain(spec, replications=self.trust.replication.values, questions=questions)

    def final_table(self) -> pd.DataFrame:
        """Final trust per directed dyad: observer, target, mean, p05, p50, p95 over replications (final.csv)."""
        return tables.final_table(self.dataset)

    def final(self, last: int = stats.FINAL_WINDOW) -> xr.DataArray:
        """Final trust [replication, observer, target]: each replication's mean over the last `last` months
        (sim.runs.stats.final_mean), in float64."""
        values = stats.final_mean(self.trust.values, self.trust.step.values, axis=1, last=last)
        return self.trust.isel(step=0, drop=True).drop_vars("date", errors="ignore").copy(data=values)

    # -- tables -----------------------------------------------------------------------------------------------

    def to_dataframe(self) -> pd.DataFrame:
        """Tidy trust: one row per replication, step and directed dyad (columns ... observer, target, trust)."""
        df = self.trust.to_dataframe().reset_index()
        return df[df["observer"] != df["target"]].reset_index(drop=True)

    def summary(self) -> pd.DataFrame:
        """Per step and dyad: mean and the 5, 25, 50, 75, 95 % quantiles of trust over replications."""
        return tables.summary(self.dataset)

    def move_counts(self) -> pd.DataFrame:
        """Moves made per step, actor and type, averaged over replications."""
        return tables.move_counts(self.dataset)

    def event_counts(self) -> pd.DataFrame:
        """Events per step and type, averaged over replications."""
        return tables.event_counts(self.dataset)

    # -- files ------------------------------------------------------------------------------------------------

    def save(self, path: str | Path) -> Path:
        """Write a compressed netCDF-4 file (h5netcdf, zlib); `Results.load` reads it back identically.

        The file is encoded in memory and then written atomically with plain file I/O, so a full disk is one
        OSError and no file, never HDF5 failing half-way through (which leaves a broken file and can crash the
        interpreter when it cleans up). It is encoded through xarray's h5netcdf store directly: `to_netcdf` asks
        Dask for its scheduler first, which imports distributed (a second or more) whenever it is installed.
        """
        import io

        from xarray.backends import H5NetCDFStore

        encoding = {name: NETCDF_ENCODING for name in self.dataset.data_vars}
        buffer = io.BytesIO()
        store = H5NetCDFStore.open(buffer, mode="w", lock=False)
        try:
            self.dataset.dump_to_store(store, encoding=encoding)
        finally:
            store.close()
        return write_atomic(path, buffer.getbuffer())

    @classmethod
    def load(cls, path: str | Path) -> Results:
        """Read a file written by `save`. A missing file is FileNotFoundError; a damaged or foreign one is a
        ConfigError naming the file and what is wrong with it (sim.runs.integrity: arrays, shapes, the scenario
        and seed recorded, actors, months in order, trust in [0, 1])."""
        path = Path(path)
        if not path.is_file():
            raise FileNotFoundError(errno.ENOENT, "no such file", str(path))
        try:
            with xr.open_dataset(path, engine="h5netcdf") as ds:
                data = ds.load()
        except PermissionError:
            raise
        except Exception as exc:  # h5py, h5netcdf and xarray each fail differently on a damaged file
            raise ConfigError(f"cannot be read as netCDF-4 ({exception_line(exc)})", file=path, hint=HINT) from None
        check_dataset(data, path, FORMAT_VERSION)
        return cls(data)


def _variables(trust: np.ndarray, moves: np.ndarray, events: np.ndarray) -> dict[str, Any]:
    """A run's arrays as the labelled variables of its Dataset, with their units."""
    return {
        "trust": (
            ("replication", "step", "observer", "target"),
            trust,
            {"long_name": "trust", "units": "probability", "description": "observer's trust in target"},
        ),
        "moves": (("replication", "step", "actor", "move"), moves, {"long_name": "moves made", "units": "count"}),
        "events": (("replication", "step", "event"), events, {"long_name": "events", "units": "count"}),
    }
