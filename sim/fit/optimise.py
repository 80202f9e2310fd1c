"""Calibration: the ranges to fit, the objective on the train window, and the seeded global search.

The objective of a parameter vector is the mean over series of each series' RMSE on the train window (years up
to the split), from one run of the scenario with those values. Every candidate runs on the same seed and
replications (common random numbers), so the objective is a deterministic function of the vector and
differences between candidates are not sampling noise.

The search is scipy.optimize.differential_evolution: it is in the core dependencies already, needs no
derivatives (the objective is a simulation, not smooth in general), searches the whole box rather than one
basin, respects bounds, and is deterministic under a seed. It runs vectorized (deferred updating): a whole
generation is evaluated at once, as one batched run of the engine (sim.points) on every core. Polishing
(a local gradient method at the end) is off: with finite differences on a simulation it mostly spends
evaluations. The scenario's own values join the first population when they lie inside the ranges, so the fit
is never worse on the train window than the scenario as given.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import pandas as pd
from pydantic import Field, ValidationError

from sim.fit import score
from sim.fit.journal import Journal
from sim.runs.api import simulate
from sim.runs.points import Points, groups
from sim.runs.results import Results
from sim.scenario.load import validate_raw
from sim.scenario.messages import error_from_pydantic
from sim.scenario.schema import Scenario, Strict
from sim.sweep.paths import Address, assign, prepare, resolve
from sim.util.errors import ConfigError
from sim.util.tomlfile import read_toml

Finite = Annotated[float, Field(allow_inf_nan=False)]
RESERVED = ("seed", "replications", "steps")  # run settings, given as options, not fitted


class Param(Strict):
    """One number to fit: its dotted path and the range searched."""

    path: str
    low: Finite
    high: Finite


class FitFile(Strict):
    """A `--fit` file: the ranges (`[[param]]`) and, optionally, settings the command line may override."""

    description: str = ""
    replications: int | None = Field(None, ge=1, le=1_000_000)
    seed: int | None = Field(None, ge=0, le=2**63 - 1)
    maxiter: int | None = Field(None, ge=1, le=100_000)
    popsize: int | None = Field(None, ge=1, le=10_000)
    split: int | None = Field(None, ge=1000, le=9999)
    series: list[str] | None = None
    param: list[Param] = Field(min_length=1)


@dataclass(frozen=True)
class FitRange:
    """A range to fit, and where it was given (for messages)."""

    path: str
    low: float
    high: float
    source: str
    key: str


@dataclass(frozen=True)
class FitSettings:
    """How the calibration runs: replications and seed of every candidate, the search's budget, the split."""

    replications: int = 100
    seed: int = 0
    maxiter: int = 30
    popsize: int = 10
    split: int = score.DEFAULT_SPLIT
    series: tuple[str, ...] = ()  # the series fitted and scored; empty: every series in the file


def parse_param(text: str) -> FitRange:
    """`PATH=LOW:HIGH` from the command line (e.g. parameters.alpha=0.05:1)."""
    path, eq, bounds = text.rpartition("=")
    low, colon, high = bounds.partition(":")
    try:
        if not (eq and colon and path):
            raise ValueError
        lo, hi = float(low), float(high)
        if not (np.isfinite(lo) and np.isfinite(hi)):
            raise ValueError
    except ValueError:
        raise ConfigError(
            f"'{text}' is not PATH=LOW:HIGH", file="--param", hint="e.g. --param parameters.alpha=0.05:1"
        ) from None
    return FitRange(path.strip(), lo, hi, "--param", path.strip())


def load_fit_file(path: str | Path) -> tuple[list[FitRange], dict[str, Any]]:
    """The ranges of a `--fit` file, and the settings it gives (only those it sets)."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError("no such fit file", file=path, hint="a TOML file with [[param]] tables: path, low, high")
    try:
        fit = FitFile.model_validate(read_toml(path))
    except ValidationError as exc:
        raise error_from_pydantic(
            exc, lambda loc: path, root=FitFile, missing_hint='add [[param]] with path = "parameters.alpha", low, high'
        ) from None
    ranges = [FitRange(p.path, p.low, p.high, str(path), f"param[{i}]") for i, p in enumerate(fit.param)]
    settings = fit.model_dump(include={"replications", "seed", "maxiter", "popsize", "split"}, exclude_none=True)
    if fit.series:
        settings["series"] = tuple(fit.series)
    return ranges, settings


@dataclass(frozen=True)
class Problem:
    """A checked calibration: the scenario, the observations the run covers, what to fit and how."""

    scenario: Scenario
    observed: pd.DataFrame
    outside: pd.DataFrame
    ranges: tuple[FitRange, ...]
    addresses: tuple[Address, ...]
    base: dict[str, Any]
    settings: FitSettings

    @property
    def paths(self) -> list[str]:
        return [r.path for r in self.ranges]

    @property
    def bounds(self) -> list[tuple[float, float]]:
        return [(r.low, r.high) for r in self.ranges]

    @property
    def initial(self) -> np.ndarray:
        """The scenario's own values of the fitted numbers."""
        out = []
        for a in self.addresses:
            node: Any = self.base
            for part in a.loc:
                node = node[part]
            out.append(float(node))
        return np.array(out)

    @property
    def train(self) -> pd.DataFrame:
        return self.observed[self.observed["year"] <= self.settings.split].reset_index(drop=True)

    def scenario_at(self, x: Sequence[float]) -> Scenario:
        """The scenario with the fitted numbers set to `x`."""
        label = f"<{self.scenario.name} with " + ", ".join(f"{p}={v:g}" for p, v in zip(self.paths, x, strict=True))
        return validate_raw(assign(self.base, self.addresses, x), file=label + ">")

    def run(self, scenario: Scenario) -> Results:
        """One run on the calibration's seed and replications (common random numbers); both were checked with the
        problem, and the scenario when it was built, so nothing is checked again."""
        s = self.settings
        return simulate(scenario.model_copy(update={"seed": s.seed}), np.arange(s.replications))

    def fingerprint(self) -> str:
        """A digest of everything that decides the result, to guard --resume."""
        from sim.util.version import __version__

        obs = self.observed[["series", "observer", "target", "year", "month", "value"]].astype(object)
        text = json.dumps(
            [
                __version__,
                self.base,
                [(r.path, r.low, r.high) for r in self.ranges],
                obs.where(obs.notna(), None).to_numpy().tolist(),
                asdict(self.settings),
            ],
            sort_keys=True,
            default=str,
        )
        return hashlib.sha256(text.encode()).hexdigest()


def check_problem(
    scenario: Scenario,
    observed: pd.DataFrame,
    ranges: Sequence[FitRange],
    settings: FitSettings,
    series_file: str | Path,
    scenario_file: str | Path | None = None,
) -> Problem:
    """Check a calibration before anything runs; every problem is one ConfigError (naming `scenario_file`)."""
    from sim.fit.series import check_actors

    if scenario.start is None:
        raise ConfigError(
            f"scenario '{scenario.name}' has no calendar, so it cannot be matched to survey years",
            file=scenario_file,
            key="start",
            hint='add start = "YYYY-MM" (and dates in its policies) to the scenario',
        )
    check_actors(observed, scenario.actors, series_file, scenario.name)
    raw = scenario.model_dump()
    for r in ranges:
        if r.path in RESERVED:
            hint = "set it with its option (--replications, --seed) or in the scenario"
            raise ConfigError(f"'{r.path}' is a run setting, not fitted", file=r.source, key=r.key, hint=hint)
    addresses = resolve(raw, [r.path for r in ranges], file=ranges[0].source, keys=[r.key for r in ranges])
    base = prepare(raw, addresses)
    for r, a in zip(ranges, addresses, strict=True):
        if not r.low < r.high:
            raise ConfigError(f"need low < high, got {r.low:g} and {r.high:g}", file=r.source, key=r.key)
        for value in (r.low, r.high):
            try:
                validate_raw(assign(base, [a], [value]), file=r.source)
            except ConfigError as exc:
                raise ConfigError(
                    f"{r.path} = {value:g} is not allowed: {exc.message}", file=r.source, key=r.key, hint=exc.hint
                ) from None
    covered = score.in_run(score.calendar(scenario), observed)
    kept, outside = observed[covered].reset_index(drop=True), observed[~covered].reset_index(drop=True)
    if not (kept["year"] <= settings.split).any():
        raise ConfigError(
            f"no observation in the train window (years up to {settings.split}) falls in the run "
            f"({scenario.dates()[0]} to {scenario.dates()[-1]})",
            file=series_file,
            hint="raise --split, or give observations from the years the scenario covers",
        )
    return Problem(scenario, kept, outside, tuple(ranges), tuple(addresses), base, settings)


def evaluate_many(problem: Problem, xs: Sequence[Sequence[float]]) -> Iterator[tuple[int, dict[str, Any]]]:
    """The objective (mean train RMSE over series) and each series' train RMSE at every vector of `xs`, as (index,
    result) pairs as they are ready: candidates that differ only in model parameters run as one batched engine
    (sim.runs.points) on the calibration's seed and replications, with the numbers each would get alone."""
    s = problem.settings
    scenarios = [problem.scenario_at(x) for x in xs]
    for group in groups(scenarios):
        batch = Points([scenarios[i] for i in group], np.arange(s.replications), s.seed, record=True)
        batch.model.run()
        for k, i in enumerate(group):
            yield i, _score(problem, batch.results(k))


def _score(problem: Problem, results: Results) -> dict[str, Any]:
    """The objective and each series' train RMSE of one candidate's run."""
    train = problem.train
    simulated = {"candidate": score.band(score.draws(results.trust, train))}
    points = score.points_table(train, simulated, problem.settings.split)
    metrics = score.metrics_table(points)
    return {
        "objective": score.mean_rmse(metrics, "candidate"),
        "rmse": dict(zip(metrics["series"], metrics["rmse"], strict=True)),
    }


@dataclass(frozen=True)
class Fit:
    """The search's outcome: the best vector, its objective, and how the search went."""

    x: np.ndarray
    objective: float
    evaluations: int
    computed: int
    generations: int
    converged: bool
    message: str


def optimise(problem: Problem, journal: Journal, on_evaluation: Callable[[bool], None] | None = None) -> Fit:
    """Minimise the objective over the ranges by seeded differential evolution, the journal answering known points.

    `on_evaluation(computed)` is called after each evaluation (computed: it ran, rather than came from the
    journal), for progress display.
    """
    from scipy.optimize import differential_evolution

    s = problem.settings
    counts = {"computed": 0, "all": 0}

    def objective(population: np.ndarray) -> np.ndarray:  # [parameters, candidates] -> [candidates]
        xs = [np.asarray(x) for x in np.atleast_2d(population.T)]
        missing: dict[tuple[float, ...], int] = {}  # each vector not in the journal, once
        for i, x in enumerate(xs):
            if journal.get(x) is None:
                missing.setdefault(tuple(x), i)
        todo = list(missing.values())
        for k, record in evaluate_many(problem, [xs[i] for i in todo]):
            journal.append(xs[todo[k]], record)
        values = []
        for i, x in enumerate(xs):
            computed = i in todo
            counts["computed"] += computed
            counts["all"] += 1
            if on_evaluation is not None:
                on_evaluation(computed)
            values.append(float(journal.get(x)["objective"]))
        return np.array(values)

    lows, highs = np.array(problem.bounds).T
    start = problem.initial
    inside = bool(np.all((start >= lows) & (start <= highs)))
    result = differential_evolution(
        objective,
        problem.bounds,
        rng=np.random.default_rng(s.seed),
        maxiter=s.maxiter,
        popsize=s.popsize,
        polish=False,
        init="latinhypercube",
        updating="deferred",
        vectorized=True,
        x0=start if inside else None,
        integrality=[a.integer for a in problem.addresses],
    )
    return Fit(
        x=np.asarray(result.x, dtype=float),
        objective=float(result.fun),
        evaluations=counts["all"],
        computed=counts["computed"],
        generations=int(result.nit),
        converged=bool(result.success),
        message=str(result.message),
    )


def population(problem: Problem) -> int:
    """Candidates per generation of the search (scipy's rule: popsize times the number of parameters, >= 5)."""
    return max(5, problem.settings.popsize * len(problem.ranges))
