"""DiplomacyModel (mesa.Model): the engine with anchors calibrated to the essay's status quo, as Mesa users meet it.

With R = 1 this is an ordinary Mesa model: it takes `rng=` and keyword parameters and has a DataCollector, so
`mesa.batch_run` works on it; `rng=None` draws a fresh seed, as Mesa users expect (the Python API `sim.run`
uses the scenario's seed, so its runs are reproducible by default). Its arguments are checked here, where a Mesa
user hands them in (the seed and steps with the words of the command line's options). Whole runs of settings
already checked (sim.run, sweeps, calibration) build a sim.core.batch.Batch with sim.core.prepare and load no Mesa.

A keyword parameter may also be an array with one value per replication (`alpha=np.array([...])`): the
replications then run side by side on the same random numbers, each with its own parameters and anchors, and
replication r with value v gives exactly the numbers of a run with the scalar v (`ParameterSets`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import mesa
import numpy as np

from sim.core.calibration import probe
from sim.core.engine import Engine
from sim.core.prepare import ParameterSets, calibrated, replication_indices
from sim.core.recording import Recording
from sim.scenario.dyads import dyads, trust_name
from sim.scenario.load import load_scenario
from sim.scenario.schema import Scenario
from sim.scenario.settings import run_settings


class DiplomacyModel(Engine):
    """Directed trust among countries, batched over replications.

    Args:
        scenario: a scenario name (file in scenarios/), a path, or a loaded `Scenario`.
        replications: how many replications (indices 0..R-1), or the replication indices themselves.
        rng: the seed (Mesa convention): an int, a numpy Generator to draw it from, or None for a fresh one.
        steps: run length; the model stops (`running = False`) after it. Default: the scenario's steps.
        record: keep the whole trajectory (`sim.Results.from_model(model)` reads it); False keeps only the
            current state; a `sim.core.recording.Recording` to fill in place.
        **parameters: model parameters (alpha, mu, beta, half_life, ...) overriding the scenario's: numbers, or
            arrays with one value per replication.
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
        reps = replication_indices(replications)
        batch = ParameterSets.of(spec, parameters, len(reps))
        if isinstance(rng, int | np.integer):
            seed = run_settings(seed=rng)["seed"]
        else:
            seed = int(np.random.default_rng(rng).integers(2**63))
        steps = run_settings(steps=steps).get("steps")
        world, anchors = calibrated(batch.config, batch.sets)
        super().__init__(
            batch.config,
            reps,
            seed=seed,
            anchors=anchors,
            steps=steps,
            record=record,
            world=world,
            parameters=batch.sets,
            rows=batch.rows,
        )
        self.mean_trust = self.trust.mean(axis=0)  # what the DataCollector reports, once per step
        self.datacollector = mesa.DataCollector(
            model_reporters={
                trust_name(o, t): _mean_trust(self.index[o], self.index[t]) for o, t in dyads(self.world.actors)
            }
        )
        self.datacollector.collect(self)

    def step(self) -> None:
        """One step for every replication, then the DataCollector records the mean trust."""
        super().step()
        self.mean_trust = self.trust.mean(axis=0)
        self.datacollector.collect(self)

    def run(self, progress: bool = False, until: int | None = None) -> None:
        """The run (to its end, or to step `until`) in the compiled loop; the DataCollector then records the mean
        trust reached (step through with `step()` to collect every step)."""
        super().run(progress, until)
        self.mean_trust = self.trust.mean(axis=0)
        self.datacollector.collect(self)


def _mean_trust(i: int, j: int):
    """A DataCollector reporter: trust of actor i in j (mean over replications when R > 1)."""

    def report(model: DiplomacyModel) -> float:
        return float(model.mean_trust[i, j])

    return report


def compile_entry_points() -> None:
    """Compile every compiled entry point now (or load it from the cache): a tiny run of each path, the Mesa
    step, the whole-run loop with and without a recording, and the calibration probe."""

    model = DiplomacyModel("baseline", replications=2, rng=0, steps=2)
    model.step()
    model.run()
    DiplomacyModel("baseline", replications=2, rng=0, steps=2, record=False).run()
    probe(load_scenario("baseline"))
