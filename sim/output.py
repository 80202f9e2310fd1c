"""Result folders on disk: atomic creation, manifests, and the resolved scenario file.

A result folder appears under its final name only once complete: everything is written into a hidden sibling
(`.<name>.<random>.partial`) that is renamed at the end, so an interrupted run leaves nothing that looks finished.
Only the standard library (and `tomli_w`, pydantic via `sim.config`) is imported here, so commands stay fast.
"""

from __future__ import annotations

import json
import os
import platform
import secrets
import shlex
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import partial
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.errors import ConfigError
from sim.safety import check_stop

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from sim.config import Scenario
    from sim.results import Results

Job = Callable[[], Path]  # a piece of writing the caller runs when it likes (sim.parallel.run_all)
MANIFEST = "manifest.json"
NAME_MAX = 255 - len("..12345678.partial")  # bytes a folder name may have, so that its hidden .partial twin fits
SCENARIO_FILE = "scenario.toml"
_UMASK = os.umask(0o022)
os.umask(_UMASK)
DEPENDENCIES = ("diplosim", "mesa", "numpy", "pandas", "xarray", "h5netcdf", "pydantic", "matplotlib", "scipy")


def timestamp(now: datetime | None = None) -> str:
    """A sortable, filename-safe local time stamp such as 20261128-185104."""
    return (now or datetime.now()).strftime("%Y%m%d-%H%M%S")


def default_dir(root: str | Path, name: str) -> Path:
    """`root/<name>/<timestamp>`, with a -2, -3 ... suffix if a run in the same second took that name."""
    base = Path(root) / name / timestamp()
    candidate, n = base, 1
    while candidate.exists():
        n += 1
        candidate = base.with_name(f"{base.name}-{n}")
    return candidate


def check_target(final_dir: str | Path, force: bool = False) -> Path:
    """Refuse a target that exists (unless `force`) or that `force` must not delete; return it as a Path.

    With `force`, only an empty folder or an earlier result (one holding a manifest.json) may be replaced, so a
    mistyped `--out ~ --force` cannot delete anything else.
    """
    final = Path(final_dir)
    if len(final.name.encode()) > NAME_MAX:
        raise ConfigError(
            f"the folder name is {len(final.name.encode())} bytes long; at most {NAME_MAX}",
            file=final.parent / (final.name[:20] + "..."),
            hint="choose a shorter --out",
        )
    if not final.exists():
        return final
    if not final.is_dir():
        raise ConfigError("exists and is not a folder", file=final, hint="choose another --out")
    if not force:
        raise ConfigError("already exists", file=final, hint="use --force to replace it, or choose another --out")
    if any(final.iterdir()) and not (final / MANIFEST).is_file():
        raise ConfigError(
            "is not a diplosim result folder (no manifest.json); refusing to replace it",
            file=final,
            hint="choose another --out",
        )
    return final


@contextmanager
def atomic_output(final_dir: str | Path, force: bool = False) -> Iterator[Path]:
    """Yield a fresh temporary folder next to `final_dir`; on success rename it to `final_dir`.

    On any exception (including KeyboardInterrupt) the temporary folder is removed and the exception re-raised,
    so `final_dir` is either absent, untouched, or complete. Checks the target (see `check_target`) on entry,
    so enter this before doing expensive work.
    """
    final = check_target(final_dir, force)
    created = [p for p in (final.parent, *final.parent.parents) if not p.exists()]
    tmp = None
    try:
        final.parent.mkdir(parents=True, exist_ok=True)
        tmp = _fresh_sibling(final, "partial")
        yield tmp
        check_stop()  # a Ctrl-C or SIGTERM whose exception a finalizer swallowed still stops the command
        check_target(final, force)  # something may have appeared there meanwhile
        if final.exists():
            old = _fresh_sibling(final, "old")
            os.replace(final, old)
            os.replace(tmp, final)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, final)
    except BaseException as exc:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
        for folder in created:  # parents this call created, innermost first, if still empty
            try:
                folder.rmdir()
            except OSError:
                break
        if isinstance(exc, OSError):  # name the place in the result, not the hidden folder that is now gone
            inside = tmp is not None and exc.filename is not None and Path(exc.filename).is_relative_to(tmp)
            exc.filename = str(final / Path(exc.filename).relative_to(tmp)) if inside else exc.filename or str(final)
        raise


def _fresh_sibling(final: Path, kind: str) -> Path:
    """Create a new hidden folder next to `final` (permissions from the umask, unlike mkdtemp's 0700)."""
    while True:
        path = final.parent / f".{final.name}.{secrets.token_hex(4)}.{kind}"
        try:
            path.mkdir()
            return path
        except FileExistsError:
            continue


def write_atomic(path: str | Path, data: bytes | memoryview) -> Path:
    """Write `data` to `path` so that `path` is either absent or complete (a temporary name, then a rename); the
    file gets the usual permissions (umask), not mkstemp's private ones. Returns `path`."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o666 & ~_UMASK)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError) and exc.filename is None:  # a full disk names no file
            exc.filename = str(path)
        raise
    return path


def versions(packages: Sequence[str] = DEPENDENCIES) -> dict[str, str]:
    """Installed versions of the package and its main dependencies (without importing them), plus Python's."""
    out = {"python": platform.python_version()}
    for name in packages:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def manifest(
    command: Sequence[str] | str | None = None, *, started: datetime | None = None, **fields: Any
) -> dict[str, Any]:
    """What produced a result: the command line, when, how long, versions, platform, and the caller's fields.

    `started` (timezone-aware) gives the start time and `elapsed_seconds` up to now; extra keyword fields (seed,
    replications, steps, scenario, ...) are recorded as given and must be JSON-serialisable.
    """
    argv = list(sys.argv) if command is None else command
    out: dict[str, Any] = {"command": argv if isinstance(argv, str) else shlex.join(argv)}
    if started is not None:
        out["started"] = started.isoformat(timespec="seconds")
        out["elapsed_seconds"] = round((datetime.now(UTC) - started).total_seconds(), 3)
    out.update(fields)
    out["versions"] = versions()
    out["platform"] = platform.platform()
    return out


def write_manifest(folder: str | Path, data: dict[str, Any]) -> Path:
    """Write `data` as folder/manifest.json (indented, keys in the given order)."""
    path = Path(folder) / MANIFEST
    path.write_text(json.dumps(data, indent=2, default=str) + "\n", encoding="utf-8")
    return path


def scenario_toml(scenario: Scenario) -> str:
    """The fully resolved scenario (world embedded as [world]) as TOML; `load_scenario` reads it back as is.

    Run settings come first so the file reads top-down: what, how long, how many, then the world.
    """
    import tomli_w

    data = scenario.model_dump(exclude_none=True)
    first = [k for k in ("name", "description", "evidence", "inferred", "steps", "replications", "seed") if k in data]
    ordered = {k: data[k] for k in first} | {k: v for k, v in data.items() if k not in first}
    header = (
        "# Fully resolved scenario (world embedded). Reproduce with `diplosim run <this file>`\n"
        "# or sim.run(sim.load_scenario('<this file>')).\n\n"
    )
    return header + tomli_w.dumps(ordered)


def write_scenario(folder: str | Path, scenario: Scenario, name: str = SCENARIO_FILE) -> Path:
    path = Path(folder) / name
    path.write_text(scenario_toml(scenario), encoding="utf-8")
    return path


# ---------------------------------------------------------------------------------------------------------------
# Result tables: what a run or a comparison writes besides the trajectories. The numerical stack is imported
# inside these functions, so importing this module stays cheap.

TABLE_BLOCK = 64 * 2**20  # bytes of float64 trust a comparison table works on at once
TRAJECTORIES = "trajectories.nc"


def _dyads(actors: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Observer and target indices of every directed dyad (self-trust left out), observer-major."""
    import numpy as np

    observer, target = np.nonzero(~np.eye(len(actors), dtype=bool))
    return observer, target


def final_trust(results: Results) -> np.ndarray:
    """Per replication and directed dyad [R, D] (observer-major, self-trust left out): the mean trust over the
    final window (sim.stats), in float64."""
    import numpy as np

    from sim import stats

    trust, steps = results.trust.values, results.trust.step.values
    observer, target = _dyads(results.actors)
    return trust[:, stats.in_final_window(steps)][:, :, observer, target].astype(np.float64).mean(axis=1)


def _dyad_frame(
    actors: Sequence[str], columns: Mapping[str, np.ndarray], steps: np.ndarray | None = None
) -> pd.DataFrame:
    """A tidy frame of per-dyad columns ([D], or [S, D] with `steps`): (step,) observer, target, then the columns."""
    import numpy as np
    import pandas as pd

    observer, target = _dyads(actors)
    names = np.asarray(actors, dtype=object)
    repeat = 1 if steps is None else len(steps)
    index = {"observer": np.tile(names[observer], repeat), "target": np.tile(names[target], repeat)}
    if steps is not None:
        index = {"step": np.repeat(steps, len(observer))} | index
    return pd.DataFrame(index | {name: np.asarray(v).ravel() for name, v in columns.items()})


def final_table(results: Results) -> pd.DataFrame:
    """Final trust per directed dyad: observer, target, mean, p05, p50, p95 over replications."""
    from sim import stats

    return _dyad_frame(results.actors, stats.describe_array(final_trust(results), axis=0))


def has_alignment(actors: Sequence[str]) -> bool:
    """Pakistan's alignment between the US and China needs all three; worlds without them have none."""
    return {"PAK", "USA", "CHN"} <= set(actors)


def alignment_table(results: Results) -> pd.DataFrame:
    """Pakistan's alignment (0 = toward the US, 1 = toward China) per step: mean and quantiles."""
    import numpy as np
    import pandas as pd

    from sim import stats

    alignment = results.alignment()
    described = stats.describe_array(alignment.values.astype(np.float64), axis=0, bands=stats.BANDS)
    return pd.DataFrame({"step": alignment.step.values} | described)


def move_table(results: Results, scenario: Scenario) -> pd.DataFrame:
    """Mean moves per step, actor and type, with the move's Goldstein weight; moves an actor never makes omitted."""
    df = results.move_counts()
    used = df.groupby(["actor", "move"])["mean_count"].transform("max") > 0
    df = df[used].reset_index(drop=True)
    df["goldstein"] = df["move"].map({k: m.goldstein for k, m in scenario.world.moves.items()})
    return df[["step", "actor", "move", "goldstein", "mean_count"]]


def write_run(folder: str | Path, results: Results, scenario: Scenario) -> tuple[list[Path], list[Job]]:
    """Write a run's tables and resolved scenario into `folder`; return the files written, and the job that writes
    its trajectories (for the caller to run, perhaps alongside the figures: sim.parallel)."""
    from sim import stats

    folder = Path(folder)
    tables = {
        "final.csv": final_table(results),
        "summary.csv": results.summary(),
        "alignment.csv": alignment_table(results) if has_alignment(results.actors) else None,
        "moves.csv": move_table(results, scenario),
        "events.csv": results.event_counts(),
    }
    dates = scenario.dates()
    written = []
    for name, table in tables.items():
        if table is not None:
            written.append(stats.write_csv(with_dates(table, dates), folder / name))
    written.append(write_scenario(folder, scenario))
    return written, [partial(results.save, folder / TRAJECTORIES)]


def with_dates(table: pd.DataFrame, dates: Sequence[str] | None) -> pd.DataFrame:
    """The table with a `date` column (the month, YYYY-MM) after `step`, when the scenario has a calendar."""
    if dates is None or "step" not in table.columns:
        return table
    out = table.drop(columns="date", errors="ignore")  # xarray's tables carry the coordinate as a timestamp
    out.insert(list(out.columns).index("step") + 1, "date", out["step"].map(dict(enumerate(dates))))
    return out


def comparison_tables(runs: Mapping[str, Results]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each scenario against the first, with paired differences per replication (common random numbers).

    Returns (final, over_time): final trust per scenario and dyad (mean, p05, p50, p95, and the difference from
    the first scenario: diff, its 95% CI diff_low..diff_high, and the 90% range of per-replication differences
    diff_p05..diff_p95; empty for the first scenario), and the same per step with all quantiles. Computed in
    float64, a few steps at a time, so temporary copies stay small however many replications there are.
    """
    import numpy as np
    import pandas as pd

    from sim import stats

    names = list(runs)
    ref = runs[names[0]]
    actors, steps = ref.actors, ref.trust.step.values
    observer, target = _dyads(actors)
    ref_final = final_trust(ref)
    finals, over_time = [], []
    for name, res in runs.items():
        fin, per_step = final_trust(res), {}
        final = stats.describe_array(fin, axis=0)
        if name != names[0]:
            final |= stats.paired_array(fin - ref_final, axis=0)
        block = max(1, TABLE_BLOCK // max(1, res.trust.shape[0] * len(observer) * 8))
        for start in range(0, len(steps), block):
            part = slice(start, start + block)
            values = res.trust.values[:, part][:, :, observer, target].astype(np.float64)
            described = stats.describe_array(values, axis=0, bands=stats.BANDS)
            if name != names[0]:
                described |= stats.paired_array(values - ref.trust.values[:, part][:, :, observer, target], axis=0)
            for key, value in described.items():
                per_step.setdefault(key, np.empty((len(steps), len(observer))))[part] = value
        finals.append(_dyad_frame(actors, final).assign(scenario=name))
        over_time.append(_dyad_frame(actors, per_step, steps).assign(scenario=name))
    final_df = pd.concat(finals, ignore_index=True)
    steps_df = pd.concat(over_time, ignore_index=True)
    return (
        final_df[["scenario", *(c for c in final_df.columns if c != "scenario")]],
        steps_df[["step", "scenario", *(c for c in steps_df.columns if c not in ("step", "scenario"))]],
    )


def write_comparison(
    folder: str | Path,
    runs: Mapping[str, Results],
    specs: Mapping[str, Scenario],
    tables: tuple[pd.DataFrame, pd.DataFrame] | None = None,
) -> tuple[list[Path], list[Job]]:
    """Write comparison.csv and comparison_steps.csv (`tables`, from `comparison_tables`: computed if not given)
    and per scenario <name>/scenario.toml; return the files written, and the jobs that write each
    <name>/trajectories.nc."""
    from sim import stats

    folder = Path(folder)
    final, over_time = comparison_tables(runs) if tables is None else tables
    written = [
        stats.write_csv(final, folder / "comparison.csv"),
        stats.write_csv(with_dates(over_time, next(iter(specs.values())).dates()), folder / "comparison_steps.csv"),
    ]
    jobs: list[Job] = []
    for name, res in runs.items():
        (folder / name).mkdir()
        written.append(write_scenario(folder / name, specs[name]))
        jobs.append(partial(res.save, folder / name / TRAJECTORIES))
    return written, jobs
