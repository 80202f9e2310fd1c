"""Score a run against observed series beside its baselines; calibrate histories into a fit folder that can resume.

A calibration keeps its journal in a resumable store next to its output folder (`.<name>.unfinished`, as sweeps
do: sim.outputs.resumable) until the output folder is complete; the output folder appears whole or not at all
(sim.outputs.folder). A ConfigError raised while it computes (a candidate the model refuses) removes the store:
what it holds could not be resumed either.

`score` and `calibrate` are the Python API (exported as `sim.score` and `sim.calibrate`): they check their
arguments like the command line does and raise ConfigError with the same messages.
"""

from __future__ import annotations

import numbers
import shutil
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.fit import blocks, report, score
from sim.fit.abc import Outcome, Population, abc_smc
from sim.fit.journal import NAME as JOURNAL
from sim.fit.journal import Journal
from sim.fit.problem import (
    SETTING_KEYS,
    Problem,
    Range,
    Settings,
    Target,
    check_problem,
    evaluate_block,
    load_fit_file,
)
from sim.fit.series import check_actors, load_series, scored, select_series
from sim.fit.split import train_end
from sim.outputs.folder import check_target, result_folder
from sim.outputs.resumable import Interrupted
from sim.outputs.write import TRAJECTORIES
from sim.runs import stats
from sim.runs.api import posterior_draws, simulate_sets
from sim.runs.posterior import FILE as POSTERIOR
from sim.runs.posterior import PREFIX, WEIGHT, Posterior
from sim.scenario.load import load_scenario, scenario_path
from sim.scenario.schema import Scenario
from sim.scenario.serialize import SCENARIO_FILE, write_scenario
from sim.scenario.settings import no_moves
from sim.sweep.execute import Executor, open_executor
from sim.util.arguments import as_whole
from sim.util.errors import ConfigError
from sim.util.interrupts import Terminated

DASK_HINT = "e.g. tcp://10.0.0.5:8786, as `dask scheduler` prints it"

# ---------------------------------------------------------------------------------------------------------------
# Scoring a run folder


@dataclass(frozen=True)
class Score:
    """A run scored against observed series: per-observation values, metrics, the verdict, what was not scored."""

    scenario: Scenario
    replications: int
    seed: int
    split: int
    fit: str | None
    points: pd.DataFrame
    metrics: pd.DataFrame
    outside: pd.DataFrame
    unverified: pd.DataFrame
    exact_bands: bool

    @property
    def verdict(self) -> str:
        return score.verdict(self.metrics)


def score_run(
    folder: str | Path,
    series_file: str | Path,
    split: int | None = None,
    reference: bool = True,
    series: Sequence[str] = (),
) -> Score:
    """Score a run folder (scenario.toml with trajectories.nc, or summary.csv) against a series file.

    Rows marked `verified = no` are not scored (returned as `unverified`), nor observations outside the run's
    months (`outside`). With `reference`, the scenario's no-moves run (same seed, replications, steps and, for a
    run made with a fit, the same parameter draws) is scored beside it; the training mean and persistence always
    are. `split` defaults to the frozen split (scenarios/fits/split.toml); `series` names the series to score.
    """
    split = train_end() if split is None else split
    folder, series_file = _file(folder, "folder"), _file(series_file, "series")
    spec = _dated_run(folder)
    observed, unverified = scored(select_series(load_series(series_file), series, series_file))
    if observed.empty:
        raise ConfigError("has no verified row to score", file=series_file, hint="rows marked verified = no are kept")
    check_actors(observed, spec.actors, series_file, spec.name)
    simulated = _simulated(folder, spec, observed, series_file)
    kept = simulated.kept
    bands = {"run": simulated.band}
    if reference:
        ref = no_moves(spec).model_copy(update={"seed": simulated.seed})
        drawn = posterior_draws(simulated.fit, simulated.seed, simulated.replications)
        trust = simulate_sets(ref, simulated.replications, drawn).trust
        bands["no_moves"] = score.band(score.draws(trust, kept), kept["value"])
    bands |= score.baselines(kept, split)
    points = score.points_table(kept, bands, split)
    metrics = score.metrics_table(points)
    count = len(simulated.replications)
    return Score(
        spec,
        count,
        simulated.seed,
        split,
        simulated.fit,
        points,
        metrics,
        simulated.outside,
        unverified,
        simulated.exact,
    )


def _dated_run(folder: Path) -> Scenario:
    """The scenario of a run folder (not a comparison's), which must have a calendar to be matched to surveys."""
    if not folder.is_dir():
        raise ConfigError("no such folder", file=folder, hint="give a folder written by `diplosim run`")
    if (folder / "comparison.csv").is_file():
        raise ConfigError(
            "is a comparison folder", file=folder, hint="score one of its scenarios: give the folder DIR/<scenario>"
        )
    if not (folder / SCENARIO_FILE).is_file():
        raise ConfigError("not a run folder (no scenario.toml)", file=folder, hint="give a folder written by run")
    spec = load_scenario(folder / SCENARIO_FILE)
    if spec.start is None:
        raise ConfigError(
            f"scenario '{spec.name}' has no calendar, so its months cannot be matched to survey years",
            file=folder / SCENARIO_FILE,
            key="start",
            hint='run a scenario with start = "YYYY-MM"',
        )
    return spec


@dataclass(frozen=True)
class _Simulated:
    """A run folder's simulated values at the observations it covers (exact from trajectories, or from the summary's
    quantiles), the observations outside its months, and the replications, seed and fit to rerun it with."""

    band: pd.DataFrame
    kept: pd.DataFrame
    outside: pd.DataFrame
    replications: np.ndarray
    seed: int
    fit: str | None
    exact: bool


def _simulated(folder: Path, spec: Scenario, observed: pd.DataFrame, series_file: str | Path) -> _Simulated:
    """What a run folder simulated, read through the checked readers (sim.outputs.read): a damaged folder is one
    ConfigError naming the file."""
    from sim.outputs.read import read_manifest, read_summary, read_trajectories

    trajectories, summary = folder / TRAJECTORIES, folder / "summary.csv"
    meta = read_manifest(folder, "run")
    fit = meta.get("fit") if isinstance(meta.get("fit"), str) else None
    if trajectories.is_file():
        results = read_trajectories(trajectories, meta)
        trust = _dated(results.trust, spec)
        kept, outside = _split_covered(observed, score.step_dates(trust), spec, series_file)
        band = score.band(score.draws(trust, kept), kept["value"])
        fit = results.dataset.attrs.get("fit", fit)
        return _Simulated(band, kept, outside, trust["replication"].values, results.seed, fit, True)
    if summary.is_file():
        dates = score.calendar(spec)
        kept, outside = _split_covered(observed, dates, spec, series_file)
        band = score.band_from_summary(read_summary(folder, meta), dates, kept)
        return _Simulated(band, kept, outside, np.arange(spec.replications), spec.seed, fit, False)
    raise ConfigError("has neither trajectories.nc nor summary.csv", file=folder, hint="give a run folder")


def _dated(trust: Any, spec: Scenario) -> Any:
    """Trust with its `date` coordinate (files written before runs carried one get it from the scenario)."""
    if "date" in trust.coords:
        return trust
    return trust.assign_coords(date=("step", score.calendar(spec)[: trust.sizes["step"]].values))


def _split_covered(
    observed: pd.DataFrame, dates: pd.DatetimeIndex, spec: Scenario, series_file: str | Path
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The observations the run covers, and the others; a ConfigError if it covers none."""
    covered = score.in_run(dates, observed)
    if not covered.any():
        first, last = dates.min().strftime("%Y-%m"), dates.max().strftime("%Y-%m")
        raise ConfigError(
            f"no observation falls in the run of '{spec.name}' ({first} to {last})",
            file=series_file,
            hint="give series from the years the run covers",
        )
    return observed[covered].reset_index(drop=True), observed[~covered].reset_index(drop=True)


# ---------------------------------------------------------------------------------------------------------------
# Scoring histories with a posterior


@dataclass(frozen=True)
class Scored:
    """Histories scored with posterior draws: per observation, per series and window, bands by month."""

    points: pd.DataFrame
    metrics: pd.DataFrame
    bands: pd.DataFrame

    @property
    def verdict(self) -> str:
        return score.verdict(self.metrics)


def score_histories(targets: Sequence[Target], posterior: Posterior, settings: Settings) -> Scored:
    """Run every history and its no-moves version with one posterior draw per replication (the same draws, the
    same random numbers) and score all its rows, training and held out, beside the baselines."""
    reps = np.arange(settings.predictive)
    drawn = posterior.draws(settings.seed, reps)
    points, metrics, bands = [], [], []
    for target in targets:
        spec = target.scenario
        trust = {name: simulate_sets(s, reps, drawn).trust for name, s in (("run", spec), ("no_moves", no_moves(spec)))}
        obs = target.observed
        runs = {name: score.band(score.draws(t, obs), obs["value"]) for name, t in trust.items()}
        mine = score.points_table(obs, runs | score.baselines(obs, settings.split), settings.split)
        points.append(mine.assign(history=spec.name))
        metrics.append(score.metrics_table(mine).assign(history=spec.name))
        dyads = list(dict.fromkeys(zip(obs["observer"], obs["target"], strict=True)))
        bands.append(report.bands_table(trust, dyads).assign(history=spec.name))
    first = ["history"]
    return Scored(*(_first(pd.concat(parts, ignore_index=True), first) for parts in (points, metrics, bands)))


def _first(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    return frame[columns + [c for c in frame.columns if c not in columns]]


# ---------------------------------------------------------------------------------------------------------------
# Calibration


@dataclass(frozen=True)
class Calibration:
    """A finished calibration: the problem, the ABC-SMC populations, the posterior's scores and the folder."""

    problem: Problem
    outcome: Outcome
    posterior: Posterior
    scored: Scored
    out: Path

    @property
    def metrics(self) -> pd.DataFrame:
        return self.scored.metrics


def find_unfinished(root: Path, problem: Problem) -> Path | None:
    """The newest unfinished calibration of this problem under `root` (for --resume without --out)."""
    return Journal.find_unfinished(root, problem.fingerprint())


def run_calibration(
    problem: Problem,
    out: str | Path,
    *,
    series_file: str | Path,
    resume: bool = False,
    force: bool = False,
    figures: bool = True,
    progress: bool = False,
    command: list[str] | str | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
) -> Calibration:
    """Fit, score, then write the fit folder; Interrupted (journal kept) on Ctrl-C or SIGTERM before it is done.

    The candidates run in this process (default, or `workers=1`), on `workers` local worker processes, or on the
    Dask cluster at `scheduler` (the sweep's executors; sim.fit.blocks): the result is the same on any of them.
    """
    if not isinstance(problem, Problem):
        raise ConfigError(f"must be a checked calibration (sim.fit.api.load_problem), got {problem!r}", key="problem")
    started = datetime.now(UTC)
    final = check_target(out, force)
    s = problem.settings
    info = {"scenarios": [t.scenario.name for t in problem.targets], "parameters": problem.names, "settings": asdict(s)}
    # Before the journal: bad --workers or a scheduler that cannot be reached leaves nothing behind.
    executor = open_executor(1 if workers is None else workers, scheduler, preload=("sim.fit.problem",))
    try:
        journal = Journal.start(final, problem.fingerprint(), info, resume=resume, force=force)
    except BaseException:
        executor.close()
        raise
    try:
        try:
            outcome = _sample(problem, journal, executor, progress)
        finally:
            executor.close()  # scoring runs here: the workers are done
        last = outcome.posterior
        posterior = Posterior(Path(final), tuple(problem.names), last.particles, last.weights)
        scored_ = score_histories(problem.targets, posterior, s)
        fields = _manifest_fields(problem, outcome, scored_, series_file, len(journal), executor.description)
        with result_folder(final, force=force, command=command, fields=fields, started=started) as writing:
            files = _write_result(writing.path, problem, outcome, scored_, journal, series_file)
            if figures:
                from sim.fit.figures import draw_fit

                names = {c: a.name for t in problem.targets for c, a in t.scenario.world.actors.items()}
                label = f"{len(last.particles)} posterior particles, {s.predictive} runs"
                files.append(
                    draw_fit(writing.path, scored_.points, scored_.bands, names=names, split=s.split, label=label)
                )
            writing.files += files
    except KeyboardInterrupt as exc:
        terminated = isinstance(exc, Terminated)
        raise Interrupted(journal.root, len(journal), unit="evaluations", terminated=terminated) from None
    except ConfigError:
        journal.remove()  # a candidate the model refuses: a resume would refuse it again
        raise
    journal.remove()
    return Calibration(problem, outcome, posterior, scored_, final)


def _sample(problem: Problem, journal: Journal, executor: Executor, progress: bool) -> Outcome:
    """ABC-SMC with the journal answering known candidates and the executor running the others."""
    s = problem.settings
    bar = _progress_bar(problem, len(journal), progress)
    try:
        return abc_smc(
            _distance(problem, journal, bar, executor),
            problem.low,
            problem.high,
            particles=s.particles,
            generations=s.generations,
            quantile=s.quantile,
            seed=s.seed,
        )
    finally:
        bar.close()


def _distance(problem: Problem, journal: Journal, bar: Any, executor: Executor) -> Any:
    """The ABC's distance: the journal answers known vectors, the rest run on the executor (sim.fit.blocks) and
    are journaled in candidate order."""

    def distance(xs: np.ndarray) -> np.ndarray:
        todo: dict[tuple[float, ...], np.ndarray] = {}
        for x in xs:
            if journal.get(x) is None:
                todo.setdefault(tuple(x), x)
        bar.update(len(xs) - len(todo))
        if todo:
            for piece, records in blocks.evaluate_pieces(
                executor, evaluate_block, problem, np.array(list(todo.values()))
            ):
                journal.extend(piece, records)
                bar.update(len(piece))
        return np.array([journal.get(x)["distance"] for x in xs])

    return distance


def populations_table(problem: Problem, outcome: Outcome) -> pd.DataFrame:
    """Every particle of every population: generation, epsilon, proposed, parameters, weight, distance."""
    parts = []
    for pop in outcome.populations:
        frame = pd.DataFrame(pop.particles, columns=[PREFIX + n for n in problem.names])
        frame.insert(0, "proposed", pop.proposed)
        frame.insert(0, "epsilon", pop.epsilon)
        frame.insert(0, "generation", pop.generation)
        parts.append(frame.assign(**{WEIGHT: pop.weights, "distance": pop.distances}))
    return pd.concat(parts, ignore_index=True)


def posterior_table(problem: Problem, population: Population) -> pd.DataFrame:
    """The posterior sample as `run --fit` reads it: parameters.NAME columns, weight, distance."""
    frame = pd.DataFrame(population.particles, columns=[PREFIX + n for n in problem.names])
    return frame.assign(**{WEIGHT: population.weights, "distance": population.distances})


def parameters_table(problem: Problem, population: Population) -> pd.DataFrame:
    """Per parameter: its prior range and the posterior's weighted mean, sd and 5/50/95% quantiles."""
    rows = []
    for j, r in enumerate(problem.ranges):
        x, w = population.particles[:, j], population.weights
        mean = float(w @ x)
        order = np.argsort(x, kind="stable")
        cumulative = np.cumsum(w[order])
        q = {k: float(x[order][min(np.searchsorted(cumulative, p), len(x) - 1)]) for k, p in stats.QUANTILES.items()}
        rows.append(
            {
                "parameter": r.path,
                "prior_low": r.low,
                "prior_high": r.high,
                "mean": mean,
                "sd": float(np.sqrt(w @ (x - mean) ** 2)),
                **{k: q[k] for k in ("p05", "p50", "p95")},
            }
        )
    return pd.DataFrame(rows)


def _write_result(
    folder: Path,
    problem: Problem,
    outcome: Outcome,
    scored_: Scored,
    journal: Journal,
    series_file: str | Path,
) -> list[Path]:
    """Write the posterior, the populations, the scores, the histories, the series and the journal."""
    histories = folder / "histories"
    histories.mkdir()
    return [
        _exact_csv(folder / POSTERIOR, posterior_table(problem, outcome.posterior)),
        _exact_csv(folder / "populations.csv", populations_table(problem, outcome)),
        _csv(folder / "parameters.csv", parameters_table(problem, outcome.posterior)),
        _csv(folder / "metrics.csv", scored_.metrics),
        _csv(folder / "points.csv", scored_.points),
        _csv(folder / "bands.csv", scored_.bands),
        *(write_scenario(histories, t.scenario, f"{t.scenario.name}.toml") for t in problem.targets),
        Path(shutil.copyfile(series_file, folder / "series.csv")),
        Path(shutil.copyfile(journal.path, folder / JOURNAL)),
    ]


def _manifest_fields(
    problem: Problem, outcome: Outcome, scored_: Scored, series_file: str | Path, evaluated: int, executor: str
) -> dict[str, Any]:
    s, last = problem.settings, outcome.posterior
    metrics = scored_.metrics
    return {
        "kind": "calibration",
        "scenarios": [t.scenario.name for t in problem.targets],
        "series": str(series_file),
        "settings": asdict(s),
        "method": "ABC-SMC (population Monte Carlo, adaptive tolerance; sim.fit.abc), uniform priors",
        "parameters": [{"path": r.path, "low": r.low, "high": r.high} for r in problem.ranges],
        "generations": [
            {"generation": p.generation, "epsilon": p.epsilon, "proposed": p.proposed, "ess": p.ess}
            for p in outcome.populations
        ],
        "stopped": outcome.stopped,
        "proposed": sum(p.proposed for p in outcome.populations),
        "evaluations": evaluated,  # candidates simulated (a block may run past the last one a population needs)
        "executor": executor,
        "posterior_ess": last.ess,
        "verdict": scored_.verdict,
        "coverage90_test": _mean(metrics, "run", "test", "coverage90"),
        "unverified_rows_not_scored": problem.unverified,
        "observations_outside_runs": int(sum(len(t.outside) for t in problem.targets)),
        "fingerprint": problem.fingerprint(),
    }


def _mean(metrics: pd.DataFrame, run: str, window: str, column: str) -> float | None:
    values = metrics[(metrics["run"] == run) & (metrics["window"] == window)][column].dropna()
    return float(values.mean()) if len(values) else None


def _csv(path: Path, table: pd.DataFrame) -> Path:
    return stats.write_csv(table, path)


def _exact_csv(path: Path, table: pd.DataFrame) -> Path:
    """A table whose numbers read back bit for bit (shortest round-trip repr): the posterior a run draws from."""
    path.write_bytes(table.to_csv(index=False, lineterminator="\n").encode())
    return path


def _progress_bar(problem: Problem, known: int, progress: bool) -> Any:
    """A bar over evaluated candidates, shown only to people watching."""
    from sim.util.progress import bar

    desc = f"calibrate {problem.label}" + (f" ({known} in the journal)" if known else "")
    return bar(total=None, unit="candidate", desc=desc, disable=None if progress else True)


def load_problem(
    scenarios: Sequence[str | Path | Scenario],
    series_file: str | Path,
    ranges: list[Range],
    settings: Mapping[str, Any],
) -> Problem:
    """Load the scenarios and series and check the calibration (settings default to those of `Settings`, the
    split to the frozen one). Every history runs on the calibration's seed."""
    scenarios, series_file = _paths(scenarios, "scenarios"), _file(series_file, "series")
    if not isinstance(ranges, list) or not all(isinstance(r, Range) for r in ranges):
        raise ConfigError(f"must be a list of ranges (sim.fit.problem.Range), got {ranges!r}", key="ranges")
    given = dict(settings)
    given.setdefault("split", train_end())
    unknown = [k for k in given if k not in (*SETTING_KEYS, "series")]
    if unknown:
        hint = "settings: " + ", ".join(SETTING_KEYS)
        raise ConfigError(f"unknown setting '{unknown[0]}'", key=unknown[0], hint=hint)
    s = Settings(**given)
    specs = [
        (sc if isinstance(sc, Scenario) else load_scenario(sc)).model_copy(update={"seed": s.seed}) for sc in scenarios
    ]
    files = [None if isinstance(sc, Scenario) else scenario_path(sc) for sc in scenarios]
    observed = select_series(load_series(series_file), s.series, series_file)
    return check_problem(specs, observed, ranges, s, series_file, files)


# ---------------------------------------------------------------------------------------------------------------
# The Python API: checked like the command line


def _whole(value: Any, key: str, low: int = 1) -> int:
    try:
        number = as_whole(value)
    except ValueError as exc:
        raise ConfigError(str(exc), key=key) from None
    if number < low:
        raise ConfigError(f"must be at least {low}, got {number}", key=key)
    return number


def _paths(value: Any, key: str) -> list[str | Path | Scenario]:
    if isinstance(value, str | Path | Scenario):
        return [value]
    if not isinstance(value, Sequence) or not value or not all(isinstance(v, str | Path | Scenario) for v in value):
        raise ConfigError(f"must be a scenario or a list of scenarios, got {value!r}", key=key)
    return list(value)


def _file(value: Any, key: str) -> Path:
    if not isinstance(value, str | Path):
        raise ConfigError(f"must be a path, got {value!r}", key=key)
    return Path(value)


def _names(value: Any, key: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, Sequence) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"must be a series name or a list of them, got {value!r}", key=key)
    return tuple(value)


def score_api(
    folder: str | Path,
    series: str | Path,
    *,
    split: int | None = None,
    reference: bool = True,
    series_names: Sequence[str] | str | None = None,
) -> Score:
    """Score a run folder against a series file (`diplosim score`): see `score_run`."""
    if not isinstance(reference, bool):
        raise ConfigError(f"must be True or False, got {reference!r}", key="reference")
    year = None if split is None else _whole(split, "split", 1000)
    if year is not None and year > 9999:
        raise ConfigError(f"must be a year, got {year}", key="split")
    return score_run(_file(folder, "folder"), _file(series, "series"), year, reference, _names(series_names, "series"))


def calibrate_api(
    scenarios: Any,
    series: str | Path,
    *,
    params: Mapping[str, tuple[float, float]] | None = None,
    fit_file: str | Path | None = None,
    out: str | Path,
    resume: bool = False,
    force: bool = False,
    figures: bool = True,
    series_names: Sequence[str] | str | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    **settings: Any,
) -> Calibration:
    """Calibrate histories against a series file (`diplosim calibrate`) into the fit folder `out`.

    `params` maps model parameters to prior ranges, e.g. {"alpha": (0.02, 0.6)}, or `fit_file` gives them;
    `settings` are particles, generations, quantile, replications, predictive, seed and split. The candidates run
    in this process (default), on `workers` local processes, or on the Dask cluster at `scheduler` (an address
    such as "tcp://host:8786"), with the same result on each.
    """
    if (params is None) == (fit_file is None):
        raise ConfigError("give the prior ranges as params={...} or fit_file=..., one of them", key="params")
    if fit_file is not None:
        ranges, given = load_fit_file(_file(fit_file, "fit_file"))
    else:
        if not isinstance(params, Mapping) or not params:
            raise ConfigError(f"must map parameter names to (low, high), got {params!r}", key="params")
        ranges, given = [], {}
        for name, bounds in params.items():
            ok = isinstance(bounds, Sequence) and len(bounds) == 2
            if not (isinstance(name, str) and ok and all(isinstance(b, numbers.Real) for b in bounds)):
                raise ConfigError(f"'{name}': give (low, high) numbers, got {bounds!r}", key="params")
            path = name if name.startswith(PREFIX) else PREFIX + name
            ranges.append(Range(path, float(bounds[0]), float(bounds[1]), "params", f"params.{name}"))
    for key, value in settings.items():
        if key not in SETTING_KEYS:
            raise ConfigError(f"unknown setting '{key}'", key=key, hint="settings: " + ", ".join(SETTING_KEYS))
        if key == "quantile":
            if not isinstance(value, numbers.Real) or isinstance(value, bool) or not 0 < value < 1:
                raise ConfigError(f"must be a number between 0 and 1, got {value!r}", key=key)
            given[key] = float(value)
        else:
            given[key] = _whole(value, key, {"split": 1000, "seed": 0, "particles": 2, "predictive": 2}.get(key, 1))
    if series_names is not None:
        given["series"] = _names(series_names, "series_names")
    for flag, value in (("resume", resume), ("force", force), ("figures", figures)):
        if not isinstance(value, bool):
            raise ConfigError(f"must be True or False, got {value!r}", key=flag)
    where = _where(workers, scheduler)
    series_path = _file(series, "series")
    problem = load_problem(_paths(scenarios, "scenarios"), series_path, ranges, given)
    return run_calibration(
        problem, _file(out, "out"), series_file=series_path, resume=resume, force=force, figures=figures, **where
    )


def _where(workers: Any, scheduler: Any) -> dict[str, Any]:
    """`workers` and `scheduler` checked like the command line's --workers and --scheduler (one of them)."""
    if workers is not None and scheduler is not None:
        raise ConfigError("give workers or scheduler, not both", key="scheduler")
    if scheduler is not None and (not isinstance(scheduler, str) or not scheduler.strip()):
        raise ConfigError(f"must be a Dask scheduler's address, got {scheduler!r}", key="scheduler", hint=DASK_HINT)
    return {"workers": None if workers is None else _whole(workers, "workers"), "scheduler": scheduler}
