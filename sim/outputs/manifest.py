"""A result folder's manifest.json: what produced it (command, time, versions, platform) and what it holds."""

from __future__ import annotations

import json
import platform
import shlex
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sim.scenario.schema import Scenario

MANIFEST = "manifest.json"
DEPENDENCIES = ("diplosim", "mesa", "numpy", "pandas", "xarray", "h5netcdf", "pydantic", "matplotlib", "scipy")


def run_fields(spec: Scenario) -> dict[str, Any]:
    """What a run's or a comparison's manifest records of its settings (the figures read the actors' names from
    it, the readers the calendar's start to check the tables' dates); `diplosim run`, `compare` and the dashboard's
    download write the same."""
    return {
        "seed": spec.seed,
        "replications": spec.replications,
        "steps": spec.steps,
        "actors": {code: actor.name for code, actor in spec.world.actors.items()},
        **({"start": spec.start} if spec.start is not None else {}),
    }


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
