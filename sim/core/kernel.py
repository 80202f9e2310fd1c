"""The step, compiled: one replication at a time, each function the single implementation of its part.

A step of one replication (docs/MODEL.md, section 3): every actor decides its moves (`actor_moves`), events fire
(`fire_events`), and the trust update (`update`: calm, what each observer sees, surprise, level, noise, learning).
Two drivers call these same functions:

- the Mesa path (sim.engine.Engine.step, sim.agents.Country.step): `*_batch` functions loop over the replications
  of a model for one step, one actor or one part at a time;
- whole runs (`run_block`): one replication per iteration, all its steps, then the next, with its state in cache;
  threads run blocks of replications side by side (sim.util.threads).

Random numbers are drawn where they are used and only when they are (a reply only to a move received, a rule's
choice only when it fires; sim.core.kdraws). Parameters come in rows (`prm`, one row per distinct parameter set,
`rows[r]` the row of replication r), so a batch may mix parameter values; the rows' columns, the packed world and a
replication's working set are sim.core.kstate's.
"""

from __future__ import annotations

import numpy as np

from sim.core import kmath
from sim.core.jit import inline, njit
from sim.core.kdraws import inner_uniform, normal, uniform
from sim.core.kstate import (
    ALPHA,
    BASELINE,
    BETA,
    BY_DEPENDENCE,
    BY_TRUST,
    CALM_DECAY,
    ETA,
    G_ALPHA,
    G_MU,
    K_AUDIENCE,
    K_DIRECT,
    L_MAX,
    LAM,
    MU,
    NEGATIVITY,
    NOISE_REDUCTION,
    RECEIVED,
    REFERENCE_AUDIENCE,
    REFERENCE_DIRECT,
    REPLY_FLOOR,
    SATURATION,
    SIGMA,
    TRUST_BELOW,
    NetRef,
    RepRef,
    State,
    lanes,
    noise_block,
    replication,
)
from sim.core.recording import MAX_EVENT_COUNT

# ---------------------------------------------------------------------------------------------------------------
# Moves


@inline
def actor_moves(a: int, t: int, net: NetRef, rep: RepRef) -> None:
    """Actor a's moves at step t in one replication, added into its moves: background, replies (to last step's
    moves, as `list_moved` listed them), rules, policies."""
    base, previous, moves = rep.base, rep.previous, rep.moves
    bg_channel, bg_prob, off = net.bg_channel, net.bg_prob, net.off_background
    for k in range(net.bg_ptr[a], net.bg_ptr[a + 1]):  # branch-free: a move not made adds +0.0 to a +0.0 start
        moves[bg_channel[k]] += kmath.select(uniform(base, off + k, t) < bg_prob[k], 1.0, 0.0)
    received, reply_prob, reply_scale, answer = rep.received, net.reply_prob, net.reply_scale, net.answer
    floor = rep.prm[REPLY_FLOOR]
    for k in range(rep.received_ptr[a], rep.received_ptr[a + 1]):  # generous tit-for-tat: answer what was received
        c = received[k]
        if uniform(base, net.off_reply + c, t) < reply_prob[c]:
            strength = previous[c] * reply_scale[c]
            if strength >= floor:  # every reply adds, also where several share one answer channel
                moves[answer[c]] += strength
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
    base, shock, moves, counts, scheduled = rep.base, rep.shock, rep.moves, rep.counts, rep.scheduled
    rate, p0, shock_ptr, trig_ptr = net.ev_rate, net.ev_p0, net.shock_ptr, net.trig_ptr
    shock[:] = 0.0
    for e in range(len(rate)):
        n = scheduled[t, e]
        if rate[e] > 0.0:
            n += poisson_count(uniform(base, net.off_event + e, t), rate[e], p0[e])
        counts[e] = n
        if n == 0:
            continue
        for s in range(shock_ptr[e], shock_ptr[e + 1]):
            z = normal(base, net.off_shock + s, t)
            shock[net.shock_observer[s], net.shock_target[s]] += n * (net.shock_delta[s] + net.shock_sd[s] * z)
        for g in range(trig_ptr[e], trig_ptr[e + 1]):
            if uniform(base, net.off_trigger + g, t) < net.trig_prob[g]:
                moves[net.trig_channel[g]] += n * net.trig_intensity[g]


# ---------------------------------------------------------------------------------------------------------------
# What observers see, and the trust update


@inline
def concave(x: float, scale: float) -> float:
    """sign(x) * scale * log(1 + |x| / scale): slope 1 for small flows, halved at |x| = scale (branch-free, so
    that a loop over flows runs in SIMD registers; 0 at 0)."""
    y = scale * kmath.log1p_lane(abs(x) / scale)
    return kmath.select(x == 0.0, 0.0, kmath.select(x > 0.0, y, -y))


@njit
def stance(trust: np.ndarray, out: np.ndarray) -> None:
    """s = 2T - 1, zero on the diagonal."""
    n = trust.shape[0]
    for i in range(n):
        for j in range(n):
            out[i, j] = 0.0 if i == j else 2.0 * trust[i, j] - 1.0


@njit
def list_moved(net: NetRef, moves: np.ndarray, rep: RepRef) -> None:
    """The channels whose move (in `moves`) is not zero, ascending, into rep.moved (its first rep.n_moved): what
    calm, observation and the recording go through instead of every channel; and those a reply may answer (a
    positive move on a channel with a reply) by receiver, ascending, into rep.received (receiver a's from
    rep.received_ptr[a] to rep.received_ptr[a + 1]), what each actor answers next step. Branch-free."""
    moved, received, ptr, target, reply_prob = rep.moved, rep.received, rep.received_ptr, net.target, net.reply_prob
    m = 0
    for c in range(len(moves)):
        moved[m] = c
        m += int(moves[c] != 0.0)
    rep.n_moved = m
    ptr[:] = 0
    for i in range(m):  # count by receiver, then each receiver's start
        c = moved[i]
        ptr[target[c] + 1] += int((moves[c] > 0.0) & (reply_prob[c] > 0.0))
    for a in range(net.n):
        ptr[a + 1] += ptr[a]
    spare = len(received) - 1
    for i in range(m):  # in order, each after the last of its receiver's (ptr[a] moves to a's end)
        c = moved[i]
        answered = (moves[c] > 0.0) & (reply_prob[c] > 0.0)
        a = target[c]
        received[kmath.select(answered, ptr[a], spare)] = c
        ptr[a] += int(answered)
    for a in range(net.n, 0, -1):  # back to each receiver's start
        ptr[a] = ptr[a - 1]
    ptr[0] = 0


@njit
def observe(net: NetRef, rep: RepRef) -> None:
    """The flows each observer sees, rep.seen [3, n, n] (coop, host, audience; [observer, actor]), from the moves
    (those listed by `list_moved`) and the stance; rep.flows holds the three kinds by [actor, k], summed over
    moves, then each made concave."""
    n, moves, moved, s, flows, seen = net.n, rep.moves, rep.moved, rep.stance, rep.flows, rep.seen
    actor, target, positive, negative, audience = net.actor, net.target, net.positive, net.negative, net.audience_weight
    flat = flows.reshape(flows.size)
    flat[:] = 0.0
    for i in range(rep.n_moved):  # a move of zero adds nothing
        c = moved[i]
        x, a, k = moves[c], actor[c], target[c]
        flows[0, a, k] += x * positive[c]
        flows[1, a, k] += x * negative[c]
        flows[2, a, k] += x * audience[c]
    _concave_flows(flat, rep.cells, rep.values, rep.prm[SATURATION])
    for o in range(n):
        for a in range(n):
            seen[0, o, a] = flows[0, a, o]
            seen[1, o, a] = flows[1, a, o]
    for o in range(n):
        for a in range(n):
            total = 0.0
            for k in range(n):  # what a did to those o likes or fears (s[o, o] = 0, flows[a, a] = 0)
                total += s[o, k] * flows[2, a, k]
            seen[2, o, a] = total


@inline
def _concave_flows(flat: np.ndarray, cells: np.ndarray, values: np.ndarray, scale: float) -> None:
    """Every flow made concave in place. Most are zero (concave(0) = 0, flows start at +0.0): the others are
    gathered (branch-free) into `values`, padded with zeros to whole SIMD registers, made concave several at a
    time and put back."""
    m = 0
    for i in range(len(flat)):
        cells[m] = i
        values[m] = flat[i]
        m += int(flat[i] != 0.0)
    for i in range(m, lanes(m)):
        values[i] = 0.0
    for i in range(lanes(m)):
        values[i] = concave(values[i], scale)
    for i in range(m):
        flat[cells[i]] = values[i]


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
    """Recent dialogue keeps a pair calm: C <- min(1, C (1 - decay) + calming moves of the pair, both ways), from the
    moves listed by `list_moved`."""
    n, moves, calm, pairs = net.n, rep.moves, rep.calm, rep.pairs
    decay = rep.prm[CALM_DECAY]
    for i in range(n):
        for j in range(n):
            pairs[i, j] = 0.0
    actor, target, calming, moved = net.actor, net.target, net.calming, rep.moved
    for i in range(rep.n_moved):  # a zero move would add +-0.0, which changes no sum (pairs start at +0.0)
        c = moved[i]
        a, k = actor[c], target[c]
        pairs[min(a, k), max(a, k)] += moves[c] * calming[c]
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


# Rows of a replication's `work` in the update, by dyad p = 0, 1, ... (o, a in order, o != a; D dyads): the level's
# terms (tanh, direct at p and audience at D + p), the noise, its sd, the new
# log-odds then trust. Each row is padded to whole SIMD registers (sim.core.kstate.lanes): the costly maths runs
# on a whole row at once, branch-free (kmath's `*_lane`), several dyads in each instruction.
LEVELS, NOISE, SD, TRUST = range(4)


@njit
def update(t: int, net: NetRef, rep: RepRef) -> None:
    """Trust moves on surprise, structural balance and shocks, returns toward a level that habits shift, with
    misperception noise; then expectations learn what was seen (docs/MODEL.md, 'Trust update')."""
    levels(net, rep)
    noise(t, net, rep)
    n, prm, anchor, seen, expected, work = net.n, rep.prm, rep.anchor, rep.seen, rep.expected, rep.work
    s, shock, log_odds = rep.stance, rep.shock, rep.log_odds
    alpha, mu, beta, lam = prm[ALPHA], prm[MU], prm[BETA], prm[LAM]
    l_max, kd, ka, d = prm[L_MAX], prm[K_DIRECT], prm[K_AUDIENCE], n * (n - 1)
    p = 0
    for o in range(n):
        for a in range(n):
            if o == a:
                continue
            push = alpha * surprise(seen, expected, o, a, prm[NEGATIVITY])
            push += mu * (seen[2, o, a] - expected[2, o, a])
            push += beta * balance(s, o, a)
            push += shock[o, a]
            level = anchor[BASELINE, o, a] + kd * work[LEVELS, p]
            level += ka * work[LEVELS, d + p]
            x = log_odds[o, a] + push - lam * (log_odds[o, a] - level) + work[NOISE, p]
            log_odds[o, a] = min(max(x, -l_max), l_max)
            work[TRUST, p] = log_odds[o, a]
            p += 1
    row = work[TRUST]
    for i in range(lanes(d)):
        row[i] = kmath.logistic_lane(row[i])
    p, trust = 0, rep.trust
    for o in range(n):
        for a in range(n):
            if o != a:
                trust[o, a] = row[p]
                p += 1
    learn(expected, seen, prm[ETA])


@inline
def levels(net: NetRef, rep: RepRef) -> None:
    """The tanh of the two terms habits add to each dyad's level, k tanh((habit - reference) / k), direct
    (cooperation and hostility seen) and audience, into work[LEVELS] (the update multiplies by k)."""
    n, prm, anchor, expected = net.n, rep.prm, rep.anchor, rep.expected
    kd, ka, d = prm[K_DIRECT], prm[K_AUDIENCE], n * (n - 1)
    row = rep.work[LEVELS]
    p = 0
    for o in range(n):
        for a in range(n):
            if o != a:
                habits = prm[G_ALPHA] * (expected[0, o, a] + expected[1, o, a])
                row[p] = (habits - anchor[REFERENCE_DIRECT, o, a]) / kd
                row[d + p] = (prm[G_MU] * expected[2, o, a] - anchor[REFERENCE_AUDIENCE, o, a]) / ka
                p += 1
    for i in range(len(row)):
        row[i] = kmath.tanh_lane(row[i])


@inline
def noise(t: int, net: NetRef, rep: RepRef) -> None:
    """Each dyad's misperception noise at step t, sd * z, into work[NOISE] (sd shrinks with calm; where it is
    zero the noise is -0.0, which added to any x leaves it as it is, -0.0 included; z is drawn all the same, the
    draws being a pure function of stream and step); z from `normals`, a block of steps at a time."""
    if not rep.normal_from <= t < rep.normal_to:
        normals(t, net, rep)
    n, anchor, calm, work = net.n, rep.anchor, rep.calm, rep.work
    reduction = rep.prm[NOISE_REDUCTION]
    sd, out = work[SD], work[NOISE]
    p = 0
    for o in range(n):
        for a in range(n):
            if o == a:
                continue
            sd[p] = anchor[SIGMA, o, a] * (1.0 - reduction * calm[o, a])
            p += 1
    z, first = rep.normals, (t - rep.normal_from) * p
    for i in range(lanes(p)):  # beyond the last dyad sd is 0.0
        out[i] = kmath.select(sd[i] != 0.0, sd[i] * z[first + i], -0.0)


@njit
def normals(t: int, net: NetRef, rep: RepRef) -> None:
    """The standard normals of every dyad's noise stream at steps t .. t + rep.normal_steps - 1, into rep.normals
    ([step - t, dyad], flat; from rep.normal_from = t to rep.normal_to): ndtri of each inner uniform, the middle
    form over all of them (several in each instruction), the tail form (several times as costly) over only the
    quarter that take it, gathered without a branch into registers of their own."""
    d, steps = net.n * (net.n - 1), rep.normal_steps
    z, tails, middles, base, off = rep.normals, rep.tails, rep.middles, rep.base, net.off_noise
    for s in range(steps):
        for p in range(d):
            z[s * d + p] = inner_uniform(base, off + p, t + s)
    m = steps * d
    z[m:] = 0.5  # padding in the middle form's range
    k = 0
    for i in range(m):
        tails[k] = z[i]
        k += int(kmath.ndtri_in_tail(z[i]))
    tails[k:] = 0.01  # padding in the tail form's range
    for i in range(lanes(k)):
        tails[i] = kmath.ndtri_tail_lane(tails[i])
    for i in range(lanes(m)):
        middles[i] = kmath.ndtri_middle_lane(z[i])
    k = 0
    for i in range(m):  # each back in its place
        tail = kmath.ndtri_in_tail(z[i])
        z[i] = kmath.select(tail, tails[k], middles[i])
        k += int(tail)
    rep.normal_from, rep.normal_to = t, t + steps


@inline
def learn(expected: np.ndarray, seen: np.ndarray, eta: float) -> None:
    """Habituation: expectations move a share eta of the way to what was seen (Rescorla-Wagner)."""
    m, n = expected.shape[0], expected.shape[1]
    for f in range(m):
        for o in range(n):
            for a in range(n):
                expected[f, o, a] += eta * (seen[f, o, a] - expected[f, o, a])


@njit
def record(net: NetRef, rep: RepRef, rec_trust, rec_moves, rec_events) -> None:
    """One replication's step into the recording (after the step, its moves listed by `list_moved`): trust as
    float32, moves made by actor and type [n, K], event counts."""
    n, k, actor_move = net.n, net.n_moves, net.actor_move
    moves, moved, trust, counts = rep.moves, rep.moved, rep.trust, rep.counts
    for i in range(n):
        for j in range(n):
            rec_trust[i, j] = trust[i, j]
    rec_moves[:] = 0
    for i in range(rep.n_moved):
        c = moved[i]
        if moves[c] > 0.0:
            am = actor_move[c]
            rec_moves[am // k, am % k] += 1
    for e in range(len(counts)):
        rec_events[e] = counts[e]


# ---------------------------------------------------------------------------------------------------------------
# One whole step of one replication, and the drivers


@njit
def new_step(rep: RepRef) -> None:
    """Last step's moves become what was received; this step's start empty."""
    moves, previous = rep.moves, rep.previous
    for c in range(len(moves)):
        previous[c] = moves[c]
        moves[c] = 0.0


@njit
def after_moves(t: int, net: NetRef, rep: RepRef) -> None:
    """The model's part of step t, once every actor has moved: events, calm, observation, the trust update."""
    fire_events(t, net, rep)
    list_moved(net, rep.moves, rep)
    calm_down(net, rep)
    stance(rep.trust, rep.stance)
    observe(net, rep)
    update(t, net, rep)


@njit
def all_moves(t: int, net: NetRef, rep: RepRef) -> None:
    """Step t's moves of one replication: last step's become what was received, then every actor moves."""
    new_step(rep)
    for a in range(net.n):
        actor_moves(a, t, net, rep)


@njit
def step(t: int, net: NetRef, rep: RepRef) -> None:
    """Step t of one replication: every actor's moves, then the model's part."""
    all_moves(t, net, rep)
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
        rep = _replication(net, prm, anchors, rows, bases, state, r, tables)
        list_moved(net, rep.previous, rep)
        actor_moves(a, t, net, rep)


@njit
def model_batch(t, net, prm, anchors, rows, bases, state: State, tables, counts) -> None:
    """The model's part of step t in every replication, after the actors moved (the Mesa path: Engine.step)."""
    for r in range(bases.shape[0]):
        rep = _replication(net, prm, anchors, rows, bases, state, r, tables)
        after_moves(t, net, rep)
        counts[r] = rep.counts


@njit
def run_block(net, prm, anchors, rows, bases, state: State, tables, first, last, rec) -> None:
    """Steps first..last of every replication of a block, one replication after another, recording each step
    when `rec` (trust, moves, events) has steps (an empty recording, [R, 0, ...], records nothing)."""
    rec_trust, rec_moves, rec_events = rec
    keep = rec_trust.shape[1] > 0
    for r in range(bases.shape[0]):
        rep = _replication(net, prm, anchors, rows, bases, state, r, tables)
        rep.normal_steps = noise_block(net.n * (net.n - 1))
        list_moved(net, rep.moves, rep)  # the last step's moves, which step `first` answers
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
