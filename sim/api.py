"""The Python API: run a scenario, or several with common random numbers."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from sim.comparison import Comparison
from sim.config import Scenario, load_scenario
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
    override the scenario's model parameters.
    """
    spec = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    replications = spec.replications if replications is None else replications
    reps = np.arange(replications) if isinstance(replications, int | np.integer) else np.asarray(replications)
    # Large runs go in chunks of replications: the numbers are the same (replications are batch-independent),
    # and the cost per replication-step stays flat instead of growing once arrays outgrow the cache.
    batches = [reps[i : i + CHUNK] for i in range(0, len(reps), CHUNK)] if len(reps) > CHUNK else [replications]
    parts = []
    for batch in batches:
        model = DiplomacyModel(spec, batch, rng=spec.seed if seed is None else seed, steps=steps, **parameters)
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
    from the first scenario, so the runs are comparable.
    """
    specs = [s if isinstance(s, Scenario) else load_scenario(s) for s in scenarios]
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
