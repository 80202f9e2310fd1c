"""Generated worlds with extra actors (XA1, XA2, ...) for the actor-scaling benchmark."""

from __future__ import annotations

import numpy as np

from sim.scenario.load import load_scenario, validate_raw
from sim.scenario.schema import Scenario

#: Background moves of every generated actor toward each of its targets (per-step probabilities).
EXTRA_BACKGROUND = {"dialogue": 0.3, "criticize": 0.1, "economic_cooperation": 0.02}
#: How many targets each generated actor has background moves toward.
TARGETS_PER_ACTOR = 3


def with_extra_actors(n_actors: int, base: str | Scenario = "baseline", seed: int = 0) -> Scenario:
    """The base scenario's world grown to `n_actors` actors, validated like a config file.

    Every new directed dyad gets a trust entry (initial trust drawn in [0.3, 0.7], a +-0.1 range, dependence 0.2);
    every new actor gets background moves toward `TARGETS_PER_ACTOR` others (one of them an original actor).
    """
    spec = base if isinstance(base, Scenario) else load_scenario(base)
    raw = spec.model_dump()
    world = raw["world"]
    original = list(world["actors"])
    if n_actors < len(original):
        raise ValueError(f"n_actors ({n_actors}) is below the base world's {len(original)} actors")
    extra = [f"XA{k}" for k in range(1, n_actors - len(original) + 1)]
    rng = np.random.default_rng(seed)
    everyone = original + extra
    for code in extra:
        world["actors"][code] = {"name": f"Extra actor {code[2:]}", "description": "generated for benchmarks"}
    for observer in everyone:
        row = world["trust"].setdefault(observer, {})
        for target in everyone:
            if target == observer or target in row:
                continue
            initial = round(float(rng.uniform(0.3, 0.7)), 3)
            row[target] = {
                "initial": initial,
                "low": round(initial - 0.1, 3),
                "high": round(initial + 0.1, 3),
                "dependence": 0.2,
                "inferred": "generated for the actor-scaling benchmark",
            }
    for k, code in enumerate(extra):
        others = [a for a in everyone if a != code]
        targets = {original[k % len(original)]}
        while len(targets) < min(TARGETS_PER_ACTOR, len(others)):
            targets.add(others[int(rng.integers(len(others)))])
        world["background"][code] = {t: dict(EXTRA_BACKGROUND) for t in sorted(targets)}
    raw["name"] = f"{spec.name}_{n_actors}_actors"
    return validate_raw(raw, file=f"<{spec.name} with {n_actors} actors>")
