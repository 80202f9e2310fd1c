"""A comparison of scenarios run on common random numbers: the runs by name, the confidence-interval table,
a printout, figures, and rich display in notebooks. `sim.compare` returns one.

A `Comparison` is a read-only mapping of scenario name to `Results` (so code written for the dict that
`sim.compare` used to return keeps working), plus the tables `diplosim compare` writes.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from functools import cached_property
from typing import Any

import pandas as pd

from sim.runs import outcomes, printout, stats, tables, views, yardstick
from sim.runs.results import Results


class Comparison(Mapping[str, Results]):
    """Scenarios run on the same seed and replications, the first being the reference."""

    def __init__(self, runs: Mapping[str, Results], note: str | None = None) -> None:
        if len(runs) < 2:
            raise ValueError("a comparison needs at least two scenarios")
        self.runs = dict(runs)
        self.note = note  # what was aligned to compare them (sim.runs.align), printed first

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

    @property
    def start(self) -> str | None:
        """The month of step 1 when the scenarios run on a calendar (they share it), else None."""
        return self.runs[self.reference].scenario.start

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

    def outcomes(self, expressions: Sequence[str]) -> pd.DataFrame:
        """Outcomes (sim.scenario.outcome_syntax) per scenario over replications, with the paired difference from
        the reference and its 95% CI (outcomes.csv; sim.runs.outcomes.table)."""
        first = self.runs[self.reference]
        asked = first.resolve_outcomes(expressions)
        runs = {name: res.outcomes(expressions).values for name, res in self.runs.items()}
        return outcomes.table(asked, runs, first.steps)

    def explain(self, scenario: str | None = None, questions: Sequence[str] | None = None) -> Any:
        """Why `scenario` (default: the first after the reference) differs from the reference, split into what
        did it and through which mechanism, by counterfactual runs on the same random numbers (sim.runs.explain):
        an Explanation with `.table` and `.text()`."""
        from sim.runs import explain

        name = scenario or list(self.runs)[1]
        reps = self.runs[name].trust.replication.values
        return explain.explain(
            self.runs[name].scenario, self.runs[self.reference].scenario, replications=reps, questions=questions
        )

    def text(self, outcomes: pd.DataFrame | None = None) -> str:
        """What `diplosim compare` prints: the note on what was aligned, final trust by dyad, the outcomes asked
        for (a table of `outcomes()`), and the yardstick."""
        parts = [f"Note: {self.note}." if self.note else None]
        fit = self.runs[self.reference].dataset.attrs.get("fit")
        parts.append(
            printout.comparison_text(
                self._tables[0], window=self.window, replications=self.replications, start=self.start, fit=fit
            )
        )
        if outcomes is not None:
            steps = self.runs[self.reference].steps
            parts.append(
                printout.outcomes_text(outcomes, start=self.start, steps=steps, replications=self.replications)
            )
        parts.append("\n".join(yardstick.observed().lines()))
        return "\n\n".join(p for p in parts if p)

    def plot(self, kind: str = "final") -> Any:
        """A figure by name, as `diplosim compare` writes it: "final" (the final difference per dyad, with its
        CI and the spread over replications), "difference" (over time) or "trust" (each scenario over time)."""
        first = self.runs[self.reference]
        names = {code: actor.name for code, actor in first.scenario.world.actors.items()}
        final, over_time = self._tables
        return views.comparison_figure(
            kind,
            final,
            over_time,
            names=names,
            window=self.window,
            replications=self.replications,
            dates=first.scenario.dates(),
        )

    def __repr__(self) -> str:
        others = ", ".join(list(self.runs)[1:])
        steps = int(self.runs[self.reference].trust.step.max())
        return f"<Comparison {self.reference} vs {others}: {self.replications} replications x {steps} months>"

    def _repr_html_(self) -> str:
        return views.comparison_html(
            self._tables[0],
            title=repr(self).strip("<>"),
            window=self.window,
            replications=self.replications,
            start=self.start,
        )
