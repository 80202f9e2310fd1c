"""sim.core.signals: what observers see of scripted moves, their surprise and their habits, worked out by hand.

The tiny world (tests/unit/conftest.py): actors AA, BB, CC; promise w +0.5 (to an audience 0.25), demand -0.5,
criticize -0.2 (audience -0.1). Saturation x0 = 1, so f(x) = sign(x) ln(1 + |x|).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim.core import signals
from sim.core.world import compile_world

AA, BB, CC = 0, 1, 2


def scripted(world, intensity: dict[str, float]) -> np.ndarray:
    """One replication's moves [1, C] from channel names ("AA:BB:promise") and intensities."""
    names = [world.channel_name(c) for c in range(len(world.channels))]
    moves = np.zeros((1, len(names)))
    for name, value in intensity.items():
        moves[0, names.index(name)] = value
    return moves


@pytest.fixture
def seen(tiny) -> signals.Signals:
    """AA promises BB, demands of CC at intensity 2 and criticizes it; BB promises AA. Stances: BB dislikes CC
    (s[BB, CC] = -0.5), CC likes BB (0.4) and AA (0.2)."""
    world = compile_world(tiny)
    moves = scripted(world, {"AA:BB:promise": 1.0, "AA:CC:demand": 2.0, "AA:CC:criticize": 1.0, "BB:AA:promise": 1.0})
    stance = np.zeros((1, 3, 3))
    stance[0, BB, CC], stance[0, CC, BB], stance[0, CC, AA] = -0.5, 0.4, 0.2
    return signals.observe(moves, world, stance, 1.0)


def test_observers_see_the_friendly_and_hostile_parts_of_what_each_actor_did_to_them(seen):
    """coop[BB, AA] = f(0.5) = ln 1.5 (AA's promise), coop[AA, BB] = ln 1.5 (BB's); the hostile flow from AA to CC
    is summed before the concave response: host[CC, AA] = f(-0.5 * 2 - 0.2) = -ln 2.2."""
    assert seen.coop[0, BB, AA] == pytest.approx(math.log(1.5))
    assert seen.coop[0, AA, BB] == pytest.approx(math.log(1.5))
    assert seen.host[0, CC, AA] == pytest.approx(-math.log(2.2))
    assert seen.coop[0, CC, AA] == 0.0 and seen.host[0, BB, AA] == 0.0
    assert (seen.coop >= 0).all() and (seen.host <= 0).all()


def test_the_audience_flow_weighs_what_an_actor_did_to_others_by_the_observers_stance(seen):
    """To an audience AA did 0.25 to BB and -0.5 * 2 - 0.1 = -1.1 to CC; BB did 0.25 to AA.
    audience[BB, AA] = s[BB, CC] f(-1.1) = -0.5 * -ln 2.1 = 0.370968 (BB approves of pressure on CC, whom it dislikes);
    audience[CC, AA] = s[CC, BB] f(0.25) = 0.4 ln 1.25 = 0.089257; audience[CC, BB] = s[CC, AA] f(0.25) = 0.044629;
    AA sees nothing of BB toward a third party (BB did nothing to CC)."""
    assert seen.audience[0, BB, AA] == pytest.approx(0.5 * math.log(2.1))
    assert seen.audience[0, CC, AA] == pytest.approx(0.4 * math.log(1.25))
    assert seen.audience[0, CC, BB] == pytest.approx(0.2 * math.log(1.25))
    assert seen.audience[0, AA, BB] == 0.0


def test_direct_surprise_weighs_unexpected_hostility_by_negativity_only(seen):
    """Expected: Ec[BB, AA] = 0.2, Eh[CC, AA] = -0.5, Eh[AA, BB] = -0.3; negativity 2.
    [BB, AA]: ln 1.5 - 0.2 = 0.205465 (more cooperation than expected);
    [CC, AA]: 2 (-ln 2.2 + 0.5) = -0.576915 (more hostility than expected, doubled);
    [AA, BB]: ln 1.5 + (0 + 0.3) = 0.705465 (less hostility than expected counts at face value);
    [AA, CC]: 0 - Ec 0.1 = -0.1 (a shortfall of cooperation at face value too)."""
    zeros = np.zeros((1, 3, 3))
    expected = signals.Expectations(zeros.copy(), zeros.copy(), zeros.copy())
    expected.coop[0, BB, AA], expected.coop[0, AA, CC] = 0.2, 0.1
    expected.host[0, CC, AA], expected.host[0, AA, BB] = -0.5, -0.3
    out = signals.direct_surprise(seen, expected, 2.0)
    assert out[0, BB, AA] == pytest.approx(math.log(1.5) - 0.2)
    assert out[0, CC, AA] == pytest.approx(2 * (0.5 - math.log(2.2)))
    assert out[0, AA, BB] == pytest.approx(math.log(1.5) + 0.3)
    assert out[0, AA, CC] == pytest.approx(-0.1)


def test_expectations_learn_toward_what_was_seen_and_habits_sum_the_direct_flows(seen):
    """eta 0.5 from zero: Ec[BB, AA] = ln 1.5 / 2, Eh[CC, AA] = -ln 2.2 / 2, Ea[BB, AA] = 0.185484;
    the habit of [CC, AA] is Ec + Eh = -ln 2.2 / 2 (negativity does not weigh habits)."""
    expected = signals.Expectations(*(np.zeros((3, 3)),) * 3).broadcast(1)
    expected.learn(seen, 0.5)
    assert expected.coop[0, BB, AA] == pytest.approx(math.log(1.5) / 2)
    assert expected.host[0, CC, AA] == pytest.approx(-math.log(2.2) / 2)
    assert expected.audience[0, BB, AA] == pytest.approx(0.25 * math.log(2.1))
    assert signals.habituated(expected)[0, CC, AA] == pytest.approx(-math.log(2.2) / 2)


def test_a_template_broadcasts_to_independent_copies_per_replication():
    template = signals.Expectations(np.eye(2), np.zeros((2, 2)), np.ones((2, 2)))
    copies = template.broadcast(3)
    assert copies.coop.shape == (3, 2, 2)
    copies.coop[0, 0, 0] = 9.0
    assert copies.coop[1, 0, 0] == 1.0 and template.coop[0, 0] == 1.0
