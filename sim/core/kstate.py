"""The compiled step's data: the columns of a parameter row, a packed world held by reference, and one
replication's working set (sim.core.kernel runs the step on them).

A packed world (`Net`, made by sim.core.net.pack) and a replication's state are passed to every compiled function
as one reference each (`NetRef`, `RepRef`: numba structrefs), which costs one reference count per call where a
tuple of their arrays would cost one per array.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from sim.core.jit import inline, njit, numba, structref

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
    bg_ptr: np.ndarray  # [n + 1] background entries (and their streams) of each actor, bg_ptr[a]:bg_ptr[a + 1]
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
    stream_ids: np.ndarray  # [S] uint64, by the offsets below (sim.core.draws; background entries by actor)
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
    net.bg_ptr = t.bg_ptr
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


#: Doubles in the widest SIMD registers (AVX-512). The kernel's loops over dyads run branch-free maths
#: (sim.core.kmath's `*_lane`) over rows padded to a multiple of this, so that every value is computed in vector
#: registers: a loop's remainder would run one value at a time, paying for every path of the branch-free maths.
LANES = 8


@inline
def lanes(m: int) -> int:
    """m rounded up to a multiple of LANES."""
    return (m + LANES - 1) // LANES * LANES


@inline
def noise_block(d: int) -> int:
    """Steps whose noise a whole run transforms at once, for d dyads: about 96 dyad-steps (12 registers), at
    most 8 steps, so that the quarter of draws taking ndtri's costly tail form fill registers of their own."""
    return max(1, min(8, 96 // d))


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
        ("moved", _t.int64[::1]),  # scratch: the channels that moved this step, ascending, the first `n_moved`
        ("n_moved", _t.int64),
        ("received", _t.int64[::1]),  # scratch: the moves to answer, by receiver, then a spare slot [C + 1]
        ("received_ptr", _t.int64[::1]),  # scratch: receiver a's are received[received_ptr[a]:received_ptr[a + 1]]
        ("cells", _t.int64[::1]),  # scratch: the flows that are not zero, by flat index [3 n n]
        ("values", _t.float64[::1]),  # scratch: their values, padded to whole SIMD registers [lanes(3 n n)]
        ("normals", _t.float64[::1]),  # scratch: the noise's normals of a block of steps [step, dyad], flat
        ("normal_from", _t.int64),  # their steps, normal_from up to (not including) normal_to
        ("normal_to", _t.int64),
        ("normal_steps", _t.int64),  # how many a block holds (1 unless a whole run sets `noise_block`)
        ("tails", _t.float64[::1]),  # scratch: those taking ndtri's tail form, gathered
        ("middles", _t.float64[::1]),  # scratch: ndtri's middle form of each
        ("work", _t.float64[:, ::1]),  # scratch: the update's parts by dyad [4, lanes(2 n (n - 1))] (kernel.LEVELS...)
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
    rep.moved, rep.n_moved = np.zeros(len(moves), np.int64), 0
    rep.received, rep.received_ptr = np.zeros(len(moves) + 1, np.int64), np.zeros(n + 1, np.int64)
    rep.cells, rep.values = np.zeros(3 * n * n, np.int64), np.zeros(lanes(3 * n * n))
    rep.work = np.zeros((4, lanes(2 * n * (n - 1))))
    d = n * (n - 1)
    size = lanes(noise_block(d) * d + LANES)
    rep.normals, rep.tails, rep.middles = np.zeros(size), np.zeros(size), np.zeros(size)
    rep.normal_from, rep.normal_to, rep.normal_steps = 0, 0, 1
    return rep
