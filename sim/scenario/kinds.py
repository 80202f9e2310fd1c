"""What a parsed TOML file is: a sweep, a world, a fit file, a codebook, a train/test split, or (otherwise) a
scenario."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def is_sweep(raw: Mapping[str, Any]) -> bool:
    """Whether a parsed file is a sweep (it names a base scenario and what to vary), not a scenario."""
    return "vary" in raw or "scenario" in raw


SCENARIO_ONLY = ("name", "world", "steps", "replications", "seed", "initial_trust", "parameters", "policies")


def is_world(raw: Mapping[str, Any]) -> bool:
    """Whether a parsed file is a world, not a scenario: actors, trust and moves, no run settings, and trust only
    among its own actors (a scenario that adds an actor gives trust between it and the world's actors)."""
    actors, trust = raw.get("actors"), raw.get("trust")
    if not (isinstance(actors, dict) and isinstance(trust, dict) and "moves" in raw):
        return False
    named = set(trust) | {t for row in trust.values() if isinstance(row, dict) for t in row}
    return named <= set(actors) and not any(key in raw for key in SCENARIO_ONLY)


def is_fit(raw: Mapping[str, Any]) -> bool:
    """Whether a parsed file is a fit file (`diplosim calibrate --fit`): ranges as [[param]] tables."""
    return isinstance(raw.get("param"), list) and "policies" not in raw and "world" not in raw


def is_codebook(raw: Mapping[str, Any]) -> bool:
    """Whether a parsed file is a history codebook (event classes -> moves), as scenarios/history/codebook.toml."""
    return isinstance(raw.get("classes"), dict) and "policies" not in raw


def is_split(raw: Mapping[str, Any]) -> bool:
    """Whether a parsed file is the history fit's train/test split (scenarios/fits/split.toml): a `train_end`."""
    return "train_end" in raw and "policies" not in raw and "name" not in raw


def kind(raw: Mapping[str, Any]) -> str:
    """'sweep', 'world', 'fit', 'codebook', 'split' or 'scenario'."""
    tests = (("sweep", is_sweep), ("world", is_world), ("fit", is_fit), ("codebook", is_codebook), ("split", is_split))
    for name, test in tests:
        if test(raw):
            return name
    return "scenario"
