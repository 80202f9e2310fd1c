"""DiplomacyModel (mesa.Model): the engine with anchors calibrated to the essay's status quo, as Mesa users meet it.

With R = 1 this is an ordinary Mesa model: it takes `rng=` and keyword parameters and has a DataCollector, so
`mesa.batch_run` works on it; `rng=None` draws a fresh seed, as Mesa users expect (the Python API `sim.run`
uses the scenario's seed, so its runs are reproducible by default). Its arguments are checked here, where a Mesa
user hands them in (the seed and steps with the words of the command line's options); `calibrated` gives what the
same Engine needs from settings already checked (sim.run, sweeps).

A keyword parameter may also be an array with one value per replication (`alpha=np.array([...])`): the
replications then run side by side on the same random numbers, each with its own parameters and anchors, and
replication r with value v gives exactly the numbers of a run with the scalar v (`ParameterSets`).
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import mesa
import numpy as np
from pydantic import ValidationError

from sim.core.anchors import Anchors
from sim.core.calibration import anchors_for_each, probe
from sim.core.engine import Engine
from sim.core.recording import Recording
from sim.core.world import World, compile_world
from sim.scenario.dyads import dyads, trust_name
from sim.scenario.load import load_scenario
from sim.scenario.schema import Parameters, Scenario
from sim.scenario.settings import run_settings, with_parameters
from sim.util.errors import ConfigError

REPLICATIONS_HINT = "e.g. 500, or [0, 1, 7]"


def replication_indices(replications: int | Sequence[int] | np.ndarray) -> np.ndarray:
    """Replication indices from a count or a sequence of distinct whole numbers >= 0; a ConfigError otherwise.

    Replication r of seed s is the same numbers whichever batch it is in, so any subset can be run alone.
    """
    if isinstance(replications, numbers.Integral) and not isinstance(replications, bool):
        if replications < 1:
            raise ConfigError(f"must be at least 1, got {replications}", key="replications", hint=REPLICATIONS_HINT)
        return np.arange(int(replications), dtype=np.int64)
    if isinstance(replications, str | bytes) or not isinstance(replications, Sequence | np.ndarray):
        raise ConfigError(f"must be a count or a list of indices, got {replications!r}", key="replications")
    values = list(np.asarray(replications).ravel()) if isinstance(replications, np.ndarray) else list(replications)
    if not all(isinstance(v, numbers.Integral) and not isinstance(v, bool) for v in values):
        bad = next(v for v in values if not isinstance(v, numbers.Integral) or isinstance(v, bool))
        raise ConfigError(
            f"each replication index must be a whole number, got {bad!r}", key="replications", hint=REPLICATIONS_HINT
        )
    if not values or min(values) < 0 or len(set(values)) < len(values):
        raise ConfigError(
            "must be a count or a list of distinct indices >= 0", key="replications", hint=REPLICATIONS_HINT
        )
    return np.asarray(values, dtype=np.int64)


@dataclass(frozen=True)
class ParameterSets:
    """The scenario with its scalar parameters applied, the distinct parameter sets, and each replication's."""

    config: Scenario
    sets: list[Parameters]
    rows: np.ndarray

    @classmethod
    def of(cls, spec: Scenario, parameters: Mapping[str, Any], replications: int) -> ParameterSets:
        """Scalars are applied to the scenario (validated like a config file); each array must hold one value per
        replication, and every distinct combination is validated the same way."""
        arrays = {k: np.asarray(v, np.float64) for k, v in parameters.items() if np.ndim(v) > 0}
        config = with_parameters(spec, {k: v for k, v in parameters.items() if k not in arrays})
        if not arrays:
            return cls(config, [config.parameters], np.zeros(replications, np.int64))
        for key, values in arrays.items():
            if values.shape != (replications,):
                raise ConfigError(
                    f"needs one value per replication ({replications}), got an array of shape {values.shape}",
                    key=f"parameters.{key}",
                    hint="give a number, or an array as long as the replications",
                )
        table, rows = np.unique(np.column_stack(list(arrays.values())), axis=0, return_inverse=True)
        base = config.parameters.model_dump()
        sets = []
        for row in table:
            values = {k: float(v) for k, v in zip(arrays, row, strict=True)}
            try:
                sets.append(Parameters.model_validate({**base, **values}))
            except ValidationError:
                with_parameters(config, values)  # raises the ConfigError a config file would get
                raise
        return cls(config, sets, rows.reshape(-1).astype(np.int64))


def calibrated(config: Scenario, sets: Sequence[Parameters] | None = None) -> tuple[World, list[Anchors]]:
    """A checked scenario (parameters applied) compiled, with its anchors calibrated to the status quo
    (sim.core.calibration) for each parameter set (default: the scenario's): what an Engine needs besides its
    replications."""
    world = compile_world(config)
    return world, anchors_for_each(config, [config.parameters] if sets is None else sets, world)


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
