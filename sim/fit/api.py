"""Score a run folder against observed series; run a calibration into a result folder that can resume.

A calibration keeps its journal in a resumable store next to its output folder (`.<name>.unfinished`, as sweeps
do: sim.outputs.resumable) until the output folder is complete; the output folder appears whole or not at all
(sim.outputs.folder).
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.fit import report, score
from sim.fit.journal import NAME as JOURNAL
from sim.fit.journal import Journal
from sim.fit.optimise import Fit, FitSettings, Problem, check_problem, optimise, population
from sim.fit.series import check_actors, load_series, select_series
from sim.outputs.folder import check_target, result_folder
from sim.outputs.resumable import Interrupted
from sim.outputs.write import TRAJECTORIES
from sim.runs import stats
from sim.runs.api import run
from sim.scenario.load import load_scenario, scenario_path
from sim.scenario.schema import Scenario
from sim.scenario.serialize import SCENARIO_FILE, write_scenario
from sim.scenario.settings import no_moves
from sim.util.errors import ConfigError
from sim.util.interrupts import Terminated

RUNS = ("fitted", "initial", "no_moves")


# ---------------------------------------------------------------------------------------------------------------
# Scoring a run folder


@dataclass(frozen=True)
class Score:
    """A run scored against observed series: per-observation values, metrics, and what could not be scored."""

    scenario: Scenario
    replications: int
    seed: int
    points: pd.DataFrame
    metrics: pd.DataFrame
    outside: pd.DataFrame
    exact_bands: bool


def score_run(
    folder: str | Path,
    series_file: str | Path,
    split: int = score.DEFAULT_SPLIT,
    reference: bool = True,
    series: Sequence[str] = (),
) -> Score:
    """Score a run folder (scenario.toml with trajectories.nc, or summary.csv) against a series file.

    With `reference`, the scenario's no-moves run (same seed, replications and steps: common random numbers)
    is scored beside it. Observations outside the run's months are not scored (returned as `outside`). `series`
    names the series to score (default: all in the file).
    """
    folder = Path(folder)
    spec = _dated_run(folder)
    observed = select_series(load_series(series_file), series, series_file)
    check_actors(observed, spec.actors, series_file, spec.name)
    simulated = _simulated(folder, spec, observed, series_file)
    bands = {"run": simulated.band}
    if reference:
        ref = run(no_moves(spec), replications=simulated.replications, steps=spec.steps, seed=simulated.seed)
        bands["no_moves"] = score.band(score.draws(ref.trust, simulated.kept))
    points = score.points_table(simulated.kept, bands, split)
    replications = simulated.replications
    count = len(replications) if isinstance(replications, np.ndarray) else int(replications)
    return Score(spec, count, simulated.seed, points, score.metrics_table(points), simulated.outside, simulated.exact)


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
    quantiles), the observations outside its months, and the replications and seed to rerun it with."""

    band: pd.DataFrame
    kept: pd.DataFrame
    outside: pd.DataFrame
    replications: Any
    seed: int
    exact: bool


def _simulated(folder: Path, spec: Scenario, observed: pd.DataFrame, series_file: str | Path) -> _Simulated:
    trajectories, summary = folder / TRAJECTORIES, folder / "summary.csv"
    if trajectories.is_file():
        from sim.runs.results import Results

        results = Results.load(trajectories)
        trust = _dated(results.trust, spec)
        kept, outside = _split_covered(observed, score.step_dates(trust), spec, series_file)
        band = score.band(score.draws(trust, kept))
        return _Simulated(band, kept, outside, trust["replication"].values, results.seed, True)
    if summary.is_file():
        dates = score.calendar(spec)
        kept, outside = _split_covered(observed, dates, spec, series_file)
        band = score.band_from_summary(pd.read_csv(summary), dates, kept)
        return _Simulated(band, kept, outside, spec.replications, spec.seed, False)
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
# Calibration


@dataclass(frozen=True)
class Calibration:
    """A finished calibration: the search's outcome, the scored runs and the folder written."""

    problem: Problem
    fit: Fit
    values: dict[str, float | int]
    points: pd.DataFrame
    metrics: pd.DataFrame
    out: Path


def find_unfinished(root: Path, problem: Problem) -> Path | None:
    """The newest unfinished calibration of this problem under `root` (for --resume without --out)."""
    return Journal.find_unfinished(root, problem.fingerprint())


def calibrate(
    problem: Problem,
    out: str | Path,
    *,
    series_file: str | Path,
    resume: bool = False,
    force: bool = False,
    figures: bool = True,
    progress: bool = False,
    command: list[str] | str | None = None,
) -> Calibration:
    """Fit, then write the result folder; Interrupted (journal kept) on Ctrl-C or SIGTERM before it is complete."""
    started = datetime.now(UTC)
    final = check_target(out, force)
    info = {"scenario": problem.scenario.name, "parameters": problem.paths, "settings": asdict(problem.settings)}
    journal = Journal.start(final, problem.fingerprint(), info, resume=resume, force=force)
    try:
        bar = _progress_bar(problem, len(journal), progress)
        try:
            fit = optimise(problem, journal, lambda computed: bar.update(1))
        finally:
            bar.close()
        values = report.fitted_values(problem.paths, fit.x, [a.integer for a in problem.addresses])
        points, metrics, bands = _final_runs(problem, fit)
        objective = {name: score.mean_rmse(metrics, name) for name in RUNS}
        test = {name: score.mean_rmse(metrics, name, "test") for name in RUNS}
        fields = _manifest_fields(problem, fit, values, objective, test, series_file)
        with result_folder(final, force=force, command=command, fields=fields, started=started) as writing:
            files = _write_result(writing.path, problem, fit, values, (points, metrics, bands), journal, series_file)
            if figures:
                from sim.fit.figures import draw_fit

                names = {code: a.name for code, a in problem.scenario.world.actors.items()}
                s = problem.settings
                common = {"split": s.split, "scenario": problem.scenario.name, "replications": s.replications}
                files.append(draw_fit(writing.path, points, bands, names=names, **common))
            writing.files += files
    except KeyboardInterrupt as exc:
        terminated = isinstance(exc, Terminated)
        raise Interrupted(journal.root, len(journal), unit="evaluations", terminated=terminated) from None
    journal.remove()
    return Calibration(problem, fit, values, points, metrics, final)


def _write_result(
    folder: Path,
    problem: Problem,
    fit: Fit,
    values: dict[str, float | int],
    scored: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame],
    journal: Journal,
    series_file: str | Path,
) -> list[Path]:
    """Write the fitted values, the scores, the fitted scenario, the series and the journal into `folder`."""
    points, metrics, bands = scored
    objective = {name: score.mean_rmse(metrics, name) for name in RUNS}
    s = problem.settings
    header = [
        f"Fitted by diplosim calibrate: scenario '{problem.scenario.name}', series {Path(series_file).name},",
        f"train years up to {s.split}, {s.replications} replications, seed {s.seed}.",
        "Mean train RMSE over series: " + ", ".join(f"{report.RUN_LABELS.get(r, r)} {objective[r]:.4f}" for r in RUNS),
    ]
    return [
        _write(folder / "fitted.toml", report.fitted_toml(values, header)),
        _csv(folder / "metrics.csv", metrics),
        _csv(folder / "points.csv", points),
        _csv(folder / "bands.csv", bands),
        write_scenario(folder, problem.scenario_at(fit.x)),
        Path(shutil.copyfile(series_file, folder / "series.csv")),
        Path(shutil.copyfile(journal.path, folder / JOURNAL)),
    ]


def _final_runs(problem: Problem, fit: Fit) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The fitted scenario, the scenario as given and the fitted scenario's no-moves run, scored and banded."""
    fitted = problem.scenario_at(fit.x)
    specs = {"fitted": fitted, "initial": problem.scenario, "no_moves": no_moves(fitted)}
    trust = {name: problem.run(spec).trust for name, spec in specs.items()}
    observed = problem.observed
    points = score.points_table(
        observed, {name: score.band(score.draws(t, observed)) for name, t in trust.items()}, problem.settings.split
    )
    dyads = list(dict.fromkeys(zip(observed["observer"], observed["target"], strict=True)))
    return points, score.metrics_table(points), report.bands_table(trust, dyads)


def _manifest_fields(
    problem: Problem,
    fit: Fit,
    values: dict[str, float | int],
    objective: dict[str, float],
    test: dict[str, float],
    series_file: str | Path,
) -> dict[str, Any]:
    s = problem.settings
    return {
        "scenario": problem.scenario.name,
        "series": str(series_file),
        "start": problem.scenario.start,
        "steps": problem.scenario.steps,
        "seed": s.seed,
        "replications": s.replications,
        "split": s.split,
        "maxiter": s.maxiter,
        "popsize": s.popsize,
        "optimiser": "scipy.optimize.differential_evolution (best1bin, latinhypercube, polish=False)",
        "parameters": [
            {"path": r.path, "low": r.low, "high": r.high, "initial": float(v0), "fitted": values[r.path]}
            for r, v0 in zip(problem.ranges, problem.initial, strict=True)
        ],
        "evaluations": fit.evaluations,
        "computed": fit.computed,
        "generations": fit.generations,
        "converged": fit.converged,
        "message": fit.message,
        "train_mean_rmse": objective,
        "test_mean_rmse": test,
        "observations_outside_run": len(problem.outside),
        "fingerprint": problem.fingerprint(),
    }


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _csv(path: Path, table: pd.DataFrame) -> Path:
    return stats.write_csv(table, path)


def _progress_bar(problem: Problem, known: int, progress: bool) -> Any:
    """A bar over evaluations (up to the most the search can make), shown only to people watching."""
    from sim.util.progress import bar

    total = (problem.settings.maxiter + 1) * population(problem)
    desc = f"calibrate {problem.scenario.name}" + (f" ({known} in the journal)" if known else "")
    return bar(total=total, unit="eval", desc=desc, disable=None if progress else True)


def load_problem(
    scenario: str | Path | Scenario,
    series_file: str | Path,
    ranges: list[Any],
    settings: dict[str, Any],
) -> Problem:
    """Load the scenario and series and check the calibration (settings default to those of `FitSettings`, the
    seed to the scenario's)."""
    spec = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    where = None if isinstance(scenario, Scenario) else scenario_path(scenario)
    observed = select_series(load_series(series_file), settings.get("series", ()), series_file)
    return check_problem(spec, observed, ranges, FitSettings(**{"seed": spec.seed, **settings}), series_file, where)
