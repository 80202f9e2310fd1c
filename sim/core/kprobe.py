"""The calibration probe, compiled: the step's moves, events and observation with trust frozen at the essay's
levels (sim.core.calibration), and the closed form of the calibrated baseline (docs/MODEL.md, section 6)."""

from __future__ import annotations

import math

import numpy as np

from sim.core.jit import njit
from sim.core.kdraws import stream_bases
from sim.core.kernel import (
    all_moves,
    balance,
    fire_events,
    learn,
    list_moved,
    observe,
    stance,
    surprise,
    trust_of,
)
from sim.core.kstate import ETA, NEGATIVITY, NetRef, RepRef, replication

# Parts of the push on trust recorded by the calibration probe (sim.calibrate.PARTS), and flows (coop, host, aud).
N_PARTS = 5
N_FLOWS = 3


@njit
def _probe_step(t: int, net: NetRef, rep: RepRef) -> None:
    """Step t of a probe replication: the moves, the events and what observers see; no trust update."""
    all_moves(t, net, rep)
    fire_events(t, net, rep)
    list_moved(net, rep.moves, rep)
    observe(net, rep)


@njit
def _probe_replication(net, prm, base, trust, moves, tables) -> RepRef:
    """A replication of the probe (its stream bases `base`): trust frozen (`trust`, shared), no anchors, its moves
    in `moves`."""
    n = net.n
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
    bases = stream_bases(keys, net.stream_ids)
    for r in range(len(keys)):
        moves[r] = 0.0
        rep = _probe_replication(net, prm, bases[r], trust, moves[r], tables)
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
    bases = stream_bases(keys, net.stream_ids)
    for r in range(len(keys)):
        rep = _probe_replication(net, prm, bases[r], trust, moves[r], tables)
        expected, seen, shock = rep.expected, rep.seen, rep.shock
        list_moved(net, rep.moves, rep)
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
