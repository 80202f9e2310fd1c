"""The scenarios the dashboard can compare: bundled ones by name, the history replays, a file given when the server
started (or typed as a path), and files uploaded through the page, read from memory.

Each is a `Loaded`: the validated scenario, the file its errors name, and the label the pickers show. An uploaded
file is parsed and validated without being written anywhere; the only world it may name is a bundled one, as it
has no folder of its own to find another in.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from sim.scenario.kinds import is_world
from sim.scenario.load import list_scenarios, load_scenario, scenario_dir, scenario_from_raw, scenario_path
from sim.scenario.schema import Scenario
from sim.util.errors import ConfigError
from sim.util.tomlfile import parse_toml, read_toml

HISTORY = "history"  # the folder of scenarios/ holding the replays of the public record, and their label prefix


@dataclass(frozen=True)
class Loaded:
    """A scenario as loaded, with the file its errors name and the label the scenario pickers show."""

    spec: Scenario
    source: str
    label: str


def bundled() -> list[str]:
    """The bundled scenarios' names, as `diplosim list` shows them."""
    return list(list_scenarios())


@cache
def history() -> dict[str, Path]:
    """The history replays (`history/<name>` -> file): the scenarios in scenarios/history/ (its codebook and fit
    settings are other kinds of file and are left out)."""
    found = {}
    for path in sorted((scenario_dir() / HISTORY).glob("*.toml")):
        try:
            load_scenario(path)
        except ConfigError:
            continue
        found[f"{HISTORY}/{path.stem}"] = path
    return found


def load(ref: str) -> Loaded:
    """A bundled scenario by name, a history replay by its label, or a scenario file by path (errors as
    ConfigError)."""
    replays = history()
    path = replays.get(ref) or scenario_path(ref)
    spec = load_scenario(path)
    known = ref in replays or ref in list_scenarios()
    return Loaded(spec, str(path), ref if known else f"{spec.name} ({path})")


def load_upload(filename: str, data: bytes) -> Loaded:
    """A scenario file uploaded through the page, checked exactly like one on disk but read from memory; errors
    name the uploaded file. `world = "world.toml"` (or "../world.toml", as the history files write it) means the
    bundled world."""
    name = Path(filename).name or "uploaded.toml"
    raw = parse_toml(data, name)
    if isinstance(raw.get("world"), str):
        raw["world"] = str(bundled_world(raw["world"], name))
    spec = scenario_from_raw(raw, Path(name))
    return Loaded(spec, name, f"{spec.name} (uploaded {name})")


def bundled_world(ref: str, uploaded: str) -> Path:
    """The bundled world file an uploaded scenario names (by file name), or a ConfigError naming the choices."""
    worlds = {p.name: p for p in sorted(scenario_dir().glob("*.toml")) if is_world(read_toml(p))}
    path = worlds.get(Path(ref).name)
    if path is None:
        raise ConfigError(
            f"an uploaded scenario can use only a bundled world, not '{ref}'",
            file=uploaded,
            key="world",
            hint=f'write world = "{next(iter(worlds))}", or give the world as a [world] table in the file',
        )
    return path
