"""A comparison of scenarios run on common random numbers: the runs by name, the confidence-interval table,
a printout, figures, and rich display in notebooks. `sim.compare` returns one.

A `Comparison` is a read-only mapping of scenario name to `Results` (so code written for the dict that
`sim.compare` used to return keeps working), plus the tables `diplosim compare` writes.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import cached_property
from typing import Any

import pandas as pd

from sim.runs import printout, stats, tables, views
from sim.runs.results import Results


class Comparison(Mapping[str, Results]):
    """Scenarios run on the same seed and replications, the first being the reference."""

    def __init__(self, runs: Mapping[str, Results]) -> None:
        if len(runs) < 2:
            raise ValueError("a comparison needs at least two scenarios")
        self.runs = dict(runs)

    def __getitem__(self, name: str) -> Results:
        return self.runs[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self.runs)

    def __len__(self) -> int:
        return len(self.runs)

    @property
    def reference(self) -> str:
        """The scenario the others are compared with (the first)."""
        return next(iter(self.runs))

    @property
    def replications(self) -> int:
        return self.runs[self.reference].trust.sizes["replication"]

    @property
    def window(self) -> tuple[int, int]:
        """The months whose mean is final trust."""
        return stats.final_window(int(self.runs[self.reference].trust.step.max()))

    @cached_property
    def _tables(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        return tables.comparison_tables({name: res.dataset for name, res in self.runs.items()})

    def table(self) -> pd.DataFrame:
        """Final trust per scenario and dyad with the paired difference from the reference: scenario, observer,
        target, mean, p05, p50, p95, diff, diff_low, diff_high (95% CI), diff_p05, diff_p95, p_above (the share of
        replications that end above the reference; comparison.csv)."""
        return self._tables[0].copy()

    def steps(self) -> pd.DataFrame:
        """The same for every month, with all quantiles (comparison_steps.csv)."""
        return self._tables[1].copy()

    def text(self) -> str:
        """What `diplosim compare` prints."""
        fit = self.runs[self.reference].dataset.attrs.get("fit")
        return printout.comparison_text(self._tables[0], window=self.window, replications=self.replications, fit=fit)

    def plot(self, kind: str = "final") -> Any:
        """A figure by name, as `diplosim compare` writes it: "final" (the final difference per dyad, with its
        CI and the spread over replications), "difference" (over time) or "trust" (each scenario over time)."""
        first = self.runs[self.reference]
        names = {code: actor.name for code, actor in first.scenario.world.actors.items()}
        final, over_time = self._tables
        return views.plot_comparison(
            kind, final, over_time, names=names, window=self.window, replications=self.replications
        )

    def __repr__(self) -> str:
        others = ", ".join(list(self.runs)[1:])
        steps = int(self.runs[self.reference].trust.step.max())
        return f"<Comparison {self.reference} vs {others}: {self.replications} replications x {steps} months>"

    def _repr_html_(self) -> str:
        return views.comparison_html(
            self._tables[0], title=repr(self).strip("<>"), window=self.window, replications=self.replications
        )
