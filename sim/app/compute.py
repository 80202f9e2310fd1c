"""A scenario against its status quo on common random numbers, summarised as `diplosim compare` does.

Runs go through `sim.run` with one seed and one set of replications for both (as `sim.compare` does), and the
tables through sim.runs.tables' comparison code, so what the page shows is what a comparison folder holds. Runs are
cached by their fully resolved scenario: switching a policy re-runs only the scenario, not the status quo.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from sim.app.settings import status_quo
from sim.runs import tables
from sim.runs.api import run
from sim.runs.results import Results
from sim.scenario.schema import Scenario

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
    return run(Scenario.model_validate_json(config_json))


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
    datasets = {name: res.dataset for name, res in runs.items()}
    final, over_time = tables.comparison_tables(datasets)
    return Outcome(
        names=(reference.name, scenario.name),
        specs=specs,
        runs=runs,
        final=final,
        over_time=over_time,
        alignment=tables.alignment_comparison(datasets),
    )
