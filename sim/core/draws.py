"""The layout of a world's random streams: every random decision named, in blocks by kind.

`StreamLayout` lists the stream names of a compiled world in a fixed order (the uniform blocks, then the normal
ones) with their 64-bit ids; the kernel (sim.core.kernel) reads a decision's stream by its block's offset plus its
index in the block, so no other code keeps column offsets. Names, not positions, key the random numbers
(sim.util.rng), so adding a policy to a scenario adds streams without changing any other decision's draws.
"""

from __future__ import annotations

import numpy as np

from sim.core.world import World
from sim.util.rng import stream_ids

UNIFORM = ("background", "reply", "rule", "policy", "event", "trigger")
NORMAL = ("shock", "noise")


def stream_names(world: World) -> dict[str, list[str]]:
    """Every random decision of a world, by kind, in a fixed order."""
    w = world
    pairs = [(i, j) for i in range(w.n) for j in range(w.n) if i != j]
    return {
        "background": [w.channel_name(c) for c in w.background],
        "reply": [w.channel_name(c) for c in range(len(w.channels))],
        "rule": [f"{r.name}:{part}" for r in w.rules for part in ("fire", "choice")],
        "policy": [p.name for p in w.policies],
        "event": [e.name for e in w.events],
        "trigger": [f"{e.name}:{i}:{w.channel_name(t[0])}" for e in w.events for i, t in enumerate(e.triggers)],
        "shock": [f"{e.name}:{i}" for e in w.events for i, _ in enumerate(e.shocks)],
        "noise": [f"{w.actors[i]}:{w.actors[j]}" for i, j in pairs],
    }


class StreamLayout:
    """The named streams of one world: `names` ("kind:label", uniform kinds first), `blocks` (kind -> slice of
    `names`) and `ids` (uint64, one per name)."""

    def __init__(self, world: World) -> None:
        by_kind = stream_names(world)
        self.names: list[str] = []
        self.blocks: dict[str, slice] = {}
        for kind in UNIFORM + NORMAL:
            self.blocks[kind] = slice(len(self.names), len(self.names) + len(by_kind[kind]))
            self.names.extend(f"{kind}:{label}" for label in by_kind[kind])
        self.ids: np.ndarray = stream_ids(self.names)

    def offset(self, kind: str) -> int:
        """Where a kind's block starts."""
        return self.blocks[kind].start
