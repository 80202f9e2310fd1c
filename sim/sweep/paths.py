"""Dotted paths into a resolved scenario: which numbers a sweep may vary, where they live, and setting them.

A path names a number in `Scenario.model_dump()`, with the short forms a scenario file uses:

- `parameters.alpha`, `steps`;
- world tables without the `world.` prefix (as in a scenario file): `trust.PAK.USA.initial`, `moves.demand.goldstein`,
  `background.USA.PAK.demand`, `reciprocity.hostile`. These change the status quo, so baselines are recalibrated;
- items of lists by their `name` (by index when unnamed): `policies.usa_pressure.intensity`, `rules.NAME.probability`
  (the scenario's rules), `world.rules.NAME.probability` (the world's standing rules);
- `events.NAME.rate`: the event as the scenario plays it (like a scenario file's `[events.NAME]` table; a world event
  is copied there first, which changes nothing until a value is set); `world.events.NAME.rate` changes the status quo.

No numerical library is imported here.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, get_args

from pydantic import BaseModel

from sim.scenario.schema import WORLD_KEYS, Scenario
from sim.util.errors import ConfigError, did_you_mean

Loc = tuple[str | int, ...]
SET_BY_SWEEP = ("seed", "replications")


@dataclass(frozen=True)
class Address:
    """A path as written and the keys that reach its number in the raw scenario mapping."""

    path: str
    loc: Loc
    integer: bool


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _labels(items: list[Any]) -> list[str]:
    """How list items are addressed: their unique non-empty `name`, otherwise their index."""
    names = [item.get("name") if isinstance(item, dict) else None for item in items]
    return [n if n and names.count(n) == 1 else str(i) for i, n in enumerate(names)]


@cache
def _optional_numbers() -> dict[str, type]:
    """Schema fields that hold a number or None (a dyad's `baseline`, a policy's `end`, ...), by name -> type."""
    found: dict[str, set[type]] = {}
    seen: set[type] = set()

    def visit(model: type[BaseModel]) -> None:
        seen.add(model)
        for name, field in model.model_fields.items():
            types = _leaf_types(field.annotation)
            for arg in types - {type(None)}:
                if isinstance(arg, type) and issubclass(arg, BaseModel):
                    if arg not in seen:
                        visit(arg)
                elif type(None) in types:
                    found.setdefault(name, set()).add(arg)

    visit(Scenario)
    return {k: next(iter(v)) for k, v in found.items() if len(v) == 1 and next(iter(v)) in (int, float)}


def _leaf_types(annotation: Any) -> set[Any]:
    """The plain types inside an annotation (unions, Annotated, dict/list values)."""
    args = get_args(annotation)
    if not args:
        return {annotation}
    inner = args[:1] if getattr(annotation, "__metadata__", None) else args
    return set().union(*(_leaf_types(a) for a in inner))


def _walk(tree: Any, prefix: str, loc: Loc) -> Iterator[tuple[str, Loc, Any]]:
    """Every number below `tree` (and every unset optional number) as (dotted path, location, value)."""
    if tree is None and loc and loc[-1] in _optional_numbers():
        yield prefix, loc, _optional_numbers()[str(loc[-1])]()
    elif isinstance(tree, dict):
        for key, value in tree.items():
            yield from _walk(value, f"{prefix}.{key}" if prefix else str(key), (*loc, key))
    elif isinstance(tree, list):
        for i, (label, value) in enumerate(zip(_labels(tree), tree, strict=True)):
            yield from _walk(value, f"{prefix}.{label}", (*loc, i))
    elif _is_number(tree):
        yield prefix, loc, tree


def leaves(raw: dict[str, Any]) -> dict[str, tuple[Loc, Any]]:
    """Every path a sweep may vary in a resolved scenario mapping, with its location and base value."""
    out: dict[str, tuple[Loc, Any]] = {}
    for path, loc, value in _walk(raw, "", ()):
        if path in SET_BY_SWEEP:
            continue
        if loc[0] == "world" and loc[1] in WORLD_KEYS:
            path = path.removeprefix("world.")
        out[path] = (loc, value)
    scenario_events = raw.get("events", {})
    for name, event in raw.get("world", {}).get("events", {}).items():
        if name not in scenario_events:
            for path, loc, value in _walk(event, f"events.{name}", ("events", name)):
                out[path] = (loc, value)
    return out


def resolve_paths(raw: dict[str, Any], paths: Sequence[str], *, file: str | Path, keys: Sequence[str]) -> list[Address]:
    """Addresses of `paths` in `raw`; a ConfigError (naming `keys[i]` in `file`) for a path that is not a number."""
    valid = leaves(raw)
    out = []
    for path, key in zip(paths, keys, strict=True):
        short = _short(path)
        if short not in valid:
            raise ConfigError(_why_not(raw, short, valid), file=file, key=key, hint=_near(short, valid))
        loc, value = valid[short]
        out.append(Address(path, loc, isinstance(value, int)))
    if len({a.loc for a in out}) < len(out):
        dup = next(a.path for a in out if [b.loc for b in out].count(a.loc) > 1)
        raise ConfigError(f"'{dup}' is varied twice", file=file, key="vary", hint="vary each number once")
    return out


def prepare(raw: dict[str, Any], addresses: Sequence[Address]) -> dict[str, Any]:
    """A copy of `raw` where every varied world event also appears among the scenario's events (same content)."""
    out = copy.deepcopy(raw)
    for a in addresses:
        if a.loc[0] == "events" and a.loc[1] not in out["events"]:
            out["events"][a.loc[1]] = copy.deepcopy(out["world"]["events"][a.loc[1]])
    return out


def assign(raw: dict[str, Any], addresses: Sequence[Address], values: Sequence[float]) -> dict[str, Any]:
    """The prepared `raw` with each address set to its value (rounded where the field is an integer), `raw` left
    as it was: the tables and lists on each address's path are copied, the rest is shared (a sweep assigns every
    point, so a deep copy each time would cost more than the point's validation)."""
    out = dict(raw)
    for a, value in zip(addresses, values, strict=True):
        node: Any = out
        for part in a.loc[:-1]:
            node[part] = copy.copy(node[part])
            node = node[part]
        node[a.loc[-1]] = round(float(value)) if a.integer else float(value)
    return out


def _short(path: str) -> str:
    """`world.trust.PAK.USA.initial` -> `trust.PAK.USA.initial` (the form a scenario file uses)."""
    parts = path.split(".")
    return ".".join(parts[1:]) if len(parts) > 1 and parts[0] == "world" and parts[1] in WORLD_KEYS else path


def _why_not(raw: dict[str, Any], path: str, valid: dict[str, tuple[Loc, Any]]) -> str:
    if path in SET_BY_SWEEP:
        return f"'{path}' is set by the sweep itself (its `{path}` key), not varied"
    node: Any = raw["world"] if path.split(".")[0] in WORLD_KEYS else raw
    for part in path.split("."):
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part in _labels(node):
            node = node[_labels(node).index(part)]
        else:
            return f"'{path}' is not a number in scenario '{raw.get('name')}'"
    kind = "not set (None)" if node is None else f"a {type(node).__name__}, not a number"
    return f"'{path}' is {kind} in scenario '{raw.get('name')}'"


def _near(path: str, valid: dict[str, tuple[Loc, Any]]) -> str:
    """'Did you mean' among all paths, else the valid paths under the longest known prefix of `path`."""
    close = did_you_mean(path, valid) if len(valid) > 25 else None
    if close:
        return close
    parts = path.split(".")
    for n in range(len(parts) - 1, 0, -1):
        prefix = ".".join(parts[:n]) + "."
        under = sorted({p[len(prefix) :].split(".")[0] for p in valid if p.startswith(prefix)})
        if under:
            shown = ", ".join(under[:25]) + (" ..." if len(under) > 25 else "")
            return f"valid under '{prefix[:-1]}': {shown}"
    tops = sorted({p.split(".")[0] if p.split(".")[0] != "world" else ".".join(p.split(".")[:2]) for p in valid})
    return "paths start with " + ", ".join(tops)
