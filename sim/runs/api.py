"""The Python API: run a scenario, or several with common random numbers.

`run` and `compare` are where Python callers enter: their arguments are checked here, once, with the command
line's words (sim.util.arguments, sim.scenario.settings), memory too; `simulate` then runs what was checked.
The command line checks its options itself and calls `simulate` directly.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from sim.core.engine import Engine
from sim.core.model import calibrated, replication_indices
from sim.core.recording import Recording
from sim.runs.checks import check_comparable, check_run_memory
from sim.runs.comparison import Comparison
from sim.runs.posterior import load_posterior
from sim.runs.results import Results
from sim.scenario.load import load_scenario, scenario_path
from sim.scenario.schema import Scenario
from sim.scenario.settings import apply_settings, run_settings, with_parameters
from sim.util.errors import ConfigError

CHUNK = 4096  # replications per batched model: amortises per-step overhead, keeps each step's arrays in cache


def run(
    scenario: str | Path | Scenario = "baseline",
    *,
    replications: int | Sequence[int] | None = None,
    steps: int | None = None,
    seed: int | None = None,
    progress: bool = False,
    fit: str | Path | None = None,
    **parameters: Any,
) -> Results:
    """Run a scenario and return its trajectories.

    `replications` is a count or the replication indices to run (replication r of seed s is the same numbers
    whichever batch it is in); defaults come from the scenario file. Keyword parameters (alpha, mu, ...)
    override the scenario's model parameters. With `fit` (a folder written by `diplosim calibrate`, or the name
    of a bundled fit such as "default") every replication draws its parameters from the fit's posterior sample
    (sim.runs.posterior), so the spread over replications holds parameter uncertainty. Arguments are checked
    like the command line's options: a ConfigError with the same message otherwise.
    """
    spec = settled(scenario, steps=steps, seed=seed, replications=replications)
    reps = replication_indices(spec.replications if replications is None else replications)
    check_run_memory(spec, len(reps))
    drawn = posterior_draws(fit, spec.seed, reps, parameters)
    return simulate_sets(with_parameters(spec, parameters), reps, drawn, progress=progress, fit=fit)


def posterior_draws(
    fit: str | Path | None, seed: int, replications: np.ndarray, given: Mapping[str, Any] | None = None
) -> dict[str, np.ndarray]:
    """Each replication's parameters drawn from a fit's posterior (none without a fit); a parameter both given
    and drawn is an error."""
    if fit is None:
        return {}
    posterior = load_posterior(fit)
    both = [name for name in posterior.names if name in (given or {})]
    if both:
        raise ConfigError(
            f"'{both[0]}' is given and also drawn from the fit's posterior",
            key=f"parameters.{both[0]}",
            hint="drop the parameter, or run without the fit",
        )
    return posterior.draws(seed, replications)


def simulate_sets(
    spec: Scenario,
    replications: np.ndarray,
    parameters: Mapping[str, np.ndarray],
    *,
    progress: bool = False,
    fit: str | Path | None = None,
) -> Results:
    """Run a checked scenario with each replication's own model parameters (`parameters`: name -> one value per
    replication); with none, `simulate`.

    Replication r with values v gives exactly the numbers of a run of the scenario with v (replications are
    batch-independent): each distinct parameter set runs its replications and the runs are put together in order.
    """
    if not parameters:
        results = simulate(spec, replications, progress=progress)
    else:
        names = list(parameters)
        table = np.column_stack([np.asarray(parameters[n], dtype=np.float64) for n in names])
        sets, which = np.unique(table, axis=0, return_inverse=True)
        parts = []
        for k, row in enumerate(sets):
            rows = np.flatnonzero(which.reshape(-1) == k)
            values = {n: float(v) for n, v in zip(names, row, strict=True)}
            parts.append((rows, simulate(with_parameters(spec, values), replications[rows]).dataset))
        arrays = {}
        for name in ("trust", "moves", "events"):
            first = parts[0][1][name]
            arrays[name] = np.empty((len(replications), *first.shape[1:]), first.dtype)
            for rows, dataset in parts:
                arrays[name][rows] = dataset[name].values
        ds = parts[0][1]
        results = Results.from_arrays(
            **arrays,
            replications=replications,
            actors=list(ds["observer"].values),
            move_names=list(ds["move"].values),
            event_names=list(ds["event"].values),
            scenario=spec,
            seed=spec.seed,
            copy=False,
        )
    if fit is not None:
        results.dataset.attrs["fit"] = str(load_posterior(fit).folder)
    return results


def simulate(spec: Scenario, replications: np.ndarray, *, progress: bool = False) -> Results:
    """Run a checked scenario (parameters applied) over checked replication indices.

    One preallocated recording; engines of at most CHUNK replications fill consecutive slices of it. The numbers
    are the same in any batch (replications are batch-independent), and the cost per replication-step stays flat
    instead of growing once arrays outgrow the cache.
    """
    world, anchors = calibrated(spec)
    recording = Recording.allocate(world, len(replications), spec.steps)
    for start in range(0, len(replications), CHUNK):
        block = replications[start : start + CHUNK]
        part = recording.part(start, start + len(block))
        model = Engine(spec, block, seed=spec.seed, anchors=anchors, record=part, world=world)
        model.run(progress=progress)
        # Release the finished batch's working arrays now: the model sits in reference cycles (model <-> agents)
        # that only the cyclic collector frees, and an explicit gc.collect() would be a window in which Ctrl-C is
        # swallowed (an exception raised inside a finalizer is only printed).
        vars(model).clear()
    return Results.from_arrays(
        trust=recording.trust,
        moves=recording.moves,
        events=recording.events,
        replications=replications,
        actors=world.actors,
        move_names=world.moves,
        event_names=[e.name for e in world.events],
        scenario=spec,
        seed=spec.seed,
        copy=False,
    )


def compare(
    scenarios: Sequence[str | Path | Scenario],
    *,
    replications: int | Sequence[int] | None = None,
    steps: int | None = None,
    seed: int | None = None,
    progress: bool = False,
    fit: str | Path | None = None,
) -> Comparison:
    """Run several scenarios on the same seed and replications (common random numbers).

    Returns a `Comparison`: a mapping of scenario name to Results (as a dict would be) with `.table()`, the
    final trust and paired differences with 95% CIs, and `.plot()`. Defaults (replications, steps, seed) come
    from the first scenario, so the runs are comparable. The scenarios must be at least two, differently named,
    with the same actors (a ConfigError otherwise, as on the command line). With `fit`, every replication draws
    its parameters from the fit's posterior, the same draw in every scenario.
    """
    if isinstance(scenarios, str | Path | Scenario):
        raise ConfigError("give a list of scenarios, e.g. sim.compare(['baseline', 'dialogue'])", key="scenarios")
    specs = [s if isinstance(s, Scenario) else load_scenario(s) for s in scenarios]
    check_comparable(specs, [None if isinstance(s, Scenario) else scenario_path(s) for s in scenarios])
    first = settled(specs[0], steps=steps, seed=seed, replications=replications)
    reps = replication_indices(first.replications if replications is None else replications)
    settings = {"steps": first.steps, "seed": first.seed, "replications": len(reps)}
    resolved = [first, *(apply_settings(s, settings, f"the run settings of {first.name}") for s in specs[1:])]
    check_run_memory(first, len(reps), len(resolved))
    drawn = posterior_draws(fit, first.seed, reps)
    return Comparison({spec.name: simulate_sets(spec, reps, drawn, progress=progress, fit=fit) for spec in resolved})


def settled(scenario: str | Path | Scenario, *, steps: Any, seed: Any, replications: Any) -> Scenario:
    """The scenario with the run settings given (checked like command-line options) applied and re-validated."""
    given = run_settings(steps=steps, seed=seed)
    if not isinstance(replications, Sequence | np.ndarray) or isinstance(replications, str):
        given |= run_settings(replications=replications)
    if isinstance(scenario, Scenario):
        spec, file = scenario, None
    else:
        spec, file = load_scenario(scenario), scenario_path(scenario)
    source = ", ".join(f"{k}={v}" for k, v in given.items())
    return apply_settings(spec, given, source, file=file)
