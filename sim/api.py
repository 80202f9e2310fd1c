"""The Python API: run a scenario, or several with common random numbers."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sim.config import Scenario, load_scenario
from sim.model import DiplomacyModel
from sim.results import Results


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
    model = DiplomacyModel(
        spec,
        spec.replications if replications is None else replications,
        rng=spec.seed if seed is None else seed,
        steps=steps,
        **parameters,
    )
    model.run(progress=progress)
    return model.results()


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
    out: dict[str, Results] = {}
    for spec in specs:
        out[spec.name] = run(
            spec,
            replications=first.replications if replications is None else replications,
            steps=first.steps if steps is None else steps,
            seed=first.seed if seed is None else seed,
            progress=progress,
        )
    return out
