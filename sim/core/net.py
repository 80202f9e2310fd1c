"""A compiled world and its parameters as the flat arrays the kernel reads (sim.core.kstate.Net, parameter rows).

Variable-length lists (an actor's rules, a rule's responses, an event's shocks) become CSR pairs: an index array
and a pointer array whose entries i and i + 1 bound item i's part; an actor's background entries are stored side
by side (with their streams), so a pointer array alone bounds them. The schedule of policies and
fixed-step events becomes tables by step, so the kernel never evaluates a profile.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from sim.core import kmath, kstate
from sim.core.draws import StreamLayout
from sim.core.world import World
from sim.scenario.schema import Parameters

AUDIENCE_SHARE = 0.5  # the audience's habits move the level at most this share of `level_range`


def _csr(groups: Sequence[Sequence[int]]) -> tuple[np.ndarray, np.ndarray]:
    """Pointer and flat index arrays of a list of integer lists."""
    ptr = np.zeros(len(groups) + 1, np.int64)
    ptr[1:] = np.cumsum([len(g) for g in groups])
    flat = np.array([int(x) for g in groups for x in g], np.int64)
    return ptr, flat


def _by_actor(n: int, owners: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
    """For each actor, the indices of the items it owns, in order."""
    return _csr([[i for i, o in enumerate(owners) if o == a] for a in range(n)])


def _f(values: Sequence[float]) -> np.ndarray:
    return np.array(values, np.float64).reshape(-1)


def pack(world: World) -> kstate.Net:
    """The kernel's view of a world."""
    w, n = world, world.n
    ch = w.channels
    layout = StreamLayout(w)
    bg_actor = ch[w.background, 0] if len(w.background) else np.zeros(0, np.int64)
    bg_order = np.argsort(bg_actor, kind="stable")  # each actor's entries side by side, their streams too
    bg_ptr = np.searchsorted(bg_actor[bg_order], np.arange(n + 1)).astype(np.int64)
    ids = layout.ids.copy()
    ids[layout.blocks["background"]] = layout.ids[layout.blocks["background"]][bg_order]
    rule_ptr, rule_index = _by_actor(n, [r.actor for r in w.rules])
    watch_ptr, watch = _csr([r.watch for r in w.rules])
    responses = [x for r in w.rules for x in r.responses]
    resp_ptr = np.zeros(len(w.rules) + 1, np.int64)
    resp_ptr[1:] = np.cumsum([len(r.responses) for r in w.rules])
    resp_ch_ptr, resp_ch = _csr([x[0] for x in responses])
    by = {"dependence": kstate.BY_DEPENDENCE, "trust": kstate.BY_TRUST}
    kinds = {"received": kstate.RECEIVED, "trust_below": kstate.TRUST_BELOW, "trust_above": kstate.TRUST_ABOVE}
    pol_ptr, pol_index = _by_actor(n, [p.actor for p in w.policies])
    pol_ch_ptr, pol_ch = _csr([p.channels for p in w.policies])
    shock_ptr, _ = _csr([range(len(e.shocks)) for e in w.events])
    trig_ptr, _ = _csr([range(len(e.triggers)) for e in w.events])
    shocks = [s for e in w.events for s in e.shocks]
    triggers = [g for e in w.events for g in e.triggers]
    rates = _f([e.rate for e in w.events])
    return kstate.Net(
        n=n,
        n_moves=len(w.moves),
        actor=ch[:, 0].astype(np.int64),
        target=ch[:, 1].astype(np.int64),
        actor_move=(ch[:, 0] * len(w.moves) + ch[:, 2]).astype(np.int64),
        positive=np.maximum(w.weight, 0.0),
        negative=np.minimum(w.weight, 0.0),
        audience_weight=_f(w.audience_weight),
        calming=_f(w.calming),
        answer=w.answer.astype(np.int64),
        reply_prob=_f(w.reply_prob),
        reply_scale=_f(w.reply_scale),
        bg_ptr=bg_ptr,
        bg_channel=w.background[bg_order].astype(np.int64),
        bg_prob=_f(w.background_prob)[bg_order],
        rule_ptr=rule_ptr,
        rule_index=rule_index,
        rule_kind=np.array([kinds[r.on] for r in w.rules], np.int64),
        rule_about=np.array([r.about for r in w.rules], np.int64),
        rule_threshold=_f([r.threshold for r in w.rules]),
        rule_prob=_f([r.probability for r in w.rules]),
        watch_ptr=watch_ptr,
        watch=watch,
        resp_ptr=resp_ptr,
        resp_weight=_f([x[1] for x in responses]),
        resp_by=np.array([by.get(x[2], kstate.BY_NONE) for x in responses], np.int64),
        resp_target=np.array([x[3] for x in responses], np.int64),
        resp_intensity=_f([x[4] for x in responses]),
        resp_ch_ptr=resp_ch_ptr,
        resp_ch=resp_ch,
        pol_ptr=pol_ptr,
        pol_index=pol_index,
        pol_prob=_f([p.probability for p in w.policies]),
        pol_ch_ptr=pol_ch_ptr,
        pol_ch=pol_ch,
        ev_rate=rates,
        ev_p0=_f([kmath.exp(-r) for r in rates]),
        shock_ptr=shock_ptr,
        shock_observer=np.array([s[0] for s in shocks], np.int64),
        shock_target=np.array([s[1] for s in shocks], np.int64),
        shock_delta=_f([s[2] for s in shocks]),
        shock_sd=_f([s[3] for s in shocks]),
        trig_ptr=trig_ptr,
        trig_channel=np.array([g[0] for g in triggers], np.int64),
        trig_prob=_f([g[1] for g in triggers]),
        trig_intensity=_f([g[2] for g in triggers]),
        dependence=np.ascontiguousarray(w.dependence, np.float64),
        stream_ids=ids,
        off_background=layout.offset("background"),
        off_reply=layout.offset("reply"),
        off_rule=layout.offset("rule"),
        off_policy=layout.offset("policy"),
        off_event=layout.offset("event"),
        off_trigger=layout.offset("trigger"),
        off_shock=layout.offset("shock"),
        off_noise=layout.offset("noise"),
    )


@dataclass(frozen=True)
class Schedule:
    """Per step 0..steps: fixed-step event occurrences [T+1, E], policies acting [T+1, P] and their intensity."""

    scheduled: np.ndarray
    active: np.ndarray
    intensity: np.ndarray

    @classmethod
    def of(cls, world: World, steps: int) -> Schedule:
        t = np.arange(steps + 1)
        scheduled = np.array([[s in e.at for e in world.events] for s in t], np.int64).reshape(len(t), -1)
        active = np.array([[p.active(int(s)) for p in world.policies] for s in t], np.bool_).reshape(len(t), -1)
        intensity = np.array([[p.intensity_at(int(s)) for p in world.policies] for s in t], np.float64)
        return cls(scheduled, active, intensity.reshape(len(t), -1))

    @property
    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The tables as the kernel takes them."""
        return self.scheduled, self.active, self.intensity


def parameter_row(p: Parameters) -> np.ndarray:
    """One row of the kernel's parameter table (columns sim.core.kstate.ALPHA...): the parameters and what follows."""
    row = np.zeros(kstate.N_PARAMS)
    row[kstate.ALPHA], row[kstate.MU], row[kstate.BETA] = p.alpha, p.mu, p.beta
    row[kstate.LAM] = kmath.decay_rate(p.half_life)
    row[kstate.ETA] = kmath.decay_rate(p.habituation)
    row[kstate.CALM_DECAY] = kmath.decay_rate(p.calm_half_life)
    row[kstate.NEGATIVITY], row[kstate.SATURATION], row[kstate.L_MAX] = p.negativity, p.saturation, p.l_max
    row[kstate.NOISE_REDUCTION], row[kstate.REPLY_FLOOR] = p.noise_reduction, p.reply_floor
    row[kstate.K_DIRECT] = p.level_range
    row[kstate.K_AUDIENCE] = AUDIENCE_SHARE * p.level_range
    row[kstate.G_ALPHA] = p.level_gain * p.alpha
    row[kstate.G_MU] = p.level_gain * p.mu
    return row


def sigma_of(world: World, p: Parameters) -> np.ndarray:
    """Each dyad's misperception noise under parameters p: its own where it states one, else p.sigma."""
    out = np.where(world.sigma_fixed, world.sigma, p.sigma)
    np.fill_diagonal(out, 0.0)
    return out
