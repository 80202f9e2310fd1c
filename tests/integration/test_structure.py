"""Structure: calibration beside the engine without an import cycle, named random streams with known answers,
and Mesa's conventions for `rng=None`."""

from __future__ import annotations

import subprocess
import sys

import mesa
import numpy as np
import pytest

import sim
from sim.core import kernel
from sim.core.draws import StreamLayout
from sim.core.world import compile_world
from sim.util.rng import Streams, mix, replication_keys


def _modules_after(statement: str) -> set[str]:
    code = f"import sys; {statement}; print(' '.join(m for m in sys.modules if m.startswith('sim')))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(done.stdout.split())


def test_engine_and_calibration_do_not_import_the_model():
    assert "sim.core.model" not in _modules_after("import sim.core.calibration")
    assert not {"sim.core.model", "sim.core.calibration"} & _modules_after("import sim.core.engine")


def test_splitmix64_known_answers():
    """SplitMix64 from state 0 (Steele, Lea and Flood 2014): the reference generator's first outputs."""
    gamma = 0x9E3779B97F4A7C15
    states = np.array([gamma, (2 * gamma) % 2**64, (3 * gamma) % 2**64], dtype=np.uint64)
    assert [hex(int(x)) for x in mix(states)] == ["0xe220a8397b1dcdaf", "0x6e789e6aa1b965f4", "0x6c45d188009454f"]


def test_stream_layout_names_every_decision_and_pins_its_draws():
    world = compile_world(sim.load_scenario("baseline"))
    layout = StreamLayout(world)
    assert layout.names[0] == "background:USA:PAK:dialogue"
    assert layout.names[-1] == "noise:IND:CHN"
    assert list(layout.blocks) == ["background", "reply", "rule", "policy", "event", "trigger", "shock", "noise"]
    assert layout.blocks["noise"].stop - layout.blocks["noise"].start == 12
    assert layout.blocks["policy"].start == layout.blocks["policy"].stop
    bases = kernel.stream_bases(replication_keys(1, [0]), layout.ids)[0]

    def draws(kind: str, count: int, draw=kernel.uniform) -> list[float]:
        return [draw(bases, layout.offset(kind) + i, 1) for i in range(count)]

    np.testing.assert_allclose(draws("background", 3), [0.38331658, 0.70342068, 0.57827038], atol=1e-8)
    np.testing.assert_allclose(draws("reply", 3), [0.89270526, 0.45277905, 0.05171228], atol=1e-8)
    np.testing.assert_allclose(draws("noise", 2, kernel.normal), [1.97461872, -0.74121955], atol=1e-8)


def test_the_kernel_draws_what_the_numpy_streams_draw():
    world = compile_world(sim.load_scenario("baseline"))
    layout = StreamLayout(world)
    keys = replication_keys(5, [0, 3])
    bases = kernel.stream_bases(keys, layout.ids)
    expected = Streams(keys, layout.names).uniform(9)
    got = [[kernel.uniform(bases[r], i, 9) for i in range(len(layout.names))] for r in range(2)]
    assert np.array_equal(np.array(got), expected)


def test_a_named_stream_is_the_same_whatever_else_the_layout_holds():
    plain = StreamLayout(compile_world(sim.load_scenario("baseline")))
    more = StreamLayout(compile_world(sim.load_scenario("dialogue")))
    name = "reply:USA:PAK:dialogue"
    keys = replication_keys(4, [0, 1, 2])
    draws = [
        [kernel.uniform(kernel.stream_bases(keys, layout.ids)[r], layout.names.index(name), 7) for r in range(3)]
        for layout in (plain, more)
    ]
    assert draws[0] == draws[1] and len(plain.names) != len(more.names)


@pytest.mark.filterwarnings("ignore:The `iterations` keyword:DeprecationWarning")
def test_batch_run_iterations_gives_different_runs():
    """`rng=None` means a fresh seed, so N iterations (or `rng=[None] * N`) are N different runs."""
    rows = mesa.batch_run(
        sim.DiplomacyModel, parameters={"scenario": "baseline"}, iterations=3, max_steps=12, display_progress=False
    )
    assert len({r["trust_PAK_USA"] for r in rows}) == 3
