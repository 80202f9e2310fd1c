"""Run a sweep end to end: plan the chunks, run the missing ones into the store, then write the output folder.

The output folder appears complete or not at all (sim.outputs.folder). Until then finished chunks sit in
the store next to it, so an interrupted sweep resumes where it stopped and ends with the same files.
"""

from __future__ import annotations

import os
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import tomli_w

from sim.outputs.folder import check_target, result_folder
from sim.outputs.resumable import Interrupted
from sim.runs import stats
from sim.scenario.serialize import SCENARIO_FILE, write_scenario
from sim.sweep import analyze
from sim.sweep.chunks import Chunk, Plan, chunk_layout, default_chunk_runs
from sim.sweep.execute import Executor, open_executor
from sim.sweep.result import SweepResult
from sim.sweep.spec import Sweep, load_sweep
from sim.sweep.store import Store
from sim.util.files import write_atomic
from sim.util.interrupts import Terminated


def plan(sweep: Sweep) -> Plan:
    """What every chunk of the sweep shares."""
    c = sweep.config
    return Plan(sweep.base, tuple(sweep.addresses), sweep.seed, tuple(sweep.outcomes), c.last, c.trajectories)


def chunks(sweep: Sweep) -> list[Chunk]:
    """The sweep's chunks (a function of the sweep file only, so a resumed run finds the same ones)."""
    runs = sweep.config.chunk or default_chunk_runs(len(sweep.points), sweep.replications)
    return chunk_layout(sweep.points, sweep.replications, runs)


def find_unfinished(root: Path, sweep: Sweep) -> Path | None:
    """The newest unfinished store of this sweep under `root` (for --resume without --out), as its output dir."""
    return Store.find_unfinished(root, sweep.fingerprint())


def run(
    sweep: str | Path | dict[str, Any] | Sweep,
    *,
    out: str | Path | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    resume: bool = False,
    force: bool = False,
    progress: bool = False,
    figures: bool = True,
    command: list[str] | str | None = None,
) -> SweepResult:
    """Run a sweep (a file, a mapping or a loaded Sweep) and return its tables.

    With `out`, writes sweep.csv, sensitivity.csv (Sobol/Morris), failures.csv (if any), sweep.toml (the resolved
    sweep), scenario.toml (the base scenario), manifest.json, figures and chunks/ (per-replication outcomes);
    finished chunks are kept in a store next to `out` until then, and `resume=True` runs only the missing ones.
    `workers` processes locally (default: the cores; 1 runs in this process), or `scheduler` = a Dask address.
    Without `out` nothing is kept on disk (and no figures are drawn).
    Raises ConfigError for bad input (before anything is written), and Interrupted on Ctrl-C, SIGTERM or a write
    that fails (a full disk): the finished chunks stay in the store for `resume=True`.
    """
    started = datetime.now(UTC)
    clock = time.perf_counter()
    sweep = sweep if isinstance(sweep, Sweep) else load_sweep(sweep)
    if out is None:
        return _without_folder(sweep, workers=workers, scheduler=scheduler, progress=progress)
    final = check_target(out, force)  # before any work: a folder that is there, a link, a name too long
    store, todo, executor = _run_chunks(sweep, final, workers, scheduler, resume=resume, force=force, progress=progress)
    table, failed = analyze.tables(sweep, store, todo)
    sens = analyze.sensitivity(sweep, table)
    fields = _fields(sweep, len(todo), executor, failed)
    try:
        with result_folder(final, force=force, command=command, fields=fields, started=started) as writing:
            writing.files += _write(writing.path, sweep, table, sens, failed, store, figures)
    except KeyboardInterrupt as exc:  # every chunk is stored: --resume writes the output
        raise Interrupted(store.root, len(todo), len(todo), terminated=isinstance(exc, Terminated)) from None
    except OSError as exc:  # ... once there is room again
        raise Interrupted(store.root, len(todo), len(todo), cause=exc) from None
    store.remove()
    return SweepResult(sweep, table, sens, failed, final, executor, time.perf_counter() - clock)


def _without_folder(sweep: Sweep, *, workers: int | None, scheduler: str | None, progress: bool) -> SweepResult:
    """A sweep run into a temporary folder that is removed afterwards: its tables only."""
    with tempfile.TemporaryDirectory(prefix="diplosim-sweep-") as tmp:
        out = Path(tmp) / sweep.name
        result = run(sweep, out=out, workers=workers, scheduler=scheduler, progress=progress, figures=False)
        result.out = None
        return result


def _run_chunks(
    sweep: Sweep, final: Path, workers: int | None, scheduler: str | None, *, resume: bool, force: bool, progress: bool
) -> tuple[Store, list[Chunk], str]:
    """Run the chunks the store lacks (all, unless resuming) on the executor; the store, every chunk of the
    sweep, and the executor's description."""
    executor = open_executor(workers, scheduler)
    try:
        info = {"sweep": sweep.name, "file": str(sweep.file) if sweep.file else None, "pid": os.getpid()}
        store = Store.start(final, sweep.fingerprint(), info, resume=resume, force=force)
        todo = chunks(sweep)
        done = store.finished(todo, sweep.outcomes, len(sweep.points))
        _execute(sweep, store, executor, [c for c in todo if c.index not in done], len(todo), progress)
    finally:
        executor.close()
    return store, todo, executor.description


def _fields(sweep: Sweep, chunk_count: int, executor: str, failed: pd.DataFrame) -> dict[str, Any]:
    """What the sweep's manifest records (the readers check the folder against it)."""
    return {
        "sweep": sweep.name,
        "file": str(sweep.file) if sweep.file else None,
        "scenario": sweep.scenario.name,
        "design": sweep.config.design,
        "parameters": sweep.parameters,
        "points": len(sweep.points),
        "replications": sweep.replications,
        "seed": sweep.seed,
        "steps": sweep.scenario.steps,
        "start": sweep.scenario.start,
        "last": sweep.config.last,
        "outcomes": sweep.outcomes,
        "chunks": chunk_count,
        "executor": executor,
        "failed_points": [int(p) for p in failed["point"]],
        "fingerprint": sweep.fingerprint(),
    }


def resolved_toml(sweep: Sweep) -> str:
    """The sweep with every default filled in, based on the scenario.toml written beside it, so that
    `diplosim sweep <folder>/sweep.toml` reruns it exactly."""
    settings = {**sweep.config.model_dump(exclude_none=True), "name": sweep.name, "seed": sweep.seed}
    settings.update(scenario=SCENARIO_FILE, steps=sweep.scenario.steps)
    if "last" not in sweep.config.model_fields_set and sweep.config.last > sweep.scenario.steps:
        del settings["last"]  # the default "up to 12" of a shorter run; written out, it would be refused
    origin = f"{sweep.file}, " if sweep.file else ""
    header = (
        f"# Resolved sweep (from {origin}base scenario '{sweep.scenario.name}', written beside it as scenario.toml)\n"
    )
    return header + tomli_w.dumps(settings)


def _write(
    folder: Path,
    sweep: Sweep,
    table: pd.DataFrame,
    sens: pd.DataFrame | None,
    failed: pd.DataFrame,
    store: Store,
    figures: bool,
) -> list[Path]:
    """Write the sweep's tables, resolved files, figures and chunks into `folder`; the files written."""
    files = [write_atomic(folder / "sweep.csv", stats.csv_bytes(table))]
    if sens is not None:
        files.append(write_atomic(folder / "sensitivity.csv", stats.csv_bytes(sens)))
    if not failed.empty:
        files.append(write_atomic(folder / "failures.csv", stats.csv_bytes(failed)))
    files.append(write_atomic(folder / "sweep.toml", resolved_toml(sweep).encode()))
    files.append(write_scenario(folder, sweep.scenario))
    if figures:
        from sim.sweep import figures as plots  # here: matplotlib loads only when a sweep draws

        files += plots.draw(table, sens, plots.SweepInfo.of(sweep), folder)
    return files + store.link_into(folder)


def _execute(sweep: Sweep, store: Store, executor: Executor, todo: list[Chunk], total: int, progress: bool) -> None:
    """Run the chunks `todo`, storing each as it finishes; Interrupted on Ctrl-C, SIGTERM or a failed write."""
    from sim.util.progress import bar as progress_bar

    runs = sum(c.runs for c in todo)
    by_index = {c.index: c for c in todo}
    bar = progress_bar(total=runs, unit="run", desc=sweep.name, disable=None if progress else True)
    finished = total - len(todo)
    try:
        for result in executor.map(plan(sweep), todo):
            chunk = by_index[result.index]
            store.write(result, chunk.points, chunk.start, tuple(sweep.outcomes))
            finished += 1
            bar.update(chunk.runs)
    except KeyboardInterrupt as exc:
        raise Interrupted(store.root, finished, total, terminated=isinstance(exc, Terminated)) from None
    except OSError as exc:  # a full disk: stop at once (no more work to lose), keep what is stored
        raise Interrupted(store.root, finished, total, cause=exc) from None
    finally:
        bar.close()
