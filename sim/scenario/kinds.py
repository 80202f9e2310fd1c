"""What a parsed TOML file is: a sweep, a world, or (otherwise) a scenario."""

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
