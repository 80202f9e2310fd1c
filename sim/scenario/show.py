"""What `diplosim show` prints: by default only what a scenario changes from its world, or the whole resolved
scenario, both as TOML that is itself a valid scenario file, with the essay's sentences quoted as comments.

The changes view holds the run settings, the parameters that differ from the defaults, the policies and rules,
the events as the scenario changes them (only the keys it changes), and the world tables it overrides (trust,
moves, ...), compared with its world file (the bundled one by default). Loaded next to that world it resolves to
the same scenario. Only pydantic and tomli_w are imported, so `show` answers at once.
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

from sim.scenario.essay import SENTENCES, about_lines
from sim.scenario.load import scenario_dir, scenario_path
from sim.scenario.schema import WORLD_KEYS, Parameters, Scenario, WorldSpec
from sim.util import calendar
from sim.util.tomlfile import read_toml

SETTINGS = (
    "name",
    "description",
    "evidence",
    "inferred",
    "start",
    "steps",
    "replications",
    "seed",
    "initial_trust",
    "calibrate",
)
DEFAULTS = {"initial_trust": "essay", "calibrate": "world"}  # settings shown only when they differ
_SAME = object()


def _diff(new: Any, old: Any) -> Any:
    """The part of `new` that differs from `old` (tables key by key; anything else whole), or _SAME."""
    if isinstance(new, dict) and isinstance(old, dict):
        out = {}
        for key, value in new.items():
            changed = _diff(value, old[key]) if key in old else value
            if changed is not _SAME:
                out[key] = changed
        return out or _SAME
    return _SAME if new == old else new


def _world_file(path: Path) -> Path | None:
    """The world file a scenario file names (its `world` key, else the bundled one); None if it embeds one."""
    ref = read_toml(path).get("world")
    if isinstance(ref, dict):
        return None
    return (path.parent / ref).resolve() if ref else (scenario_dir() / "world.toml").resolve()


def changes(spec: Scenario, ref: str | Path) -> dict[str, Any]:
    """What scenario `spec` (read from `ref`, a name or path) sets beyond its world, as a scenario mapping."""
    bundled = (scenario_dir() / "world.toml").resolve()
    world_file = _world_file(scenario_path(ref)) or bundled
    world_spec = WorldSpec.model_validate(read_toml(world_file))
    world = world_spec.model_dump(exclude_none=True)
    data = spec.model_dump(exclude_none=True)
    if spec.start == world_spec.first_month():  # the world's present: inherited, so not repeated
        data.pop("start", None)
    out: dict[str, Any] = {k: data[k] for k in SETTINGS if k in data and data[k] != DEFAULTS.get(k)}
    if world_file != bundled:
        out["world"] = str(world_file)
    state = {"initial_state": data["initial_state"], "disable": {k: v for k, v in data["disable"].items() if v}}
    out |= {key: value for key, value in state.items() if value}
    params = _diff(data["parameters"], Parameters().model_dump())
    if params is not _SAME:
        out["parameters"] = params
    for kind in ("policies", "rules"):
        items = [_evidence_last(item.model_dump(exclude_defaults=True)) for item in getattr(spec, kind)]
        if items:
            out[kind] = items
    events = _diff(data["events"], world["events"])
    if events is not _SAME:
        out["events"] = events
    if spec.start is not None:
        _as_dates(out, spec.start)
    for key in WORLD_KEYS:
        changed = _diff(data["world"][key], world[key])
        if changed is not _SAME:
            out[key] = changed
    return out


def _as_dates(out: dict[str, Any], start: str) -> None:
    """In place: the steps of a dated scenario's policies, profiles and events written as the months they are
    (`from`/`until` for a policy's start and end), as a dated scenario file would give them."""

    def month(step: int) -> str:
        return calendar.date_of(step, start)

    renamed = {"start": "from", "end": "until"}
    for i, policy in enumerate(out.get("policies", [])):
        for point in policy.get("profile", []):
            point["at"] = month(point["at"])
        out["policies"][i] = {renamed.get(k, k): month(v) if k in renamed else v for k, v in policy.items()}
    for event in out.get("events", {}).values():
        if isinstance(event, dict) and "at" in event:
            event["at"] = [month(step) for step in event["at"]]


def _evidence_last(item: dict[str, Any]) -> dict[str, Any]:
    """What a policy or rule does first, then what it rests on."""
    rest = ("evidence", "inferred")
    return {k: v for k, v in item.items() if k not in rest} | {k: item[k] for k in rest if k in item}


def changes_text(spec: Scenario, ref: str | Path) -> str:
    """The changes view of `diplosim show`: a valid scenario file with the essay quoted."""
    import tomli_w

    header = (
        f"# {spec.name}: what this scenario sets beyond its world (the essay's status quo), as a scenario file.\n"
        f"# `diplosim show {ref} --full` prints the whole resolved scenario.\n"
        f"# Anchors (baselines, status-quo expectations): {spec.anchors_from}.\n"
    )
    return header + essay_header(spec) + quote_essay(tomli_w.dumps(changes(spec, ref)), spec, lists=True)


def full_text(spec: Scenario) -> str:
    """The whole resolved scenario (world embedded), with the essay quoted under each trust value."""
    from sim.scenario.serialize import scenario_toml

    return essay_header(spec) + quote_essay(scenario_toml(spec), spec)


def essay_header(spec: Scenario) -> str:
    """Comment lines citing the essay (what is known of it, what is not) and the scenario's calendar."""
    lines = ["#", *(f"# {line}" for line in about_lines())]
    dates = spec.dates()
    if dates is not None:
        lines.append(f"# This scenario runs {dates[1]} to {dates[-1]}; month 0 is the state at the end of {dates[0]}.")
    return "\n".join(lines) + "\n\n"


def _quote(sid: str) -> list[str]:
    return [f"#   {part}\n" for part in textwrap.wrap(f'{sid} "{SENTENCES[sid]}"', 112, subsequent_indent="    ")]


def quote_essay(text: str, spec: Scenario, lists: bool = False) -> str:
    """Comments quoting the essay: under each trust table ([world.trust.A.B] or [trust.A.B]) the dyad's level
    and sentences, and with `lists`, after each other `evidence = [...]` list the sentences it names."""
    names = {code: actor.name for code, actor in spec.world.actors.items()}
    out: list[str] = []
    ids: list[str] | None = None  # sentence ids of an evidence list being read
    in_trust = False
    for line in text.splitlines(keepends=True):
        out.append(line)
        stripped = line.strip()
        if stripped.startswith("["):
            in_trust = stripped.startswith(("[world.trust.", "[trust."))
        if lists and not in_trust and stripped.startswith("evidence = ["):
            ids = []
        if ids is not None:
            ids += [part.strip(' ",[]') for part in stripped.removeprefix("evidence = ").split(",")]
            if stripped.endswith("]"):
                out.extend(q for sid in ids if sid in SENTENCES for q in _quote(sid))
                ids = None
            continue
        for prefix in ("[world.trust.", "[trust."):
            if stripped.startswith(prefix) and stripped.count(".") == prefix.count(".") + 1:
                obs, tgt = stripped[len(prefix) : -1].split(".")
                dyad = spec.world.trust[obs][tgt]
                out.append(
                    f"# {names[obs]}'s trust in {names[tgt]}: {dyad.initial} (plausible {dyad.low}-{dyad.high})\n"
                )
                out.extend(q for sid in dyad.evidence for q in _quote(sid))
                if dyad.inferred:
                    wrapped = textwrap.wrap(f"inferred: {dyad.inferred}", 112, subsequent_indent="    ")
                    out.extend(f"#   {part}\n" for part in wrapped)
    return "".join(out)
