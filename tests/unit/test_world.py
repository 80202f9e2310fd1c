"""sim.core.world: a scenario compiled into channels and arrays, on the tiny world of tests/unit/conftest.py."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim.core.world import PolicySchedule, compile_world
from sim.scenario.load import validate_raw


def names(world, channels) -> list[str]:
    return [world.channel_name(c) for c in channels]


def test_channels_are_what_can_be_emitted_closed_under_answering(tiny):
    """Background first (AA:BB:promise, BB:CC:demand; CC -> AA's gift has probability 0 and is left out), then the
    policy's bundle (AA:CC:demand, AA:CC:criticize), then the answers, newest first: criticism answers criticism in
    kind (CC:AA), a demand is answered by criticism (CC:BB, and BB:CC in return), a promise by a promise (BB:AA)."""
    world = compile_world(tiny)
    assert names(world, range(len(world.channels))) == [
        "AA:BB:promise",
        "BB:CC:demand",
        "AA:CC:demand",
        "AA:CC:criticize",
        "CC:AA:criticize",
        "CC:BB:criticize",
        "BB:CC:criticize",
        "BB:AA:promise",
    ]
    assert names(world, world.answer) == [
        "BB:AA:promise",
        "CC:BB:criticize",
        "CC:AA:criticize",
        "CC:AA:criticize",
        "AA:CC:criticize",
        "BB:CC:criticize",
        "CC:BB:criticize",
        "AA:BB:promise",
    ]
    assert names(world, world.background) == ["AA:BB:promise", "BB:CC:demand"]
    np.testing.assert_array_equal(world.background_prob, [0.3, 0.2])
    assert names(world, world.policies[0].channels) == ["AA:CC:demand", "AA:CC:criticize"]


def test_weights_replies_and_calm_per_channel(tiny):
    """w = credibility * goldstein / 10: promise 0.5 * 10 / 10 = 0.5, demand -0.5, criticize 0.5 * -4 / 10 = -0.2;
    to an audience w * credibility: 0.25, -0.5, -0.1. Replies follow the receiver's table: BB answers hostility
    with probability 1 and cooperation with the default 0.3, at scale 0.5; the others never (scale 0.8)."""
    world = compile_world(tiny)
    np.testing.assert_allclose(world.weight, [0.5, -0.5, -0.5, -0.2, -0.2, -0.2, -0.2, 0.5])
    np.testing.assert_allclose(world.audience_weight, [0.25, -0.5, -0.5, -0.1, -0.1, -0.1, -0.1, 0.25])
    np.testing.assert_allclose(world.calming, [0.2, 0, 0, 0, 0, 0, 0, 0.2])
    np.testing.assert_allclose(world.reply_prob, [0.3, 0, 0, 0, 0, 1.0, 0, 0])
    np.testing.assert_allclose(world.reply_scale, [0.5, 0.8, 0.8, 0.8, 0.8, 0.5, 0.8, 0.8])


def test_trust_arrays_by_observer_and_target(tiny):
    """Initial trust as log-odds (0.75 -> ln 3), ranges, dependence, stated baselines (AA -> CC at 0.6: ln 1.5) and
    noise: the dyad's own sigma (0.2) or the parameter's (0.05), none on the diagonal."""
    world = compile_world(tiny)
    assert world.actors == ["AA", "BB", "CC"] and world.n == 3
    assert world.l_init[0, 1] == pytest.approx(math.log(3)) and world.l_init[1, 0] == pytest.approx(-math.log(3))
    assert (world.t_low[0, 1], world.t_high[0, 1]) == (0.5, 0.9)
    assert world.dependence[0, 1] == 0.4 and world.dependence[1, 0] == 0.0
    np.testing.assert_array_equal(world.baseline_fixed, [[0, 0, 1], [0, 0, 0], [0, 0, 0]])
    assert world.l_fixed[0, 2] == pytest.approx(math.log(1.5))
    np.testing.assert_allclose(world.sigma, [[0, 0.2, 0.05], [0.05, 0, 0.05], [0.05, 0.05, 0]])


def test_the_status_quo_world_leaves_the_interventions_out(tiny):
    """interventions=False: no policies, no bundle channels, so the channels are the background's and their answers."""
    world = compile_world(tiny, interventions=False)
    assert world.policies == []
    assert names(world, range(len(world.channels))) == [
        "AA:BB:promise",
        "BB:CC:demand",
        "CC:BB:criticize",
        "BB:CC:criticize",
        "BB:AA:promise",
    ]


def test_a_scenario_may_switch_off_background_and_replies(tiny):
    """disable: AA's background moves go (and its channel with them); BB no longer answers CC."""
    raw = tiny.model_dump()
    raw["disable"] = {"background": ["AA"], "reciprocity": ["BB->CC"]}
    world = compile_world(validate_raw(raw))
    assert names(world, world.background) == ["BB:CC:demand"]
    assert "AA:BB:promise" not in names(world, range(len(world.channels)))
    replies = dict(zip(names(world, range(len(world.channels))), world.reply_prob, strict=True))
    assert replies["CC:BB:criticize"] == 0.0
    assert compile_world(validate_raw(raw), interventions=False).background.tolist() == [0, 1]  # calibration sees all


def test_schedules_act_every_few_steps_within_their_window(tiny):
    """start 2, end 10, every 3: steps 2, 5 and 8."""
    policy = compile_world(tiny).policies[0]
    assert [t for t in range(1, 15) if policy.active(t)] == [2, 5, 8]
    assert policy.name == "policy0:AA:pressure:CC"


def test_a_profile_holds_or_interpolates_its_intensity():
    """Points (3, 1.0) and (7, 3.0): held, 1.0 before and at 3, 1.0 at 6, 3.0 from 7; linear, 2.0 at 5."""
    common = dict(name="p", actor=0, channels=np.zeros(1, np.intp), start=1, end=None, every=1, probability=1.0)
    points = dict(profile_steps=np.array([3.0, 7.0]), profile_values=np.array([1.0, 3.0]))
    held = PolicySchedule(**common, intensity=1.0, **points)
    assert [held.intensity_at(t) for t in (1, 3, 6, 7, 20)] == [1.0, 1.0, 1.0, 3.0, 3.0]
    linear = PolicySchedule(**common, intensity=1.0, **points, interpolate="linear")
    assert [linear.intensity_at(t) for t in (1, 5, 9)] == [1.0, 2.0, 3.0]
    assert PolicySchedule(**common, intensity=0.4).intensity_at(5) == 0.4
