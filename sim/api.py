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
from sim.model import DiplomacyModel
from sim.results import Results

CHUNK = 8192  # replications per batched model: amortises per-step overhead, keeps each step's arrays in cache


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
    override the scenario's model parameters. Arguments are checked like the command line's options: a
    ConfigError with the same message otherwise.
    """
    spec = _settled(scenario, steps=steps, seed=seed, replications=replications)
    reps = _indices(spec.replications if replications is None else replications)
    inputs.check_run_memory(spec, len(reps))
    # Large runs go in chunks of replications: the numbers are the same (replications are batch-independent),
    # and the cost per replication-step stays flat instead of growing once arrays outgrow the cache.
    batches = [reps[i : i + CHUNK] for i in range(0, len(reps), CHUNK)]
    parts = []
    for batch in batches:
        model = DiplomacyModel(spec, batch, rng=spec.seed, **parameters)
        model.run(progress=progress)
        parts.append(model.results())
    return parts[0] if len(parts) == 1 else Results.concat(parts)


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
    out: dict[str, Results] = {}
    for spec in specs:
        out[spec.name] = run(
            spec,
            replications=first.replications if replications is None else replications,
            steps=first.steps if steps is None else steps,
            seed=first.seed if seed is None else seed,
            progress=progress,
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
