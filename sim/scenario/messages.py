"""Pydantic's validation errors as one ConfigError: the file, the dotted key the user wrote, a hint."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from sim.scenario.schema import Scenario
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


def error_from_pydantic(
    exc: ValidationError,
    origin: Callable[[tuple[Any, ...]], str | Path],
    root: type[BaseModel] = Scenario,
    missing_hint: str = "add it; see docs/MODEL.md or an example in scenarios/",
) -> ConfigError:
    """Pydantic's first error as one ConfigError: the file (from `origin(loc)`), the dotted key, a hint."""
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
        if "pattern" in kind and "cameo" not in key:
            hint = "actor codes are ISO 3166 alpha-3 style, e.g. PAK; evidence ids look like P4.S2"
    return ConfigError(message, file=origin(loc), key=key or None, hint=hint)
