"""Two scenarios compared on common random numbers, as `diplosim compare` compares them, and what the page draws.

The runs go through `sim.runs.api.compare` (one seed and one set of replications for both, the run settings of the
page) and the tables through its `Comparison` (sim.runs.tables.comparison_tables), so what the page shows is what
a comparison folder holds. Finished comparisons are cached by what was asked, so redrawing other dyads reruns
nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from sim.outputs.write import with_dates
from sim.runs import tables
from sim.runs.api import compare
from sim.runs.comparison import Comparison
from sim.runs.stats import final_window
from sim.scenario.dyads import has_alignment
from sim.scenario.schema import Scenario


@dataclass(frozen=True)
class Request:
    """What one press of Run asks for: the two resolved scenarios and the run settings both share."""

    reference: Scenario
    comparison: Scenario
    steps: int
    replications: int
    seed: int


@dataclass(frozen=True)
class PairedRuns:
    """Both runs and their tables. `names` is (reference, comparison), the comparison's order."""

    names: tuple[str, str]
    runs: Comparison
    final: pd.DataFrame  # comparison.csv
    over_time: pd.DataFrame  # comparison_steps.csv, with a date column when the runs have a calendar
    alignment: pd.DataFrame | None  # per step and scenario: Pakistan's alignment, the difference for the second

    @property
    def specs(self) -> dict[str, Scenario]:
        """The scenarios as run (run settings applied)."""
        return {name: res.scenario for name, res in self.runs.items()}

    @property
    def steps(self) -> int:
        return int(self.over_time["step"].max())

    @property
    def replications(self) -> int:
        return self.runs.replications

    @property
    def start(self) -> str | None:
        """The calendar month of step 1, if the runs have a calendar."""
        return self.runs[self.names[0]].scenario.start

    @property
    def window(self) -> tuple[int, int]:
        """The months whose mean is final trust."""
        return final_window(self.steps)


def run_pair(request: Request) -> PairedRuns:
    """Run both scenarios of `request` and tabulate them (cached by the request)."""
    return _simulate(
        request.reference.model_dump_json(),
        request.comparison.model_dump_json(),
        request.steps,
        request.replications,
        request.seed,
    )


@lru_cache(maxsize=4)
def _simulate(reference: str, comparison: str, steps: int, replications: int, seed: int) -> PairedRuns:
    specs = [Scenario.model_validate_json(text) for text in (reference, comparison)]
    runs = compare(specs, steps=steps, replications=replications, seed=seed)
    datasets = {name: res.dataset for name, res in runs.items()}
    first = runs[runs.reference].scenario
    return PairedRuns(
        names=(specs[0].name, specs[1].name),
        runs=runs,
        final=runs.table(),
        over_time=with_dates(runs.steps(), first.dates()),
        alignment=tables.alignment_comparison(datasets) if has_alignment(first.actors) else None,
    )
