"""sim.core.draws: every random decision of a world named, grouped by kind, and its draws pinned."""

from __future__ import annotations

import numpy as np

import sim
from sim.core.draws import StreamLayout, stream_names
from sim.core.world import compile_world


def test_stream_names_name_every_decision_of_the_tiny_world(tiny):
    """Background and replies by channel, the policy by its name; no rules or events; noise per directed dyad."""
    names = stream_names(compile_world(tiny))
    assert names["background"] == ["AA:BB:promise", "BB:CC:demand"]
    assert names["reply"][:3] == ["AA:BB:promise", "BB:CC:demand", "AA:CC:demand"]
    assert names["policy"] == ["policy0:AA:pressure:CC"]
    assert names["rule"] == names["event"] == names["trigger"] == names["shock"] == []
    assert names["noise"] == ["AA:BB", "AA:CC", "BB:AA", "BB:CC", "CC:AA", "CC:BB"]


def test_stream_layout_names_every_decision_and_pins_its_draws():
    world = compile_world(sim.load_scenario("baseline"))
    layout = StreamLayout(world, seed=1, replications=np.arange(2))
    assert layout.names["uniform"][0] == "background:USA:PAK:dialogue"
    assert layout.names["normal"][-1] == "noise:IND:CHN"
    assert list(layout.blocks) == ["background", "reply", "rule", "policy", "event", "trigger", "shock", "noise"]
    draws = layout.draw(1)
    assert draws["noise"].shape == (2, 12) and draws["policy"].shape == (2, 0)
    np.testing.assert_allclose(draws["background"][0, :3], [0.38331658, 0.70342068, 0.57827038], atol=1e-8)
    np.testing.assert_allclose(draws["reply"][0, :3], [0.89270526, 0.45277905, 0.05171228], atol=1e-8)
    np.testing.assert_allclose(draws["noise"][0, :2], [1.97461872, -0.74121955], atol=1e-8)
    assert layout.draw(1, noise=False)["noise"].shape == (2, 0)


def test_a_named_stream_is_the_same_whatever_else_the_layout_holds():
    plain = StreamLayout(compile_world(sim.load_scenario("baseline")), seed=4, replications=np.arange(3))
    more = StreamLayout(compile_world(sim.load_scenario("dialogue")), seed=4, replications=np.arange(3))
    name = "reply:USA:PAK:dialogue"
    u_plain = plain.draw(7)["reply"][:, plain.names["uniform"].index(name) - plain.blocks["reply"][1].start]
    u_more = more.draw(7)["reply"][:, more.names["uniform"].index(name) - more.blocks["reply"][1].start]
    assert np.array_equal(u_plain, u_more)
