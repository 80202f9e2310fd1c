"""Pydantic's validation errors as one ConfigError: the file, the dotted key the user wrote, a hint."""

from __future__ import annotations

import difflib
import math
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from sim.scenario.moves import LESS_FAMILY
from sim.scenario.schema import ACTOR_PATTERN, Scenario
from sim.util.errors import ConfigError, did_you_mean


def dotted(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def model_at(root: type[BaseModel], loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The schema class under `root` that owns the last key of `loc` (for 'did you mean' on unknown keys)."""
    model: Any = root
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        field = getattr(model, "model_fields", {}).get(part)
        if field is None:
            continue
        ann = field.annotation
        for _ in range(3):  # dict[str, X] / list[X] / X | None -> X
            args = [a for a in getattr(ann, "__args__", ()) if a is not type(None)]
            if isinstance(ann, type) and issubclass(ann, BaseModel):
                break
            ann = args[-1] if args else ann
        model = ann
    return model if isinstance(model, type) and issubclass(model, BaseModel) else None


def actors_hint(world: Mapping[str, Any] | None, given: str | None = None) -> str:
    """'did you mean CHN (China)? the world's actors are PAK (Pakistan), ...' for an actor code that is wrong."""
    actors = world.get("actors") if isinstance(world, Mapping) else None
    if not isinstance(actors, Mapping) or not actors:
        return "actor codes look like PAK or USA"
    names = {code: str(a.get("name", "")) if isinstance(a, Mapping) else "" for code, a in actors.items()}
    listed = "the world's actors are " + ", ".join(f"{code} ({name})" if name else code for code, name in names.items())
    if given is not None:
        text = str(given).strip().lower()
        match = [code for code, name in names.items() if text in (code.lower(), name.lower())]
        match = match or difflib.get_close_matches(str(given).upper(), list(names), n=1, cutoff=0.6)
        if match:
            return f"did you mean {match[0]} ({names[match[0]]})? {listed}" if names[match[0]] else listed
    return listed


def less_hint(world: Mapping[str, Any] | None) -> str:
    """Where to turn for 'less of something': the world's moves of CAMEO's 'reduce relations' family
    (sim.scenario.moves)."""
    moves = world.get("moves") if isinstance(world, Mapping) else None
    less = [
        name
        for name, move in (moves.items() if isinstance(moves, Mapping) else [])
        if isinstance(move, Mapping) and str(move.get("cameo", "")).startswith(LESS_FAMILY)
    ]
    named = f" ({', '.join(less)})" if less else ""
    return (
        f"intensity scales a move and must be above 0; for less of something use a move that does less{named}, "
        "or a lower probability; `diplosim moves` lists the moves"
    )


def error_from_pydantic(
    exc: ValidationError,
    origin: Callable[[tuple[Any, ...]], str | Path],
    root: type[BaseModel] = Scenario,
    missing_hint: str = "add it; see docs/MODEL.md or an example in scenarios/",
    world: Mapping[str, Any] | None = None,
) -> ConfigError:
    """Pydantic's first error as one ConfigError: the file (from `origin(loc)`), the dotted key, a hint. `world`
    (the merged world tables, when known) lets the hints name its actors and moves."""
    err = exc.errors()[0]
    loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and "[" in p))  # drop union branch tags
    key = dotted(loc)
    kind = err["type"]
    hint = None
    if kind == "extra_forbidden":
        owner = model_at(root, loc)
        message = "unknown key"
        if owner is not None:
            hint = did_you_mean(str(loc[-1]), owner.model_fields)
    elif kind == "missing":
        message = "required key is missing"
        hint = missing_hint
    elif kind == "finite_number":
        message = "must be a finite number (NaN and inf are not allowed)"
    else:
        given = err.get("input")
        shown = "" if isinstance(given, dict | list) else f" (got {given!r})"
        message = err["msg"].removeprefix("Value error, ") + shown
        if isinstance(given, float) and math.isnan(given):
            message = "must be a finite number (NaN is not allowed)"
        pattern = str(err.get("ctx", {}).get("pattern", ""))
        if "pattern" in kind and pattern == ACTOR_PATTERN:
            message = f"{given!r} is not an actor code"
            hint = actors_hint(world, given)
        elif "pattern" in kind and "cameo" not in key:
            hint = "evidence ids look like P4.S2, a paragraph and a sentence of the essay"
        elif kind.startswith("greater_than") and loc and loc[-1] in ("intensity", "value") and _not_above_0(given):
            hint = less_hint(world)
    return ConfigError(message, file=origin(loc), key=key or None, hint=hint)


def _not_above_0(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value <= 0
