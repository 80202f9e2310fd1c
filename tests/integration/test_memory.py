"""Compact storage of runs: float32 trust, small counts, one preallocated recording, and a memory check up front."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import sim
import sim.runs.results
from sim.core import recording
from sim.core.world import compile_world
from sim.scenario.load import load_scenario
from sim.util import memory
from sim.util.errors import ConfigError

ROOT = Path(__file__).resolve().parents[2]


def test_counts_take_the_smallest_unsigned_type_that_holds_them() -> None:
    assert [recording.count_dtype(m) for m in (0, 3, 255, 256, 70_000)] == [
        np.uint8,
        np.uint8,
        np.uint8,
        np.uint16,
        np.uint32,
    ]
    world = compile_world(sim.load_scenario("baseline"))
    assert recording.move_dtype(world) == np.uint8 and recording.event_dtype() == np.uint8
    # 4 actors, 20 moves, 7 events: 64 bytes of trust, 80 of moves, 7 of events per replication and step
    assert state_size(world) == 4 * 4 * 4 + 4 * 20 + 7


def state_size(world) -> int:
    """Bytes one replication's recorded step takes: trust, moves and events of one state of a Recording."""
    one = recording.Recording.allocate(world, 1, 0)
    return one.trust[0, 0].nbytes + one.moves[0, 0].nbytes + one.events[0, 0].nbytes


def test_a_run_is_stored_compactly_and_holds_every_count() -> None:
    res = sim.run("crisis_shock", replications=30, steps=36, seed=4)
    assert res.trust.dtype == np.float32 and res.moves.dtype == np.uint8 and res.events.dtype == np.uint8
    model = sim.DiplomacyModel("crisis_shock", 30, rng=4, steps=36)
    made = []
    for _ in range(36):
        model.step()
        ch = model.world.channels
        made.append(max(np.bincount(ch[:, 0] * 20 + ch[:, 2], weights=row > 0).max() for row in model.moves))
    assert res.moves.values.max() == max(made) > 0  # nothing clipped by the small type
    assert res.events.sel(event="terror_attack_india", step=24).min() >= 1
    np.testing.assert_array_equal(res.trust.values[:, -1], model.trust.astype(np.float32) + np.diag([np.nan] * 4))


def test_a_model_fills_a_recording_it_is_given() -> None:
    world = compile_world(sim.load_scenario("baseline"))
    whole = recording.Recording.allocate(world, 6, 10)
    for start in (0, 3):
        sim.DiplomacyModel(
            "baseline", range(start, start + 3), rng=2, steps=10, record=whole.part(start, start + 3)
        ).run()
    direct = sim.run("baseline", replications=6, steps=10, seed=2)
    np.testing.assert_array_equal(
        np.where(np.isnan(direct.trust.values), 0, direct.trust.values)[:, :, 0, 1:], whole.trust[:, :, 0, 1:]
    )
    np.testing.assert_array_equal(direct.moves.values, whole.moves)
    with pytest.raises(ValueError, match="recording holds 6 x 10"):
        sim.DiplomacyModel("baseline", 5, rng=2, steps=10, record=whole)


def test_summary_is_the_same_whatever_block_of_steps_it_works_on(monkeypatch: pytest.MonkeyPatch) -> None:
    res = sim.run("dialogue", replications=40, steps=24, seed=8)
    whole = res.summary()
    monkeypatch.setattr(sim.runs.tables, "TABLE_BLOCK", 1)  # one step at a time
    np.testing.assert_array_equal(res.summary().to_numpy(), whole.to_numpy())
    values = res.trust.sel(observer="USA", target="CHN").values.astype(np.float64)  # [replication, step]
    row = whole[(whole["observer"] == "USA") & (whole["target"] == "CHN")]
    np.testing.assert_allclose(row["p25"], np.quantile(values, 0.25, axis=0), rtol=1e-15)
    np.testing.assert_allclose(row["mean"], values.mean(axis=0), rtol=1e-15)
    assert len(whole) == 25 * 12 and list(whole["step"][:12]) == [0] * 12


def test_a_run_that_would_not_fit_is_refused_before_it_starts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(memory, "available_memory", lambda: 50_000_000)
    # 10,000 x 121 months x 151 bytes (compact): 183 MB; as float64 and int32 it would have been about 3x that
    with pytest.raises(ConfigError, match=r"10,000 replications x 121 months of baseline need about 18\d MB") as info:
        sim.run("baseline", replications=10_000, steps=120)
    assert "sweep" in str(info.value)
    assert sim.run("baseline", replications=10, steps=12).trust.sizes["replication"] == 10  # small runs still go


def test_the_estimate_bounds_what_a_recording_takes() -> None:
    spec = load_scenario("baseline")
    world = compile_world(spec)
    n, k, e = len(spec.world.actors), len(spec.world.moves), len(spec.all_events())
    assert state_size(world) <= recording.state_bytes(n, k, e) < 8 * n * n + 4 * n * k + 4 * e


def test_the_command_refuses_a_run_too_big_for_any_machine(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "sim", "run", "--replications", "10000000", "--steps", "10000", "--out", "huge"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2, done.stderr
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith("diplosim: error: ") and "10,000,000 replications x 10,001 months" in line
    assert "hint: use fewer replications" in line and "Traceback" not in done.stderr
    assert list(tmp_path.iterdir()) == []
