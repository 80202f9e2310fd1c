"""The Python API: run a scenario, or several with common random numbers."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from sim import inputs
from sim.comparison import Comparison
from sim.config import Scenario, load_scenario, scenario_path
from sim.errors import ConfigError
from sim.model import DiplomacyModel, ParameterSets
from sim.recording import Recording
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
    override the scenario's model parameters: a number, or an array with one value per replication (replication
    r then runs with its own value, and gives exactly the numbers of a run with that value alone). Arguments are
    checked like the command line's options: a ConfigError with the same message otherwise.
    """
    spec = _settled(scenario, steps=steps, seed=seed, replications=replications)
    reps = _indices(spec.replications if replications is None else replications)
    inputs.check_run_memory(spec, len(reps))
    world = compile_world(ParameterSets.of(spec, parameters, len(reps)).config)  # checks every parameter first
    # One preallocated recording; models of at most CHUNK replications fill consecutive slices of it. The numbers
    # are the same in any batch (replications are batch-independent), and a model's working arrays stay bounded.
    recording = Recording.allocate(world, len(reps), spec.steps)
    for start in range(0, len(reps), CHUNK):
        part = recording.part(start, start + CHUNK)
        chunk = {k: v[start : start + CHUNK] if np.ndim(v) > 0 else v for k, v in parameters.items()}
        model = DiplomacyModel(spec, reps[start : start + CHUNK], rng=spec.seed, record=part, **chunk)
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


def compare(
    scenarios: Sequence[str | Path | Scenario],
    *,
    replications: int | Sequence[int] | None = None,
    steps: int | None = None,
    seed: int | None = None,
    progress: bool = False,
) -> Comparison:
    """Run several scenarios on the same seed and replications (common random numbers).

    Returns a `Comparison`: a mapping of scenario name to Results (as a dict would be) with `.table()`, the
    final trust and paired differences with 95% CIs, and `.plot()`. Defaults (replications, steps, seed) come
    from the first scenario, so the runs are comparable. The scenarios must be at least two, differently named,
    with the same actors (a ConfigError otherwise, as on the command line).
    """
    if isinstance(scenarios, str | Path | Scenario):
        raise ConfigError("give a list of scenarios, e.g. sim.compare(['baseline', 'dialogue'])", key="scenarios")
    specs = [s if isinstance(s, Scenario) else load_scenario(s) for s in scenarios]
    inputs.check_comparable(specs, [None if isinstance(s, Scenario) else scenario_path(s) for s in scenarios])
    first = specs[0]
    replications = first.replications if replications is None else replications
    steps = first.steps if steps is None else steps
    if isinstance(replications, int | np.integer) and not isinstance(steps, bool) and isinstance(steps, int):
        inputs.check_run_memory(first.model_copy(update={"steps": steps}), int(replications), len(specs))
    out: dict[str, Results] = {}
    for spec in specs:
        out[spec.name] = run(
            spec, replications=replications, steps=steps, seed=first.seed if seed is None else seed, progress=progress
        )
    return Comparison(out)


def _settled(scenario: str | Path | Scenario, *, steps: Any, seed: Any, replications: Any) -> Scenario:
    """The scenario with the run settings given (checked like command-line options) applied and re-validated."""
    given = inputs.run_settings(steps=steps, seed=seed)
    if not isinstance(replications, Sequence | np.ndarray) or isinstance(replications, str):
        given |= inputs.run_settings(replications=replications)
    if isinstance(scenario, Scenario):
        spec, file = scenario, None
    else:
        spec, file = load_scenario(scenario), scenario_path(scenario)
    source = ", ".join(f"{k}={v}" for k, v in given.items())
    return inputs.apply_settings(spec, given, source, file=file)


def _indices(replications: int | Sequence[int] | np.ndarray) -> np.ndarray:
    """Replication indices from a count or a sequence of distinct whole numbers >= 0."""
    if isinstance(replications, int | np.integer):
        return np.arange(replications)
    values = list(replications)
    try:
        reps = [inputs.as_whole(v) for v in values]
    except ValueError as exc:
        raise ConfigError(f"each replication index {exc}", key="replications", hint="e.g. 500, or [0, 1, 7]") from None
    if not reps or min(reps) < 0 or len(set(reps)) < len(reps):
        raise ConfigError(
            "must be a count or a list of distinct indices >= 0",
            key="replications",
            hint="e.g. 500, or [0, 1, 7]",
        )
    return np.asarray(reps, dtype=np.int64)
