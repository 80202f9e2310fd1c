"""Run a sweep end to end: plan the chunks, run the missing ones into the store, then write the output folder.

The output folder appears complete or not at all (sim.output.atomic_output). Until then finished chunks sit in
the store next to it, so an interrupted sweep resumes where it stopped and ends with the same files.
"""

from __future__ import annotations

import os
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import tomli_w

from sim import output, stats
from sim.errors import ConfigError
from sim.output import write_atomic
from sim.safety import Terminated, folder_size, size_text
from sim.sweep import analyze
from sim.sweep import figures as plots
from sim.sweep.execute import Executor, open_executor
from sim.sweep.result import SweepResult
from sim.sweep.spec import Sweep, load_sweep
from sim.sweep.store import Store, store_dir
from sim.sweep.tasks import Chunk, Plan, default_chunk_runs, layout


class Interrupted(Exception):
    """The sweep stopped before its output was written (Ctrl-C, SIGTERM, or a disk that filled up); the finished
    chunks stay in its store, and `resume=True` continues from them. `cause` is the OSError of a failed write,
    or None for a signal (then `terminated` tells SIGTERM from Ctrl-C)."""

    def __init__(
        self, store: Path, done: int, total: int, *, terminated: bool = False, cause: OSError | None = None
    ) -> None:
        self.store, self.done, self.total, self.terminated, self.cause = store, done, total, terminated, cause
        if cause is not None:
            where = f"{cause.filename}: " if cause.filename else ""
            what = f"could not write ({where}{cause.strerror or cause})"
        else:
            what = "terminated" if terminated else "interrupted"
        size = size_text(folder_size(store))
        if done < total:
            super().__init__(f"{what} after {done} of {total} chunks; the finished ones are kept in {store} ({size})")
        else:
            super().__init__(f"{what}; all {total} chunks are kept in {store} ({size})")


def plan(sweep: Sweep) -> Plan:
    """What every chunk of the sweep shares."""
    c = sweep.config
    return Plan(sweep.base, tuple(sweep.addresses), sweep.seed, tuple(sweep.outcomes), c.last, c.trajectories)


def chunks(sweep: Sweep) -> list[Chunk]:
    """The sweep's chunks (a function of the sweep file only, so a resumed run finds the same ones)."""
    runs = sweep.config.chunk or default_chunk_runs(len(sweep.points), sweep.replications)
    return layout(sweep.points, sweep.replications, runs)


def find_unfinished(root: Path, sweep: Sweep) -> Path | None:
    """The newest unfinished store of this sweep under `root` (for --resume without --out), as its output dir."""
    fingerprint = sweep.fingerprint()
    for path in sorted(root.glob(".*.unfinished"), key=lambda p: p.stat().st_mtime, reverse=True):
        try:
            Store.open(path, fingerprint)
        except ConfigError:
            continue
        return path.parent / path.name[1 : -len(".unfinished")]
    return None


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
        with tempfile.TemporaryDirectory(prefix="diplosim-sweep-") as tmp:
            result = run(
                sweep,
                out=Path(tmp) / sweep.name,
                workers=workers,
                scheduler=scheduler,
                progress=progress,
                figures=False,
            )
            result.out = None
            return result
    final = output.check_target(out, force)
    root = store_dir(final)
    executor = open_executor(workers, scheduler)
    try:
        store = _open_store(root, sweep, resume, force)
        todo = chunks(sweep)
        done = store.finished()
        _execute(sweep, store, executor, [c for c in todo if c.index not in done], len(todo), progress)
    finally:
        executor.close()
    table, failed = analyze.tables(sweep, store, todo)
    sens = analyze.sensitivity(sweep, table)
    fields = {
        "sweep": sweep.name,
        "file": str(sweep.file) if sweep.file else None,
        "scenario": sweep.scenario.name,
        "design": sweep.config.design,
        "parameters": sweep.parameters,
        "points": len(sweep.points),
        "replications": sweep.replications,
        "seed": sweep.seed,
        "steps": sweep.scenario.steps,
        "last": sweep.config.last,
        "outcomes": sweep.outcomes,
        "chunks": len(todo),
        "executor": executor.description,
        "failed_points": [int(p) for p in failed["point"]],
        "fingerprint": sweep.fingerprint(),
    }
    try:
        with output.atomic_output(final, force) as folder:
            write_atomic(folder / "sweep.csv", stats.csv_bytes(table))
            if sens is not None:
                write_atomic(folder / "sensitivity.csv", stats.csv_bytes(sens))
            if not failed.empty:
                write_atomic(folder / "failures.csv", stats.csv_bytes(failed))
            (folder / "sweep.toml").write_text(resolved_toml(sweep))
            output.write_scenario(folder, sweep.scenario)
            if figures:
                plots.draw(table, sens, plots.SweepInfo.of(sweep), folder)
            store.link_into(folder)
            output.write_manifest(folder, output.manifest(command, started=started, **fields))
    except KeyboardInterrupt as exc:  # every chunk is stored: --resume writes the output
        raise Interrupted(store.root, len(todo), len(todo), terminated=isinstance(exc, Terminated)) from None
    except OSError as exc:  # ... once there is room again
        raise Interrupted(store.root, len(todo), len(todo), cause=exc) from None
    store.remove()
    return SweepResult(sweep, table, sens, failed, final, executor.description, time.perf_counter() - clock)


def resolved_toml(sweep: Sweep) -> str:
    """The sweep with every default filled in, based on the scenario.toml written beside it, so that
    `diplosim sweep <folder>/sweep.toml` reruns it exactly."""
    settings = {**sweep.config.model_dump(exclude_none=True), "name": sweep.name, "seed": sweep.seed}
    settings.update(scenario=output.SCENARIO_FILE, steps=sweep.scenario.steps)
    if "last" not in sweep.config.model_fields_set and sweep.config.last > sweep.scenario.steps:
        del settings["last"]  # the default "up to 12" of a shorter run; written out, it would be refused
    origin = f"{sweep.file}, " if sweep.file else ""
    header = (
        f"# Resolved sweep (from {origin}base scenario '{sweep.scenario.name}', written beside it as scenario.toml)\n"
    )
    return header + tomli_w.dumps(settings)


def _open_store(root: Path, sweep: Sweep, resume: bool, force: bool) -> Store:
    info = {"sweep": sweep.name, "file": str(sweep.file) if sweep.file else None, "pid": os.getpid()}
    if resume:
        return Store.open(root, sweep.fingerprint())
    if root.exists():
        if not force:
            raise ConfigError(
                "an unfinished run of a sweep is stored here",
                file=root,
                hint="add --resume to continue it, or --force to start over",
            )
        Store(root).remove()
    return Store.create(root, sweep.fingerprint(), info)


def _execute(sweep: Sweep, store: Store, executor: Executor, todo: list[Chunk], total: int, progress: bool) -> None:
    """Run the chunks `todo`, storing each as it finishes; Interrupted on Ctrl-C, SIGTERM or a failed write."""
    from sim.progress import bar as progress_bar

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
