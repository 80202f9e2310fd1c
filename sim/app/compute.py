"""A scenario against its status quo on common random numbers, summarised as `diplosim compare` does.

Runs go through `sim.run` with one seed and one set of replications for both (as `sim.compare` does), and the
tables through sim.output's comparison code, so what the page shows is what a comparison folder holds. Runs are
cached by their fully resolved scenario: switching a policy re-runs only the scenario, not the status quo.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd
import xarray as xr

import sim
from sim import stats as statistics
from sim.app.settings import status_quo
from sim.config import Scenario
from sim.output import comparison_tables
from sim.results import Results

Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class Outcome:
    """Both runs and what is drawn from them. `names` is (status quo, scenario), the comparison's order."""

    names: tuple[str, str]
    specs: dict[str, Scenario]
    runs: dict[str, Results]
    final: pd.DataFrame  # comparison.csv
    over_time: pd.DataFrame  # comparison_steps.csv
    alignment: pd.DataFrame  # per step: scenario, mean, p05 ... p95, and diff, diff_low ... for the scenario

    @property
    def steps(self) -> int:
        return int(self.over_time["step"].max())

    @property
    def replications(self) -> int:
        return int(self.runs[self.names[0]].trust.sizes["replication"])


@lru_cache(maxsize=6)
def _run(config_json: str) -> Results:
    """One run of a fully resolved scenario (its seed, replications and steps), cached by its JSON."""
    return sim.run(Scenario.model_validate_json(config_json))


def alignment_table(runs: dict[str, Results]) -> pd.DataFrame:
    """Pakistan's alignment per step and scenario (mean and quantiles), with the paired difference from the first."""
    names = list(runs)
    ref = runs[names[0]].alignment()
    frames = []
    for name, res in runs.items():
        summary = statistics.describe(res.alignment())
        if name != names[0]:
            summary = xr.merge([summary, statistics.paired(res.alignment() - ref)])
        frames.append(summary.to_dataframe().reset_index().assign(scenario=name))
    table = pd.concat(frames, ignore_index=True)
    return table[["step", "scenario", *(c for c in table.columns if c not in ("step", "scenario"))]]


def simulate(scenario: Scenario, progress: Progress | None = None) -> Outcome:
    """Run `scenario` and its status quo on the same seed and replications, and summarise the comparison."""
    report = progress or (lambda fraction, what: None)
    reference = status_quo(scenario)
    specs = {reference.name: reference, scenario.name: scenario}
    runs = {}
    for i, (name, spec) in enumerate(specs.items()):
        report(0.1 + 0.4 * i, f"running {name}: {spec.replications} replications x {spec.steps} months")
        runs[name] = _run(spec.model_dump_json())
    report(0.9, "summarising")
    final, over_time = comparison_tables(runs)
    return Outcome(
        names=(reference.name, scenario.name),
        specs=specs,
        runs=runs,
        final=final,
        over_time=over_time,
        alignment=alignment_table(runs),
    )
