"""The function a worker runs on one chunk of a sweep (sim.sweep.chunks).

A chunk's points that differ only in model parameters run as one batched engine over its block of replications
(sim.runs.points), the others one engine each. Points of a chunk share the engine's per-world calibration cache
when their world is the same. A point that fails (its scenario does not validate, or the engine raises) is
recorded with its error and does not stop the other points of its chunk.
"""

from __future__ import annotations

import traceback
from typing import Any

import numpy as np

from sim.runs import outcomes
from sim.runs.points import Points, groups
from sim.scenario.load import validate_raw
from sim.scenario.schema import Scenario
from sim.sweep.chunks import Chunk, ChunkResult, Plan
from sim.sweep.paths import Address, assign
from sim.util.errors import ConfigError


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
    # One tracker serves every point: it works replication by replication, and the points' replications are
    # consecutive blocks of the model's (batch.part).
    asked = [outcomes.parse_outcome(name, first.actors) for name in plan.outcomes]
    tracker = outcomes.Tracker(asked, first.actors, model.n_steps, first.start, plan.last)
    for step in sorted(tracker.needed()):
        model.run(until=step)
        tracker.update(step, model.trust)
    if plan.trajectories:
        model.run()  # to the end, for the recorded trajectories
    values = tracker.result().reshape(len(scenarios), len(reps), len(asked))
    return values, [batch.results(k) for k in range(len(scenarios))] if plan.trajectories else []
