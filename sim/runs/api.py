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

from sim.core.batch import Batch
from sim.core.prepare import ParameterSets, calibrated, replication_indices
from sim.core.recording import Recording
from sim.runs.align import align
from sim.runs.checks import check_comparable, check_run_memory
from sim.runs.comparison import Comparison
from sim.runs.posterior import load_posterior
from sim.runs.results import Results
from sim.scenario.load import load_scenario, scenario_path
from sim.scenario.schema import Scenario
from sim.scenario.settings import apply_settings, run_settings
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
    override the scenario's model parameters: a number, or an array with one value per replication (replication
    r then runs with its own value, and gives exactly the numbers of a run with that value alone). With `fit` (a
    folder written by `diplosim calibrate`, or the name of a bundled fit such as "default") every replication
    draws its parameters from the fit's posterior sample (sim.runs.posterior), so the spread over replications
    holds parameter uncertainty. Arguments are checked like the command line's options: a ConfigError with the
    same message otherwise.
    """
    spec, reps = settled(scenario, steps=steps, seed=seed, replications=replications)
    check_run_memory(spec, len(reps))
    drawn = posterior_draws(fit, spec.seed, reps, parameters)
    return simulate_sets(spec, reps, {**parameters, **drawn}, progress=progress, fit=fit)


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
    parameters: Mapping[str, Any],
    *,
    progress: bool = False,
    fit: str | Path | None = None,
) -> Results:
    """Run a checked scenario with model parameters that are numbers or arrays of one value per replication
    (`sim.core.prepare.ParameterSets`), marking the results with the fit the arrays were drawn from, if any."""
    batch = ParameterSets.of(spec, parameters, len(replications))
    results = simulate(batch.config, replications, progress=progress, parameters=batch)
    if fit is not None:
        results.dataset.attrs["fit"] = str(load_posterior(fit).folder)
    return results


def simulate(
    spec: Scenario, replications: np.ndarray, *, progress: bool = False, parameters: ParameterSets | None = None
) -> Results:
    """Run a checked scenario (parameters applied) over checked replication indices, with each replication's
    parameters from `parameters` if given (default: the scenario's).

    One preallocated recording; batches of at most CHUNK replications fill consecutive slices of it. The numbers
    are the same in any batch (replications are batch-independent), and a batch's working arrays stay bounded.
    """
    sets = parameters or ParameterSets(spec, [spec.parameters], np.zeros(len(replications), np.int64))
    world, anchors = calibrated(spec, sets.sets)
    recording = Recording.allocate(world, len(replications), spec.steps)
    for start in range(0, len(replications), CHUNK):
        block = replications[start : start + CHUNK]
        part = recording.part(start, start + len(block))
        rows = sets.rows[start : start + len(block)]
        batch = Batch(
            spec, block, seed=spec.seed, anchors=anchors, record=part, world=world, parameters=sets.sets, rows=rows
        )
        batch.run(progress=progress)
        del batch  # its working arrays go now, before the next batch's are made
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
    final trust and paired differences with 95% CIs, and `.plot()`. Replications, steps and seed are the ones
    given or, when the scenarios agree, theirs; scenarios on one calendar that end in different months are
    compared over the months they all cover (`Comparison.note` says so). The scenarios must be at least two,
    differently named, with the same actors; anything else that differs is a ConfigError saying how to fix it
    (sim.runs.align), as on the command line. With `fit`, every replication draws its parameters from the fit's
    posterior, the same draw in every scenario.
    """
    if isinstance(scenarios, str | Path | Scenario):
        raise ConfigError("give a list of scenarios, e.g. sim.compare(['baseline', 'dialogue'])", key="scenarios")
    specs = [s if isinstance(s, Scenario) else load_scenario(s) for s in scenarios]
    files = [None if isinstance(s, Scenario) else scenario_path(s) for s in scenarios]
    check_comparable(specs, files)
    count = not isinstance(replications, Sequence | np.ndarray) or isinstance(replications, str)
    given = run_settings(steps=steps, seed=seed, replications=replications if count else None)
    reps = None if replications is None else replication_indices(given.get("replications", replications))
    size = None if reps is None else len(reps)
    aligned = align(specs, steps=given.get("steps"), seed=given.get("seed"), replications=size, files=files)
    first = aligned.specs[0]
    reps = replication_indices(first.replications) if reps is None else reps
    check_run_memory(first, len(reps), len(aligned.specs))
    drawn = posterior_draws(fit, first.seed, reps)
    runs = {spec.name: simulate_sets(spec, reps, drawn, progress=progress, fit=fit) for spec in aligned.specs}
    return Comparison(runs, note=aligned.note)


def settled(
    scenario: str | Path | Scenario, *, steps: Any, seed: Any, replications: Any
) -> tuple[Scenario, np.ndarray]:
    """The scenario with the run settings given (checked like command-line options) applied and re-validated, and
    the replication indices: 0..R-1 for a count (the scenario's, or the one given), or the indices given."""
    given = run_settings(steps=steps, seed=seed)
    indices = isinstance(replications, Sequence | np.ndarray) and not isinstance(replications, str)
    if not indices:
        given |= run_settings(replications=replications)
    if isinstance(scenario, Scenario):
        spec, file = scenario, None
    else:
        spec, file = load_scenario(scenario), scenario_path(scenario)
    source = ", ".join(f"{k}={v}" for k, v in given.items())
    spec = apply_settings(spec, given, source, file=file)
    return spec, replication_indices(replications) if indices else np.arange(spec.replications, dtype=np.int64)
