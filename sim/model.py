"""DiplomacyModel (mesa.Model): R replications of the essay's world, stepped together.

Each step: every Country decides its moves (background, reciprocity, rules, policies) -> events fire ->
the trust update runs (pure numpy, sim.dynamics) -> the state is recorded. With R = 1 this is an ordinary
Mesa model: it takes `rng=` and keyword parameters and has a DataCollector, so `mesa.batch_run` works on it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import mesa
import numpy as np

from sim import dynamics, events
from sim.agents import Country
from sim.calibrate import baseline_log_odds
from sim.config import Parameters, Scenario, load_scenario, validate_raw
from sim.errors import ConfigError, did_you_mean
from sim.recording import Recording
from sim.rng import Streams, replication_keys
from sim.world import World, compile_world, logit


def with_parameters(scenario: Scenario, parameters: dict[str, Any]) -> Scenario:
    """The scenario with some model parameters replaced, validated like a config file."""
    if not parameters:
        return scenario
    for key in parameters:
        if key not in Parameters.model_fields:
            raise ConfigError(
                f"unknown parameter '{key}'", key=f"parameters.{key}", hint=did_you_mean(key, Parameters.model_fields)
            )
    raw = scenario.model_dump()
    raw["parameters"].update(parameters)
    return validate_raw(raw, file=f"<{scenario.name} with {parameters}>")


class FlowMoments:
    """First and second moments of the drive's parts (direct, audience, shock) per dyad, over samples."""

    def __init__(self, n: int) -> None:
        self.count = 0
        self.first = np.zeros((3, n, n))
        self.second = np.zeros((3, 3, n, n))

    def add(self, direct: np.ndarray, audience: np.ndarray, shock: np.ndarray) -> None:
        parts = np.stack([direct, audience, shock])  # [3, R, N, N]
        self.count += parts.shape[1]
        self.first += parts.sum(axis=1)
        self.second += np.einsum("irxy,jrxy->ijxy", parts, parts)

    def reset(self) -> None:
        self.count = 0
        self.first[:] = 0.0
        self.second[:] = 0.0


class DiplomacyModel(mesa.Model):
    """Directed trust among countries, batched over replications.

    Args:
        scenario: a scenario name (file in scenarios/), a path, or a loaded `Scenario`.
        replications: how many replications (indices 0..R-1), or the replication indices themselves.
        rng: the seed (Mesa convention). None uses the scenario's seed, so runs are reproducible by default.
        steps: run length; the model stops (`running = False`) after it. Default: the scenario's steps.
        record: keep the whole trajectory (needed for `results()`); False keeps only the current state; a
            `sim.recording.Recording` of R replications and `steps` steps is filled in place instead.
        frozen: hold trust at its initial value (used to calibrate baselines); moves still happen.
        **parameters: model parameters (alpha, mu, beta, half_life, sigma, ...) overriding the scenario's.
    """

    def __init__(
        self,
        scenario: str | Scenario = "baseline",
        replications: int | Sequence[int] = 1,
        *,
        rng: int | np.random.Generator | None = None,
        steps: int | None = None,
        record: bool | Recording = True,
        frozen: bool = False,
        **parameters: Any,
    ) -> None:
        super().__init__(rng=rng)
        spec = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
        self.config = with_parameters(spec, parameters)
        if isinstance(rng, int | np.integer):
            self.seed = int(rng)
        elif rng is None:
            self.seed = self.config.seed
        else:
            self.seed = int(self.rng.integers(2**63))
        reps = np.arange(replications) if isinstance(replications, int | np.integer) else np.asarray(replications)
        if reps.ndim != 1 or len(reps) == 0 or (reps < 0).any():
            raise ConfigError(
                "replications must be a positive count or a list of indices >= 0",
                key="replications",
                hint="e.g. 500, or [0, 1, 7]",
            )
        self.replication_index = reps.astype(np.int64)
        self.n_replications = len(reps)
        self.n_steps = int(steps if steps is not None else self.config.steps)
        self.frozen = frozen
        self.record = record is not False

        self.world: World = compile_world(self.config)
        w, p = self.world, self.config.parameters
        self.index = {code: i for i, code in enumerate(w.actors)}
        self.baseline = w.l_init.copy() if frozen else baseline_log_odds(self.config, w)
        self._lam = dynamics.decay_rate(p.half_life)
        self._calm_decay = dynamics.decay_rate(p.calm_half_life)

        self._setup_streams()
        r, n, c = self.n_replications, w.n, len(w.channels)
        self.log_odds = self._initial_log_odds()
        self.trust = dynamics.trust(self.log_odds)
        self.calm = np.zeros((r, n, n))
        self.moves = np.zeros((r, c))
        self.previous_moves = np.zeros((r, c))
        self.draws = np.zeros((r, 0))
        self.moments = FlowMoments(n)  # filled only when frozen (calibration)
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
        self.mean_trust = self.trust.mean(axis=0)  # what the DataCollector reports, once per step
        self.datacollector = mesa.DataCollector(
            model_reporters={
                f"trust_{o}_{t}": _mean_trust(i, j)
                for o, i in self.index.items()
                for t, j in self.index.items()
                if i != j
            }
        )
        self.datacollector.collect(self)

    def _setup_streams(self) -> None:
        """Name every random decision; columns of `draws` follow this layout."""
        w = self.world
        names: list[str] = []
        self.columns: dict[str, int] = {}

        def block(kind: str, labels: list[str]) -> None:
            self.columns[kind] = len(names)
            names.extend(f"{kind}:{label}" for label in labels)

        block("background", [w.channel_name(c) for c in w.background])
        block("reply", [w.channel_name(c) for c in range(len(w.channels))])
        block("rule", [f"{r.name}:{part}" for r in w.rules for part in ("fire", "choice")])
        block("policy", [p.name for p in w.policies])
        block("event", [e.name for e in w.events])
        block("trigger", [f"{e.name}:{i}:{w.channel_name(t[0])}" for e in w.events for i, t in enumerate(e.triggers)])
        self._n_uniform = len(names)
        block("shock", [f"{e.name}:{i}" for e in w.events for i, _ in enumerate(e.shocks)])
        pairs = [(i, j) for i in range(w.n) for j in range(w.n) if i != j]
        block("noise", [f"{w.actors[i]}:{w.actors[j]}" for i, j in pairs])
        self._pairs = tuple(np.array(pairs, dtype=np.intp).reshape(-1, 2).T)
        self._keys = replication_keys(self.seed, self.replication_index)
        self.streams = Streams(self._keys, names)

    def _initial_log_odds(self) -> np.ndarray:
        """The essay's levels for every replication, or (initial_trust = "sampled") a uniform draw per
        replication and dyad from the dyad's plausible range, from its own named stream."""
        w, r = self.world, self.n_replications
        if self.config.initial_trust == "essay" or self.frozen:
            return np.broadcast_to(w.l_init, (r, w.n, w.n)).copy()
        i, j = self._pairs
        names = [f"initial:{w.actors[a]}:{w.actors[b]}" for a, b in zip(i, j, strict=True)]
        u = Streams(self._keys, names).uniform(0)
        out = np.zeros((r, w.n, w.n))
        out[:, i, j] = logit(w.t_low[i, j] + u * (w.t_high[i, j] - w.t_low[i, j]))
        return out

    def step(self) -> None:
        """One step (a month by default) for every replication."""
        w, p, t = self.world, self.config.parameters, self.steps
        self.previous_moves, self.moves = self.moves, np.zeros_like(self.moves)
        self.draws = self.streams.uniform(t, slice(0, self._n_uniform))
        # frozen (calibration) runs have no misperception noise: draw only the event shocks' normals
        last = self.columns["noise"] if self.frozen else None
        normals = self.streams.normal(t, slice(self._n_uniform, last))
        self.agents.do("step")

        c = self.columns
        shock = np.zeros_like(self.log_odds)
        event_counts = events.fire(
            w.events,
            t,
            self.draws[:, c["event"] : c["trigger"]],
            self.draws[:, c["trigger"] : self._n_uniform],
            normals[:, : c["noise"] - c["shock"]],
            self.moves,
            shock,
        )
        n = w.n
        flows = w.by_pair.sum(self.moves * w.weight).reshape(-1, n, n)
        calm_in = w.by_unordered_pair.sum(self.moves * w.calming).reshape(-1, n, n)
        self.calm = np.minimum(1.0, self.calm * (1.0 - self._calm_decay) + calm_in + np.swapaxes(calm_in, 1, 2))

        if self.frozen:
            stance = dynamics.stance(self.trust)
            self.moments.add(dynamics.direct(flows), dynamics.audience(flows, stance), shock)
        else:
            eps = np.zeros_like(self.log_odds)
            eps[:, self._pairs[0], self._pairs[1]] = normals[:, c["noise"] - c["shock"] :]
            push = dynamics.drive(flows, dynamics.stance(self.trust), p.alpha, p.mu, p.beta) + shock
            sd = dynamics.noise_scale(w.sigma, self.calm, p.noise_reduction)
            self.log_odds = dynamics.update(self.log_odds, self.baseline, push, sd, eps, self._lam, p.l_max)
            self.trust = dynamics.trust(self.log_odds)

        if self.recording is not None and t <= self.n_steps:
            made = w.by_actor_move.sum((self.moves > 0).astype(np.float64))
            self.recording.write(t, self.trust, made.reshape(-1, n, len(w.moves)), event_counts)
        if not self.frozen:
            self.mean_trust = self.trust.mean(axis=0)
            self.datacollector.collect(self)
        if self.steps >= self.n_steps:
            self.running = False

    def run(self, progress: bool = False) -> None:
        """Step until the run length is reached."""
        steps = range(self.steps, self.n_steps)
        if progress:
            from tqdm import tqdm

            steps = tqdm(steps, desc=self.config.name, unit="step", leave=False)
        for _ in steps:
            self.step()

    def results(self):  # -> sim.results.Results (imported lazily: xarray is only needed here)
        """The recorded run as labelled arrays."""
        from sim.results import Results

        if self.recording is None:
            raise RuntimeError("this model was created with record=False; nothing was recorded")
        w, done, rec = self.world, min(self.steps, self.n_steps) + 1, self.recording
        return Results.from_arrays(
            trust=rec.trust[:, :done],
            moves=rec.moves[:, :done],
            events=rec.events[:, :done],
            replications=self.replication_index,
            actors=w.actors,
            move_names=w.moves,
            event_names=[e.name for e in w.events],
            scenario=self.config,
            seed=self.seed,
        )


def _mean_trust(i: int, j: int):
    """A DataCollector reporter: trust of actor i in j (mean over replications when R > 1)."""

    def report(model: DiplomacyModel) -> float:
        return float(model.mean_trust[i, j])

    return report
