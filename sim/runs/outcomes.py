"""Outcomes per replication, from trust trajectories: the final value (the mean over the final window,
sim.runs.stats.final_mean), the value at a month, the probability of crossing a threshold by (or at) a month,
and the month of the first crossing (sim.scenario.outcome_syntax says how they are written).

Two ways to the same numbers: `values` reads whole trajectories (a run or a comparison holds them), and a
`Tracker` takes the trust state step by step, keeping per outcome only what it needs (a running sum over the
final window, a flag, a first month, one captured month), so a sweep never holds a trajectory. Pure functions of
the trust states; `summarise` and `describe` turn per-replication values into what tables and printouts show.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.core import dynamics
from sim.runs import stats
from sim.scenario.dyads import ALIGNMENT_ACTORS, dyads, has_alignment, mutual_name, pairs, trust_name
from sim.scenario.outcome_syntax import Outcome, holds, parse_outcome
from sim.util.errors import ConfigError

DEFAULT = ("trust", "alignment", "polarization")
STATS = ("mean", *stats.FINAL_BANDS)


def catalogue(actors: Sequence[str]) -> dict[str, list[str]]:
    """Every final-value outcome name and group a sweep may ask for, with the names each stands for."""
    directed = [trust_name(o, t) for o, t in dyads(actors)]
    mutual = [mutual_name(a, b) for a, b in pairs(actors)]
    out = {"trust": directed, "mutual": mutual, **{n: [n] for n in directed + mutual}, "polarization": ["polarization"]}
    if has_alignment(actors):
        out["alignment"] = ["alignment"]
    return out


def resolve_outcome(text: str, actors: Sequence[str], start: str | None, steps: int, key: str = "outcome") -> Outcome:
    """An outcome checked against a run: its actors, alignment's three, and the month it names."""
    outcome = parse_outcome(text, list(actors), key=key)
    if outcome.quantity == "alignment" and not has_alignment(actors):
        raise ConfigError(
            f"'{outcome.label}': alignment needs {', '.join(ALIGNMENT_ACTORS)}", key=key, hint="ask for a dyad"
        )
    outcome.step(start, steps, key=key)
    return outcome


# ---------------------------------------------------------------------------------------------------------------
# Quantities: per replication, from the trust states [..., observer, target]


def quantity(states: np.ndarray, name: str, actors: Sequence[str]) -> np.ndarray:
    """The quantity `name` (trust_A_B, mutual_A_B, alignment, polarization) of trust states [..., N, N]."""
    index = {code: i for i, code in enumerate(actors)}
    kind, _, rest = name.partition("_")
    if kind in ("trust", "mutual") and rest:
        a, b = (index[code] for code in rest.split("_", 1))
        return states[..., a, b] if kind == "trust" else (states[..., a, b] + states[..., b, a]) / 2
    if name == "alignment":
        return dynamics.alignment(states, *(index[code] for code in ALIGNMENT_ACTORS))
    return dynamics.polarization(states)


def values(
    outcome: Outcome,
    series: np.ndarray,
    steps: np.ndarray,
    start: str | None = None,
    last: int = stats.FINAL_WINDOW,
) -> np.ndarray:
    """Per replication [R] from a quantity's trajectories [R, S] over the months `steps` (0 is the start)."""
    steps = np.asarray(steps)
    if outcome.kind == "final":
        return stats.final_mean(series, steps, axis=1, last=last)
    at = outcome.step(start, int(steps.max()))
    column = int(np.flatnonzero(steps == at)[0])
    if outcome.kind == "at":
        return series[:, column].astype(np.float64)
    test = np.asarray(holds(series, outcome.op, outcome.threshold)) & (steps >= 1)
    if outcome.kind == "prob":
        hit = test[:, column] if outcome.mode == "at" else test[:, : column + 1].any(axis=1)
        return hit.astype(np.float64)
    crossed = test.any(axis=1)
    first = steps[np.argmax(test, axis=1)]
    return np.where(crossed, first, int(steps.max()) + 1).astype(np.float64)


def evaluate(
    asked: Sequence[Outcome],
    trust: np.ndarray,
    steps: np.ndarray,
    actors: Sequence[str],
    start: str | None = None,
    last: int = stats.FINAL_WINDOW,
) -> np.ndarray:
    """Outcomes [replication, outcome] of whole trajectories: trust [replication, step, observer, target]."""
    columns = [values(o, quantity(trust, o.quantity, actors), steps, start, last) for o in asked]
    return np.stack(columns, axis=-1)


@dataclass
class Tracker:
    """Outcomes of a run fed its trust states step by step (`update`), keeping only what each needs: a running
    sum over the final window, a crossing flag, the first month, one captured month. `result()` equals `values`
    on the whole trajectories."""

    outcomes: Sequence[Outcome]
    actors: Sequence[str]
    steps: int
    start: str | None = None
    last: int = stats.FINAL_WINDOW

    def __post_init__(self) -> None:
        self.window = stats.final_window(self.steps, self.last)
        self.targets = [o.step(self.start, self.steps) if o.kind != "final" else 0 for o in self.outcomes]
        self.state: list[np.ndarray | None] = [None] * len(self.outcomes)

    def needed(self) -> set[int]:
        """The months whose trust states the outcomes need (`update` at these, in order, is enough): the final
        window, the months up to a `by`, a single month, or every month for a first crossing."""
        out: set[int] = set()
        for outcome, target in zip(self.outcomes, self.targets, strict=True):
            if outcome.kind == "final":
                out |= set(range(self.window[0], self.window[1] + 1))
            elif outcome.kind == "at" or (outcome.kind == "prob" and outcome.mode == "at"):
                out.add(target)
            else:
                out |= set(range(1, (target if outcome.kind == "prob" else self.steps) + 1))
        return out

    def update(self, step: int, trust: np.ndarray) -> None:
        """Take the trust states [R, N, N] at the end of month `step` (1, 2, ...)."""
        for k, (outcome, target) in enumerate(zip(self.outcomes, self.targets, strict=True)):
            q = np.array(quantity(trust, outcome.quantity, self.actors), dtype=np.float64)  # a copy: states change
            held = self.state[k]
            if held is None:
                held = np.zeros_like(q) if outcome.kind in ("final", "prob") else np.full_like(q, np.nan)
            if outcome.kind == "final":
                held = held + q if self.window[0] <= step <= self.window[1] else held
            elif outcome.kind == "at" or (outcome.kind == "prob" and outcome.mode == "at"):
                if step == target:
                    held = q if outcome.kind == "at" else np.asarray(holds(q, outcome.op, outcome.threshold), float)
            elif outcome.kind == "prob":
                if step <= target:
                    held = np.maximum(held, np.asarray(holds(q, outcome.op, outcome.threshold), float))
            else:  # first crossing
                new = np.isnan(held) & np.asarray(holds(q, outcome.op, outcome.threshold))
                held = np.where(new, float(step), held)
            self.state[k] = held

    def result(self) -> np.ndarray:
        """Outcomes [replication, outcome]."""
        columns = []
        for outcome, held in zip(self.outcomes, self.state, strict=True):
            if held is None:
                raise RuntimeError("no step was given to the tracker")
            if outcome.kind == "final":
                held = held / (self.window[1] - self.window[0] + 1)
            elif outcome.kind == "first":
                held = np.where(np.isnan(held), float(self.steps + 1), held)
            columns.append(held)
        return np.stack(columns, axis=-1)


# ---------------------------------------------------------------------------------------------------------------
# Over replications


def summarise(values: np.ndarray) -> dict[str, np.ndarray]:
    """Mean, median and 90% band (sim.runs.stats) over replications of `values` [point, replication, outcome]."""
    return stats.describe(values, axis=1, bands=stats.FINAL_BANDS)


TABLE = ("scenario", "outcome", "label", "mean", "mean_low", "mean_high", "p05", "p50", "p95")
DIFFERENCE = ("diff", "diff_low", "diff_high")


def table(asked: Sequence[Outcome], runs: Mapping[str, np.ndarray], steps: int) -> pd.DataFrame:
    """Outcomes over replications, per outcome and scenario (`runs`: name -> values [replication, outcome], the
    first the reference) with the paired difference from the reference (outcomes.csv).

    `mean` is the probability for P(...), the share of replications that crossed within the run for first(...),
    and the mean value otherwise; `mean_low`-`mean_high` is its 95% interval (Monte Carlo precision); p05, p50,
    p95 are quantiles of the per-replication values (months for first(...), the month after the run for
    'never'); `diff`, `diff_low`, `diff_high` the mean paired difference of `mean`'s quantity from the
    reference with its 95% CI (empty for the reference)."""
    names = list(runs)
    rows = []
    for k, outcome in enumerate(asked):
        for name, each in runs.items():
            value = _as_mean(outcome, each[:, k], steps)
            low, high = _interval(outcome, value)
            q05, q50, q95 = np.quantile(each[:, k], [0.05, 0.5, 0.95])
            cells = (name, outcome.name, outcome.label, value.mean(), low, high, q05, q50, q95)
            row = dict(zip(TABLE, cells, strict=True))
            if name != names[0]:
                ref = _as_mean(outcome, runs[names[0]][:, k], steps)
                paired = stats.paired(value - ref, axis=0)
                row |= {key: float(paired[key]) for key in DIFFERENCE}
            rows.append(row)
    return pd.DataFrame(rows, columns=[*TABLE, *DIFFERENCE])


def _as_mean(outcome: Outcome, each: np.ndarray, steps: int) -> np.ndarray:
    """What `mean` averages: crossed within the run (0/1) for first(...), the values otherwise."""
    return (each <= steps).astype(np.float64) if outcome.kind == "first" else each.astype(np.float64)


def _interval(outcome: Outcome, each: np.ndarray) -> tuple[float, float]:
    """95% interval of the mean: mean +- 1.96 sd / sqrt(R) (for a share, sqrt(p (1 - p) / R)), within [0, 1]
    for shares."""
    n, mean = len(each), float(each.mean())
    if outcome.kind in ("prob", "first"):
        half = stats.Z95 * np.sqrt(mean * (1 - mean) / n)
        return max(0.0, mean - half), min(1.0, mean + half)
    half = stats.Z95 * float(each.std(ddof=1)) / np.sqrt(n) if n > 1 else float("nan")
    return mean - half, mean + half
