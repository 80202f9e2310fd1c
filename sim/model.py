"""DiplomacyModel (mesa.Model): the engine with anchors calibrated to the essay's status quo.

With R = 1 this is an ordinary Mesa model: it takes `rng=` and keyword parameters and has a DataCollector, so
`mesa.batch_run` works on it; `rng=None` draws a fresh seed, as Mesa users expect (the Python API `sim.run`
uses the scenario's seed, so its runs are reproducible by default).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import mesa
import numpy as np

from sim.calibrate import anchors_for
from sim.config import Scenario, load_scenario, with_parameters
from sim.engine import Engine
from sim.recording import Recording
from sim.world import compile_world


class DiplomacyModel(Engine):
    """Directed trust among countries, batched over replications.

    Args:
        scenario: a scenario name (file in scenarios/), a path, or a loaded `Scenario`.
        replications: how many replications (indices 0..R-1), or the replication indices themselves.
        rng: the seed (Mesa convention): an int, a numpy Generator to draw it from, or None for a fresh one.
        steps: run length; the model stops (`running = False`) after it. Default: the scenario's steps.
        record: keep the whole trajectory (needed for `results()`); False keeps only the current state; a
            `sim.recording.Recording` to fill in place (see `sim.run`).
        **parameters: model parameters (alpha, mu, beta, half_life, ...) overriding the scenario's.
    """

    def __init__(
        self,
        scenario: str | Scenario = "baseline",
        replications: int | Sequence[int] = 1,
        *,
        rng: int | np.random.Generator | None = None,
        steps: int | None = None,
        record: bool | Recording = True,
        **parameters: Any,
    ) -> None:
        spec = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
        config = with_parameters(spec, parameters)
        seed = int(rng) if isinstance(rng, int | np.integer) else int(np.random.default_rng(rng).integers(2**63))
        world = compile_world(config)
        super().__init__(
            config,
            replications,
            seed=seed,
            anchors=anchors_for(config, world),
            steps=steps,
            record=record,
            world=world,
        )
        self.mean_trust = self.trust.mean(axis=0)  # what the DataCollector reports, once per step
        self.datacollector = mesa.DataCollector(
            model_reporters={
                f"trust_{o}_{t}": _mean_trust(i, j)
                for o, i in self.index.items()
                for t, j in self.index.items()
                if i != j
            }
        )
        self.datacollector.collect(self)

    def step(self) -> None:
        """One step for every replication, then the DataCollector records the mean trust."""
        super().step()
        self.mean_trust = self.trust.mean(axis=0)
        self.datacollector.collect(self)


def _mean_trust(i: int, j: int):
    """A DataCollector reporter: trust of actor i in j (mean over replications when R > 1)."""

    def report(model: DiplomacyModel) -> float:
        return float(model.mean_trust[i, j])

    return report
