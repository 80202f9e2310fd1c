"""The scenarios the dashboard can compare, and where it reads them on a client's behalf: only the places the docs
name.

A client (the page, or anything speaking its websocket) may pick a bundled scenario by name or a history replay
(`history/<name>`), a scenario file under the folder the server was started in or the folder of the scenario it
was started with, or a file it uploads (read in memory, using only the bundled world); never another file of the
machine. Each is a `Loaded`: the validated scenario, the file its errors name, and the label the pickers show.
Nothing is written on a client's behalf: the download is built in a temporary folder (sim.app.export).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from sim.scenario.load import (
    is_path,
    list_scenarios,
    load_scenario,
    scenario_dir,
    scenario_from_bytes,
    scenario_path,
)
from sim.scenario.schema import Scenario
from sim.util.errors import ConfigError

START_VARIABLE = "DIPLOSIM_APP_FOLDER"  # the folder the server was started in (set by the server)
STARTED_WITH = "DIPLOSIM_APP_SCENARIO"  # the scenario the server was started with (a name or a path)
HISTORY = "history"  # the folder of scenarios/ holding the replays of the public record, and their label prefix


@dataclass(frozen=True)
class Loaded:
    """A scenario as loaded, with the file its errors name and the label the scenario pickers show."""

    spec: Scenario
    source: str
    label: str


def start_folder() -> Path:
    """The folder the server was started in (this process's working folder unless the server said otherwise)."""
    return Path(os.environ.get(START_VARIABLE) or Path.cwd()).resolve()


def folders() -> list[Path]:
    """The folders scenario files are read from: the bundled scenarios, the folder the server was started in,
    and the folder of the scenario file it was started with."""
    places = [scenario_dir().resolve(), start_folder()]
    first = os.environ.get(STARTED_WITH)
    if first and is_path(first):
        places.append((start_folder() / first).resolve().parent)
    return list(dict.fromkeys(places))


def open_scenario(ref: str) -> tuple[Scenario, Path]:
    """A scenario a client asks for, by bundled name or by path (relative to the start folder), with its file;
    a ConfigError for a file outside `folders()` (said before looking whether it exists)."""
    ref = ref.strip()
    if ref in list_scenarios():
        return load_scenario(ref), scenario_path(ref)
    path = Path(ref) if Path(ref).is_absolute() or not is_path(ref) else start_folder() / ref
    return load_scenario(path, within=folders()), path


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


def load_source(ref: str) -> Loaded:
    """A bundled scenario by name, a history replay by its label, or a scenario file by path from `folders()`
    (errors as ConfigError)."""
    replay = history().get(ref.strip())
    spec, path = (load_scenario(replay), replay) if replay else open_scenario(ref)
    known = replay is not None or ref.strip() in list_scenarios()
    return Loaded(spec, str(path), ref.strip() if known else f"{spec.name} ({path})")


def initial() -> Loaded:
    """The scenario `diplosim app` was started with."""
    return load_source(os.environ.get(STARTED_WITH, "baseline"))


def load_upload(filename: str, data: bytes) -> Loaded:
    """A scenario file uploaded through the page, checked exactly like one on disk but read from memory (with the
    bundled world, or a world table of its own: it names no file of the server); errors name the uploaded file."""
    spec = scenario_from_bytes(data, filename)
    name = Path(filename).name or "uploaded.toml"
    return Loaded(spec, name, f"{spec.name} (uploaded {name})")
