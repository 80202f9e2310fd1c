"""Baseline log-odds L0 from the status quo, so the baseline scenario is stationary at the essay's levels.

The essay gives levels, not dynamics. For every dyad we choose L0 so that, under the status quo (background
moves, reciprocity, standing rules and rate events of the world; no policies, no fixed-step events), the
expected change of trust at the essay's initial values is zero. Moves do not depend on alpha, mu or beta, so
we estimate the expected flows once per world by running the model with trust frozen at its initial values,
then solve E[dL] = 0 in closed form (sim.dynamics.calibrated_baseline), aiming the mean log-odds where the
*mean trust* equals the essay's level: trust is a nonlinear function of log-odds, so with the spread the
status quo generates, E[T] would otherwise drift away from T(E[L]). Dyads whose baseline the world file
states keep it.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

import numpy as np

from sim import diskcache, dynamics
from sim.config import Parameters, Scenario, WorldSpec
from sim.world import World, compile_world

REPLICATIONS = 2000
STEPS = 72
BURN_IN = 12
SEED = 0


def baseline_log_odds(scenario: Scenario, world: World | None = None) -> np.ndarray:
    """L0 [N, N] for a scenario: calibrated from its status quo, or as stated in its world file.

    `world` is the scenario's compiled world when the caller already has it (its trust arrays are the same
    with or without interventions); otherwise it is compiled here.
    """
    if world is None:
        world = compile_world(scenario, interventions=False)
    p = scenario.parameters
    first, second = expected_flows(status_quo_key(scenario.world), p.reply_floor)
    l0 = dynamics.calibrated_baseline(
        world.l_init, first, second, world.sigma, p.alpha, p.mu, p.beta, dynamics.decay_rate(p.half_life)
    )
    l0 = np.where(world.baseline_fixed, world.l_fixed, l0)
    np.fill_diagonal(l0, 0.0)
    return l0


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
@diskcache.cached("calibration", 2)  # shared by every process: CLI calls, sweep workers
def expected_flows(world_json: str, reply_floor: float) -> tuple[np.ndarray, np.ndarray]:
    """Moments of the drive's parts per step under the status quo, with trust frozen at its initial values.

    Returns the means [3, N, N] and raw second moments [3, 3, N, N] of (direct, audience, shock).
    """
    from sim.model import DiplomacyModel

    status_quo = Scenario(
        name="status_quo",
        world=WorldSpec.model_validate_json(world_json),
        steps=STEPS,
        parameters=Parameters(reply_floor=reply_floor),
    )
    model = DiplomacyModel(status_quo, REPLICATIONS, rng=SEED, frozen=True, record=False)
    for _ in range(BURN_IN):
        model.step()
    model.moments.reset()
    model.run()
    m = model.moments
    return m.first / m.count, m.second / m.count
