"""The bundled sweep files (scenarios/sweeps/): their names and descriptions, and a name resolved to its file.

Only the standard library and sim.scenario.config are imported, so `diplosim list` and `sweep --help` stay fast.
"""

from __future__ import annotations

from pathlib import Path

from sim.scenario.load import scenario_dir
from sim.util.tomlfile import read_toml


def sweep_dir() -> Path:
    """The folder of the bundled sweep files."""
    return scenario_dir() / "sweeps"


def list_sweeps() -> dict[str, str]:
    """Bundled sweep names with the first line of their descriptions."""
    out = {}
    for path in sorted(sweep_dir().glob("*.toml")):
        description = str(read_toml(path).get("description", "")).strip()
        out[path.stem] = description.splitlines()[0] if description else ""
    return out


def sweep_path(ref: str | Path) -> Path:
    """A sweep file: the path as given, or a bundled sweep's file when `ref` is a bare name such as
    `pressure_intensity` (a missing file is reported by the loader, which names it)."""
    path = Path(ref)
    bundled = sweep_dir() / f"{path.name}.toml"
    if not path.is_file() and path.suffix == "" and path.parent == Path(".") and bundled.is_file():
        return bundled
    return path
