"""Country (mesa.Agent): one actor deciding its moves for all R replications at once.

An actor's moves in a step come from four sources, each drawn from its own named random stream:
background behaviour (the status quo), reciprocity (generous tit-for-tat by class: answer each move received last
step with the world's answer to it, hostility with probability `hostile`, cooperation with probability
`cooperative`), rules (structured reactions to moves received or to trust crossing a threshold) and the scenario's
scheduled policies. The decision itself is compiled (sim.core.kernel.actor_moves): the same function decides this
actor's moves in a whole run (sim.core.kernel.run_block).
"""

from __future__ import annotations

from typing import Any, Protocol

import mesa
import numpy as np

from sim.core import kernel, kstate
from sim.core.net import Schedule
from sim.scenario.schema import Scenario


class Stepping(Protocol):
    """What a Country reads from (and writes into) the model that steps it: sim.core.engine.Engine."""

    config: Scenario
    steps: int
    net: Any  # sim.core.kstate.NetRef
    prm: np.ndarray  # [G, parameters]
    anchors: np.ndarray  # [G, 4, N, N]
    rows: np.ndarray  # [R]
    bases: np.ndarray  # [R, streams]
    state: kstate.State
    step_tables: Schedule


class Country(mesa.Agent):
    """One actor (ISO 3166 alpha-3 code) of the diplomacy model."""

    model: Stepping

    def __init__(self, model: Stepping, code: str, index: int) -> None:
        super().__init__(model)
        self.code = code
        self.index = index
        self.name = model.config.world.actors[code].name

    def __repr__(self) -> str:
        return f"Country({self.code!r})"

    def step(self) -> None:
        """Decide this step's moves for every replication, adding them into the model's move array."""
        m = self.model
        kernel.actor_batch(self.index, m.steps, m.net, m.prm, m.anchors, m.rows, m.bases, m.state, m.step_tables.arrays)
