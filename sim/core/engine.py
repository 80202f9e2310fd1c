"""Engine (mesa.Model): R replications of a world, stepped together, from given anchors.

Each step: every Country decides its moves (background, reciprocity, rules, policies) -> events fire -> each
observer compares what it saw with what it expected and trust moves on the surprise
(sim.core.dynamics, sim.core.signals)
-> the state is recorded. The anchors (baseline trust and status-quo expectations) come from outside:
sim.core.model.DiplomacyModel calibrates them; sim.core.calibration's probe subclasses the engine to measure them.
"""

from __future__ import annotations

from typing import Any

import mesa
import numpy as np

from sim.core import dynamics, events, signals
from sim.core.agents import Country
from sim.core.anchors import Anchors
from sim.core.draws import Draws, StreamLayout
from sim.core.recording import Recording
from sim.core.world import World, compile_world, logit
from sim.scenario.schema import Scenario
from sim.util.interrupts import check_stop
from sim.util.progress import bar

AUDIENCE_SHARE = 0.5  # the audience's habits move the level at most this share of `level_range`


class Engine(mesa.Model):
    """Directed trust among countries, batched over replications, from given anchors.

    Args:
        config: the validated scenario (parameters already applied).
        replications: the replication indices (checked by the caller: distinct whole numbers >= 0).
        seed: the seed keying every replication's random streams.
        anchors: baseline log-odds and status-quo expectations (sim.core.calibration); None for a run that never
            updates trust (the calibration probe).
        steps: run length; the model stops (`running = False`) after it. Default: the scenario's steps.
        record: keep the whole trajectory (needed for `results()`); False keeps only the current state; a
            `sim.core.recording.Recording` of R replications and `steps` steps is filled in place instead.
        world: the compiled world, when the caller already has it.
    """

    def __init__(
        self,
        config: Scenario,
        replications: np.ndarray,
        *,
        seed: int,
        anchors: Anchors | None,
        steps: int | None = None,
        record: bool | Recording = True,
        world: World | None = None,
        rng: Any = None,
    ) -> None:
        super().__init__(rng=seed if rng is None else rng)
        self.config = config
        self.seed = seed
        self.replication_index = np.asarray(replications, dtype=np.int64)
        self.n_replications = len(self.replication_index)
        self.n_steps = int(steps if steps is not None else config.steps)
        self.record = record is not False

        self.world: World = world if world is not None else compile_world(config)
        w, p = self.world, config.parameters
        self.index = {code: i for i, code in enumerate(w.actors)}
        self.layout = StreamLayout(w, seed, self.replication_index)
        self._lam = dynamics.decay_rate(p.half_life)
        self._eta = dynamics.decay_rate(p.habituation)
        self._calm_decay = dynamics.decay_rate(p.calm_half_life)
        self._pairs = tuple(np.array([(i, j) for i in range(w.n) for j in range(w.n) if i != j]).reshape(-1, 2).T)

        r, n, c = self.n_replications, w.n, len(w.channels)
        self.anchors = anchors
        self.log_odds = self._initial_log_odds()
        self.trust = dynamics.trust(self.log_odds)
        zeros = np.zeros((n, n))
        template = anchors.expected if anchors is not None else signals.Expectations(zeros, zeros, zeros)
        self.expected = template.broadcast(r)
        if anchors is not None:
            self._reference = self._habits(anchors.expected)
        self.calm = np.zeros((r, n, n))
        self.moves = np.zeros((r, c))
        self.previous_moves = np.zeros((r, c))
        self.draws: Draws | None = None
        self.recording: Recording | None = None
        if isinstance(record, Recording):
            if (record.replications, record.steps) != (r, self.n_steps):
                shape = f"{record.replications} x {record.steps}"
                raise ValueError(f"the recording holds {shape} replications x steps, not {r} x {self.n_steps}")
            self.recording = record
        elif record:
            self.recording = Recording.allocate(w, r, self.n_steps)
        if self.recording is not None:  # step 0 is the initial state
            self.recording.write(0, self.trust, 0, 0)

        for code, i in self.index.items():
            Country(self, code, i)
        self.countries: list[Country] = sorted(self.agents, key=lambda a: a.index)

    def _initial_log_odds(self) -> np.ndarray:
        """The essay's levels (or the scenario's `initial_state`) for every replication, or, with
        initial_trust = "sampled", a uniform draw per replication and dyad from the dyad's plausible range."""
        w, r = self.world, self.n_replications
        if self.config.initial_trust == "essay":
            start = w.l_init.copy()
            for o, row in self.config.initial_state.items():
                for t, value in row.items():
                    start[self.index[o], self.index[t]] = logit(value)
            return np.broadcast_to(start, (r, w.n, w.n)).copy()
        i, j = self._pairs
        names = [f"initial:{w.actors[a]}:{w.actors[b]}" for a, b in zip(i, j, strict=True)]
        u = self.layout.extra(names).uniform(0)
        out = np.zeros((r, w.n, w.n))
        out[:, i, j] = logit(w.t_low[i, j] + u * (w.t_high[i, j] - w.t_low[i, j]))
        return out

    def _habits(self, expected: signals.Expectations) -> tuple[np.ndarray, np.ndarray]:
        """How far habituated flows would move the level, direct and audience: G * alpha * E_direct, G * mu * E_aud."""
        p = self.config.parameters
        return (
            p.level_gain * p.alpha * signals.habituated(expected),
            p.level_gain * p.mu * expected.audience,
        )

    def level(self) -> np.ndarray:
        """The level trust returns to: the baseline, shifted by habits formed since the status quo, within bounds.

        The direct shift is at most `level_range` log-odds; the audience shift at most AUDIENCE_SHARE of that, so
        a third party's verdict stays second-order however large the flow it watches.
        """
        p = self.config.parameters
        direct, audience = self._habits(self.expected)
        k_direct, k_audience = p.level_range, AUDIENCE_SHARE * p.level_range
        return (
            self.anchors.baseline
            + k_direct * np.tanh((direct - self._reference[0]) / k_direct)
            + k_audience * np.tanh((audience - self._reference[1]) / k_audience)
        )

    def step(self) -> None:
        """One step (a month by default) for every replication."""
        w, t = self.world, self.steps
        self.previous_moves, self.moves = self.moves, np.zeros_like(self.moves)
        self.draws = self.layout.draw(t, noise=self.anchors is not None)
        self.agents.do("step")

        shock = np.zeros_like(self.log_odds)
        event_counts = events.fire(
            w.events, t, self.draws["event"], self.draws["trigger"], self.draws["shock"], self.moves, shock
        )
        n = w.n
        calm_in = w.by_unordered_pair.sum(self.moves * w.calming).reshape(-1, n, n)
        self.calm = np.minimum(1.0, self.calm * (1.0 - self._calm_decay) + calm_in + np.swapaxes(calm_in, 1, 2))
        stance = dynamics.stance(self.trust)
        seen = signals.observe(self.moves, w, stance, self.config.parameters.saturation)
        self.respond(seen, stance, shock)
        self.expected.learn(seen, self._eta)

        if self.recording is not None and t <= self.n_steps:
            made = w.by_actor_move.sum((self.moves > 0).astype(np.float64))
            self.recording.write(t, self.trust, made.reshape(-1, n, len(w.moves)), event_counts)
        if self.steps >= self.n_steps:
            self.running = False

    def respond(self, seen: signals.Signals, stance: np.ndarray, shock: np.ndarray) -> None:
        """The trust update: surprise, structural balance and shocks push; trust returns to a level that the
        habituated flows shift away from the baseline; misperception adds noise (docs/MODEL.md)."""
        p, w = self.config.parameters, self.world
        push = (
            p.alpha * signals.direct_surprise(seen, self.expected, p.negativity)
            + p.mu * dynamics.surprise(seen.audience, self.expected.audience)
            + p.beta * dynamics.balance(stance)
            + shock
        )
        level = self.level()
        eps = np.zeros_like(self.log_odds)
        eps[:, self._pairs[0], self._pairs[1]] = self.draws["noise"]
        sd = dynamics.noise_scale(w.sigma, self.calm, p.noise_reduction)
        self.log_odds = dynamics.update(self.log_odds, level, push, sd, eps, self._lam, p.l_max)
        self.trust = dynamics.trust(self.log_odds)

    def run(self, progress: bool = False) -> None:
        """Step until the run length is reached.

        Between steps it raises again a Ctrl-C or SIGTERM whose exception the garbage collector swallowed (it
        arrived inside a finalizer), so that a command stops within a step instead of running on to the end.
        """
        steps = range(self.steps, self.n_steps)
        if progress:
            steps = bar(steps, desc=self.config.name, unit="step", leave=False)
        for _ in steps:
            check_stop()
            self.step()
