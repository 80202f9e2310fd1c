"""The step, compiled: one replication at a time, each function the single implementation of its part.

A step of one replication (docs/MODEL.md, section 3): every actor decides its moves (`actor_moves`), events fire
(`fire_events`), and the trust update (`update`: calm, what each observer sees, surprise, level, noise, learning).
Two drivers call these same functions:

- the Mesa path (sim.engine.Engine.step, sim.agents.Country.step): `*_batch` functions loop over the replications
  of a model for one step, one actor or one part at a time;
- whole runs (`run_block`): one replication per iteration, all its steps, then the next, with its state in cache;
  threads run blocks of replications side by side (sim.threads).

Random numbers are drawn where they are used and only when they are (a reply only to a move received, a rule's
choice only when it fires): draw i of a replication at step t is SplitMix64 of (that replication's stream base
i, t) (sim.rng), a pure function, so what is not drawn changes nothing else. Parameters come in rows (`prm`, one
row per distinct parameter set, `rows[r]` the row of replication r), so a batch may mix parameter values.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from sim import kmath
from sim.jit import njit
from sim.recording import MAX_EVENT_COUNT

# Columns of a parameter row (sim.net.parameter_rows).
ALPHA, MU, BETA, LAM, ETA, NEGATIVITY, SATURATION, L_MAX, CALM_DECAY, NOISE_REDUCTION, REPLY_FLOOR = range(11)
K_DIRECT, K_AUDIENCE, G_ALPHA, G_MU = range(11, 15)
N_PARAMS = 15
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


class Net(NamedTuple):
    """A compiled world as flat arrays (sim.net.pack). Lists of variable length are CSR: `*_ptr[i]:*_ptr[i + 1]`."""

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


class Anchors(NamedTuple):
    """Per parameter row [G, ...]: baseline L0, the level's reference habits (direct, audience), the dyads' noise,
    and the status quo's expected flows (coop, host, audience) every observer starts from."""

    baseline: np.ndarray  # [G, n, n]
    reference_direct: np.ndarray  # [G, n, n]
    reference_audience: np.ndarray  # [G, n, n]
    sigma: np.ndarray  # [G, n, n]
    expected: np.ndarray  # [G, 3, n, n]


class State(NamedTuple):
    """What a replication carries from step to step, [R, ...] (views of one replication are [...])."""

    log_odds: np.ndarray  # [R, n, n]
    trust: np.ndarray  # [R, n, n]
    expected: np.ndarray  # [R, 3, n, n] coop, host, audience
    calm: np.ndarray  # [R, n, n]
    moves: np.ndarray  # [R, C] this step's move intensities
    previous: np.ndarray  # [R, C]


# ---------------------------------------------------------------------------------------------------------------
# Random numbers


@njit
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


@njit
def uniform(base: np.ndarray, i: int, t: int) -> float:
    """Stream i's uniform in [0, 1) at step t (53-bit resolution)."""
    x = mix(base[i] + _GAMMA * np.uint64(t + 1))
    return float(x >> _S11) * _TO_UNIT


@njit
def normal(base: np.ndarray, i: int, t: int) -> float:
    """Stream i's standard normal at step t: the inverse normal CDF at a uniform strictly inside (0, 1)."""
    return kmath.ndtri(uniform(base, i, t) + 0.5 * _TO_UNIT)


# ---------------------------------------------------------------------------------------------------------------
# Moves


@njit
def actor_moves(
    a: int,
    t: int,
    net: Net,
    base: np.ndarray,
    previous: np.ndarray,
    moves: np.ndarray,
    trust: np.ndarray,
    pol_active: np.ndarray,
    pol_intensity: np.ndarray,
    reply_floor: float,
) -> None:
    """Actor a's moves at step t in one replication, added into `moves`: background, replies, rules, policies."""
    for k in range(net.bg_ptr[a], net.bg_ptr[a + 1]):
        e = net.bg_entry[k]
        if uniform(base, net.off_background + e, t) < net.bg_prob[e]:
            moves[net.bg_channel[e]] += 1.0
    for k in range(net.inbox_ptr[a], net.inbox_ptr[a + 1]):  # generous tit-for-tat: answer what was received
        c = net.inbox[k]
        received = previous[c]
        if received > 0.0 and net.reply_prob[c] > 0.0 and uniform(base, net.off_reply + c, t) < net.reply_prob[c]:
            strength = received * net.reply_scale[c]
            if strength >= reply_floor:  # every reply adds, also where several share one answer channel
                moves[net.answer[c]] += strength
    for k in range(net.rule_ptr[a], net.rule_ptr[a + 1]):
        _apply_rule(a, net.rule_index[k], t, net, base, previous, moves, trust)
    for k in range(net.pol_ptr[a], net.pol_ptr[a + 1]):
        p = net.pol_index[k]
        if pol_active[p] and uniform(base, net.off_policy + p, t) < net.pol_prob[p]:
            for j in range(net.pol_ch_ptr[p], net.pol_ch_ptr[p + 1]):
                moves[net.pol_ch[j]] += pol_intensity[p]


@njit
def _apply_rule(
    a: int, i: int, t: int, net: Net, base: np.ndarray, previous: np.ndarray, moves: np.ndarray, trust: np.ndarray
) -> None:
    """Rule i of actor a: if its condition holds and it fires, one response chosen by weight."""
    kind = net.rule_kind[i]
    if kind == RECEIVED:
        condition = False
        for j in range(net.watch_ptr[i], net.watch_ptr[i + 1]):
            if previous[net.watch[j]] > 0.0:
                condition = True
    elif kind == TRUST_BELOW:
        condition = trust[a, net.rule_about[i]] < net.rule_threshold[i]
    else:
        condition = trust[a, net.rule_about[i]] > net.rule_threshold[i]
    if not condition or not uniform(base, net.off_rule + 2 * i, t) < net.rule_prob[i]:
        return
    first, last = net.resp_ptr[i], net.resp_ptr[i + 1]
    total = 0.0
    for j in range(first, last):
        total += _weight(a, j, net, trust)
    if not total > 0.0:
        return
    u = uniform(base, net.off_rule + 2 * i + 1, t)
    chosen = last - 1
    cumulative = 0.0
    for j in range(first, last - 1):  # the first response whose cumulative share exceeds u
        cumulative += _weight(a, j, net, trust)
        if u < cumulative / total:
            chosen = j
            break
    for k in range(net.resp_ch_ptr[chosen], net.resp_ch_ptr[chosen + 1]):
        moves[net.resp_ch[k]] += net.resp_intensity[chosen]


@njit
def _weight(a: int, j: int, net: Net, trust: np.ndarray) -> float:
    by = net.resp_by[j]
    if by == BY_DEPENDENCE:
        return net.resp_weight[j] * net.dependence[a, net.resp_target[j]]
    if by == BY_TRUST:
        return net.resp_weight[j] * trust[a, net.resp_target[j]]
    return net.resp_weight[j]


# ---------------------------------------------------------------------------------------------------------------
# Events


@njit
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
def fire_events(
    t: int, net: Net, base: np.ndarray, scheduled: np.ndarray, moves: np.ndarray, shock: np.ndarray, counts: np.ndarray
) -> None:
    """This step's events in one replication: counts [E], log-odds shocks into `shock` [n, n] (zeroed here) and
    triggered moves into `moves`."""
    shock[:] = 0.0
    for e in range(len(net.ev_rate)):
        n = scheduled[e]
        if net.ev_rate[e] > 0.0:
            n += poisson_count(uniform(base, net.off_event + e, t), net.ev_rate[e], net.ev_p0[e])
        counts[e] = n
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


@njit
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
def observe(net: Net, moves: np.ndarray, s: np.ndarray, scale: float, flows: np.ndarray, seen: np.ndarray) -> None:
    """The flows each observer sees [3, n, n] (coop, host, audience; [observer, actor]) from the moves and the
    stance s; `flows` [3, n, n] is scratch for the summed weights W+, W- and the audience's weights by [actor, k]."""
    n = net.n
    flows[:] = 0.0
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
    for o in range(n):
        for a in range(n):
            seen[0, o, a] = concave(flows[0, a, o], scale)
            seen[1, o, a] = concave(flows[1, a, o], scale)
            total = 0.0
            for k in range(n):  # what a did to those o likes or fears (s[o, o] = 0, flows[a, a] = 0)
                total += s[o, k] * flows[2, a, k]
            seen[2, o, a] = total


@njit
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
def calm_down(net: Net, moves: np.ndarray, calm: np.ndarray, decay: float, scratch: np.ndarray) -> None:
    """Recent dialogue keeps a pair calm: C <- min(1, C (1 - decay) + calming moves of the pair, both ways)."""
    n = net.n
    scratch[:] = 0.0
    for c in range(len(moves)):
        x = moves[c]
        if x != 0.0 and net.calming[c] != 0.0:
            a, k = net.actor[c], net.target[c]
            scratch[min(a, k), max(a, k)] += x * net.calming[c]
    for i in range(n):
        for j in range(n):
            lo, hi = min(i, j), max(i, j)
            value = calm[i, j] * (1.0 - decay) + scratch[lo, hi] if i != j else calm[i, j] * (1.0 - decay)
            calm[i, j] = min(1.0, value)


@njit
def surprise(seen: np.ndarray, expected: np.ndarray, o: int, a: int, negativity: float) -> float:
    """What a did to o against what o expected: friendly and hostile parts, more hostility weighing `negativity`."""
    hostile = seen[1, o, a] - expected[1, o, a]
    if hostile < 0.0:
        hostile *= negativity
    return (seen[0, o, a] - expected[0, o, a]) + hostile


@njit
def update(
    t: int,
    net: Net,
    prm: np.ndarray,
    anchors: Anchors,
    g: int,
    base: np.ndarray,
    seen: np.ndarray,
    s: np.ndarray,
    shock: np.ndarray,
    log_odds: np.ndarray,
    trust: np.ndarray,
    expected: np.ndarray,
    calm: np.ndarray,
) -> None:
    """Trust moves on surprise, structural balance and shocks, returns toward a level that habits shift, with
    misperception noise; then expectations learn what was seen (docs/MODEL.md, 'Trust update')."""
    n = net.n
    alpha, mu, beta, lam = prm[ALPHA], prm[MU], prm[BETA], prm[LAM]
    kd, ka = prm[K_DIRECT], prm[K_AUDIENCE]
    l_max, reduction = prm[L_MAX], prm[NOISE_REDUCTION]
    p = 0
    for o in range(n):
        for a in range(n):
            if o == a:
                continue
            push = alpha * surprise(seen, expected, o, a, prm[NEGATIVITY])
            push += mu * (seen[2, o, a] - expected[2, o, a])
            push += beta * balance(s, o, a)
            push += shock[o, a]
            habits = prm[G_ALPHA] * (expected[0, o, a] + expected[1, o, a])
            level = anchors.baseline[g, o, a] + kd * kmath.tanh((habits - anchors.reference_direct[g, o, a]) / kd)
            heard = prm[G_MU] * expected[2, o, a]
            level += ka * kmath.tanh((heard - anchors.reference_audience[g, o, a]) / ka)
            x = log_odds[o, a] + push - lam * (log_odds[o, a] - level)
            sd = anchors.sigma[g, o, a] * (1.0 - reduction * calm[o, a])
            if sd != 0.0:
                x += sd * normal(base, net.off_noise + p, t)
            log_odds[o, a] = min(max(x, -l_max), l_max)
            trust[o, a] = kmath.logistic(log_odds[o, a])
            p += 1
    learn(expected, seen, prm[ETA])


@njit
def learn(expected: np.ndarray, seen: np.ndarray, eta: float) -> None:
    """Habituation: expectations move a share eta of the way to what was seen (Rescorla-Wagner)."""
    m, n = expected.shape[0], expected.shape[1]
    for f in range(m):
        for o in range(n):
            for a in range(n):
                expected[f, o, a] += eta * (seen[f, o, a] - expected[f, o, a])


@njit
def record(
    net: Net, trust: np.ndarray, moves: np.ndarray, counts: np.ndarray, rec_trust, rec_moves, rec_events
) -> None:
    """One replication's step into the recording: trust as float32, moves made by actor and type, event counts."""
    n = net.n
    for i in range(n):
        for j in range(n):
            rec_trust[i, j] = trust[i, j]
    rec_moves[:] = 0
    flat = rec_moves.reshape(-1)
    for c in range(len(moves)):
        if moves[c] > 0.0:
            flat[net.actor_move[c]] += 1
    for e in range(len(counts)):
        rec_events[e] = counts[e]


# ---------------------------------------------------------------------------------------------------------------
# One whole step of one replication, and the drivers


@njit
def step(
    t: int,
    net: Net,
    prm: np.ndarray,
    anchors: Anchors,
    g: int,
    base: np.ndarray,
    scheduled: np.ndarray,
    pol_active: np.ndarray,
    pol_intensity: np.ndarray,
    log_odds: np.ndarray,
    trust: np.ndarray,
    expected: np.ndarray,
    calm: np.ndarray,
    moves: np.ndarray,
    previous: np.ndarray,
    counts: np.ndarray,
    work: np.ndarray,
) -> None:
    """Step t of one replication: moves, events, calm, what is seen, the trust update (`work`: [7, n, n] scratch)."""
    previous[:] = moves
    moves[:] = 0.0
    for a in range(net.n):
        actor_moves(a, t, net, base, previous, moves, trust, pol_active, pol_intensity, prm[REPLY_FLOOR])
    after_moves(t, net, prm, anchors, g, base, scheduled, log_odds, trust, expected, calm, moves, counts, work)


@njit
def after_moves(t, net, prm, anchors, g, base, scheduled, log_odds, trust, expected, calm, moves, counts, work) -> None:
    """The model's part of a step, once every actor has moved: events, calm, observation, the trust update."""
    shock, s, scratch, flows, seen = work[0], work[1], work[2], work[3:6], work[6:9]
    fire_events(t, net, base, scheduled, moves, shock, counts)
    calm_down(net, moves, calm, prm[CALM_DECAY], scratch)
    stance(trust, s)
    observe(net, moves, s, prm[SATURATION], flows, seen)
    update(t, net, prm, anchors, g, base, seen, s, shock, log_odds, trust, expected, calm)


@njit
def workspace(n: int) -> np.ndarray:
    """Scratch for one replication's step: shock, stance, calm sums, three weight flows, three seen flows."""
    return np.zeros((9, n, n))


@njit
def actor_batch(a, t, net, prm, rows, bases, state, pol_active, pol_intensity) -> None:
    """Actor a's moves at step t in every replication (the Mesa path: Country.step)."""
    for r in range(bases.shape[0]):
        actor_moves(
            a,
            t,
            net,
            bases[r],
            state.previous[r],
            state.moves[r],
            state.trust[r],
            pol_active,
            pol_intensity,
            prm[rows[r], REPLY_FLOOR],
        )


@njit
def model_batch(t, net, prm, anchors, rows, bases, scheduled, state, counts) -> None:
    """The model's part of step t in every replication, after the actors moved (the Mesa path: Engine.step)."""
    work = workspace(net.n)
    for r in range(bases.shape[0]):
        g = rows[r]
        after_moves(
            t,
            net,
            prm[g],
            anchors,
            g,
            bases[r],
            scheduled,
            state.log_odds[r],
            state.trust[r],
            state.expected[r],
            state.calm[r],
            state.moves[r],
            counts[r],
            work,
        )


@njit
def run_block(
    net,
    prm,
    anchors,
    rows,
    keys,
    scheduled,
    pol_active,
    pol_intensity,
    state,
    first,
    last,
    rec_trust,
    rec_moves,
    rec_events,
) -> None:
    """Steps first..last of every replication of a block, one replication after another (recording each step when
    `rec_trust` has steps; an empty recording, shape [R, 0, ...], records nothing). `scheduled`, `pol_active`
    and `pol_intensity` are indexed by step."""
    n = net.n
    work = workspace(n)
    counts = np.zeros(len(net.ev_rate), np.int64)
    keep = rec_trust.shape[1] > 0
    for r in range(len(keys)):
        base = np.empty(len(net.stream_ids), np.uint64)
        for i in range(len(base)):
            base[i] = mix(keys[r] ^ net.stream_ids[i])
        g = rows[r]
        for t in range(first, last + 1):
            step(
                t,
                net,
                prm[g],
                anchors,
                g,
                base,
                scheduled[t],
                pol_active[t],
                pol_intensity[t],
                state.log_odds[r],
                state.trust[r],
                state.expected[r],
                state.calm[r],
                state.moves[r],
                state.previous[r],
                counts,
                work,
            )
            if keep and t < rec_trust.shape[1]:
                record(net, state.trust[r], state.moves[r], counts, rec_trust[r, t], rec_moves[r, t], rec_events[r, t])


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
    n = log_odds.shape[1]
    for r in range(log_odds.shape[0]):
        for i in range(n):
            for j in range(n):
                x = 0.0 if i == j else log_odds[r, i, j]
                state.log_odds[r, i, j] = x
                state.trust[r, i, j] = 0.0 if i == j else kmath.logistic(x)
        state.expected[r] = expected[rows[r]]
    state.calm[:] = 0.0
    state.moves[:] = 0.0
    state.previous[:] = 0.0


# ---------------------------------------------------------------------------------------------------------------
# The calibration probe: the same moves and observation with trust frozen at the essay's levels


@njit
def probe_learn(net, prm, keys, scheduled, pol_active, pol_intensity, trust, steps, moves, seen_sum) -> None:
    """Steps 1..steps of a block with trust frozen: the moves of the last step stay in `moves` [R, C]; the flows
    seen, summed over steps and replications, are added to `seen_sum` [3, n, n]."""
    n = net.n
    work = workspace(n)
    shock, s, flows, seen = work[0], work[1], work[3:6], work[6:9]
    stance(trust, s)
    counts = np.zeros(len(net.ev_rate), np.int64)
    previous = np.zeros(moves.shape[1])
    for r in range(len(keys)):
        base = np.empty(len(net.stream_ids), np.uint64)
        for i in range(len(base)):
            base[i] = mix(keys[r] ^ net.stream_ids[i])
        moves[r] = 0.0
        for t in range(1, steps + 1):
            previous[:] = moves[r]
            moves[r] = 0.0
            for a in range(n):
                actor_moves(
                    a, t, net, base, previous, moves[r], trust, pol_active[t], pol_intensity[t], prm[REPLY_FLOOR]
                )
            fire_events(t, net, base, scheduled[t], moves[r], shock, counts)
            observe(net, moves[r], s, prm[SATURATION], flows, seen)
            seen_sum += seen


@njit
def probe_measure(
    net,
    prm,
    keys,
    scheduled,
    pol_active,
    pol_intensity,
    trust,
    start,
    settle,
    last,
    moves,
    mean_seen,
    first,
    second,
    expected_sum,
) -> None:
    """Steps start+1..last of a block (trust frozen), every observer starting habituated to `mean_seen` and then
    learning step `start`'s flows (recomputed from `moves`, that step's moves); after `settle`, the parts of the
    push (direct surprise, audience surprise, shock, the two habits) summed into `first` [K, n, n] and their
    products into `second` [K, K, n, n], the expectations into `expected_sum` [3, n, n]."""
    n = net.n
    work = workspace(n)
    shock, s, flows, seen = work[0], work[1], work[3:6], work[6:9]
    stance(trust, s)
    counts = np.zeros(len(net.ev_rate), np.int64)
    previous = np.zeros(moves.shape[1])
    expected = np.empty((N_FLOWS, n, n))
    parts = np.empty(N_PARTS)
    for r in range(len(keys)):
        base = np.empty(len(net.stream_ids), np.uint64)
        for i in range(len(base)):
            base[i] = mix(keys[r] ^ net.stream_ids[i])
        observe(net, moves[r], s, prm[SATURATION], flows, seen)
        expected[:] = mean_seen
        learn(expected, seen, prm[ETA])
        for t in range(start + 1, last + 1):
            previous[:] = moves[r]
            moves[r] = 0.0
            for a in range(n):
                actor_moves(
                    a, t, net, base, previous, moves[r], trust, pol_active[t], pol_intensity[t], prm[REPLY_FLOOR]
                )
            fire_events(t, net, base, scheduled[t], moves[r], shock, counts)
            observe(net, moves[r], s, prm[SATURATION], flows, seen)
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
    for i in range(n):
        for j in range(n):
            if i != j:
                s[i, j] = 2.0 * kmath.logistic(l_init[i, j]) - 1.0
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
    return 1.0 - kmath.exp(-math.log(2.0) / half_life)
