"""A calibration: the history scenarios, the rows each is fitted on, the prior ranges, and the block evaluator.

One fit across dyads: the parameters are shared by every scenario (history) given, and the distance of a parameter
vector is the mean over series (of every history) of each series' RMSE on the training window, from the mean of
`replications` runs of each history with those parameters. Every candidate runs the same replications (common
random numbers), so the distance is a pure function of the parameters: the journal answers known vectors, and a
resumed calibration ends exactly like an uninterrupted one.

Only training rows (years up to the split) that are not marked `verified = no` are read by the fit: the
held-out rows are scored afterwards and never enter the distance, the anchors or the fingerprint.

A history is fitted on the series between the actors its policies involve (all actors if it has none): a
US-Pakistan history on Pakistani and American opinion of each other, not on American opinion of China.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import pandas as pd
from pydantic import Field, ValidationError

from sim.fit import score
from sim.fit.series import check_actors, scored
from sim.scenario.messages import error_from_pydantic
from sim.scenario.schema import Parameters, Scenario, Strict
from sim.scenario.settings import with_parameters
from sim.util.errors import ConfigError, did_you_mean
from sim.util.tomlfile import read_toml

Finite = Annotated[float, Field(allow_inf_nan=False)]
PREFIX = "parameters."
# Parameters that change which moves the status quo makes: each value would need its own calibration probe
# (sim.core.calibration), so they are not fitted.
PROBED = ("reply_floor", "habituation", "negativity", "saturation")


class Param(Strict):
    """One model parameter to fit: its dotted path and its prior range (uniform)."""

    path: str
    low: Finite
    high: Finite


class FitFile(Strict):
    """A `--fit` file: the prior ranges (`[[param]]`) and, optionally, settings the command line may override."""

    description: str = ""
    particles: int | None = Field(None, ge=2, le=100_000)
    generations: int | None = Field(None, ge=1, le=100)
    quantile: float | None = Field(None, gt=0.0, lt=1.0)
    replications: int | None = Field(None, ge=1, le=100_000)
    predictive: int | None = Field(None, ge=2, le=1_000_000)
    seed: int | None = Field(None, ge=0, le=2**63 - 1)
    split: int | None = Field(None, ge=1000, le=9999)
    series: list[str] | None = None
    param: list[Param] = Field(min_length=1)


@dataclass(frozen=True)
class Range:
    """A prior range, and where it was given (for messages)."""

    path: str
    low: float
    high: float
    source: str
    key: str

    @property
    def name(self) -> str:
        return self.path.removeprefix(PREFIX)


@dataclass(frozen=True)
class Settings:
    """How the calibration runs: the ABC-SMC's size, the runs per candidate and for scoring, the split."""

    particles: int = 100
    generations: int = 5
    quantile: float = 0.5
    replications: int = 8  # runs per candidate (common random numbers): its distance uses their mean
    predictive: int = 200  # runs of the posterior (one draw each) that are scored
    seed: int = 0
    split: int = 2013
    series: tuple[str, ...] = ()  # the series fitted and scored; empty: every series in the file


SETTING_KEYS = tuple(f for f in Settings.__dataclass_fields__ if f != "series")


def parse_param(text: str) -> Range:
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
    return Range(path.strip(), lo, hi, "--param", path.strip())


def load_fit_file(path: str | Path) -> tuple[list[Range], dict[str, Any]]:
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
    ranges = [Range(p.path, p.low, p.high, str(path), f"param[{i}]") for i, p in enumerate(fit.param)]
    settings = fit.model_dump(include=set(SETTING_KEYS), exclude_none=True)
    if fit.series:
        settings["series"] = tuple(fit.series)
    return ranges, settings


@dataclass(frozen=True)
class Target:
    """A history and the scorable observations it is fitted and scored on (all windows; `outside` its run)."""

    scenario: Scenario
    observed: pd.DataFrame
    outside: pd.DataFrame

    def rows(self, window: str, split: int) -> pd.DataFrame:
        mine = self.observed["year"] <= split if window == "train" else self.observed["year"] > split
        return self.observed[mine].reset_index(drop=True)


@dataclass(frozen=True)
class Problem:
    """A checked calibration: the histories with their rows, the prior ranges, the settings."""

    targets: tuple[Target, ...]
    ranges: tuple[Range, ...]
    settings: Settings
    unverified: int  # rows of the series file kept but not scored (verified = no)

    @property
    def names(self) -> list[str]:
        return [r.name for r in self.ranges]

    @property
    def low(self) -> np.ndarray:
        return np.array([r.low for r in self.ranges])

    @property
    def high(self) -> np.ndarray:
        return np.array([r.high for r in self.ranges])

    @property
    def label(self) -> str:
        return "+".join(t.scenario.name for t in self.targets)

    def train(self, target: Target) -> pd.DataFrame:
        return target.rows("train", self.settings.split)

    def fingerprint(self) -> str:
        """A digest of everything the fit reads (training rows only), to guard --resume."""
        from sim.util.version import __version__

        columns = ["series", "observer", "target", "year", "month", "value"]
        text = json.dumps(
            [
                __version__,
                [t.scenario.model_dump() for t in self.targets],
                [self.train(t)[columns].astype(object).to_numpy().tolist() for t in self.targets],
                [(r.path, r.low, r.high) for r in self.ranges],
                asdict(self.settings),
            ],
            sort_keys=True,
            default=str,
        )
        return hashlib.sha256(text.encode()).hexdigest()


def acting(scenario: Scenario) -> set[str]:
    """The actors a history's policies involve (every actor when it has none)."""
    found = {p.actor for p in scenario.policies} | {p.target for p in scenario.policies}
    return found or set(scenario.actors)


def check_problem(
    scenarios: Sequence[Scenario],
    observed: pd.DataFrame,
    ranges: Sequence[Range],
    settings: Settings,
    series_file: str | Path,
    scenario_files: Sequence[str | Path | None] = (),
) -> Problem:
    """Check a calibration before anything runs; every problem is one ConfigError naming the file and key."""
    files = list(scenario_files) or [None] * len(scenarios)
    names = [s.name for s in scenarios]
    for i, name in enumerate(names):
        if name in names[:i]:
            raise ConfigError(f"scenario '{name}' is given twice", file=files[i], hint="give each history once")
    if not ranges:
        raise ConfigError("nothing to fit", hint="give --param parameters.alpha=LOW:HIGH, or --fit FILE")
    seen: set[str] = set()
    for r in ranges:
        _check_range(r, scenarios[0])
        if r.name in seen:
            raise ConfigError(f"'{r.path}' is given twice", file=r.source, key=r.key)
        seen.add(r.name)
    kept, unverified = scored(observed)
    every = list(dict.fromkeys(code for spec in scenarios for code in spec.actors))
    check_actors(kept, every, series_file, ", ".join(names))
    targets = []
    for spec, file in zip(scenarios, files, strict=True):
        if spec.start is None:
            raise ConfigError(
                f"scenario '{spec.name}' has no calendar, so it cannot be matched to survey years",
                file=file,
                key="start",
                hint='add start = "YYYY-MM" (and dates in its policies) to the scenario',
            )
        mine = acting(spec)
        rows = kept[kept["observer"].isin(mine) & kept["target"].isin(mine)]
        covered = score.in_run(score.calendar(spec), rows)
        targets.append(Target(spec, rows[covered].reset_index(drop=True), rows[~covered].reset_index(drop=True)))
    problem = Problem(tuple(targets), tuple(ranges), settings, len(unverified))
    if not any(len(problem.train(t)) for t in targets):
        raise ConfigError(
            f"no verified observation in the training window (years up to {settings.split}) falls in a run of "
            + ", ".join(names),
            file=series_file,
            hint="raise --split, or give observations of the dyads and years the scenarios cover",
        )
    return problem


def _check_range(r: Range, scenario: Scenario) -> None:
    """A range must be of a model parameter that no calibration probe depends on, with low < high, both allowed."""
    if not r.path.startswith(PREFIX) or r.name not in Parameters.model_fields:
        known = [PREFIX + name for name in Parameters.model_fields]
        raise ConfigError(
            f"'{r.path}' is not a model parameter (only parameters.NAME is fitted: a posterior applies to every "
            "scenario)",
            file=r.source,
            key=r.key,
            hint=did_you_mean(r.path, known) or "e.g. parameters.alpha",
        )
    if r.name in PROBED:
        raise ConfigError(
            f"'{r.path}' changes the status quo's moves, so every candidate would need its own calibration probe",
            file=r.source,
            key=r.key,
            hint="fit the parameters of the trust update: alpha, mu, beta, half_life, level_gain, level_range, sigma",
        )
    if not r.low < r.high:
        raise ConfigError(f"need low < high, got {r.low:g} and {r.high:g}", file=r.source, key=r.key)
    for value in (r.low, r.high):
        try:
            with_parameters(scenario, {r.name: value})
        except ConfigError as exc:
            raise ConfigError(
                f"{r.path} = {value:g} is not allowed: {exc.message}", file=r.source, key=r.key, hint=exc.hint
            ) from None


# ---------------------------------------------------------------------------------------------------------------
# Evaluation


def simulate_block(
    scenario: Scenario, names: Sequence[str], xs: np.ndarray, replications: int, steps: int | None = None
) -> list[Any]:
    """Trust of `replications` runs (indices 0..K-1, the same for every candidate) of `scenario` at each parameter
    vector of `xs` [M, D], over its first `steps` months (default: all): one DataArray [replication, step,
    observer, target] per candidate. The whole block is one batch (candidate k's parameters on its K
    replications, sim.core.prepare), and a candidate's replication r is the same numbers as run alone; a run stopped
    early is the same numbers as the first months of a whole one.

    The one place a calibration runs the engine.
    """
    from sim.core.batch import Batch
    from sim.core.prepare import calibrated
    from sim.runs.results import Results

    updates = [{n: float(v) for n, v in zip(names, x, strict=True)} for x in xs]
    spec = with_parameters(scenario, updates[0])  # the whole scenario validated once; then only the parameters,
    sets = [spec.parameters, *(_parameters(scenario, u) for u in updates[1:])]  # which is what differs
    world, anchors = calibrated(spec, sets)
    reps = np.tile(np.arange(replications), len(sets))
    batch = Batch(
        spec,
        reps,
        seed=scenario.seed,
        anchors=anchors,
        steps=scenario.steps if steps is None else steps,
        world=world,
        parameters=sets,
        rows=np.repeat(np.arange(len(sets)), replications),
    )
    batch.run()
    trust = Results.from_model(batch).trust.assign_coords(replication=np.arange(len(reps)))
    return [trust.isel(replication=slice(k * replications, (k + 1) * replications)) for k in range(len(sets))]


def _parameters(scenario: Scenario, update: dict[str, float]) -> Parameters:
    """The scenario's parameters with `update`, validated alone (a copy of a whole history costs ~10 ms); a value
    the schema refuses gets `with_parameters`' message."""
    try:
        return Parameters.model_validate({**scenario.parameters.model_dump(), **update})
    except ValidationError:
        return with_parameters(scenario, update).parameters  # raises the ConfigError


def last_step(scenario: Scenario, observed: pd.DataFrame) -> int:
    """The last month any of the observations reads (its step), so a run for them can stop there."""
    steps = score.matching_steps(score.calendar(scenario), observed)
    return int(max(int(idx.max()) for idx in steps if len(idx)))


def evaluate_block(problem: Problem, xs: np.ndarray) -> list[dict[str, Any]]:
    """For each vector of `xs` [M, D]: its distance (the mean over series of the training RMSE of the mean of its
    runs) and each series' training RMSE."""
    rmse: list[dict[str, float]] = [{} for _ in xs]
    for target in problem.targets:
        train = problem.train(target)
        if train.empty:
            continue
        steps = last_step(target.scenario, train)
        block = simulate_block(target.scenario, problem.names, xs, problem.settings.replications, steps)
        for k, trust in enumerate(block):
            simulated = score.draws(trust, train).mean(axis=1)
            for series, rows in train.groupby("series", sort=False).indices.items():
                rmse[k][f"{target.scenario.name}:{series}"] = score.rmse(train["value"].iloc[rows], simulated[rows])
    return [{"distance": float(np.mean(list(r.values()))), "rmse": r} for r in rmse]
