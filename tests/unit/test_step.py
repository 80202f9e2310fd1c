"""Whole steps of the engine on known answers: tiny worlds, scripted moves, trust computed by hand.

Each test writes its world in TOML, scripts the moves (policies with probability 1 at fixed steps, an event at a
fixed step, replies with probability 1), runs it through the public engine (`sim.run`) and checks the trust after
every step against docs/MODEL.md's equations worked out in its docstring. The parameters keep the arithmetic short:

    alpha 1, half_life 1 (lam = 1 - 2^-1 = 0.5), habituation 1 (eta = 0.5), negativity 2,
    level_gain G = 2, level_range K = 0.5, saturation x0 = 1 (f(x) = sign(x) ln(1 + |x|)), sigma 0.

With lam = 0.5 the update L' = L + push - lam (L - level) is L' = L/2 + push + level/2, and the level is
L0 + K tanh(G alpha (Ec + Eh) / K) = L0 + 0.5 tanh(4 (Ec + Eh)) (no audience with two actors; mu 0 elsewhere).
The worlds have no background moves, so the status quo is empty: every observer starts expecting nothing
(Ec0 = Eh0 = Ea0 = 0) and the calibrated baseline is the essay's level, L0 = logit(initial) (with sigma 0:
the variance term of the calibration vanishes), unless the dyad states its `baseline`, which calibration keeps.
Trust is recorded as float32, hence the tolerance.
"""

from __future__ import annotations

import math
import tomllib

import numpy as np
import pytest

import sim
from sim.core import kdraws
from sim.scenario.load import validate_raw
from sim.util.rng import replication_keys, stream_ids

TOLERANCE = 5e-7  # float32 trust near 0.5: a spacing of 6e-8

PARAMETERS = """
[parameters]
alpha = 1.0
mu = 0.0
beta = 0.0
sigma = 0.0
half_life = 1.0
habituation = 1.0
negativity = 2.0
level_gain = 2.0
level_range = 0.5
saturation = 1.0
"""

# AA -> BB starts at 0.6 and its baseline is calibrated; BB -> AA starts at 0.75 (ln 3) with a stated baseline of
# 0.5 (L0 = 0). Weights w = credibility * goldstein / 10: gift +1, snub -0.5, demand -0.5, threaten -0.6,
# criticize -0.2, talk 0 (it only calms). Only BB replies (probability 1, at half the intensity received);
# demands and threats are answered by criticism, anything else in kind.
TWO = """
[world.actors.AA]
name = "A"
[world.actors.BB]
name = "B"
[world.trust.AA.BB]
initial = 0.6
low = 0.1
high = 0.9
inferred = "a test"
[world.trust.BB.AA]
initial = 0.75
low = 0.1
high = 0.9
baseline = 0.5
inferred = "a test"
[world.moves]
gift = { cameo = "071", goldstein = 10.0, credibility = 1.0 }
snub = { cameo = "160", goldstein = -5.0, credibility = 1.0 }
demand = { cameo = "100", goldstein = -5.0, credibility = 1.0 }
threaten = { cameo = "130", goldstein = -6.0, credibility = 1.0 }
criticize = { cameo = "111", goldstein = -4.0, credibility = 0.5 }
talk = { cameo = "040", goldstein = 0.0, credibility = 0.5, calming = 0.5 }
[world.reciprocity]
hostile = 0.0
cooperative = 0.0
answers = { demand = "criticize", threaten = "criticize" }
[world.reciprocity.actors.BB]
hostile = 1.0
cooperative = 1.0
scale = 0.5
"""


NO_REPLIES = '[disable]\nreciprocity = ["BB"]\n'


def policy(actor: str, move: str, target: str, start: int, end: int | None = None, **more: object) -> str:
    """A `[[policies]]` table: `move` from actor to target from step `start` (to `end`), with probability 1."""
    lines = [f'actor = "{actor}"', f'move = "{move}"', f'target = "{target}"', f"start = {start}"]
    lines += [f"end = {end}"] if end is not None else []
    lines += [f"{key} = {value}" for key, value in more.items()]
    return "\n".join(["[[policies]]", *lines, ""])


def scenario(world: str, interventions: str, *, steps: int, parameters: str = PARAMETERS) -> sim.Scenario:
    """A scenario from TOML text: run settings, the parameters, an embedded world and the scripted moves."""
    text = f'name = "known_answer"\nsteps = {steps}\nseed = 5\n{parameters}{world}{interventions}'
    return validate_raw(tomllib.loads(text))


def trust(spec: sim.Scenario, observer: str, target: str) -> np.ndarray:
    """Trust of observer in target at steps 0..steps, for one replication."""
    return sim.run(spec, replications=1).trust.sel(replication=0, observer=observer, target=target).values


def normals(name: str, steps: int) -> list[float]:
    """The draws of one named normal stream ("noise:AA:BB") at steps 1..steps, for replication 0 of seed 5."""
    bases = kdraws.stream_bases(replication_keys(5, [0]), stream_ids([name]))
    return [kdraws.normal(bases[0], 0, t) for t in range(1, steps + 1)]


def logistic(log_odds: float) -> float:
    return 1.0 / (1.0 + math.exp(-log_odds))


def test_a_gift_then_a_snub_move_trust_by_surprise_habit_and_decay():
    """AA gives BB a gift at step 1 and snubs it at step 3; BB's replies are switched off.

    BB -> AA: start ln 3 = 1.098612, level L0 = 0 (stated baseline 0.5).
    step 1: Sc = f(1) = ln 2 = 0.693147, Ec = 0: surprise ln 2; level 0.
            L1 = ln 3 / 2 + ln 2 = 1.242453, T1 = 0.775991.                       Ec <- ln 2 / 2 = 0.346574
    step 2: nothing: a shortfall of cooperation counts at face value, surprise -0.346574;
            level 0.5 tanh(4 * 0.346574) = 0.5 tanh(ln 4) = 0.5 * 15/17 = 0.441176;
            L2 = 1.242453 / 2 - 0.346574 + 0.441176 / 2 = 0.495241, T2 = 0.621340.  Ec <- 0.173287
    step 3: Sh = f(-0.5) = -ln 1.5 = -0.405465: surprise (0 - 0.173287) + 2 * (-0.405465) = -0.984217;
            level 0.5 tanh(4 * 0.173287) = 0.5 tanh(ln 2) = 0.5 * 3/5 = 0.3;
            L3 = 0.495241 / 2 - 0.984217 + 0.15 = -0.586596, T3 = 0.357416.   Ec <- 0.086643, Eh <- -0.202733
    step 4: nothing: less hostility than expected is not weighed up, surprise -0.086643 + 0.202733 = 0.116089;
            level 0.5 tanh(4 * (0.086643 - 0.202733)) = 0.5 * -49/113 = -0.216814;
            L4 = -0.586596 / 2 + 0.116089 - 0.108407 = -0.285616, T4 = 0.429077.
    AA -> BB: BB does nothing, so trust stays at its level 0.6.
    """
    spec = scenario(
        TWO,
        NO_REPLIES + policy("AA", "gift", "BB", 1, 1) + policy("AA", "snub", "BB", 3, 3),
        steps=4,
    )
    expected = [0.75, 0.775991, 0.621340, 0.357416, 0.429077]
    np.testing.assert_allclose(trust(spec, "BB", "AA"), expected, atol=1e-6)
    np.testing.assert_allclose(trust(spec, "AA", "BB"), [0.6] * 5, atol=TOLERANCE)
    # the same from the log-odds, unrounded
    l1 = math.log(3) / 2 + math.log(2)
    l2 = l1 / 2 - math.log(2) / 2 + 0.5 * 15 / 17 / 2
    l3 = l2 / 2 - (math.log(2) / 4 + 2 * math.log(1.5)) + 0.3 / 2
    l4 = l3 / 2 + (math.log(1.5) / 2 - math.log(2) / 8) - 49 / 226 / 2
    np.testing.assert_allclose(trust(spec, "BB", "AA")[1:], [logistic(x) for x in (l1, l2, l3, l4)], atol=TOLERANCE)


def test_trust_is_clipped_after_the_noise_and_the_next_step_starts_from_the_bound():
    """A gift at intensity 10 with l_max = 1.5 and sigma 0.1 (BB's replies off); eps_t is the draw of the named
    stream "noise:BB:AA" at step t (replication 0, seed 5).

    BB -> AA, step 1: L = ln 3 / 2 + f(10) + 0.1 eps1 = 0.549306 + ln 11 + 0.1 eps1 = 2.947201 + 0.1 eps1, clipped
            to 1.5 (noise first, then the bound): T1 = 0.817574.                  Ec <- ln 11 / 2 = 1.198948
    step 2: surprise -1.198948; level 0.5 tanh(4 * 1.198948) = 0.5 * 0.999863 = 0.499932;
            L2 = 1.5 / 2 - 1.198948 + 0.249966 + 0.1 eps2 = -0.198982 + 0.1 eps2.
    """
    spec = scenario(
        TWO,
        NO_REPLIES + policy("AA", "gift", "BB", 1, 1, intensity=10.0),
        steps=2,
        parameters=PARAMETERS.replace("sigma = 0.0", "sigma = 0.1") + "l_max = 1.5\n",
    )
    eps = normals("noise:BB:AA", 2)
    l2 = 0.75 - math.log(11) / 2 + 0.25 * math.tanh(2 * math.log(11))
    assert l2 == pytest.approx(-0.198982, abs=1e-6)
    np.testing.assert_allclose(
        trust(spec, "BB", "AA"), [0.75, logistic(1.5), logistic(l2 + 0.1 * eps[1])], atol=TOLERANCE
    )


def test_replies_come_one_step_later_add_up_and_respect_the_floor():
    """AA demands (w -0.5) and threatens (w -0.6) at step 1, and demands at intensity 0.3 at step 3. BB answers
    both step-1 moves with criticism at step 2, each at half their intensity: 0.5 + 0.5 = 1.0 (replies add up);
    the weak demand would draw 0.15 < reply_floor 0.2, so no reply at step 4.

    BB -> AA, step 1: the hostile flow is summed before the concave response: W- = -1.1, Sh = -ln 2.1 = -0.741937;
            surprise 2 * -0.741937; L1 = ln 3 / 2 - 1.483875 = -0.934569, T1 = 0.281999.
    AA -> BB (L0 = start = logit 0.6 = ln 1.5 = 0.405465):
    step 1: BB does nothing: L1 = ln 1.5, T1 = 0.6.
    step 2: criticism at intensity 1.0: W- = -0.2, Sh = -ln 1.2 = -0.182322; surprise 2 * -0.182322;
            L2 = ln 1.5 - 0.364643 = 0.040822, T2 = 0.510204.                       Eh <- -0.091161
    step 3: nothing: surprise +0.091161; level ln 1.5 + 0.5 tanh(-0.364643) = 0.405465 - 0.174649 = 0.230816;
            L3 = 0.020411 + 0.091161 + 0.115408 = 0.226980, T3 = 0.556503.           Eh <- -0.045580
    step 4: nothing again: surprise +0.045580; level ln 1.5 + 0.5 tanh(-0.182322) = 0.405465 - 0.090164 = 0.315301;
            L4 = 0.113490 + 0.045580 + 0.157651 = 0.316721, T4 = 0.578525.
    Had only the last of the two replies counted, W- would be -0.1 and T2 = 0.553506.
    """
    spec = scenario(
        TWO,
        policy("AA", "demand", "BB", 1, 1)
        + policy("AA", "threaten", "BB", 1, 1)
        + policy("AA", "demand", "BB", 3, 3, intensity=0.3),
        steps=4,
    )
    res = sim.run(spec, replications=1)
    np.testing.assert_allclose(
        res.trust.sel(replication=0, observer="AA", target="BB").values,
        [0.6, 0.6, 0.510204, 0.556503, 0.578525],
        atol=1e-6,
    )
    bb_aa = res.trust.sel(replication=0, observer="BB", target="AA").values
    assert bb_aa[1] == pytest.approx(logistic(math.log(3) / 2 - 2 * math.log(2.1)), abs=TOLERANCE)
    made = res.moves.sel(replication=0)
    assert made.sel(actor="BB", move="criticize").values.tolist() == [0, 0, 1, 0, 0]
    assert made.sel(actor="AA", move="demand").values.tolist() == [0, 1, 0, 1, 0]
    assert int(made.sel(actor="AA").sum()) == 3  # AA never replies


def test_an_event_adds_its_shock_and_its_triggered_moves_in_its_step():
    """A fixed-step event at step 2: a shock of -0.4 on BB -> AA and a gift from AA to BB at intensity 0.5.

    BB -> AA, step 1: nothing: L1 = ln 3 / 2 = 0.549306, T1 = 0.633975.
    step 2: Sc = f(0.5) = ln 1.5 = 0.405465, push = 0.405465 - 0.4 = 0.005465; level 0;
            L2 = 0.274653 + 0.005465 = 0.280118, T2 = 0.569575.
    BB's reply (a gift back at 0.25) comes at step 3: AA -> BB, Sc = ln 1.25 = 0.223144:
            L3 = ln 1.5 + 0.223144 (its level is still L0: the habit forms after the step), T3 = 0.652174.
    """
    spec = scenario(
        TWO,
        """
[events.windfall]
at = [2]
inferred = "a test"
shocks = [{ observer = "BB", target = "AA", delta = -0.4 }]
triggers = [{ actor = "AA", move = "gift", target = "BB", intensity = 0.5 }]
""",
        steps=3,
    )
    res = sim.run(spec, replications=1)
    np.testing.assert_allclose(
        res.trust.sel(replication=0, observer="BB", target="AA").values[:3],
        [0.75, logistic(math.log(3) / 2), logistic(math.log(3) / 4 + math.log(1.5) - 0.4)],
        atol=TOLERANCE,
    )
    assert res.trust.sel(replication=0, observer="AA", target="BB").values[3] == pytest.approx(
        logistic(math.log(1.5) + math.log(1.25)), abs=TOLERANCE
    )
    assert res.events.sel(replication=0, event="windfall").values.tolist() == [0, 0, 1, 0]
    assert res.moves.sel(replication=0, actor="BB", move="gift").values.tolist() == [0, 0, 0, 1]


def test_dialogue_calms_the_misperception_noise_of_its_own_step_and_fades():
    """sigma 0.1 on both dyads, noise_reduction 1, calm_half_life 1 (calm decays by half a step); AA talks to BB
    at step 1, and both talk at step 3. Talk weighs 0, so trust moves only by decay and noise.

    Calm C (symmetric): step 1: 0.5; step 2: 0.25; step 3: min(1, 0.125 + 0.5 + 0.5) = 1.
    Noise sd = 0.1 (1 - C): 0.05, 0.075, 0.
    Levels: BB -> AA keeps its stated baseline L0 = 0. AA -> BB is calibrated so that mean trust stays 0.6 under
    the noise: v = sigma^2 / (1 - (1 - lam)^2) = 0.01 / 0.75, L0 = ln 1.5 * sqrt(1 + pi v / 8) = 0.406525.
    The normal draws eps are the named streams "noise:AA:BB" and "noise:BB:AA" of replication 0 of seed 5.
    L_t = L_{t-1} / 2 + L0 / 2 + sd_t eps_t.
    """
    spec = scenario(
        TWO,
        policy("AA", "talk", "BB", 1, every=2) + policy("BB", "talk", "AA", 3),
        steps=3,
        parameters=PARAMETERS.replace("sigma = 0.0", "sigma = 0.1") + "noise_reduction = 1.0\ncalm_half_life = 1.0\n",
    )
    eps = np.array([normals("noise:AA:BB", 3), normals("noise:BB:AA", 3)]).T  # [step, dyad]
    sd = [0.05, 0.075, 0.0]
    l0 = math.log(1.5) * math.sqrt(1 + math.pi * (0.01 / 0.75) / 8)
    assert l0 == pytest.approx(0.406525, abs=1e-6)
    for (observer, target), start, level, column in (
        (("AA", "BB"), math.log(1.5), l0, 0),
        (("BB", "AA"), math.log(3), 0.0, 1),
    ):
        expected, log_odds = [], start
        for t in range(3):
            log_odds = log_odds / 2 + level / 2 + sd[t] * eps[t, column]
            expected.append(logistic(log_odds))
        np.testing.assert_allclose(trust(spec, observer, target)[1:], expected, atol=TOLERANCE)


def test_rules_answer_a_received_move_and_a_trust_threshold():
    """BB answers a demand received with a gift weighted by its dependence on AA (0) or a snub (weight 1): always
    the snub, one step later. AA criticizes BB while its trust in BB is below 0.55 (BB's replies are off).

    AA -> BB: step 2, Sh = -ln 1.5: L2 = ln 1.5 - 2 ln 1.5 = -0.405465, T2 = 0.4 < 0.55, so AA criticizes at
    step 3 (rules read the trust of the step before). Step 3: surprise +0.202733, level ln 1.5 + 0.5 tanh(-0.810930)
    = 0.405465 - 0.335052 = 0.070414: L3 = -0.202733 + 0.202733 + 0.035207 = 0.035207, T3 = 0.508801 < 0.55:
    AA criticizes again at step 4.
    """
    spec = scenario(
        TWO,
        NO_REPLIES
        + policy("AA", "demand", "BB", 1, 1)
        + """
[[rules]]
actor = "BB"
on = "received"
move = "demand"
sender = "AA"
respond = [
    { move = "gift", target = "AA", weight_by = "dependence" },
    { move = "snub", target = "AA" },
]
[[rules]]
actor = "AA"
on = "trust_below"
about = "BB"
threshold = 0.55
respond = [{ move = "criticize", target = "BB" }]
""",
        steps=4,
    )
    res = sim.run(spec, replications=1)
    made = res.moves.sel(replication=0)
    assert made.sel(actor="BB", move="snub").values.tolist() == [0, 0, 1, 0, 0]
    assert made.sel(actor="BB", move="gift").values.tolist() == [0] * 5
    assert made.sel(actor="AA", move="criticize").values.tolist() == [0, 0, 0, 1, 1]
    np.testing.assert_allclose(
        res.trust.sel(replication=0, observer="AA", target="BB").values[2:4], [0.4, 0.508801], atol=1e-6
    )


# Three actors for the audience: BB watches what AA does to CC, weighed by its stance toward CC (T 0.8: s = 0.6).
THREE = """
[world.actors]
AA = { name = "A" }
BB = { name = "B" }
CC = { name = "C" }
[world.trust.AA]
BB = { initial = 0.5, low = 0.1, high = 0.9, inferred = "a test" }
CC = { initial = 0.5, low = 0.1, high = 0.9, inferred = "a test" }
[world.trust.BB]
AA = { initial = 0.5, low = 0.1, high = 0.9, inferred = "a test" }
CC = { initial = 0.8, low = 0.1, high = 0.9, inferred = "a test" }
[world.trust.CC]
AA = { initial = 0.5, low = 0.1, high = 0.9, inferred = "a test" }
BB = { initial = 0.5, low = 0.1, high = 0.9, inferred = "a test" }
[world.moves]
promise = { cameo = "057", goldstein = 10.0, credibility = 0.5 }
[world.reciprocity]
hostile = 0.0
cooperative = 0.0
"""


def test_the_audience_weighs_what_an_actor_does_to_third_parties_by_its_stance_toward_them():
    """AA promises CC (w = 0.5 * 10 / 10 = 0.5; to an audience w * credibility = 0.25) at step 1; mu = 0.5.

    CC -> AA (direct): Sc = f(0.5) = ln 1.5, L1 = 0 / 2 + ln 1.5 = 0.405465, T1 = 0.6.
    BB -> AA (audience): Sa = f(0.25) * s[BB, CC] = ln 1.25 * 0.6 = 0.133886; L1 = mu Sa = 0.066943, T1 = 0.516730.
                                                                             Ea <- 0.066943
    step 2: surprise mu (0 - 0.066943) = -0.033472; the audience's habit moves the level at most K/2 = 0.25:
            level 0.25 tanh(G mu Ea / 0.25) = 0.25 tanh(0.267772) = 0.065389;
            L2 = 0.033472 - 0.033472 + 0.032694 = 0.032694, T2 = 0.508173.
    With BB distrusting CC at the start (initial_state 0.2: s = -0.6) the promise lowers BB's trust in AA:
            L1 = -0.066943, T1 = 0.483270.
    AA -> BB and AA -> CC do not move (nobody acts toward AA).
    """
    promise = policy("AA", "promise", "CC", 1, 1)
    parameters = PARAMETERS.replace("mu = 0.0", "mu = 0.5")
    spec = scenario(THREE, promise, steps=2, parameters=parameters)
    res = sim.run(spec, replications=1).trust.sel(replication=0)
    np.testing.assert_allclose(res.sel(observer="CC", target="AA").values[1], 0.6, atol=TOLERANCE)
    ea = 0.5 * math.log(1.25) * 0.6
    l2 = ea / 2 - ea / 2 + 0.25 * math.tanh(ea / 0.25) / 2
    np.testing.assert_allclose(
        res.sel(observer="BB", target="AA").values, [0.5, logistic(ea), logistic(l2)], atol=TOLERANCE
    )
    np.testing.assert_allclose(res.sel(observer="BB", target="AA").values, [0.5, 0.516730, 0.508173], atol=1e-6)
    np.testing.assert_allclose(res.sel(observer="AA").drop_sel(target="AA").values, 0.5, atol=TOLERANCE)

    distrust = scenario(THREE, promise + "[initial_state.BB]\nCC = 0.2\n", steps=1, parameters=parameters)
    after = sim.run(distrust, replications=1).trust.sel(replication=0, observer="BB", target="AA").values[1]
    assert after == pytest.approx(logistic(-ea), abs=TOLERANCE)


def test_structural_balance_pulls_trust_toward_shared_friends():
    """beta 0.5, nobody moves. Every observer starts at its level except AA -> CC, started at 0.8 (initial_state;
    its level stays logit 0.5 = 0). At the essay's levels every balance term is 0 (only BB -> CC differs from 0.5),
    so the calibrated baselines are the essay's levels.

    step 1: s[AA, CC] = 0.6 and s[BB, CC] = 0.6: B[AA, BB] = s[AA, CC] s[BB, CC] / (N - 2) = 0.36 (and B[BB, AA]);
            L1[AA, BB] = 0 + 0.5 * 0.36 = 0.18, T1 = 0.544879; AA -> CC decays: L1 = ln 4 / 2 = ln 2, T1 = 2/3.
    step 2: s[AA, CC] = 1/3, s[BB, CC] = 0.6 (B[BB, CC] = s[BB, AA] s[CC, AA] = 0): B[AA, BB] = 0.2;
            L2[AA, BB] = 0.18 / 2 + 0.5 * 0.2 = 0.19, T2 = 0.547358.
    """
    spec = scenario(
        THREE, "[initial_state.AA]\nCC = 0.8\n", steps=2, parameters=PARAMETERS.replace("beta = 0.0", "beta = 0.5")
    )
    res = sim.run(spec, replications=1).trust.sel(replication=0)
    np.testing.assert_allclose(res.sel(observer="AA", target="BB").values, [0.5, 0.544879, 0.547358], atol=1e-6)
    np.testing.assert_allclose(res.sel(observer="AA", target="CC").values[1], 2 / 3, atol=TOLERANCE)
    np.testing.assert_allclose(res.sel(observer="BB", target="CC").values, 0.8, atol=TOLERANCE)
