"""Several points of one scenario as one batched run: a block of sweep points, a calibration's generation.

Points whose scenarios differ only in their model parameters share a world, so they run as one engine whose
replications are the points' replications side by side, each with its point's parameters (sim.core.batch).
Replication r of point i gives exactly the numbers of replication r of point i run alone, so batching changes no
result.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import numpy as np

from sim.core.batch import Batch
from sim.core.prepare import calibrated
from sim.runs.results import Results
from sim.scenario.schema import Scenario


def groups(scenarios: Sequence[Scenario]) -> list[list[int]]:
    """The indices of scenarios that differ only in their model parameters, grouped, in order of appearance."""
    found: dict[str, list[int]] = {}
    for i, s in enumerate(scenarios):
        key = json.dumps(s.model_dump(exclude={"parameters"}), sort_keys=True, default=str)
        found.setdefault(key, []).append(i)
    return list(found.values())


class Points:
    """One model for scenarios that differ only in their parameters (one group of `groups`), over the same
    replication indices each: point i holds the model's replications i * R .. (i + 1) * R - 1."""

    def __init__(self, scenarios: Sequence[Scenario], replications: np.ndarray, seed: int, record: bool) -> None:
        self.scenarios = list(scenarios)
        self.replications = np.asarray(replications, np.int64)
        count = len(self.replications)
        sets = [s.parameters for s in self.scenarios]
        world, anchors = calibrated(self.scenarios[0], sets)
        self.model = Batch(
            self.scenarios[0],
            np.tile(self.replications, len(self.scenarios)),
            seed=seed,
            anchors=anchors,
            record=record,
            world=world,
            parameters=sets,
            rows=np.repeat(np.arange(len(sets)), count),
        )

    def part(self, i: int) -> slice:
        """Point i's replications within the model."""
        r = len(self.replications)
        return slice(i * r, (i + 1) * r)

    def results(self, i: int) -> Results:
        """Point i's recorded run, as `sim.run` would return it."""
        rec, w, part = self.model.recording, self.model.world, self.part(i)
        done = min(self.model.done, self.model.n_steps) + 1
        return Results.from_arrays(
            trust=rec.trust[part, :done],
            moves=rec.moves[part, :done],
            events=rec.events[part, :done],
            replications=self.replications,
            actors=w.actors,
            move_names=w.moves,
            event_names=[e.name for e in w.events],
            scenario=self.scenarios[i],
            seed=self.model.seed,
        )
