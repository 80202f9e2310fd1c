"""The Python API: run a scenario, or several with common random numbers."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from sim.config import Scenario, load_scenario
from sim.model import DiplomacyModel, with_parameters
from sim.recording import Recording, check_memory, run_bytes
from sim.results import Results
from sim.world import compile_world

CHUNK = 4096  # replications per batched model: amortises per-step overhead, keeps each step's arrays in cache


def run(
    scenario: str | Path | Scenario = "baseline",
    *,
    replications: int | Sequence[int] | None = None,
    steps: int | None = None,
    seed: int | None = None,
    progress: bool = False,
    **parameters: Any,
) -> Results:
    """Run a scenario and return its trajectories.

    `replications` is a count or the replication indices to run (replication r of seed s is the same numbers
    whichever batch it is in); defaults come from the scenario file. Keyword parameters (alpha, mu, ...)
    override the scenario's model parameters.
    """
    spec = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    replications = spec.replications if replications is None else replications
    reps = np.arange(replications) if isinstance(replications, int | np.integer) else np.asarray(replications)
    rng = spec.seed if seed is None else seed
    world = compile_world(with_parameters(spec, parameters))
    n_steps = spec.steps if steps is None else steps
    check_memory(run_bytes(world, len(reps), n_steps))
    # One preallocated recording; models of at most CHUNK replications fill consecutive slices of it. The numbers
    # are the same in any batch (replications are batch-independent), and the cost per replication-step stays
    # flat instead of growing once arrays outgrow the cache.
    recording = Recording.allocate(world, len(reps), n_steps)
    for start in range(0, max(1, len(reps)), CHUNK):  # no replications: the model says what is wrong
        model = _model(spec, reps[start : start + CHUNK], rng, steps, parameters, recording.part(start, start + CHUNK))
        model.run(progress=progress)
        world, config, seed = model.world, model.config, model.seed
        # Release the finished batch's working arrays now: the model sits in reference cycles (model <-> agents)
        # that only the cyclic collector frees, and an explicit gc.collect() would be a window in which Ctrl-C is
        # swallowed (an exception raised inside a finalizer is only printed).
        vars(model).clear()
    return Results.from_arrays(
        trust=recording.trust,
        moves=recording.moves,
        events=recording.events,
        replications=reps,
        actors=world.actors,
        move_names=world.moves,
        event_names=[e.name for e in world.events],
        scenario=config,
        seed=seed,
        copy=False,
    )


def _model(
    spec: Scenario, reps: Any, rng: int, steps: int | None, parameters: dict[str, Any], record: bool | Recording
) -> DiplomacyModel:
    return DiplomacyModel(spec, reps, rng=rng, steps=steps, record=record, **parameters)


def compare(
    scenarios: Sequence[str | Path | Scenario],
    *,
    replications: int | Sequence[int] | None = None,
    steps: int | None = None,
    seed: int | None = None,
    progress: bool = False,
) -> dict[str, Results]:
    """Run several scenarios on the same seed and replications (common random numbers), keyed by name.

    Defaults (replications, steps, seed) come from the first scenario, so the runs are comparable.
    """
    specs = [s if isinstance(s, Scenario) else load_scenario(s) for s in scenarios]
    first = specs[0]
    replications = first.replications if replications is None else replications
    steps = first.steps if steps is None else steps
    count = replications if isinstance(replications, int | np.integer) else len(replications)
    check_memory(sum(run_bytes(compile_world(s), count, steps) for s in specs), f"comparing {len(specs)} scenarios")
    out: dict[str, Results] = {}
    for spec in specs:
        out[spec.name] = run(
            spec, replications=replications, steps=steps, seed=first.seed if seed is None else seed, progress=progress
        )
    return out
