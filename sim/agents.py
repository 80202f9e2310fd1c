"""Country (mesa.Agent): one actor deciding its moves for all R replications at once.

An actor's moves in a step come from four sources, each drawn from its own named random stream:
background behaviour (the status quo), reciprocity (generous tit-for-tat by class: answer each move received last
step with the world's answer to it, hostility with probability `hostile`, cooperation with probability
`cooperative`), rules (structured reactions to moves received or to trust crossing a threshold) and the scenario's
scheduled policies. The decision itself is compiled (sim.kernel.actor_moves): the same function decides this
actor's moves in a whole run (sim.kernel.run_block).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

from sim import kernel

if TYPE_CHECKING:
    from sim.engine import Engine


class Country(mesa.Agent):
    """One actor (ISO 3166 alpha-3 code) of the diplomacy model."""

    model: Engine

    def __init__(self, model: Engine, code: str, index: int) -> None:
        super().__init__(model)
        self.code = code
        self.index = index
        self.name = model.config.world.actors[code].name

    def __repr__(self) -> str:
        return f"Country({self.code!r})"

    def trust_in(self, other: str) -> np.ndarray:
        """This actor's current trust in another, one value per replication."""
        return self.model.trust[:, self.index, self.model.index[other]]

    def step(self) -> None:
        """Decide this step's moves for every replication, adding them into the model's move array."""
        m = self.model
        kernel.actor_batch(self.index, m.steps, m.net, m.prm, m.anchors, m.rows, m.bases, m.state, m.step_tables.arrays)
