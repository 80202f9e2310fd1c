"""The layout of a world's random streams: every random decision named, grouped in blocks by kind.

A `StreamLayout` lists the stream names of a compiled world in a fixed order (uniform blocks, then normal blocks)
and `draw(step)` returns a `Draws` whose blocks are read by name (`draws["reply"]`), so no caller keeps column
offsets. Names, not positions, key the random numbers (sim.util.rng), so adding a policy to a scenario adds streams
without changing any other decision's draws.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.core.world import World
from sim.util.rng import Streams, replication_keys

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


@dataclass(frozen=True)
class Draws:
    """One step's draws: uniforms [R, U] and normals [R, M], read by block name."""

    uniform: np.ndarray
    normal: np.ndarray
    blocks: dict[str, tuple[str, slice]]

    def __getitem__(self, kind: str) -> np.ndarray:
        which, span = self.blocks[kind]
        return (self.uniform if which == "uniform" else self.normal)[:, span]


class StreamLayout:
    """The named streams of one world for a set of replications of one seed."""

    def __init__(self, world: World, seed: int, replications: np.ndarray) -> None:
        names = stream_names(world)
        self.blocks: dict[str, tuple[str, slice]] = {}
        self.names: dict[str, list[str]] = {"uniform": [], "normal": []}
        for which, kinds in (("uniform", UNIFORM), ("normal", NORMAL)):
            for kind in kinds:
                listed = self.names[which]
                self.blocks[kind] = (which, slice(len(listed), len(listed) + len(names[kind])))
                listed.extend(f"{kind}:{label}" for label in names[kind])
        self.keys = replication_keys(seed, replications)
        self._uniform = Streams(self.keys, self.names["uniform"])
        self._normal = Streams(self.keys, self.names["normal"])

    def draw(self, step: int, *, noise: bool = True) -> Draws:
        """The draws of a step; without `noise` the misperception normals are not drawn (that block is empty)."""
        stop = None if noise else self.blocks["noise"][1].start
        return Draws(self._uniform.uniform(step), self._normal.normal(step, slice(0, stop)), self.blocks)

    def extra(self, names: list[str]) -> Streams:
        """Streams outside the step layout (for example sampled initial trust), on the same replication keys."""
        return Streams(self.keys, names)
