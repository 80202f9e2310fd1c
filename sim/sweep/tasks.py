"""Tasks: the sweep cut into chunks of points x replications, and the function a worker runs on one chunk.

A chunk is a run of consecutive points over one block of replications; each of its points is one batched model
run over that block. Replication r of seed s is the same numbers in any batch (sim.util.rng), so a point's outcomes do
not depend on how the sweep was chunked or where a chunk ran. Points of a chunk share the engine's per-world
calibration cache when their world is the same. A point that fails (its scenario does not validate, or the engine
raises) is recorded with its error and does not stop the other points of its chunk.
"""

from __future__ import annotations

import math
import traceback
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sim.runs import outcomes
from sim.scenario.load import validate_raw
from sim.scenario.schema import Scenario
from sim.sweep.paths import Address, assign
from sim.util.errors import ConfigError

MAX_BATCH = 1000  # replications per model run at most: bounds a worker's memory, keeps batches efficient


@dataclass(frozen=True)
class Plan:
    """What every chunk of a sweep shares (sent to each worker once per task, or scattered once on Dask)."""

    base: dict[str, Any]
    addresses: tuple[Address, ...]
    seed: int
    outcomes: tuple[str, ...]
    last: int
    trajectories: bool


@dataclass(frozen=True)
class Chunk:
    """Points `points` (with their values [len(points), k]) over replications `start` <= r < `stop`."""

    index: int
    points: tuple[int, ...]
    values: np.ndarray
    start: int
    stop: int

    @property
    def runs(self) -> int:
        return len(self.points) * (self.stop - self.start)


@dataclass
class ChunkResult:
    """Per-replication outcomes [point, replication, outcome] (NaN for failed points), errors by point, and the
    trajectories (sim.Results by point) when asked for."""

    index: int
    values: np.ndarray
    errors: dict[int, dict[str, str]] = field(default_factory=dict)
    trajectories: dict[int, Any] = field(default_factory=dict)


def default_chunk_runs(points: int, replications: int) -> int:
    """Runs per chunk: about 64 chunks for the sweep, each of 100 to 2,000 runs (scheduling stays cheap)."""
    return min(2000, max(100, math.ceil(points * replications / 64)))


def chunk_layout(points: np.ndarray, replications: int, runs: int) -> list[Chunk]:
    """Cut the sweep into chunks of about `runs` runs: whole points when a point has at most MAX_BATCH
    replications (consecutive points together), otherwise one point per chunk over equal replication blocks."""
    n = len(points)
    blocks = math.ceil(replications / MAX_BATCH)
    size = math.ceil(replications / blocks)
    chunks: list[Chunk] = []
    if blocks > 1:
        for p in range(n):
            for b in range(blocks):
                start = b * size
                chunks.append(Chunk(len(chunks), (p,), points[p : p + 1], start, min(replications, start + size)))
        return chunks
    per = max(1, runs // replications)
    for first in range(0, n, per):
        ids = tuple(range(first, min(n, first + per)))
        chunks.append(Chunk(len(chunks), ids, points[first : first + len(ids)], 0, replications))
    return chunks


def point_text(addresses: tuple[Address, ...] | list[Address], values: np.ndarray) -> str:
    """'path=value, ...' for messages."""
    return ", ".join(f"{a.path}={v:.6g}" for a, v in zip(addresses, values, strict=True))


def run_chunk(plan: Plan, chunk: Chunk) -> ChunkResult:
    """Run every point of a chunk over its replication block; a failing point is recorded, not raised."""
    reps = np.arange(chunk.start, chunk.stop)
    result = ChunkResult(chunk.index, np.full((len(chunk.points), len(reps), len(plan.outcomes)), np.nan))
    for i, (point, values) in enumerate(zip(chunk.points, chunk.values, strict=True)):
        label = f"<point {point}: {point_text(plan.addresses, values)}>"
        try:
            scenario = validate_raw(assign(plan.base, plan.addresses, values), file=label)
            result.values[i], trajectory = run_point(scenario, reps, plan)
        except ConfigError as exc:  # the point's scenario does not validate: no traceback needed
            result.errors[point] = {"error": str(exc) if exc.file == label else f"{label}: {exc}", "detail": ""}
        except Exception as exc:
            result.errors[point] = {"error": f"{label}: {type(exc).__name__}: {exc}", "detail": traceback.format_exc()}
        else:
            if trajectory is not None:
                result.trajectories[point] = trajectory
    return result


def run_point(scenario: Scenario, reps: np.ndarray, plan: Plan) -> tuple[np.ndarray, Any]:
    """One batched engine run: outcomes [replication, outcome] and, if asked for, the Results."""
    from sim.core.engine import Engine
    from sim.core.model import calibrated
    from sim.runs.results import Results

    world, anchors = calibrated(scenario)
    model = Engine(scenario, reps, seed=plan.seed, anchors=anchors, world=world, record=plan.trajectories)
    # Each outcome keeps only what it needs as the months pass (sim.runs.outcomes.Tracker): the final window's
    # running sum (the window of Results.final(), run and compare), a crossing flag, a first month, one month.
    asked = [outcomes.parse(name, scenario.actors) for name in plan.outcomes]
    tracker = outcomes.Tracker(asked, scenario.actors, model.n_steps, scenario.start, plan.last)
    for step in range(1, model.n_steps + 1):
        model.step()
        tracker.update(step, model.trust)
    return tracker.result(), (Results.from_model(model) if plan.trajectories else None)
