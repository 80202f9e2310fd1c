"""Batch: R replications of a world from given anchors, and their whole run in the compiled loop.

Each step: every actor decides its moves (background, reciprocity, rules, policies) -> events fire -> each
observer compares what it saw with what it expected and trust moves on the surprise -> the state is recorded.
The step is compiled (sim.core.kernel): `run()` runs it replication by replication, every step of one before the
next, on every core (sim.util.threads). sim.core.engine.Engine is this batch as a mesa.Model, whose `step()`
runs the same compiled functions the Mesa way (one Country after another over all replications, then the
model's part) with the same numbers; whole runs (sim.run, sweeps, calibration) need no Mesa and use a Batch.

Replications may differ in their parameters: `parameters` lists the distinct parameter sets and `rows[r]` is the
one replication r uses, with its own anchors (baseline trust and status-quo expectations), computed outside
(sim.core.prepare.calibrated).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from sim.core import kdraws, kernel, kstate, net
from sim.core.anchors import Anchors
from sim.core.recording import Recording
from sim.core.world import World, compile_world, logit
from sim.scenario.schema import Parameters, Scenario
from sim.util import threads
from sim.util.interrupts import check_stop
from sim.util.progress import bar
from sim.util.rng import Streams, replication_keys

BLOCK = 64  # replications per task of a whole run: small enough to balance threads, large enough to amortise


class Batch:
    """Directed trust among countries, batched over replications, from given anchors.

    Args:
        config: the validated scenario (parameters already applied).
        replications: the replication indices (checked by the caller: whole numbers >= 0; a batch of parameter
            points may repeat them, sim.runs.points).
        seed: the seed keying every replication's random streams.
        anchors: the anchors of each parameter set (one per entry of `parameters`).
        steps: run length; the model stops (`running = False`) after it. Default: the scenario's steps.
        record: keep the whole trajectory (`sim.Results.from_model(model)` reads it); False keeps only the
            current state; a `sim.core.recording.Recording` of R replications and `steps` steps is filled in place.
        world: the compiled world, when the caller already has it.
        parameters: the distinct parameter sets (default: the scenario's).
        rows: replication r uses parameters[rows[r]] (default: all the first).

    `done` counts the steps taken; `running` is False once the run length is reached (as Mesa's flag).
    """

    def __init__(
        self,
        config: Scenario,
        replications: np.ndarray,
        *,
        seed: int,
        anchors: Sequence[Anchors],
        steps: int | None = None,
        record: bool | Recording = True,
        world: World | None = None,
        parameters: Sequence[Parameters] | None = None,
        rows: np.ndarray | None = None,
    ) -> None:
        self.config = config
        self.seed = seed
        self.replication_index = np.asarray(replications, dtype=np.int64)
        self.n_replications = r = len(self.replication_index)
        self.n_steps = int(steps if steps is not None else config.steps)
        self.record = record is not False

        self.world: World = world if world is not None else compile_world(config)
        self.index = {code: i for i, code in enumerate(self.world.actors)}
        self.parameters = list(parameters) if parameters is not None else [config.parameters]
        self.rows = np.zeros(r, np.int64) if rows is None else np.ascontiguousarray(rows, np.int64)
        if (
            len(anchors) != len(self.parameters)
            or len(self.rows) != r
            or not 0 <= self.rows.min() <= self.rows.max() < len(anchors)
        ):
            raise ValueError("need one anchors per parameter set and one row per replication")
        self.packed = net.pack(self.world)  # the world as flat arrays; `net` is the compiled code's handle on them
        self.net = kstate.by_reference(self.packed)
        self.keys = replication_keys(seed, self.replication_index)
        self.bases = kdraws.stream_bases(self.keys, self.packed.stream_ids)
        self.prm = np.array([net.parameter_row(p) for p in self.parameters])
        self.anchors = self._anchor_table(anchors)  # [G, 4, n, n]: see sim.core.kstate.BASELINE...
        self.expected = np.array([a.expected for a in anchors])
        self.state = self._zero_state()
        kernel.initial_state(self._initial_log_odds(), self.expected, self.rows, self.state)
        self.counts = np.zeros((r, len(self.world.events)), np.int64)
        self.step_tables = net.Schedule.of(self.world, self.n_steps)
        self.recording: Recording | None = self._recording_for(record)
        if self.recording is not None:  # step 0 is the initial state
            self.recording.write(0, self.trust, 0, 0)
        self.done = 0
        self.running = True

    @property
    def trust(self) -> np.ndarray:
        """Current trust [R, N, N] (observer, target), zero on the diagonal."""
        return self.state.trust

    @property
    def moves(self) -> np.ndarray:
        """This step's move intensities [R, C] by channel (sim.world)."""
        return self.state.moves

    def _anchor_table(self, anchors: Sequence[Anchors]) -> np.ndarray:
        """Per parameter set [G, 4, n, n]: the baseline, the two level terms and the shock scale (kstate.BASELINE)."""
        return np.array(
            [
                [
                    a.baseline,
                    p.level_gain * p.alpha * (a.expected[0] + a.expected[1]),
                    p.level_gain * p.mu * a.expected[2],
                    net.sigma_of(self.world, p),
                ]
                for p, a in zip(self.parameters, anchors, strict=True)
            ]
        )

    def _zero_state(self) -> kstate.State:
        """The kernel's state arrays of R replications, all zero (kernel.initial_state fills them)."""
        r, n, c = self.n_replications, self.world.n, len(self.world.channels)
        return kstate.State(
            log_odds=np.zeros((r, n, n)),
            trust=np.zeros((r, n, n)),
            expected=np.zeros((r, 3, n, n)),
            calm=np.zeros((r, n, n)),
            moves=np.zeros((r, c)),
            previous=np.zeros((r, c)),
        )

    def _recording_for(self, record: bool | Recording) -> Recording | None:
        """The recording given (checked against R and the steps), a new one when `record` is True, else None."""
        r = self.n_replications
        if isinstance(record, Recording):
            if (record.replications, record.steps) != (r, self.n_steps):
                shape = f"{record.replications} x {record.steps}"
                raise ValueError(f"the recording holds {shape} replications x steps, not {r} x {self.n_steps}")
            return record
        return Recording.allocate(self.world, r, self.n_steps) if record else None

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
        i, j = np.array([(a, b) for a in range(w.n) for b in range(w.n) if a != b]).reshape(-1, 2).T
        names = [f"initial:{w.actors[a]}:{w.actors[b]}" for a, b in zip(i, j, strict=True)]
        u = Streams(self.keys, names).uniform(0)
        out = np.zeros((r, w.n, w.n))
        out[:, i, j] = logit(w.t_low[i, j] + u * (w.t_high[i, j] - w.t_low[i, j]))
        return out

    def model_part(self, t: int) -> None:
        """The model's part of step t in every replication, once every actor has moved this step's moves into
        `moves` (events, calm, observation, the trust update), then the recording; `done` becomes t."""
        tables, s = self.step_tables, self.state
        kernel.model_batch(t, self.net, self.prm, self.anchors, self.rows, self.bases, s, tables.arrays, self.counts)
        if self.recording is not None and t <= self.n_steps:
            made = np.zeros((self.n_replications, self.world.n * len(self.world.moves)))
            np.add.at(made, (slice(None), self.packed.actor_move), self.state.moves > 0)
            self.recording.write(t, self.trust, made.reshape(self.n_replications, self.world.n, -1), self.counts)
        self.done = t
        self.running = t < self.n_steps

    def run(self, progress: bool = False, until: int | None = None) -> None:
        """Step until the run length (or step `until`) is reached: the compiled loop, replication by replication,
        on every core.

        Between blocks of replications it raises again a Ctrl-C or SIGTERM whose exception the garbage collector
        swallowed (it arrived inside a finalizer), so that a command stops within a moment.
        """
        first, last = self.done + 1, self.n_steps if until is None else min(int(until), self.n_steps)
        if first > last:
            return
        rec = self.recording
        empty = Recording(*(np.zeros((self.n_replications, 0, *a.shape[2:]), a.dtype) for a in self._shapes()))
        rec = rec if rec is not None else empty
        s, tables = self.state, self.step_tables

        def block(a: int, b: int) -> None:
            part = kstate.State(*(x[a:b] for x in s))
            recorded = (rec.trust[a:b], rec.moves[a:b], rec.events[a:b])
            kernel.run_block(
                self.net, self.prm, self.anchors, self.rows[a:b], self.bases[a:b], part, tables.arrays, first, last,
                recorded,
            )  # fmt: skip

        blocks = [(a, min(a + BLOCK, self.n_replications)) for a in range(0, self.n_replications, BLOCK)]
        done: Callable[[int], None] | None = None
        if progress:
            meter = bar(total=self.n_replications, desc=self.config.name, unit="replication", leave=False)
            done = meter.update
        try:
            threads.run_blocks(block, blocks, done=done, between=check_stop)
        finally:
            if progress:
                meter.close()
        self.done = last
        self.running = last < self.n_steps

    def _shapes(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Arrays with a recording's trailing shapes and types (for the empty recording of record=False)."""
        w = self.world
        probe = Recording.allocate(w, 1, 0)
        return probe.trust, probe.moves, probe.events
