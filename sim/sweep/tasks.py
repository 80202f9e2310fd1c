"""Tasks: the sweep cut into chunks of points x replications, and the function a worker runs on one chunk.

A chunk is a run of consecutive points over one block of replications; its points that differ only in model
parameters run as one batched engine over that block (sim.runs.points), the others one engine each. Replication r
of seed s is the same numbers in any batch (sim.util.rng), so a point's outcomes do not depend on how the sweep
was chunked or where a chunk ran. Points of a chunk share the engine's per-world
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
from sim.runs.points import Points, groups
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
    """Run every point of a chunk over its replication block; a failing point is recorded, not raised.

    Points that differ only in model parameters run as one batched model (sim.points), with the same numbers as
    one by one; if such a batch fails, its points run one by one so that the error is the failing point's.
    """
    reps = np.arange(chunk.start, chunk.stop)
    result = ChunkResult(chunk.index, np.full((len(chunk.points), len(reps), len(plan.outcomes)), np.nan))
    valid: dict[int, Scenario] = {}
    for i, (point, values) in enumerate(zip(chunk.points, chunk.values, strict=True)):
        label = _label(plan, point, values)
        try:
            valid[i] = validate_raw(assign(plan.base, plan.addresses, values), file=label)
        except ConfigError as exc:  # the point's scenario does not validate: no traceback needed
            result.errors[point] = {"error": str(exc) if exc.file == label else f"{label}: {exc}", "detail": ""}
    order = list(valid)
    for group in groups([valid[i] for i in order]):
        members = [order[g] for g in group]
        try:
            _run_points(members, valid, chunk, plan, result)
        except Exception:
            for i in members:
                try:
                    _run_points([i], valid, chunk, plan, result)
                except Exception as exc:
                    label = _label(plan, chunk.points[i], chunk.values[i])
                    error = f"{label}: {type(exc).__name__}: {exc}"
                    result.errors[chunk.points[i]] = {"error": error, "detail": traceback.format_exc()}
    return result


def _label(plan: Plan, point: int, values: np.ndarray) -> str:
    return f"<point {point}: {point_text(plan.addresses, values)}>"


def _run_points(members: list[int], valid: dict[int, Scenario], chunk: Chunk, plan: Plan, out: ChunkResult) -> None:
    """The chunk's points `members` (positions in the chunk) as one batched run, into `out` (trajectories keyed
    by sweep point)."""
    values, trajectories = run_points([valid[i] for i in members], np.arange(chunk.start, chunk.stop), plan)
    for k, i in enumerate(members):
        out.values[i] = values[k]
        if trajectories:
            out.trajectories[chunk.points[i]] = trajectories[k]


def run_points(scenarios: list[Scenario], reps: np.ndarray, plan: Plan) -> tuple[np.ndarray, list[Any]]:
    """Scenarios that differ only in model parameters, as one batched model run over replications `reps`:
    outcomes [point, replication, outcome] and, if asked for, each point's Results."""
    batch = Points(scenarios, reps, plan.seed, record=plan.trajectories)
    model = batch.model
    # Each outcome keeps only what it needs, at the months it needs (sim.runs.outcomes.Tracker): the final window's
    # running sum (the window of Results.final(), run and compare), a crossing flag, a first month, one month.
    first = scenarios[0]  # the points differ only in their parameters: one world, one calendar
    asked = [outcomes.parse_outcome(name, first.actors) for name in plan.outcomes]
    trackers = [outcomes.Tracker(asked, first.actors, model.n_steps, first.start, plan.last) for _ in scenarios]
    for step in sorted(set().union(*(t.needed() for t in trackers))):
        model.run(until=step)
        for k, tracker in enumerate(trackers):
            tracker.update(step, model.trust[batch.part(k)])
    if plan.trajectories:
        model.run()  # to the end, for the recorded trajectories
    values = np.stack([tracker.result() for tracker in trackers])
    return values, [batch.results(k) for k in range(len(scenarios))] if plan.trajectories else []
