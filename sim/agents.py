"""Country (mesa.Agent): one actor deciding its moves for all R replications at once.

An actor's moves in a step come from four sources, each drawn from its own named random stream:
background behaviour (the status quo), reciprocity (generous tit-for-tat by class: answer each move received last
step with the world's answer to it, hostility with probability `hostile`, cooperation with probability
`cooperative`), rules (structured reactions to moves received or to trust crossing a threshold) and the scenario's
scheduled policies.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

from sim.world import CompiledRule

if TYPE_CHECKING:
    from sim.engine import Engine


class Country(mesa.Agent):
    """One actor (ISO 3166 alpha-3 code) of the diplomacy model."""

    model: Engine

    def __init__(self, model: Engine, code: str, index: int) -> None:
        super().__init__(model)
        world = model.world
        self.code = code
        self.index = index
        self.name = model.config.world.actors[code].name
        self._background = np.flatnonzero(world.channels[world.background, 0] == index)
        self._inbox = np.flatnonzero(world.channels[:, 1] == index)
        self._rules = [(i, r) for i, r in enumerate(world.rules) if r.actor == index]
        self._policies = [(i, p) for i, p in enumerate(world.policies) if p.actor == index]

    def __repr__(self) -> str:
        return f"Country({self.code!r})"

    def trust_in(self, other: str) -> np.ndarray:
        """This actor's current trust in another, one value per replication."""
        return self.model.trust[:, self.index, self.model.index[other]]

    def step(self) -> None:
        """Decide this step's moves for every replication, writing intensities into the model's move array."""
        model, world = self.model, self.model.world
        moves, draws = model.moves, model.draws

        channels = world.background[self._background]
        fired = draws["background"][:, self._background] < world.background_prob[self._background]
        moves[:, channels] += fired

        inbox = self._inbox
        received = model.previous_moves[:, inbox]
        answer = draws["reply"][:, inbox] < world.reply_prob[inbox]
        strength = received * world.reply_scale[inbox]
        reply = np.where(answer & (strength >= world.params.reply_floor), strength, 0.0)
        # Several received moves may share one answer channel (demand, threats and aid cuts are all answered by
        # criticism): each adds its reply. A fancy-index `+=` would keep only the last.
        np.add.at(moves, (slice(None), world.answer[inbox]), reply)

        rule_draws = draws["rule"]
        for i, rule in self._rules:
            self._apply_rule(rule, rule_draws[:, 2 * i], rule_draws[:, 2 * i + 1])

        policy_draws = draws["policy"]
        for i, policy in self._policies:
            if policy.active(model.steps):
                fired = policy_draws[:, i] < policy.probability
                moves[:, policy.channels] += (fired * policy.intensity_at(model.steps))[:, None]

    def _apply_rule(self, rule: CompiledRule, u_fire: np.ndarray, u_choice: np.ndarray) -> None:
        model = self.model
        if rule.on == "received":
            condition = (model.previous_moves[:, rule.watch] > 0).any(axis=1)
        elif rule.on == "trust_below":
            condition = model.trust[:, self.index, rule.about] < rule.threshold
        else:
            condition = model.trust[:, self.index, rule.about] > rule.threshold
        fire = condition & (u_fire < rule.probability)
        weights = np.column_stack([self._weight(w, by, target) for _, w, by, target, _ in rule.responses])
        total = weights.sum(axis=1)
        cumulative = np.cumsum(weights, axis=1) / np.where(total > 0, total, 1.0)[:, None]
        choice = (u_choice[:, None] >= cumulative[:, :-1]).sum(axis=1)
        fire &= total > 0
        for j, (channels, _, _, _, intensity) in enumerate(rule.responses):
            model.moves[:, channels] += ((fire & (choice == j)) * intensity)[:, None]

    def _weight(self, weight: float, by: str, target: int) -> np.ndarray:
        model = self.model
        if by == "dependence":
            factor = np.full(model.n_replications, model.world.dependence[self.index, target])
        elif by == "trust":
            factor = model.trust[:, self.index, target]
        else:
            factor = np.ones(model.n_replications)
        return weight * factor
