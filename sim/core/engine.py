"""Engine (mesa.Model): a Batch of replications that Mesa steps, each Country deciding its moves in turn.

`step()` runs the compiled step the Mesa way: every Country (a mesa.Agent) moves for all replications, then the
model's part (events, observation, the trust update); `run()` runs the same compiled functions in the whole-run
loop of sim.core.batch.Batch and moves Mesa's clock along. Both give the same numbers.
"""

from __future__ import annotations

from typing import Any

import mesa
import numpy as np

from sim.core import net
from sim.core.agents import Country
from sim.core.batch import Batch
from sim.scenario.schema import Scenario


class Engine(Batch, mesa.Model):
    """Directed trust among countries, batched over replications, from given anchors, as a Mesa model: the
    arguments of sim.core.batch.Batch, and `rng` for Mesa's own generator (default: the seed)."""

    def __init__(self, config: Scenario, replications: np.ndarray, *, rng: Any = None, **batch: Any) -> None:
        mesa.Model.__init__(self, rng=batch["seed"] if rng is None else rng)
        Batch.__init__(self, config, replications, **batch)
        for code, i in self.index.items():
            Country(self, code, i)
        self.countries: list[Country] = sorted(self.agents, key=lambda a: a.index)

    def step(self) -> None:
        """One step (a month by default) for every replication, the Mesa way: each Country moves, then the model."""
        t = self.steps
        if t >= len(self.step_tables.scheduled):  # stepping on past the run length
            self.step_tables = net.Schedule.of(self.world, t)
        np.copyto(self.state.previous, self.state.moves)
        self.state.moves[:] = 0.0
        self.agents.do("step")
        self.model_part(t)

    def run(self, progress: bool = False, until: int | None = None) -> None:
        """Step until the run length (or step `until`) is reached in the compiled loop (Batch.run), then move
        Mesa's clock to the step reached."""
        super().run(progress, until)
        self._skip_to(self.done)

    def _skip_to(self, last: int) -> None:
        """Advance Mesa's clock to step `last` without stepping again (the compiled loop did the steps)."""
        if last <= self.steps:
            return
        user = self._user_step
        self._user_step = lambda: None
        try:
            self._advance_time(float(last))
        finally:
            self._user_step = user
