"""Scenario -> World: the validated config compiled into index arrays the engine works on.

Every move an actor can make toward a target is a *channel* (actor, target, move). The channel set is the
closure of what background behaviour, policies, rules and event triggers can emit, plus the answer to each (the
reply that reciprocity may send back, by the world's table of answers: a strike is answered by reduced relations,
aid by cooperation). A step's moves are then one array X[replication, channel] of intensities, which the
compiled step (sim.core.kernel, on the flat arrays of sim.core.net) sums into what each observer sees.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sim.scenario.schema import Event, Parameters, Policy, Rule, Scenario, WorldSpec


@dataclass(frozen=True)
class PolicySchedule:
    """A policy compiled: its channels, when it acts, how likely and how strongly."""

    name: str
    actor: int
    channels: np.ndarray
    start: int
    end: int | None
    every: int
    probability: float
    intensity: float
    profile_steps: np.ndarray = field(default_factory=lambda: np.zeros(0))  # steps of the intensity profile
    profile_values: np.ndarray = field(default_factory=lambda: np.zeros(0))
    interpolate: str = "step"

    def active(self, step: int) -> bool:
        return self.start <= step and (self.end is None or step <= self.end) and (step - self.start) % self.every == 0

    def intensity_at(self, step: int) -> float:
        """The intensity at a step: constant, or following the profile (held or interpolated between points)."""
        if not len(self.profile_steps):
            return self.intensity
        if self.interpolate == "linear":
            return float(np.interp(step, self.profile_steps, self.profile_values))
        i = max(int(np.searchsorted(self.profile_steps, step, side="right")) - 1, 0)
        return float(self.profile_values[i])


@dataclass(frozen=True)
class CompiledRule:
    """A rule compiled: condition (received channels or a trust threshold) and weighted responses."""

    name: str
    actor: int
    on: str
    watch: np.ndarray  # channels whose receipt triggers the rule (on = received)
    about: int
    threshold: float
    probability: float
    responses: list[tuple[np.ndarray, float, str, int, float]]  # channels, weight, weight_by, target, intensity


@dataclass(frozen=True)
class CompiledEvent:
    name: str
    rate: float
    at: frozenset[int]
    shocks: list[tuple[int, int, float, float]]  # observer, target, delta, sd
    triggers: list[tuple[int, float, float]]  # channel, probability, intensity


@dataclass(frozen=True)
class World:
    """Everything the engine needs, as arrays indexed by actor, move and channel."""

    actors: list[str]
    moves: list[str]
    params: Parameters
    l_init: np.ndarray  # [N, N] log-odds, diagonal 0
    t_low: np.ndarray  # [N, N] plausible range of initial trust (for sampled starts)
    t_high: np.ndarray
    baseline_fixed: np.ndarray  # [N, N] bool: baseline stated in the calibration file
    l_fixed: np.ndarray  # [N, N] the stated baselines (log-odds) where fixed
    dependence: np.ndarray  # [N, N]
    sigma: np.ndarray  # [N, N]
    sigma_fixed: np.ndarray  # [N, N] bool: the dyad states its own sigma (else the parameter applies)
    channels: np.ndarray  # [C, 3] actor, target, move
    weight: np.ndarray  # [C] w = credibility * goldstein / 10
    audience_weight: np.ndarray  # [C] w * credibility: what the act says to third parties (costly acts say more)
    calming: np.ndarray  # [C]
    answer: np.ndarray  # [C] the channel a reply to this one goes on (receiver -> sender, the answering move)
    reply_prob: np.ndarray  # [C] probability the receiver replies in kind
    reply_scale: np.ndarray  # [C]
    background: np.ndarray  # [E] channel of each background entry
    background_prob: np.ndarray  # [E]
    policies: list[PolicySchedule]
    rules: list[CompiledRule]
    events: list[CompiledEvent]

    @property
    def n(self) -> int:
        return len(self.actors)

    def channel_name(self, c: int) -> str:
        a, t, m = self.channels[c]
        return f"{self.actors[a]}:{self.actors[t]}:{self.moves[m]}"


def logit(p: np.ndarray | float) -> np.ndarray:
    """Probability -> log-odds: log(p) - log(1 - p), by the kernel's own logarithms (the same bits on every CPU;
    numba loads here)."""
    from sim.core import kmath

    p = np.asarray(p, dtype=np.float64)
    return kmath.logit_array(np.ascontiguousarray(p.reshape(-1))).reshape(p.shape)


def compile_world(scenario: Scenario, *, interventions: bool = True) -> World:
    """Compile a scenario (or, with interventions=False, only its status quo) into arrays.

    Channels are numbered in the order they are first needed: background, rules, events, policies, then the
    answers that close the set (sim.core.draws names streams by channel, so the order changes no draw).
    """
    spec = scenario.world
    actors, moves = list(spec.actors), list(spec.moves)
    table = _Channels(scenario, actors, moves)
    silenced = set(scenario.disable.background) if interventions else set()
    background, background_prob = _background(spec, table, silenced)
    rules = _rules(scenario.all_rules() if interventions else list(spec.rules), table)
    events = _events(scenario.all_events() if interventions else dict(spec.events), table, fixed=interventions)
    policies = _policies(scenario.policies if interventions else [], table)
    channels, answer = table.closed(spec.reciprocity.answers)
    muted = set(scenario.disable.reciprocity) if interventions else set()
    return World(
        actors=actors,
        moves=moves,
        params=scenario.parameters,
        **_trust_arrays(scenario, actors),
        channels=channels,
        **_channel_arrays(spec, actors, moves, channels, muted),
        answer=answer,
        background=background,
        background_prob=background_prob,
        policies=policies,
        rules=rules,
        events=events,
    )


def _trust_arrays(scenario: Scenario, actors: list[str]) -> dict[str, np.ndarray]:
    """The dyads' tables as [N, N] arrays: initial log-odds, plausible range, stated baselines, dependence, noise."""
    n, index = len(actors), {a: i for i, a in enumerate(actors)}
    l_init, t_low, t_high, l_fixed, dependence = (np.zeros((n, n)) for _ in range(5))
    fixed, sigma_fixed = np.zeros((n, n), bool), np.zeros((n, n), bool)
    sigma = np.full((n, n), scenario.parameters.sigma)
    for o, row in scenario.world.trust.items():
        for t, d in row.items():
            i, j = index[o], index[t]
            l_init[i, j] = logit(d.initial)
            t_low[i, j], t_high[i, j] = d.low, d.high
            dependence[i, j] = d.dependence
            if d.baseline is not None:
                fixed[i, j] = True
                l_fixed[i, j] = logit(d.baseline)
            if d.sigma is not None:
                sigma[i, j] = d.sigma
                sigma_fixed[i, j] = True
    np.fill_diagonal(sigma, 0.0)
    return dict(
        l_init=l_init,
        t_low=t_low,
        t_high=t_high,
        baseline_fixed=fixed,
        l_fixed=l_fixed,
        dependence=dependence,
        sigma=sigma,
        sigma_fixed=sigma_fixed,
    )


class _Channels:
    """The channels (actor, target, move) of a world, numbered as they are first asked for."""

    def __init__(self, scenario: Scenario, actors: list[str], moves: list[str]) -> None:
        self.scenario = scenario
        self.moves = moves
        self.actor_index = {a: i for i, a in enumerate(actors)}
        self.move_index = {m: i for i, m in enumerate(moves)}
        self.triples: dict[tuple[int, int, int], int] = {}

    def of(self, actor: str, move: str, target: str) -> np.ndarray:
        """The channels of a move (or of each move of a bundle) from actor to target, added if new."""
        out = []
        for m in self.scenario.moves_of(move):
            key = (self.actor_index[actor], self.actor_index[target], self.move_index[m])
            out.append(self.triples.setdefault(key, len(self.triples)))
        return np.array(out, dtype=np.intp)

    def answering(self, answers: dict[str, str], triple: tuple[int, int, int]) -> tuple[int, int, int]:
        """The reply to a channel: back from target to actor, by the world's answer to its move (else in kind)."""
        a, t, m = triple
        return t, a, self.move_index[answers.get(self.moves[m], self.moves[m])]

    def closed(self, answers: dict[str, str]) -> tuple[np.ndarray, np.ndarray]:
        """Close the set under answering (every move can be answered, and so can every answer): the channels
        [C, 3] and the channel each one is answered on [C]."""
        pending = list(self.triples)
        while pending:
            reply = self.answering(answers, pending.pop())
            if reply not in self.triples:
                self.triples[reply] = len(self.triples)
                pending.append(reply)
        channels = np.array(sorted(self.triples, key=self.triples.get), dtype=np.intp).reshape(-1, 3)
        index = {tuple(int(v) for v in row): c for c, row in enumerate(channels)}
        answer = [index[self.answering(answers, (a, t, m))] for a, t, m in channels]
        return channels, np.array(answer, dtype=np.intp)


def _background(spec: WorldSpec, table: _Channels, silenced: set[str]) -> tuple[np.ndarray, np.ndarray]:
    """The background entries with a chance of acting, as channels and probabilities, leaving out the actors and
    pairs a scenario silenced."""
    channels, probabilities = [], []
    for a, row in spec.background.items():
        for t, probs in row.items():
            if a in silenced or f"{a}->{t}" in silenced:
                continue
            for m, p in probs.items():
                if p > 0:
                    channels.append(table.of(a, m, t)[0])
                    probabilities.append(p)
    return np.array(channels, dtype=np.intp), np.array(probabilities)


def _rules(specs: list[Rule], table: _Channels) -> list[CompiledRule]:
    """Rules with their watched and response channels, actors as indices."""
    index = table.actor_index
    rules = []
    for i, r in enumerate(specs):
        watch = table.of(r.sender, r.move, r.actor) if r.on == "received" else np.zeros(0, np.intp)
        responses = [
            (table.of(r.actor, x.move, x.target), x.weight, x.weight_by, index[x.target], x.intensity)
            for x in r.respond
        ]
        rules.append(
            CompiledRule(
                name=r.name or f"rule{i}:{r.actor}:{r.on}",
                actor=index[r.actor],
                on=r.on,
                watch=watch,
                about=index[r.about] if r.about else -1,
                threshold=r.threshold or 0.0,
                probability=r.probability,
                responses=responses,
            )
        )
    return rules


def _events(specs: dict[str, Event], table: _Channels, *, fixed: bool) -> list[CompiledEvent]:
    """Events with their shocks and triggered channels; without `fixed`, their fixed steps are left out (a
    fixed-step event is a departure from the status quo, not part of it)."""
    index = table.actor_index
    events = []
    for name, e in specs.items():
        shocks = [(index[s.observer], index[s.target], s.delta, s.sd) for s in e.shocks]
        triggers = [
            (int(c), g.probability, g.intensity) for g in e.triggers for c in table.of(g.actor, g.move, g.target)
        ]
        events.append(CompiledEvent(name, e.rate, frozenset(e.at) if fixed else frozenset(), shocks, triggers))
    return events


def _policies(specs: list[Policy], table: _Channels) -> list[PolicySchedule]:
    """Policies as schedules on their channels, with their intensity profiles as arrays."""
    return [
        PolicySchedule(
            name=p.name or f"policy{i}:{p.actor}:{p.move}:{p.target}",
            actor=table.actor_index[p.actor],
            channels=table.of(p.actor, p.move, p.target),
            start=p.start,
            end=p.end,
            every=p.every,
            probability=p.probability,
            intensity=p.intensity,
            profile_steps=np.array([x.at for x in p.profile], dtype=np.float64),
            profile_values=np.array([x.value for x in p.profile], dtype=np.float64),
            interpolate=p.interpolate,
        )
        for i, p in enumerate(specs)
    ]


def _channel_arrays(
    spec: WorldSpec, actors: list[str], moves: list[str], channels: np.ndarray, muted: set[str]
) -> dict[str, np.ndarray]:
    """Per channel: its weight (credibility * goldstein / 10), what it says to an audience (times credibility
    again), its calming, and the receiver's chance and scale of replying (none where a scenario muted it)."""
    g = np.array([spec.moves[m].goldstein for m in moves])
    cred = np.array([spec.moves[m].credibility for m in moves])
    calm = np.array([spec.moves[m].calming for m in moves])
    weight = (cred * g / 10.0)[channels[:, 2]]
    recip = spec.reciprocity
    replier = [recip.actors.get(actors[t], recip) for t in channels[:, 1]]
    reply_prob = np.array(
        [(r.hostile if w < 0 else r.cooperative if w > 0 else 0.0) for r, w in zip(replier, weight, strict=True)]
    )
    for c, (a, t, _) in enumerate(channels):  # a scenario may switch off replies by an actor, or to one sender
        if actors[t] in muted or f"{actors[t]}->{actors[a]}" in muted:
            reply_prob[c] = 0.0
    return dict(
        weight=weight,
        audience_weight=weight * cred[channels[:, 2]],
        calming=calm[channels[:, 2]],
        reply_prob=reply_prob,
        reply_scale=np.array([r.scale for r in replier]),
    )
