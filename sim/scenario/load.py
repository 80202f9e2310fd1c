"""TOML files -> a validated `Scenario`: finding a scenario by name, merging it onto its world, checking it.

A scenario's world tables (`actors`, `trust`, `moves`, `bundles`, `background`, `reciprocity`) are merged key by
key onto the world file it names (by default the bundled essay world); its event tables change the world's event
of the same name. The world as named is kept as the scenario's `status_quo` when the merge changed it, so the
anchors are calibrated on it and the changes act on its status quo (unless the scenario says
`calibrate = "scenario"`). Errors name the file the offending key came from: the scenario or its world.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from sim.scenario.checks import check_references, check_schedules
from sim.scenario.dates import resolve_dates, writable
from sim.scenario.kinds import is_sweep, is_world, kind
from sim.scenario.messages import error_from_pydantic
from sim.scenario.schema import WORLD_KEYS, Scenario, WorldSpec
from sim.util import calendar
from sim.util.errors import ConfigError, did_you_mean
from sim.util.tomlfile import check_not_empty, parse_toml, read_toml

PACKAGE = Path(__file__).resolve().parents[1]
SCENARIO_DIRS = (PACKAGE / "scenarios", PACKAGE.parent / "scenarios")  # installed copy, then the source tree
BUNDLED_WORLD = "world.toml"
HISTORY = "history"  # bundled history scenarios live in scenarios/history/ and are named history/NAME
NOT_SCENARIOS = {  # files beside the scenarios that are something else: what they are, how to use them
    "fit": ("a fit file (ranges to calibrate)", "use it with `diplosim calibrate SCENARIO SERIES.csv --fit FILE`"),
    "codebook": ("a history codebook (event classes -> moves)", "sim.fit.codebook.convert reads it"),
    "split": ("the history fit's train/test split", "`diplosim score` and `calibrate` read it (--split overrides it)"),
}


def is_path(name_or_path: str | Path) -> bool:
    """Whether a scenario reference is a file's path rather than a bundled scenario's name (NAME, or history/NAME
    when no such file is here)."""
    path = Path(name_or_path)
    history = len(path.parts) == 2 and path.parts[0] == HISTORY and path.suffix == "" and not path.is_file()
    return path.suffix == ".toml" or (path.parent != Path(".") and not history)


def scenario_path(name_or_path: str | Path) -> Path:
    """Resolve a scenario name (a file in scenarios/, or history/NAME in scenarios/history/) or a path; a clear
    error with a suggestion otherwise."""
    path = Path(name_or_path)
    if is_path(path):
        if not path.is_file():
            raise ConfigError("no such file", file=path, hint="check the path, or give a scenario name")
        return path
    for folder in SCENARIO_DIRS:
        if (folder / path.with_suffix(".toml")).is_file():
            return folder / path.with_suffix(".toml")
    name = path.as_posix()
    raise ConfigError(f"no scenario named '{name}'", hint=did_you_mean(name, list_scenarios()) or "see `diplosim list`")


def scenario_dir() -> Path:
    """The folder holding the bundled scenarios (installed copy first, then the source tree)."""
    return next((d for d in SCENARIO_DIRS if d.is_dir()), SCENARIO_DIRS[-1])


def list_scenarios(problems: list[ConfigError] | None = None) -> dict[str, str]:
    """Scenario names in the scenarios folder (and history/NAME in its history/ folder) with their descriptions;
    the world file, fit files and codebooks are not scenarios.

    A file that cannot be read is left out (and its error appended to `problems`), so one broken file does not
    hide the others.
    """
    out = {}
    folder = scenario_dir()
    for path in [*sorted(folder.glob("*.toml")), *sorted((folder / HISTORY).glob("*.toml"))]:
        try:
            raw = read_toml(path)
        except ConfigError as exc:
            if problems is not None:
                problems.append(exc)
            continue
        if kind(raw) == "scenario":
            name = path.relative_to(folder).with_suffix("").as_posix()
            out[name] = str(raw.get("description", "")).strip().splitlines()[0] if raw.get("description") else ""
    return out


def load_scenario(name_or_path: str | Path, *, within: Sequence[Path] | None = None) -> Scenario:
    """Read a scenario by name or path, merge it onto its world, validate, and check every cross-reference.

    With `within`, the scenario file and the world file it names must lie inside one of these folders (after
    following links): what a server reads on a client's behalf."""
    if within is not None and is_path(name_or_path):  # before looking: nothing is learnt of other folders
        check_within(Path(name_or_path), within)
    path = scenario_path(name_or_path)
    if within is not None:
        check_within(path, within)
    raw = read_toml(path)
    return _scenario(raw, path, path.parent, within)


def scenario_from_bytes(data: bytes, name: str) -> Scenario:
    """A scenario from a file's bytes (an upload), read in memory as `load_scenario` reads a file; its errors name
    `name`. It may use the bundled world (no `world`, or world = "world.toml") or give its own as a table, but
    name no other file."""
    path = Path(Path(name).name or "uploaded.toml")
    raw = parse_toml(data, path)
    world = raw.get("world")
    if isinstance(world, str) and world != BUNDLED_WORLD:
        raise ConfigError(
            f"an uploaded scenario cannot name the file '{world}'",
            file=path,
            key="world",
            hint=f'leave world out (or world = "{BUNDLED_WORLD}") for the essay\'s world, or give it as a table',
        )
    return _scenario(raw, path, scenario_dir(), [scenario_dir()])


def check_within(path: Path, folders: Sequence[Path]) -> None:
    """Refuse a file outside `folders` (links followed), naming the folders it may be in."""
    real = Path(path).resolve()
    if not any(real.is_relative_to(Path(folder).resolve()) for folder in folders):
        shown = ", ".join(str(f) for f in folders)
        raise ConfigError(
            f"is outside the folders scenarios are read from here ({shown})",
            file=path,
            hint="copy it into one of them, or upload it",
        )


def _scenario(raw: dict[str, Any], path: Path, base: Path, within: Sequence[Path] | None) -> Scenario:
    """A scenario file's contents (read from `path`) merged onto its world (named relative to `base`), checked."""
    check_not_empty(raw, path)
    if is_sweep(raw):
        raise ConfigError("is a sweep file, not a scenario", file=path, hint=f"run it with `diplosim sweep {path}`")
    if kind(raw) in NOT_SCENARIOS:
        what, hint = NOT_SCENARIOS[kind(raw)]
        raise ConfigError(f"is {what}, not a scenario", file=path, hint=hint)
    if is_world(raw):  # a world file on its own is its status quo
        raw = {"name": path.stem, "world": raw}
    raw.setdefault("name", path.stem)
    world_ref = raw.pop("world", None)
    overrides = {k: raw.pop(k) for k in WORLD_KEYS if k in raw}
    if isinstance(world_ref, dict):
        world_raw, world_file = world_ref, path
    elif world_ref is None or isinstance(world_ref, str):  # default: the bundled essay world
        world_file = (base / world_ref).resolve() if world_ref else scenario_dir() / BUNDLED_WORLD
        if within is not None and world_ref:
            check_within(world_file, within)
        world_raw = _read_world(world_file, world_ref, path)
    else:
        raise ConfigError("must be a file name or a table", file=path, key="world", hint='world = "world.toml"')
    _inherit_calendar(raw, world_raw, world_file)
    resolve_dates(raw, lambda loc: path)
    merged = _deep_merge(world_raw, overrides)
    raw_events = raw.get("events", {})
    if isinstance(raw_events, dict):  # a scenario's event table changes the world's event of that name
        raw["events"] = {
            k: _deep_merge(world_raw.get("events", {}).get(k, {}), v) if isinstance(v, dict) else v
            for k, v in raw_events.items()
        }
    raw["world"] = merged
    if merged != world_raw and raw.get("calibrate", "world") == "world" and "status_quo" not in raw:
        raw["status_quo"] = world_raw
    origin = _origin(path, world_file, world_raw, overrides)
    try:
        scenario = Scenario.model_validate(raw)
    except ValidationError as exc:
        raise error_from_pydantic(exc, origin, world=merged) from None
    check_references(scenario, origin)
    check_schedules(scenario, raw_events if isinstance(raw_events, dict) else {}, origin)
    return scenario


def _origin(path: Path, world_file: Path, world_raw: dict[str, Any], overrides: dict[str, Any]) -> Any:
    """The file a key came from: the scenario, or the world it is merged onto."""
    added = _keys(overrides.get("actors")) - _keys(world_raw.get("actors"))

    def origin(loc: tuple[Any, ...]) -> Path:
        inner = loc[1:] if loc and loc[0] == "world" else None
        if inner is None or _has_path(overrides, inner):
            return path
        if added & set(map(str, inner)) and not _has_path(world_raw, inner):
            return path  # missing for an actor the scenario adds (say, its dyads): the scenario's to give
        return world_file

    return origin


def _read_world(world_file: Path, world_ref: str | None, path: Path) -> dict[str, Any]:
    """The world file a scenario names, refusing one that is missing, a folder, the scenario itself or another
    scenario, with a message that says so."""
    hint = 'name a world file next to the scenario, e.g. world = "world.toml", or leave world out'
    if world_file.is_dir():
        raise ConfigError(f"'{world_ref}' is a folder, not a world file", file=path, key="world", hint=hint)
    if not world_file.is_file():
        raise ConfigError(f"world file '{world_ref}' not found", file=path, key="world", hint=hint)
    if world_ref is not None and world_file.resolve() == path.resolve():
        raise ConfigError("points at this scenario file itself, not at a world file", file=path, key="world", hint=hint)
    world_raw = read_toml(world_file)
    if "actors" not in world_raw and set(world_raw) & (set(Scenario.model_fields) - set(WorldSpec.model_fields)):
        raise ConfigError(f"'{world_ref}' is a scenario, not a world file", file=path, key="world", hint=hint)
    return world_raw


def _inherit_calendar(raw: dict[str, Any], world_raw: dict[str, Any], world_file: Path) -> None:
    """In place: a scenario without a calendar of its own starts the month after its world's `present`."""
    present = world_raw.get("present")
    if "start" in raw or present is None:
        return
    try:
        raw["start"] = calendar.month_label(calendar.month_index(present) + 1)
    except ValueError as exc:
        raise ConfigError(str(exc), file=world_file, key="present", hint='write the month as "YYYY-MM"') from None


def _keys(table: Any) -> set[str]:
    return set(table) if isinstance(table, dict) else set()


def validate_raw(raw: dict[str, Any], file: str | Path = "<scenario>") -> Scenario:
    """Validate an already-resolved scenario mapping (as `Scenario.model_dump()` gives) with the same checks."""
    raw = writable(raw)  # resolved in place: the caller's mapping stays as it was
    resolve_dates(raw, lambda loc: Path(file))
    try:
        scenario = Scenario.model_validate(raw)
    except ValidationError as exc:
        raise error_from_pydantic(exc, lambda loc: Path(file), world=raw.get("world")) from None
    check_references(scenario, lambda loc: Path(file))
    return scenario


def _deep_merge(base: Any, over: Any) -> Any:
    if isinstance(base, dict) and isinstance(over, dict):
        out = copy.deepcopy(base)
        for key, value in over.items():
            out[key] = _deep_merge(out[key], value) if key in out else copy.deepcopy(value)
        return out
    return copy.deepcopy(over)


def _has_path(tree: Any, loc: tuple[Any, ...]) -> bool:
    for part in loc:
        in_dict = isinstance(tree, dict) and part in tree
        if in_dict or (isinstance(tree, list) and isinstance(part, int) and part < len(tree)):
            tree = tree[part]
        else:
            return False
    return True
