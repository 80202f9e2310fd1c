"""The step, compiled: one replication at a time, each function the single implementation of its part.

A step of one replication (docs/MODEL.md, section 3): every actor decides its moves (`actor_moves`), events fire
(`fire_events`), and the trust update (`update`: calm, what each observer sees, surprise, level, noise, learning).
Two drivers call these same functions:

- the Mesa path (sim.engine.Engine.step, sim.agents.Country.step): `*_batch` functions loop over the replications
  of a model for one step, one actor or one part at a time;
- whole runs (`run_block`): one replication per iteration, all its steps, then the next, with its state in cache;
  threads run blocks of replications side by side (sim.util.threads).

Random numbers are drawn where they are used and only when they are (a reply only to a move received, a rule's
choice only when it fires): draw i of a replication at step t is SplitMix64 of (that replication's stream base
i, t) (sim.util.rng), a pure function, so what is not drawn changes nothing else. Parameters come in rows (`prm`, one
row per distinct parameter set, `rows[r]` the row of replication r), so a batch may mix parameter values.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from sim.core import kmath
from sim.core.jit import inline, njit, numba, structref
from sim.core.recording import MAX_EVENT_COUNT

# Columns of a parameter row (sim.core.net.parameter_rows).
ALPHA, MU, BETA, LAM, ETA, NEGATIVITY, SATURATION, L_MAX, CALM_DECAY, NOISE_REDUCTION, REPLY_FLOOR = range(11)
K_DIRECT, K_AUDIENCE, G_ALPHA, G_MU = range(11, 15)
N_PARAMS = 15
# Layers of a row's anchors [G, 4, n, n] (sim.engine): baseline L0, the level's reference habits (direct and
# audience, where the status quo's expected flows put them) and each dyad's misperception noise.
BASELINE, REFERENCE_DIRECT, REFERENCE_AUDIENCE, SIGMA = range(4)
# Kinds of rule and of response weight.
RECEIVED, TRUST_BELOW, TRUST_ABOVE = 0, 1, 2
BY_NONE, BY_DEPENDENCE, BY_TRUST = 0, 1, 2
# Parts of the push on trust recorded by the calibration probe (sim.calibrate.PARTS), and flows (coop, host, aud).
N_PARTS = 5
N_FLOWS = 3

_GAMMA = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_S30, _S27, _S31, _S11 = np.uint64(30), np.uint64(27), np.uint64(31), np.uint64(11)
_TO_UNIT = 2.0**-53
LN2 = 0.6931471805599453  # ln 2, correctly rounded


class Net(NamedTuple):
    """A compiled world as flat arrays (sim.core.net.pack). Lists of variable length are CSR: item i's part is
    `*_ptr[i]:*_ptr[i + 1]`."""

    n: int
    n_moves: int
    actor: np.ndarray  # [C] channel -> actor
    target: np.ndarray  # [C]
    actor_move: np.ndarray  # [C] actor * n_moves + move (what the recording counts)
    positive: np.ndarray  # [C] max(weight, 0)
    negative: np.ndarray  # [C] min(weight, 0)
    audience_weight: np.ndarray  # [C]
    calming: np.ndarray  # [C]
    answer: np.ndarray  # [C]
    reply_prob: np.ndarray  # [C]
    reply_scale: np.ndarray  # [C]
    inbox_ptr: np.ndarray  # [n + 1] -> inbox: channels received by each actor, ascending
    inbox: np.ndarray
    bg_ptr: np.ndarray  # [n + 1] -> bg_entry: background entries of each actor, in order
    bg_entry: np.ndarray
    bg_channel: np.ndarray  # [B]
    bg_prob: np.ndarray  # [B]
    rule_ptr: np.ndarray  # [n + 1] -> rule_index
    rule_index: np.ndarray
    rule_kind: np.ndarray  # [U]
    rule_about: np.ndarray
    rule_threshold: np.ndarray
    rule_prob: np.ndarray
    watch_ptr: np.ndarray  # [U + 1] -> watch (channels)
    watch: np.ndarray
    resp_ptr: np.ndarray  # [U + 1] -> responses
    resp_weight: np.ndarray
    resp_by: np.ndarray
    resp_target: np.ndarray
    resp_intensity: np.ndarray
    resp_ch_ptr: np.ndarray  # [responses + 1] -> resp_ch
    resp_ch: np.ndarray
    pol_ptr: np.ndarray  # [n + 1] -> pol_index
    pol_index: np.ndarray
    pol_prob: np.ndarray  # [P]
    pol_ch_ptr: np.ndarray  # [P + 1] -> pol_ch
    pol_ch: np.ndarray
    ev_rate: np.ndarray  # [E]
    ev_p0: np.ndarray  # [E] e^-rate
    shock_ptr: np.ndarray  # [E + 1]
    shock_observer: np.ndarray
    shock_target: np.ndarray
    shock_delta: np.ndarray
    shock_sd: np.ndarray
    trig_ptr: np.ndarray  # [E + 1]
    trig_channel: np.ndarray
    trig_prob: np.ndarray
    trig_intensity: np.ndarray
    dependence: np.ndarray  # [n, n]
    stream_ids: np.ndarray  # [S] uint64, in the order of the offsets below (sim.draws.stream_names)
    off_background: int
    off_reply: int
    off_rule: int
    off_policy: int
    off_event: int
    off_trigger: int
    off_shock: int
    off_noise: int


_FLOAT = {
    "positive", "negative", "audience_weight", "calming", "reply_prob", "reply_scale", "bg_prob", "rule_threshold",
    "rule_prob", "resp_weight", "resp_intensity", "pol_prob", "ev_rate", "ev_p0", "shock_delta", "shock_sd",
    "trig_prob", "trig_intensity",
}  # fmt: skip


def _field_type(name: str, annotation: object) -> numba.types.Type:
    t = numba.types
    if getattr(annotation, "__forward_arg__", annotation) in ("int", int):
        return t.int64
    if name == "dependence":
        return t.float64[:, ::1]
    if name == "stream_ids":
        return t.uint64[::1]
    return t.float64[::1] if name in _FLOAT else t.int64[::1]


@structref.register
class NetRef(numba.types.StructRef):
    """The numba type of a `Net` held by reference: passing it to a compiled function costs one reference count,
    where a tuple of its ~60 arrays would cost one for every array, at every call."""


NET_REF = NetRef([(name, _field_type(name, kind)) for name, kind in Net.__annotations__.items()])
structref.define_boxing(NetRef, structref.StructRefProxy)


@njit
def by_reference(t: Net) -> NetRef:
    """The kernel's handle on a packed world (sim.core.net.pack)."""
    net = structref.new(NET_REF)
    net.n = t.n
    net.n_moves = t.n_moves
    net.actor = t.actor
    net.target = t.target
    net.actor_move = t.actor_move
    net.positive = t.positive
    net.negative = t.negative
    net.audience_weight = t.audience_weight
    net.calming = t.calming
    net.answer = t.answer
    net.reply_prob = t.reply_prob
    net.reply_scale = t.reply_scale
    net.inbox_ptr = t.inbox_ptr
    net.inbox = t.inbox
    net.bg_ptr = t.bg_ptr
    net.bg_entry = t.bg_entry
    net.bg_channel = t.bg_channel
    net.bg_prob = t.bg_prob
    net.rule_ptr = t.rule_ptr
    net.rule_index = t.rule_index
    net.rule_kind = t.rule_kind
    net.rule_about = t.rule_about
    net.rule_threshold = t.rule_threshold
    net.rule_prob = t.rule_prob
    net.watch_ptr = t.watch_ptr
    net.watch = t.watch
    net.resp_ptr = t.resp_ptr
    net.resp_weight = t.resp_weight
    net.resp_by = t.resp_by
    net.resp_target = t.resp_target
    net.resp_intensity = t.resp_intensity
    net.resp_ch_ptr = t.resp_ch_ptr
    net.resp_ch = t.resp_ch
    net.pol_ptr = t.pol_ptr
    net.pol_index = t.pol_index
    net.pol_prob = t.pol_prob
    net.pol_ch_ptr = t.pol_ch_ptr
    net.pol_ch = t.pol_ch
    net.ev_rate = t.ev_rate
    net.ev_p0 = t.ev_p0
    net.shock_ptr = t.shock_ptr
    net.shock_observer = t.shock_observer
    net.shock_target = t.shock_target
    net.shock_delta = t.shock_delta
    net.shock_sd = t.shock_sd
    net.trig_ptr = t.trig_ptr
    net.trig_channel = t.trig_channel
    net.trig_prob = t.trig_prob
    net.trig_intensity = t.trig_intensity
    net.dependence = t.dependence
    net.stream_ids = t.stream_ids
    net.off_background = t.off_background
    net.off_reply = t.off_reply
    net.off_rule = t.off_rule
    net.off_policy = t.off_policy
    net.off_event = t.off_event
    net.off_trigger = t.off_trigger
    net.off_shock = t.off_shock
    net.off_noise = t.off_noise
    return net


class State(NamedTuple):
    """What every replication carries from step to step, [R, ...]."""

    log_odds: np.ndarray  # [R, n, n]
    trust: np.ndarray  # [R, n, n]
    expected: np.ndarray  # [R, 3, n, n] coop, host, audience
    calm: np.ndarray  # [R, n, n]
    moves: np.ndarray  # [R, C] this step's move intensities
    previous: np.ndarray  # [R, C]


@structref.register
class RepRef(numba.types.StructRef):
    """The numba type of one replication's working set (`replication`): its parameters and anchors, random stream
    bases, state, the run's tables by step, and scratch. One handle, one reference count per call."""


_t = numba.types
REP_REF = RepRef(
    [
        ("prm", _t.float64[::1]),  # the replication's parameter row (ALPHA...)
        ("anchor", _t.float64[:, :, ::1]),  # [4, n, n] (BASELINE...)
        ("base", _t.uint64[::1]),  # [S] stream bases
        ("log_odds", _t.float64[:, ::1]),
        ("trust", _t.float64[:, ::1]),
        ("expected", _t.float64[:, :, ::1]),  # [3, n, n]
        ("calm", _t.float64[:, ::1]),
        ("moves", _t.float64[::1]),
        ("previous", _t.float64[::1]),
        ("scheduled", _t.int64[:, ::1]),  # [T+1, E] fixed-step event occurrences
        ("active", _t.bool_[:, ::1]),  # [T+1, P] policies acting
        ("intensity", _t.float64[:, ::1]),  # [T+1, P] their intensity
        ("shock", _t.float64[:, ::1]),  # scratch: this step's log-odds shocks
        ("stance", _t.float64[:, ::1]),  # scratch: 2T - 1
        ("pairs", _t.float64[:, ::1]),  # scratch: calming moves by unordered pair
        ("flows", _t.float64[:, :, ::1]),  # scratch: summed weights [3, n, n]
        ("seen", _t.float64[:, :, ::1]),  # scratch: what each observer saw [3, n, n]
        ("counts", _t.int64[::1]),  # scratch: event occurrences [E]
        ("work", _t.float64[:, :, ::1]),  # scratch: the update's parts by dyad [3, n, n] (LEVEL_DIRECT...)
    ]
)
structref.define_boxing(RepRef, structref.StructRefProxy)


@njit
def replication(net, prm, anchor, base, log_odds, trust, expected, calm, moves, previous, scheduled, active, intensity):
    """One replication's working set over views of the caller's arrays (its scratch is new)."""
    rep = structref.new(REP_REF)
    n = net.n
    rep.prm, rep.anchor, rep.base = prm, anchor, base
    rep.log_odds, rep.trust, rep.expected, rep.calm = log_odds, trust, expected, calm
    rep.moves, rep.previous = moves, previous
    rep.scheduled, rep.active, rep.intensity = scheduled, active, intensity
    rep.shock, rep.stance, rep.pairs = np.zeros((n, n)), np.zeros((n, n)), np.zeros((n, n))
    rep.flows, rep.seen = np.zeros((3, n, n)), np.zeros((3, n, n))
    rep.counts = np.zeros(len(net.ev_rate), np.int64)
    rep.work = np.zeros((3, n, n))
    return rep


# ---------------------------------------------------------------------------------------------------------------
# Random numbers


@inline
def mix(x: np.uint64) -> np.uint64:
    """SplitMix64's finaliser (wrap-around arithmetic)."""
    x ^= x >> _S30
    x *= _M1
    x ^= x >> _S27
    x *= _M2
    x ^= x >> _S31
    return x


@njit
def stream_bases(keys: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """mix(key ^ id) for every replication key and stream id: [R, S]."""
    out = np.empty((len(keys), len(ids)), np.uint64)
    for r in range(len(keys)):
        for s in range(len(ids)):
            out[r, s] = mix(keys[r] ^ ids[s])
    return out


@inline
def uniform(base: np.ndarray, i: int, t: int) -> float:
    """Stream i's uniform in [0, 1) at step t (53-bit resolution)."""
    x = mix(base[i] + _GAMMA * np.uint64(t + 1))
    return float(x >> _S11) * _TO_UNIT


@inline
def normal(base: np.ndarray, i: int, t: int) -> float:
    """Stream i's standard normal at step t: the inverse normal CDF at a uniform strictly inside (0, 1)."""
    return kmath.ndtri(uniform(base, i, t) + 0.5 * _TO_UNIT)


# ---------------------------------------------------------------------------------------------------------------
# Moves


@njit
def actor_moves(a: int, t: int, net: NetRef, rep: RepRef) -> None:
    """Actor a's moves at step t in one replication, added into its moves: background, replies, rules, policies."""
    base, previous, moves = rep.base, rep.previous, rep.moves
    for k in range(net.bg_ptr[a], net.bg_ptr[a + 1]):
        e = net.bg_entry[k]
        if uniform(base, net.off_background + e, t) < net.bg_prob[e]:
            moves[net.bg_channel[e]] += 1.0
    floor = rep.prm[REPLY_FLOOR]
    for k in range(net.inbox_ptr[a], net.inbox_ptr[a + 1]):  # generous tit-for-tat: answer what was received
        c = net.inbox[k]
        received = previous[c]
        if received > 0.0 and net.reply_prob[c] > 0.0 and uniform(base, net.off_reply + c, t) < net.reply_prob[c]:
            strength = received * net.reply_scale[c]
            if strength >= floor:  # every reply adds, also where several share one answer channel
                moves[net.answer[c]] += strength
    for k in range(net.rule_ptr[a], net.rule_ptr[a + 1]):
        _apply_rule(a, net.rule_index[k], t, net, rep)
    for k in range(net.pol_ptr[a], net.pol_ptr[a + 1]):
        p = net.pol_index[k]
        if rep.active[t, p] and uniform(base, net.off_policy + p, t) < net.pol_prob[p]:
            for j in range(net.pol_ch_ptr[p], net.pol_ch_ptr[p + 1]):
                moves[net.pol_ch[j]] += rep.intensity[t, p]


@njit
def _apply_rule(a: int, i: int, t: int, net: NetRef, rep: RepRef) -> None:
    """Rule i of actor a: if its condition holds and it fires, one response chosen by weight."""
    kind = net.rule_kind[i]
    if kind == RECEIVED:
        condition = False
        for j in range(net.watch_ptr[i], net.watch_ptr[i + 1]):
            if rep.previous[net.watch[j]] > 0.0:
                condition = True
    elif kind == TRUST_BELOW:
        condition = rep.trust[a, net.rule_about[i]] < net.rule_threshold[i]
    else:
        condition = rep.trust[a, net.rule_about[i]] > net.rule_threshold[i]
    if not condition or not uniform(rep.base, net.off_rule + 2 * i, t) < net.rule_prob[i]:
        return
    first, last = net.resp_ptr[i], net.resp_ptr[i + 1]
    total = 0.0
    for j in range(first, last):
        total += _weight(a, j, net, rep.trust)
    if not total > 0.0:
        return
    u = uniform(rep.base, net.off_rule + 2 * i + 1, t)
    chosen = last - 1
    cumulative = 0.0
    for j in range(first, last - 1):  # the first response whose cumulative share exceeds u
        cumulative += _weight(a, j, net, rep.trust)
        if u < cumulative / total:
            chosen = j
            break
    for k in range(net.resp_ch_ptr[chosen], net.resp_ch_ptr[chosen + 1]):
        rep.moves[net.resp_ch[k]] += net.resp_intensity[chosen]


@inline
def _weight(a: int, j: int, net: NetRef, trust: np.ndarray) -> float:
    by = net.resp_by[j]
    if by == BY_DEPENDENCE:
        return net.resp_weight[j] * net.dependence[a, net.resp_target[j]]
    if by == BY_TRUST:
        return net.resp_weight[j] * trust[a, net.resp_target[j]]
    return net.resp_weight[j]


# ---------------------------------------------------------------------------------------------------------------
# Events


@inline
def poisson_count(u: float, rate: float, p0: float) -> int:
    """Poisson(rate) by inverting the CDF at u (p0 = e^-rate), at most MAX_EVENT_COUNT."""
    count = 0
    p = p0
    cdf = p
    for k in range(1, MAX_EVENT_COUNT + 1):
        if u < cdf:
            break
        count += 1
        p *= rate / k
        cdf += p
    return count


@njit
def fire_events(t: int, net: NetRef, rep: RepRef) -> None:
    """Step t's events in one replication: occurrences into rep.counts, log-odds shocks into rep.shock (zeroed
    here) and triggered moves into rep.moves."""
    base, shock, moves = rep.base, rep.shock, rep.moves
    for i in range(net.n):
        for j in range(net.n):
            shock[i, j] = 0.0
    for e in range(len(net.ev_rate)):
        n = rep.scheduled[t, e]
        if net.ev_rate[e] > 0.0:
            n += poisson_count(uniform(base, net.off_event + e, t), net.ev_rate[e], net.ev_p0[e])
        rep.counts[e] = n
        if n == 0:
            continue
        for s in range(net.shock_ptr[e], net.shock_ptr[e + 1]):
            z = normal(base, net.off_shock + s, t)
            shock[net.shock_observer[s], net.shock_target[s]] += n * (net.shock_delta[s] + net.shock_sd[s] * z)
        for g in range(net.trig_ptr[e], net.trig_ptr[e + 1]):
            if uniform(base, net.off_trigger + g, t) < net.trig_prob[g]:
                moves[net.trig_channel[g]] += n * net.trig_intensity[g]


# ---------------------------------------------------------------------------------------------------------------
# What observers see, and the trust update


@inline
def concave(x: float, scale: float) -> float:
    """sign(x) * scale * log(1 + |x| / scale): slope 1 for small flows, halved at |x| = scale."""
    if x == 0.0:
        return 0.0
    y = scale * kmath.log1p(abs(x) / scale)
    return y if x > 0.0 else -y


@njit
def stance(trust: np.ndarray, out: np.ndarray) -> None:
    """s = 2T - 1, zero on the diagonal."""
    n = trust.shape[0]
    for i in range(n):
        for j in range(n):
            out[i, j] = 0.0 if i == j else 2.0 * trust[i, j] - 1.0


@njit
def observe(net: NetRef, rep: RepRef) -> None:
    """The flows each observer sees, rep.seen [3, n, n] (coop, host, audience; [observer, actor]), from the moves
    and the stance; rep.flows holds the summed weights W+, W- and the audience's weights by [actor, k]."""
    n, moves, s, flows, seen = net.n, rep.moves, rep.stance, rep.flows, rep.seen
    scale = rep.prm[SATURATION]
    for f in range(3):
        for a in range(n):
            for k in range(n):
                flows[f, a, k] = 0.0
    for c in range(len(moves)):
        x = moves[c]
        if x != 0.0:
            a, k = net.actor[c], net.target[c]
            flows[0, a, k] += x * net.positive[c]
            flows[1, a, k] += x * net.negative[c]
            flows[2, a, k] += x * net.audience_weight[c]
    for a in range(n):
        for k in range(n):
            flows[2, a, k] = concave(flows[2, a, k], scale)
    for o in range(n):  # a loop per kind of flow, so that the processor overlaps the logarithms (as in `update`)
        for a in range(n):
            seen[0, o, a] = concave(flows[0, a, o], scale)
    for o in range(n):
        for a in range(n):
            seen[1, o, a] = concave(flows[1, a, o], scale)
    for o in range(n):
        for a in range(n):
            total = 0.0
            for k in range(n):  # what a did to those o likes or fears (s[o, o] = 0, flows[a, a] = 0)
                total += s[o, k] * flows[2, a, k]
            seen[2, o, a] = total


@inline
def balance(s: np.ndarray, o: int, a: int) -> float:
    """Structural balance: mean over k not in {o, a} of s[o, k] s[a, k] (zero diagonals exclude them)."""
    n = s.shape[0]
    if n < 3:
        return 0.0
    total = 0.0
    for k in range(n):
        total += s[o, k] * s[a, k]
    return total / (n - 2)


@njit
def calm_down(net: NetRef, rep: RepRef) -> None:
    """Recent dialogue keeps a pair calm: C <- min(1, C (1 - decay) + calming moves of the pair, both ways)."""
    n, moves, calm, pairs = net.n, rep.moves, rep.calm, rep.pairs
    decay = rep.prm[CALM_DECAY]
    for i in range(n):
        for j in range(n):
            pairs[i, j] = 0.0
    for c in range(len(moves)):
        x = moves[c]
        if x != 0.0 and net.calming[c] != 0.0:
            a, k = net.actor[c], net.target[c]
            pairs[min(a, k), max(a, k)] += x * net.calming[c]
    for i in range(n):
        for j in range(n):
            value = calm[i, j] * (1.0 - decay)
            if i != j:
                value += pairs[min(i, j), max(i, j)]
            calm[i, j] = min(1.0, value)


@inline
def surprise(seen: np.ndarray, expected: np.ndarray, o: int, a: int, negativity: float) -> float:
    """What a did to o against what o expected: friendly and hostile parts, more hostility weighing `negativity`."""
    hostile = seen[1, o, a] - expected[1, o, a]
    if hostile < 0.0:
        hostile *= negativity
    return (seen[0, o, a] - expected[0, o, a]) + hostile


# Rows of a replication's `work` in the update: each dyad's two level terms, then its misperception noise.
LEVEL_DIRECT, LEVEL_AUDIENCE, NOISE = range(3)


@njit
def update(t: int, net: NetRef, rep: RepRef) -> None:
    """Trust moves on surprise, structural balance and shocks, returns toward a level that habits shift, with
    misperception noise; then expectations learn what was seen (docs/MODEL.md, 'Trust update').

    Each costly part (the level's tanh, the noise's inverse normal CDF, the logistic) runs over every dyad in a
    loop of its own: the dyads are independent, so the processor overlaps one dyad's long chain of divisions
    with the next one's, where one loop doing all of a dyad's parts would leave them one after another."""
    levels(net, rep)
    noise(t, net, rep)
    n, prm, anchor, seen, expected, work = net.n, rep.prm, rep.anchor, rep.seen, rep.expected, rep.work
    s, shock, log_odds, calm = rep.stance, rep.shock, rep.log_odds, rep.calm
    alpha, mu, beta, lam = prm[ALPHA], prm[MU], prm[BETA], prm[LAM]
    l_max, reduction = prm[L_MAX], prm[NOISE_REDUCTION]
    for o in range(n):
        for a in range(n):
            if o == a:
                continue
            push = alpha * surprise(seen, expected, o, a, prm[NEGATIVITY])
            push += mu * (seen[2, o, a] - expected[2, o, a])
            push += beta * balance(s, o, a)
            push += shock[o, a]
            level = anchor[BASELINE, o, a] + work[LEVEL_DIRECT, o, a]
            level += work[LEVEL_AUDIENCE, o, a]
            x = log_odds[o, a] + push - lam * (log_odds[o, a] - level)
            if anchor[SIGMA, o, a] * (1.0 - reduction * calm[o, a]) != 0.0:
                x += work[NOISE, o, a]
            log_odds[o, a] = min(max(x, -l_max), l_max)
    for o in range(n):
        for a in range(n):
            if o != a:
                rep.trust[o, a] = kmath.logistic(log_odds[o, a])
    learn(expected, seen, prm[ETA])


@njit
def levels(net: NetRef, rep: RepRef) -> None:
    """The two terms habits add to each dyad's level, into work[LEVEL_DIRECT] and work[LEVEL_AUDIENCE]:
    k tanh((habit - reference) / k), direct (cooperation and hostility seen) and audience."""
    n, prm, anchor, expected, work = net.n, rep.prm, rep.anchor, rep.expected, rep.work
    kd, ka = prm[K_DIRECT], prm[K_AUDIENCE]
    for o in range(n):
        for a in range(n):
            if o != a:
                habits = prm[G_ALPHA] * (expected[0, o, a] + expected[1, o, a])
                work[LEVEL_DIRECT, o, a] = (habits - anchor[REFERENCE_DIRECT, o, a]) / kd
                work[LEVEL_AUDIENCE, o, a] = (prm[G_MU] * expected[2, o, a] - anchor[REFERENCE_AUDIENCE, o, a]) / ka
    for o in range(n):
        for a in range(n):
            if o != a:
                work[LEVEL_DIRECT, o, a] = kd * kmath.tanh(work[LEVEL_DIRECT, o, a])
    for o in range(n):
        for a in range(n):
            if o != a:
                work[LEVEL_AUDIENCE, o, a] = ka * kmath.tanh(work[LEVEL_AUDIENCE, o, a])


@njit
def noise(t: int, net: NetRef, rep: RepRef) -> None:
    """Each dyad's misperception noise at step t, sd * z, into work[NOISE] (sd shrinks with calm; no draw where
    it is zero)."""
    n, anchor, calm, work = net.n, rep.anchor, rep.calm, rep.work
    reduction = rep.prm[NOISE_REDUCTION]
    p = 0
    for o in range(n):
        for a in range(n):
            if o == a:
                continue
            sd = anchor[SIGMA, o, a] * (1.0 - reduction * calm[o, a])
            work[NOISE, o, a] = sd * normal(rep.base, net.off_noise + p, t) if sd != 0.0 else 0.0
            p += 1


@njit
def learn(expected: np.ndarray, seen: np.ndarray, eta: float) -> None:
    """Habituation: expectations move a share eta of the way to what was seen (Rescorla-Wagner)."""
    m, n = expected.shape[0], expected.shape[1]
    for f in range(m):
        for o in range(n):
            for a in range(n):
                expected[f, o, a] += eta * (seen[f, o, a] - expected[f, o, a])


@njit
def record(net: NetRef, rep: RepRef, rec_trust, rec_moves, rec_events) -> None:
    """One replication's step into the recording: trust as float32, moves made by actor and type [n, K], event
    counts."""
    n, k, moves = net.n, net.n_moves, rep.moves
    for i in range(n):
        for j in range(n):
            rec_trust[i, j] = rep.trust[i, j]
        for m in range(k):
            rec_moves[i, m] = 0
    for c in range(len(moves)):
        if moves[c] > 0.0:
            am = net.actor_move[c]
            rec_moves[am // k, am % k] += 1
    for e in range(len(rep.counts)):
        rec_events[e] = rep.counts[e]


# ---------------------------------------------------------------------------------------------------------------
# One whole step of one replication, and the drivers


@njit
def new_step(rep: RepRef) -> None:
    """Last step's moves become what was received; this step's start empty."""
    for c in range(len(rep.moves)):
        rep.previous[c] = rep.moves[c]
        rep.moves[c] = 0.0


@njit
def after_moves(t: int, net: NetRef, rep: RepRef) -> None:
    """The model's part of step t, once every actor has moved: events, calm, observation, the trust update."""
    fire_events(t, net, rep)
    calm_down(net, rep)
    stance(rep.trust, rep.stance)
    observe(net, rep)
    update(t, net, rep)


@njit
def step(t: int, net: NetRef, rep: RepRef) -> None:
    """Step t of one replication: every actor's moves, then the model's part."""
    new_step(rep)
    for a in range(net.n):
        actor_moves(a, t, net, rep)
    after_moves(t, net, rep)


@njit
def _replication(net, prm, anchors, rows, bases, state: State, r: int, tables) -> RepRef:
    """Replication r of a batch, as a working set over views of the batch's arrays."""
    g = rows[r]
    return replication(
        net,
        prm[g],
        anchors[g],
        bases[r],
        state.log_odds[r],
        state.trust[r],
        state.expected[r],
        state.calm[r],
        state.moves[r],
        state.previous[r],
        *tables,
    )


@njit
def actor_batch(a, t, net, prm, anchors, rows, bases, state: State, tables) -> None:
    """Actor a's moves at step t in every replication (the Mesa path: Country.step)."""
    for r in range(bases.shape[0]):
        actor_moves(a, t, net, _replication(net, prm, anchors, rows, bases, state, r, tables))


@njit
def model_batch(t, net, prm, anchors, rows, bases, state: State, tables, counts) -> None:
    """The model's part of step t in every replication, after the actors moved (the Mesa path: Engine.step)."""
    for r in range(bases.shape[0]):
        rep = _replication(net, prm, anchors, rows, bases, state, r, tables)
        after_moves(t, net, rep)
        counts[r] = rep.counts


@njit
def run_block(net, prm, anchors, rows, keys, state: State, tables, first, last, rec) -> None:
    """Steps first..last of every replication of a block, one replication after another, recording each step
    when `rec` (trust, moves, events) has steps (an empty recording, [R, 0, ...], records nothing)."""
    rec_trust, rec_moves, rec_events = rec
    keep = rec_trust.shape[1] > 0
    bases = np.empty((len(keys), len(net.stream_ids)), np.uint64)
    for r in range(len(keys)):
        for i in range(bases.shape[1]):
            bases[r, i] = mix(keys[r] ^ net.stream_ids[i])
        rep = _replication(net, prm, anchors, rows, bases, state, r, tables)
        for t in range(first, last + 1):
            step(t, net, rep)
            if keep and t < rec_trust.shape[1]:
                record(net, rep, rec_trust[r, t], rec_moves[r, t], rec_events[r, t])


@njit
def trust_of(log_odds: np.ndarray) -> np.ndarray:
    """Trust [n, n] from log-odds: 1 / (1 + e^-L), zero on the diagonal."""
    n = log_odds.shape[0]
    out = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            if i != j:
                out[i, j] = kmath.logistic(log_odds[i, j])
    return out


@njit
def initial_state(log_odds: np.ndarray, expected: np.ndarray, rows: np.ndarray, state: State) -> None:
    """Fill a state: log-odds [R, n, n] as given, trust from them, expectations from each row's template."""
    for r in range(log_odds.shape[0]):
        state.log_odds[r] = log_odds[r]
        state.trust[r] = trust_of(log_odds[r])
        state.expected[r] = expected[rows[r]]
    state.calm[:] = 0.0
    state.moves[:] = 0.0
    state.previous[:] = 0.0


# ---------------------------------------------------------------------------------------------------------------
# The calibration probe: the same moves, events and observation, with trust frozen at the essay's levels


@njit
def _probe_step(t: int, net: NetRef, rep: RepRef) -> None:
    new_step(rep)
    for a in range(net.n):
        actor_moves(a, t, net, rep)
    fire_events(t, net, rep)
    observe(net, rep)


@njit
def _probe_replication(net, prm, key, trust, moves, tables) -> RepRef:
    """A replication of the probe: trust frozen (`trust`, shared), no anchors, its moves in `moves`."""
    n = net.n
    base = np.empty(len(net.stream_ids), np.uint64)
    for i in range(len(base)):
        base[i] = mix(key ^ net.stream_ids[i])
    nothing = np.zeros((n, n))
    rep = replication(
        net, prm, np.zeros((4, n, n)), base, nothing, trust, np.zeros((3, n, n)), nothing, moves,
        np.zeros(len(moves)), *tables,
    )  # fmt: skip
    stance(trust, rep.stance)
    return rep


@njit
def probe_learn(net, prm, keys, trust, tables, steps, moves, seen_sum) -> None:
    """Steps 1..steps of a block with trust frozen: the moves of the last step stay in `moves` [R, C]; the flows
    seen, summed over steps and replications, are added to `seen_sum` [3, n, n]."""
    for r in range(len(keys)):
        moves[r] = 0.0
        rep = _probe_replication(net, prm, keys[r], trust, moves[r], tables)
        for t in range(1, steps + 1):
            _probe_step(t, net, rep)
            seen_sum += rep.seen


@njit
def probe_measure(net, prm, keys, trust, tables, start, settle, last, moves, mean_seen, sums) -> None:
    """Steps start+1..last of a block (trust frozen), every observer starting habituated to `mean_seen` and then
    learning step `start`'s flows (recomputed from `moves`, that step's moves); after step `settle`, the parts of
    the push (direct surprise, audience surprise, shock, the two habits) summed into sums[0] [K, n, n], their
    products into sums[1] [K, K, n, n] and the expectations into sums[2] [3, n, n]."""
    first, second, expected_sum = sums
    n = net.n
    parts = np.empty(N_PARTS)
    for r in range(len(keys)):
        rep = _probe_replication(net, prm, keys[r], trust, moves[r], tables)
        expected, seen, shock = rep.expected, rep.seen, rep.shock
        observe(net, rep)
        expected[:] = mean_seen
        learn(expected, seen, prm[ETA])
        for t in range(start + 1, last + 1):
            _probe_step(t, net, rep)
            if t > settle:
                for o in range(n):
                    for a in range(n):
                        parts[0] = surprise(seen, expected, o, a, prm[NEGATIVITY])
                        parts[1] = seen[2, o, a] - expected[2, o, a]
                        parts[2] = shock[o, a]
                        parts[3] = expected[0, o, a] + expected[1, o, a]
                        parts[4] = expected[2, o, a]
                        for i in range(N_PARTS):
                            first[i, o, a] += parts[i]
                            for j in range(N_PARTS):
                                second[i, j, o, a] += parts[i] * parts[j]
                expected_sum += expected
            learn(expected, seen, prm[ETA])


@njit
def calibrated_baseline(l_init, first, second, sigma, coefficients, lam, beta, fixed, l_fixed) -> np.ndarray:
    """L0 such that the status quo keeps mean trust at its initial value T0 = trust(l_init) (docs/MODEL.md,
    section 6): E[push] and Var[push] from the parts' moments and `coefficients`, the logistic-normal mean by
    the probit approximation, E[dL] = 0; dyads whose baseline is stated (`fixed`) keep `l_fixed`."""
    n = l_init.shape[0]
    k = len(coefficients)
    s = np.zeros((n, n))
    stance(trust_of(l_init), s)
    out = np.zeros((n, n))
    for o in range(n):
        for a in range(n):
            if o == a:
                continue
            if fixed[o, a]:
                out[o, a] = l_fixed[o, a]
                continue
            mean = beta * balance(s, o, a)
            for i in range(3):  # the habits' parts cancel against their reference (their mean)
                mean += coefficients[i] * first[i, o, a]
            var = 0.0
            for i in range(k):
                for j in range(k):
                    var += coefficients[i] * (second[i, j, o, a] - first[i, o, a] * first[j, o, a]) * coefficients[j]
            var += sigma[o, a] * sigma[o, a]
            v = var / (1.0 - (1.0 - lam) * (1.0 - lam))
            m = l_init[o, a] * math.sqrt(1.0 + math.pi * v / 8.0)
            out[o, a] = m - mean / lam
    return out


@njit
def decay_rate(half_life: float) -> float:
    """The per-step weight of an exponential decay whose memory halves in `half_life` steps: 1 - 2^(-1/h)."""
    return 1.0 - kmath.exp(-LN2 / half_life)
