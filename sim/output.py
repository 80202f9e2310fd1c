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
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import partial
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.errors import ConfigError

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from sim.config import Scenario
    from sim.results import Results

Job = Callable[[], Path]  # a piece of writing the caller runs when it likes (sim.parallel.run_all)
MANIFEST = "manifest.json"
SCENARIO_FILE = "scenario.toml"
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
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = _fresh_sibling(final, "partial")
    try:
        yield tmp
        check_target(final, force)  # something may have appeared there meanwhile
        if final.exists():
            old = _fresh_sibling(final, "old")
            os.replace(final, old)
            os.replace(tmp, final)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        for folder in created:  # parents this call created, innermost first, if still empty
            try:
                folder.rmdir()
            except OSError:
                break
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


def read_manifest(folder: str | Path) -> dict[str, Any]:
    path = Path(folder) / MANIFEST
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError("not a result folder (no manifest.json)", file=folder) from None
    except json.JSONDecodeError as exc:
        raise ConfigError(f"manifest.json is not valid JSON: {exc}", file=path) from None


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

FINAL_WINDOW = 12  # "final trust" is the mean over the last 12 months of each replication
TABLE_BLOCK = 64 * 2**20  # bytes of float64 trust a comparison table works on at once
TRAJECTORIES = "trajectories.nc"
FLOAT_FORMAT = "%.6g"
BANDS = ("p05", "p25", "p50", "p75", "p95")


def final_window(steps: int) -> tuple[int, int]:
    """First and last step of the window whose mean is "final trust" (the last 12 months, fewer if shorter)."""
    return max(1, steps - FINAL_WINDOW + 1), steps


def _dyads(actors: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Observer and target indices of every directed dyad (self-trust left out), observer-major."""
    import numpy as np

    observer, target = np.nonzero(~np.eye(len(actors), dtype=bool))
    return observer, target


def final_trust(results: Results) -> np.ndarray:
    """Per replication and directed dyad [R, D] (observer-major, self-trust left out): the mean trust over the
    final window, in float64."""
    import numpy as np

    trust, steps = results.trust.values, results.trust.step.values
    first, last = final_window(int(steps.max()))
    observer, target = _dyads(results.actors)
    window = (steps >= first) & (steps <= last)
    return trust[:, window][:, :, observer, target].astype(np.float64).mean(axis=1)


def _stats(values: np.ndarray, quantiles: Sequence[str] = BANDS) -> dict[str, np.ndarray]:
    """Mean and quantiles (named p05 ... p95) over replications (axis 0)."""
    import numpy as np

    out = {"mean": values.mean(axis=0)}
    out.update(zip(quantiles, np.quantile(values, [int(name[1:]) / 100 for name in quantiles], axis=0), strict=True))
    return out


def _paired(diff: np.ndarray) -> dict[str, np.ndarray]:
    """Paired differences over replications (common random numbers): mean, its 95% CI, and their 90% range."""
    import numpy as np

    n = diff.shape[0]
    mean = diff.mean(axis=0)
    half = 1.96 * diff.std(axis=0, ddof=1) / n**0.5 if n > 1 else np.full_like(mean, np.nan)
    p05, p95 = np.quantile(diff, [0.05, 0.95], axis=0)
    return {"diff": mean, "diff_low": mean - half, "diff_high": mean + half, "diff_p05": p05, "diff_p95": p95}


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
    return _dyad_frame(results.actors, _stats(final_trust(results), ("p05", "p50", "p95")))


def alignment_table(results: Results) -> pd.DataFrame:
    """Pakistan's alignment (0 = toward the US, 1 = toward China) per step: mean and quantiles."""
    import numpy as np
    import pandas as pd

    alignment = results.alignment()
    stats = _stats(alignment.values.astype(np.float64))
    return pd.DataFrame({"step": alignment.step.values} | stats)


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
    folder = Path(folder)
    tables = {
        "summary.csv": results.summary(),
        "alignment.csv": alignment_table(results),
        "moves.csv": move_table(results, scenario),
        "events.csv": results.event_counts(),
    }
    written = []
    for name, table in tables.items():
        table.to_csv(folder / name, index=False, float_format=FLOAT_FORMAT)
        written.append(folder / name)
    written.append(write_scenario(folder, scenario))
    return written, [partial(results.save, folder / TRAJECTORIES)]


def comparison_tables(runs: Mapping[str, Results]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each scenario against the first, with paired differences per replication (common random numbers).

    Returns (final, over_time): final trust per scenario and dyad (mean, p05, p50, p95, and the difference from
    the first scenario: diff, its 95% CI diff_low..diff_high, and the 90% range of per-replication differences
    diff_p05..diff_p95; empty for the first scenario), and the same per step with all quantiles. Computed in
    float64, a few steps at a time, so temporary copies stay small however many replications there are.
    """
    import numpy as np
    import pandas as pd

    names = list(runs)
    ref = runs[names[0]]
    actors, steps = ref.actors, ref.trust.step.values
    observer, target = _dyads(actors)
    ref_final = final_trust(ref)
    finals, over_time = [], []
    for name, res in runs.items():
        final, per_step = _stats(final_trust(res), ("p05", "p50", "p95")), {}
        if name != names[0]:
            final |= _paired(final_trust(res) - ref_final)
        block = max(1, TABLE_BLOCK // max(1, res.trust.shape[0] * len(observer) * 8))
        for start in range(0, len(steps), block):
            part = slice(start, start + block)
            values = res.trust.values[:, part][:, :, observer, target].astype(np.float64)
            stats = _stats(values)
            if name != names[0]:
                stats |= _paired(values - ref.trust.values[:, part][:, :, observer, target])
            for key, value in stats.items():
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
    tables: tuple[pd.DataFrame, pd.DataFrame],
) -> tuple[list[Path], list[Job]]:
    """Write comparison.csv and comparison_steps.csv (`tables`, from `comparison_tables`) and per scenario
    <name>/scenario.toml; return the files written, and the jobs that write each <name>/trajectories.nc."""
    folder = Path(folder)
    written = [folder / "comparison.csv", folder / "comparison_steps.csv"]
    for table, path in zip(tables, written, strict=True):
        table.to_csv(path, index=False, float_format=FLOAT_FORMAT)
    jobs: list[Job] = []
    for name, res in runs.items():
        (folder / name).mkdir()
        written.append(write_scenario(folder / name, specs[name]))
        jobs.append(partial(res.save, folder / name / TRAJECTORIES))
    return written, jobs
