"""sim.core.draws: every random decision of a world named, grouped by kind, and its draws pinned."""

from __future__ import annotations

import numpy as np

import sim
from sim.core import kdraws
from sim.core.draws import StreamLayout, stream_names
from sim.core.world import compile_world
from sim.util.rng import Streams, replication_keys


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
    layout = StreamLayout(world)
    assert layout.names[0] == "background:USA:PAK:dialogue"
    assert layout.names[-1] == "noise:IND:CHN"
    assert list(layout.blocks) == ["background", "reply", "rule", "policy", "event", "trigger", "shock", "noise"]
    assert layout.blocks["noise"].stop - layout.blocks["noise"].start == 12
    assert layout.blocks["policy"].start == layout.blocks["policy"].stop
    bases = kdraws.stream_bases(replication_keys(1, [0]), layout.ids)[0]

    def draws(kind: str, count: int, draw=kdraws.uniform) -> list[float]:
        return [draw(bases, layout.offset(kind) + i, 1) for i in range(count)]

    np.testing.assert_allclose(draws("background", 3), [0.38331658, 0.70342068, 0.57827038], atol=1e-8)
    np.testing.assert_allclose(draws("reply", 3), [0.89270526, 0.45277905, 0.05171228], atol=1e-8)
    np.testing.assert_allclose(draws("noise", 2, kdraws.normal), [1.97461872, -0.74121955], atol=1e-8)


def test_the_kernel_draws_what_the_numpy_streams_draw():
    world = compile_world(sim.load_scenario("baseline"))
    layout = StreamLayout(world)
    keys = replication_keys(5, [0, 3])
    bases = kdraws.stream_bases(keys, layout.ids)
    expected = Streams(keys, layout.names).uniform(9)
    got = [[kdraws.uniform(bases[r], i, 9) for i in range(len(layout.names))] for r in range(2)]
    assert np.array_equal(np.array(got), expected)


def test_a_named_stream_is_the_same_whatever_else_the_layout_holds():
    plain = StreamLayout(compile_world(sim.load_scenario("baseline")))
    more = StreamLayout(compile_world(sim.load_scenario("dialogue")))
    name = "reply:USA:PAK:dialogue"
    keys = replication_keys(4, [0, 1, 2])
    draws = [
        [kdraws.uniform(kdraws.stream_bases(keys, layout.ids)[r], layout.names.index(name), 7) for r in range(3)]
        for layout in (plain, more)
    ]
    assert draws[0] == draws[1] and len(plain.names) != len(more.names)
