"""Where the dashboard reads scenarios and writes exports on a client's behalf: only the places the docs name.

A client (the page, or anything speaking its websocket) may load a bundled scenario by name, a scenario file
under the folder the server was started in or the folder of the scenario it was started with, or a file it
uploads (read in memory, using only the bundled world); never another file of the machine. It never names where
anything is written: exports go to `results/` under the folder the server was started in, in a folder the
server names.
"""

from __future__ import annotations

import os
from pathlib import Path

from sim.scenario.load import is_path, list_scenarios, load_scenario, scenario_dir, scenario_path
from sim.scenario.schema import Scenario

START_VARIABLE = "DIPLOSIM_APP_FOLDER"  # the folder the server was started in (set by the server)
STARTED_WITH = "DIPLOSIM_APP_SCENARIO"  # the scenario the server was started with (a name or a path)
RESULTS = "results"


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


def results_root() -> Path:
    """Where exports are written: results/ under the folder the server was started in."""
    return start_folder() / RESULTS
