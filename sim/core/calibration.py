"""Anchors from the status quo, so the baseline scenario is stationary at the essay's levels.

The essay gives levels, not dynamics. For every dyad we choose the baseline L0 so that, under the status quo
(background moves, reciprocity, standing rules and rate events of the world; no policies, no fixed-step events),
mean trust stays at the essay's level, and we start every observer habituated to the status quo's flows.

Moves do not depend on trust when it is held at the essay's levels, nor on alpha, mu, beta or the half-life, so a
probe (the compiled step with trust frozen: sim.core.kprobe.probe_learn and probe_measure, on the same move, event and
observation functions as every run) runs the status quo once per world and habituation setting, and records the
moments of every part of the push on trust; L0 then follows in closed form for any alpha, mu, beta and half-life
(sim.core.kprobe.calibrated_baseline). Dyads whose baseline the world file states keep it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import numpy as np

from sim.core import kernel, kmath, kprobe, kstate, net
from sim.core.anchors import Anchors
from sim.core.world import World, compile_world
from sim.scenario.schema import Parameters, Scenario, WorldSpec
from sim.util import diskcache, threads
from sim.util.rng import replication_keys

REPLICATIONS = 1000
LEARN = 24  # steps whose mean flows start the probe's expectations
SETTLE = 24  # steps for the expectations to reach their stationary spread
MEASURE = 72
SEED = 0
BLOCK = 25  # replications per block of the probe: blocks are summed in order, whatever thread ran them
FLOWS = ("coop", "host", "audience")
PARTS = ("direct surprise", "audience surprise", "shock", "habituated direct", "expected audience")


def probe(scenario: Scenario) -> tuple[np.ndarray, ...]:
    """The status quo with trust frozen at the essay's levels: per-step means [K, N, N] and raw second moments
    [K, K, N, N] of the parts of the push (PARTS), then the mean expectations (coop, host, audience)."""
    world = compile_world(scenario)
    packed = kstate.by_reference(net.pack(world))
    prm = net.parameter_row(scenario.parameters)
    last = LEARN + SETTLE + MEASURE
    tables = net.Schedule.of(world, last)
    trust = kernel.trust_of(world.l_init)
    keys = replication_keys(SEED, np.arange(REPLICATIONS))
    moves = np.zeros((REPLICATIONS, len(world.channels)))
    blocks = [(a, min(a + BLOCK, REPLICATIONS)) for a in range(0, REPLICATIONS, BLOCK)]
    n, k = world.n, len(PARTS)
    seen = np.zeros((len(blocks), len(FLOWS), n, n))
    first = np.zeros((len(blocks), k, n, n))
    second = np.zeros((len(blocks), k, k, n, n))
    expected = np.zeros((len(blocks), len(FLOWS), n, n))

    def learn(a: int, b: int) -> None:
        kprobe.probe_learn(packed, prm, keys[a:b], trust, tables.arrays, LEARN, moves[a:b], seen[a // BLOCK])

    threads.run_blocks(learn, blocks)
    mean_seen = seen.sum(axis=0) / (REPLICATIONS * LEARN)

    def measure(a: int, b: int) -> None:
        i = a // BLOCK
        sums = (first[i], second[i], expected[i])
        spans = (LEARN, LEARN + SETTLE, last)
        kprobe.probe_measure(packed, prm, keys[a:b], trust, tables.arrays, *spans, moves[a:b], mean_seen, sums)

    threads.run_blocks(measure, blocks)
    count = REPLICATIONS * MEASURE
    return (first.sum(axis=0) / count, second.sum(axis=0) / count, *(expected.sum(axis=0) / count))


def anchors_for(scenario: Scenario, world: World | None = None) -> Anchors:
    """Baseline L0 [N, N] and status-quo expectations for a scenario's parameters and world.

    `world` is the scenario's compiled world when the caller already has it (its trust arrays are the same
    with or without interventions); otherwise it is compiled here. When the scenario keeps the world it changed as
    its `status_quo`, the anchors of every dyad among that world's actors come from it: the scenario's changes
    (background rates, moves, reciprocity, trust levels) then act on the calibrated status quo instead of being
    calibrated away. Dyads of an actor the scenario adds have no such anchors and are calibrated on the scenario's
    world. Baselines the scenario states (`baseline = ...`) are kept either way.
    """
    return anchors_for_each(scenario, [scenario.parameters], world)[0]


def anchors_for_each(scenario: Scenario, parameters: Sequence[Parameters], world: World | None = None) -> list[Anchors]:
    """The anchors of the scenario under each parameter set: one probe per world and distinct setting of the four
    parameters the status quo's flows depend on (cached), then the closed form per set (see `anchors_for`)."""
    if world is None:
        world = compile_world(scenario, interventions=False)
    base = scenario.status_quo
    own_key = status_quo_key(scenario.world)  # once per call, not per parameter set: ~1 ms each
    if base is None:
        return [_calibrated(own_key, p, world) for p in parameters]
    status_quo = Scenario(name=f"{scenario.name}-status-quo", world=base, parameters=scenario.parameters)
    base_world = compile_world(status_quo, interventions=False)
    base_key = status_quo_key(base)
    index = [world.actors.index(code) for code in base.actors]
    out = []
    for p in parameters:
        kept = _calibrated(base_key, p, base_world)
        if index == list(range(world.n)):
            baseline, expected = kept.baseline, kept.expected
        else:  # an added actor: its dyads from the scenario's own world, the others kept
            own = _calibrated(own_key, p, world)
            baseline, expected = own.baseline.copy(), own.expected.copy()
            baseline[np.ix_(index, index)] = kept.baseline
            expected[np.ix_(range(len(FLOWS)), index, index)] = kept.expected
        baseline = np.where(world.baseline_fixed, world.l_fixed, baseline)
        np.fill_diagonal(baseline, 0.0)
        out.append(Anchors(baseline=baseline, expected=expected))
    return out


def _calibrated(key: str, p: Parameters, world: World) -> Anchors:
    """The anchors that hold the status quo of a world (its `status_quo_key`; compiled: `world`) at its trust
    levels."""
    first, second, *expected = status_quo_moments(key, p.reply_floor, p.habituation, p.negativity, p.saturation)
    lam = float(kmath.decay_rate(p.half_life))
    c = np.array([p.alpha, p.mu, 1.0, lam * p.level_gain * p.alpha, lam * p.level_gain * p.mu])
    l0 = kprobe.calibrated_baseline(
        world.l_init, first, second, net.sigma_of(world, p), c, lam, p.beta, world.baseline_fixed, world.l_fixed
    )
    return Anchors(baseline=l0, expected=np.array(expected))


def status_quo_key(world: WorldSpec) -> str:
    """The world as canonical JSON, without what the frozen-trust flows cannot depend on.

    Prose (descriptions, evidence), stated baselines, ranges and noise levels do not change which moves are
    made at the initial trust, so sweeping them reuses one calibration. The result is still a valid world.
    """

    def scrub(node: Any) -> Any:
        if isinstance(node, list):
            return [scrub(x) for x in node]
        if not isinstance(node, dict):
            return node
        out = {k: scrub(v) for k, v in node.items()}
        if "evidence" in out:
            out.update(evidence=[], inferred="calibration key")
        if "description" in out:
            out["description"] = ""
        if "initial" in out:  # a dyad
            out.update(baseline=None, sigma=None, low=out["initial"], high=out["initial"])
        return out

    return json.dumps(scrub(world.model_dump()))  # key order kept: it is the actor order


@lru_cache(maxsize=32)
@diskcache.cached("calibration", 5)  # shared by every process: CLI calls, sweep workers
def status_quo_moments(
    world_json: str, reply_floor: float, habituation: float, negativity: float, saturation: float
) -> tuple[np.ndarray, ...]:
    """Per-step means [K, N, N] and raw second moments [K, K, N, N] of the parts of the push (PARTS) under the
    status quo with trust frozen at the essay's levels, then the mean expectations (coop, host, audience)."""
    status_quo = Scenario(
        name="status_quo",
        world=WorldSpec.model_validate_json(world_json),
        steps=LEARN + SETTLE + MEASURE,
        parameters=Parameters(
            reply_floor=reply_floor, habituation=habituation, negativity=negativity, saturation=saturation
        ),
    )
    return probe(status_quo)
