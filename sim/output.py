"""Result folders on disk: atomic creation, manifests, and the resolved scenario file.

A result folder appears under its final name only once complete: everything is written into a hidden sibling
(`.<name>.<random>.partial`) that is renamed at the end, so an interrupted run leaves nothing that looks finished.
Only the standard library (and `tomli_w`, pydantic via `sim.config`) is imported here, so commands stay fast.
"""

from __future__ import annotations

import json
import os
import platform
import shlex
import shutil
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.errors import ConfigError

if TYPE_CHECKING:
    from sim.config import Scenario

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
    tmp = Path(tempfile.mkdtemp(prefix=f".{final.name}.", suffix=".partial", dir=final.parent))
    try:
        yield tmp
        check_target(final, force)  # something may have appeared there meanwhile
        if final.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{final.name}.", suffix=".old", dir=final.parent))
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
    """The fully resolved scenario (world embedded as [world]) as TOML; `load_scenario` reads it back as is."""
    import tomli_w

    return tomli_w.dumps(scenario.model_dump(exclude_none=True))


def write_scenario(folder: str | Path, scenario: Scenario, name: str = SCENARIO_FILE) -> Path:
    path = Path(folder) / name
    path.write_text(scenario_toml(scenario), encoding="utf-8")
    return path
