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

from sim.scenario.schema import Parameters, Scenario


@dataclass(frozen=True)
class Schedule:
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
    policies: list[Schedule]
    rules: list[CompiledRule]
    events: list[CompiledEvent]

    @property
    def n(self) -> int:
        return len(self.actors)

    def channel_name(self, c: int) -> str:
        a, t, m = self.channels[c]
        return f"{self.actors[a]}:{self.actors[t]}:{self.moves[m]}"


def logit(p: np.ndarray | float) -> np.ndarray:
    """log(p) - log(1 - p), by the kernel's own logarithms (the same bits on every CPU; numba loads here)."""
    from sim.core import kmath

    p = np.asarray(p, dtype=np.float64)
    return kmath.logit_array(np.ascontiguousarray(p.reshape(-1))).reshape(p.shape)


def compile_world(scenario: Scenario, *, interventions: bool = True) -> World:
    """Compile a scenario (or, with interventions=False, only its status quo) into arrays."""
    spec = scenario.world
    actors = list(spec.actors)
    moves = list(spec.moves)
    ai = {a: i for i, a in enumerate(actors)}
    mi = {m: i for i, m in enumerate(moves)}
    n = len(actors)

    l_init = np.zeros((n, n))
    t_low, t_high = np.zeros((n, n)), np.zeros((n, n))
    fixed = np.zeros((n, n), bool)
    l_fixed = np.zeros((n, n))
    dep = np.zeros((n, n))
    sigma = np.full((n, n), scenario.parameters.sigma)
    sigma_fixed = np.zeros((n, n), bool)
    for o, row in spec.trust.items():
        for t, d in row.items():
            i, j = ai[o], ai[t]
            l_init[i, j] = logit(d.initial)
            t_low[i, j], t_high[i, j] = d.low, d.high
            dep[i, j] = d.dependence
            if d.baseline is not None:
                fixed[i, j] = True
                l_fixed[i, j] = logit(d.baseline)
            if d.sigma is not None:
                sigma[i, j] = d.sigma
                sigma_fixed[i, j] = True
    np.fill_diagonal(sigma, 0.0)

    triples: dict[tuple[int, int, int], int] = {}

    def channels_for(actor: str, move: str, target: str) -> np.ndarray:
        out = []
        for m in scenario.moves_of(move):
            key = (ai[actor], ai[target], mi[m])
            out.append(triples.setdefault(key, len(triples)))
        return np.array(out, dtype=np.intp)

    silenced = set(scenario.disable.background) if interventions else set()
    bg_ch, bg_p = [], []
    for a, row in spec.background.items():
        for t, probs in row.items():
            if a in silenced or f"{a}->{t}" in silenced:
                continue
            for m, p in probs.items():
                if p > 0:
                    bg_ch.append(channels_for(a, m, t)[0])
                    bg_p.append(p)

    rule_specs = scenario.all_rules() if interventions else list(spec.rules)
    rules = []
    for i, r in enumerate(rule_specs):
        watch = channels_for(r.sender, r.move, r.actor) if r.on == "received" else np.zeros(0, np.intp)
        responses = [
            (channels_for(r.actor, x.move, x.target), x.weight, x.weight_by, ai[x.target], x.intensity)
            for x in r.respond
        ]
        rules.append(
            CompiledRule(
                name=r.name or f"rule{i}:{r.actor}:{r.on}",
                actor=ai[r.actor],
                on=r.on,
                watch=watch,
                about=ai[r.about] if r.about else -1,
                threshold=r.threshold or 0.0,
                probability=r.probability,
                responses=responses,
            )
        )

    event_specs = scenario.all_events() if interventions else dict(spec.events)
    events = []
    for name, e in event_specs.items():
        shocks = [(ai[s.observer], ai[s.target], s.delta, s.sd) for s in e.shocks]
        triggers = [
            (int(c), g.probability, g.intensity) for g in e.triggers for c in channels_for(g.actor, g.move, g.target)
        ]
        at = frozenset(e.at) if interventions else frozenset()  # fixed-step events are departures
        events.append(CompiledEvent(name, e.rate, at, shocks, triggers))

    policies = []
    for i, p in enumerate(scenario.policies if interventions else []):
        policies.append(
            Schedule(
                name=p.name or f"policy{i}:{p.actor}:{p.move}:{p.target}",
                actor=ai[p.actor],
                channels=channels_for(p.actor, p.move, p.target),
                start=p.start,
                end=p.end,
                every=p.every,
                probability=p.probability,
                intensity=p.intensity,
                profile_steps=np.array([x.at for x in p.profile], dtype=np.float64),
                profile_values=np.array([x.value for x in p.profile], dtype=np.float64),
                interpolate=p.interpolate,
            )
        )

    answers = spec.reciprocity.answers
    pending = list(triples)
    while pending:  # close under answering: every move can be answered, and so can every answer
        a, t, m = pending.pop()
        reply = (t, a, mi[answers.get(moves[m], moves[m])])
        if reply not in triples:
            triples[reply] = len(triples)
            pending.append(reply)
    channels = np.array(sorted(triples, key=triples.get), dtype=np.intp).reshape(-1, 3)
    index = {tuple(int(v) for v in row): c for c, row in enumerate(channels)}
    answer = np.array([index[(t, a, mi[answers.get(moves[m], moves[m])])] for a, t, m in channels], dtype=np.intp)

    g = np.array([spec.moves[m].goldstein for m in moves])
    cred = np.array([spec.moves[m].credibility for m in moves])
    calm = np.array([spec.moves[m].calming for m in moves])
    weight = (cred * g / 10.0)[channels[:, 2]]
    audience_weight = weight * cred[channels[:, 2]]
    recip = spec.reciprocity
    replier = [recip.actors.get(actors[t], recip) for t in channels[:, 1]]
    reply_prob = np.array(
        [(r.hostile if w < 0 else r.cooperative if w > 0 else 0.0) for r, w in zip(replier, weight, strict=True)]
    )
    reply_scale = np.array([r.scale for r in replier])
    if interventions:  # a scenario may switch off replies by an actor, or by an actor to one sender
        mute = set(scenario.disable.reciprocity)
        for c, (a, t, _) in enumerate(channels):
            if actors[t] in mute or f"{actors[t]}->{actors[a]}" in mute:
                reply_prob[c] = 0.0

    return World(
        actors=actors,
        moves=moves,
        params=scenario.parameters,
        l_init=l_init,
        t_low=t_low,
        t_high=t_high,
        baseline_fixed=fixed,
        l_fixed=l_fixed,
        dependence=dep,
        sigma=sigma,
        sigma_fixed=sigma_fixed,
        channels=channels,
        weight=weight,
        audience_weight=audience_weight,
        calming=calm[channels[:, 2]],
        answer=answer,
        reply_prob=reply_prob,
        reply_scale=reply_scale,
        background=np.array(bg_ch, dtype=np.intp),
        background_prob=np.array(bg_p),
        policies=policies,
        rules=rules,
        events=events,
    )
