"""Anchors from the status quo, so the baseline scenario is stationary at the essay's levels.

The essay gives levels, not dynamics. For every dyad we choose the baseline L0 so that, under the status quo
(background moves, reciprocity, standing rules and rate events of the world; no policies, no fixed-step events),
mean trust stays at the essay's level, and we start every observer habituated to the status quo's flows.

Moves do not depend on trust when it is held at the essay's levels, nor on alpha, mu, beta or the half-life, so a
probe (the engine with trust frozen) runs the status quo once per world and habituation setting, and records the
moments of every part of the push on trust; L0 then follows in closed form for any alpha, mu, beta and half-life
(sim.core.dynamics.calibrated_baseline). Dyads whose baseline the world file states keep it.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

import numpy as np

from sim.core import dynamics, signals
from sim.core.anchors import Anchors
from sim.core.engine import Engine
from sim.core.world import World, compile_world
from sim.scenario.schema import Parameters, Scenario, WorldSpec
from sim.util import diskcache

REPLICATIONS = 1000
LEARN = 24  # steps whose mean flows start the probe's expectations
SETTLE = 24  # steps for the expectations to reach their stationary spread
MEASURE = 72
SEED = 0
FLOWS = ("coop", "host", "audience")
PARTS = ("direct surprise", "audience surprise", "shock", "habituated direct", "expected audience")


class Probe(Engine):
    """The engine with trust held at the essay's levels, recording the parts of the push it would get."""

    def __init__(self, scenario: Scenario) -> None:
        steps = LEARN + SETTLE + MEASURE
        super().__init__(scenario, np.arange(REPLICATIONS), seed=SEED, anchors=None, steps=steps, record=False)
        n = self.world.n
        self.seen_sum = np.zeros((len(FLOWS), n, n))  # coop, host, audience: summed over the learning steps
        self.expected_sum = np.zeros((len(FLOWS), n, n))  # ... and the expectations, over the measured steps
        self.count = 0
        self.first = np.zeros((len(PARTS), n, n))
        self.second = np.zeros((len(PARTS), len(PARTS), n, n))

    def respond(self, seen: signals.Signals, stance: np.ndarray, shock: np.ndarray) -> None:
        p, t = self.config.parameters, self.steps
        if t <= LEARN:
            self.seen_sum += _flows(seen).mean(axis=1)
            if t == LEARN:  # start habituated to the mean flows, so settling takes a few half-lives at most
                self.expected = signals.Expectations(*(self.seen_sum / LEARN)).broadcast(self.n_replications)
            return
        if t <= LEARN + SETTLE:
            return
        parts = np.stack(
            [
                signals.direct_surprise(seen, self.expected, p.negativity),
                dynamics.surprise(seen.audience, self.expected.audience),
                shock,
                signals.habituated(self.expected),
                self.expected.audience,
            ]
        )  # [K, R, N, N]
        self.count += parts.shape[1]
        self.first += parts.sum(axis=1)
        self.second += np.einsum("irxy,jrxy->ijxy", parts, parts)
        self.expected_sum += _flows(self.expected).sum(axis=1)


def _flows(flows: signals.Signals | signals.Expectations) -> np.ndarray:
    """The friendly, hostile and audience flows stacked: [3, R, N, N]."""
    return np.stack([getattr(flows, name) for name in FLOWS])


def anchors_for(scenario: Scenario, world: World | None = None) -> Anchors:
    """Baseline L0 [N, N] and status-quo expectations for a scenario's parameters and world.

    `world` is the scenario's compiled world when the caller already has it (its trust arrays are the same
    with or without interventions); otherwise it is compiled here. When the scenario keeps the world it changed as
    its `status_quo`, the anchors of every dyad among that world's actors come from it: the scenario's changes
    (background rates, moves, reciprocity, trust levels) then act on the calibrated status quo instead of being
    calibrated away. Dyads of an actor the scenario adds have no such anchors and are calibrated on the scenario's
    world. Baselines the scenario states (`baseline = ...`) are kept either way.
    """
    if world is None:
        world = compile_world(scenario, interventions=False)
    base = scenario.status_quo
    if base is None:
        return _fixed(_calibrated(scenario.world, scenario.parameters, world), world)
    status_quo = Scenario(name=f"{scenario.name}-status-quo", world=base, parameters=scenario.parameters)
    kept = _calibrated(base, scenario.parameters, compile_world(status_quo, interventions=False))
    if list(base.actors) == world.actors:
        return _fixed(kept, world)
    own = _calibrated(scenario.world, scenario.parameters, world)  # for the added actors' dyads
    cells = np.ix_(*[[world.actors.index(code) for code in base.actors]] * 2)
    arrays = [own.baseline.copy(), *(np.array(getattr(own.expected, f)) for f in FLOWS)]
    for array, part in zip(arrays, [kept.baseline, *(getattr(kept.expected, f) for f in FLOWS)], strict=True):
        array[cells] = part
    return _fixed(Anchors(baseline=arrays[0], expected=signals.Expectations(*arrays[1:])), world)


def _calibrated(spec: WorldSpec, p: Parameters, world: World) -> Anchors:
    """The anchors that hold the status quo of world `spec` (compiled: `world`) at its trust levels."""
    first, second, *expected = status_quo_moments(
        status_quo_key(spec), p.reply_floor, p.habituation, p.negativity, p.saturation
    )
    lam = dynamics.decay_rate(p.half_life)
    c = np.array([p.alpha, p.mu, 1.0, lam * p.level_gain * p.alpha, lam * p.level_gain * p.mu])
    s0 = dynamics.stance(dynamics.trust(world.l_init))
    steady = p.beta * dynamics.balance(s0) - np.einsum("i,ixy->xy", c[3:], first[3:])
    l0 = dynamics.calibrated_baseline(world.l_init, first, second, world.sigma, c, lam, steady)
    return Anchors(baseline=l0, expected=signals.Expectations(*expected))


def _fixed(anchors: Anchors, world: World) -> Anchors:
    """The anchors with the baselines `world` states kept, and a zero diagonal."""
    l0 = np.where(world.baseline_fixed, world.l_fixed, anchors.baseline)
    np.fill_diagonal(l0, 0.0)
    return Anchors(baseline=l0, expected=anchors.expected)


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
    probe = Probe(status_quo)
    probe.run()
    return (probe.first / probe.count, probe.second / probe.count, *(probe.expected_sum / probe.count))
