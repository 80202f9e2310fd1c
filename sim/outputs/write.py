"""What a run or a comparison writes into its result folder besides the figures: tables, scenario files, and
the jobs that write the trajectories (run beside the figures by sim.outputs.folder.result_folder)."""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from pathlib import Path

from sim.outputs.folder import Job
from sim.runs import stats, tables
from sim.runs.comparison import Comparison
from sim.runs.results import Results
from sim.runs.tables import with_dates
from sim.scenario.dyads import has_alignment
from sim.scenario.schema import Scenario
from sim.scenario.serialize import write_scenario

TRAJECTORIES = "trajectories.nc"


def write_run(folder: Path, results: Results, scenario: Scenario) -> tuple[list[Path], list[Job]]:
    """Write a run's tables (final, summary, alignment, moves, events) and resolved scenario into `folder`;
    return the files written and the job that writes its trajectories."""
    ds = results.dataset
    written = {
        "final.csv": tables.final_table(ds),
        "summary.csv": tables.summary(ds),
        "alignment.csv": tables.alignment_table(ds) if has_alignment(results.actors) else None,
        "moves.csv": tables.move_table(ds),
        "events.csv": tables.event_counts(ds),
    }
    dates = scenario.dates()
    files = [stats.write_csv(with_dates(t, dates), folder / name) for name, t in written.items() if t is not None]
    files.append(write_scenario(folder, scenario))
    return files, [partial(results.save, folder / TRAJECTORIES)]


def write_comparison(folder: Path, runs: Comparison, specs: Mapping[str, Scenario]) -> tuple[list[Path], list[Job]]:
    """Write comparison.csv and comparison_steps.csv and, per scenario, <name>/scenario.toml; return the files
    written and the jobs that write each <name>/trajectories.nc."""
    files = [
        stats.write_csv(runs.table(), folder / "comparison.csv"),
        stats.write_csv(with_dates(runs.steps(), next(iter(specs.values())).dates()), folder / "comparison_steps.csv"),
    ]
    jobs: list[Job] = []
    for name, res in runs.items():
        (folder / name).mkdir()
        files.append(write_scenario(folder / name, specs[name]))
        jobs.append(partial(res.save, folder / name / TRAJECTORIES))
    return files, jobs
