"""The compiled engine: the model it replaced, its own maths, one step for both drivers, batched parameters,
and numbers that do not depend on threads."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from scipy.special import ndtri

import sim
from sim.core import kernel, kmath
from sim.core.calibration import anchors_for
from sim.core.jit import njit

HERE = Path(__file__).resolve().parent
SCENARIOS = HERE.parent.parent / "scenarios"
REFERENCE = HERE.parent / "data" / "numpy_reference.npz"  # written by tests/data/numpy_reference.py
DATA = HERE.parent / "data"
#: The reference's scenarios: the bundled ones, except where a bundled file has changed since the reference was
#: recorded (then the file as it was, kept in tests/data), and the retired hand-built replay (a dated scenario).
FILES = [
    DATA / p.name if (DATA / p.name).is_file() else p
    for p in sorted(SCENARIOS.glob("*.toml"))
    if p.name != "world.toml"
] + [DATA / "us_pakistan_2001_2018.toml"]


def _ulps(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.abs(np.asarray(a, np.float64).view(np.int64) - np.asarray(b, np.float64).view(np.int64))


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_records_what_the_numpy_engine_recorded(path):
    """Every bundled scenario, 8 replications: the recorded float32 trust, moves and events of the numpy engine
    (commit a7206da). Its exp, log1p, tanh and BLAS sums differ from the kernel's in the last bit of float64 now and
    then; rounded to float32 nothing changes. A tolerance of one float32 ulp is allowed, should a rounding ever
    straddle a float32 boundary."""
    reference = np.load(REFERENCE)
    steps = None if path.stem == "us_pakistan_2001_2018" else 96  # the replay's own length (its fixed events)
    run = sim.run(path, replications=8, steps=steps, seed=7)
    np.testing.assert_allclose(run.trust.values, reference[f"{path.stem}/trust"], rtol=0, atol=6e-8)
    assert np.array_equal(run.moves.values, reference[f"{path.stem}/moves"])
    assert np.array_equal(run.events.values, reference[f"{path.stem}/events"])


def test_calibrated_baseline_matches_the_numpy_engine():
    reference = np.load(REFERENCE)["baseline/anchors"]
    np.testing.assert_allclose(anchors_for(sim.load_scenario("baseline")).baseline, reference, rtol=1e-13, atol=1e-14)


def test_own_maths_is_within_a_few_ulps_of_numpy_and_scipy():
    rng = np.random.default_rng(0)
    x = np.concatenate([rng.uniform(-30, 30, 3000), rng.uniform(-1, 1, 3000), rng.uniform(-1e-6, 1e-6, 300)])
    assert _ulps([kmath.exp(v) for v in x], np.exp(x)).max() <= 1
    assert _ulps([kmath.tanh(v) for v in x], np.tanh(x)).max() <= 4
    positive = np.concatenate([rng.uniform(0, 50, 3000), 10 ** rng.uniform(-300, 300, 1000)])
    assert _ulps([kmath.log(v) for v in positive], np.log(positive)).max() <= 1
    small = np.concatenate([rng.uniform(0, 50, 3000), 10 ** rng.uniform(-20, 0, 1000), -rng.uniform(0, 0.99, 1000)])
    assert _ulps([kmath.log1p(v) for v in small], np.log1p(small)).max() <= 2
    u = np.concatenate([rng.random(5000), 10 ** rng.uniform(-16, -1, 2000)])
    got = np.array([kmath.ndtri(v) for v in u])
    np.testing.assert_allclose(got, ndtri(u), rtol=2e-15, atol=0)
    assert kmath.exp(0.0) == 1.0 and kmath.log(1.0) == 0.0 and kmath.log1p(0.0) == 0.0 and kmath.tanh(0.0) == 0.0


def test_step_by_step_and_the_whole_run_give_the_same_numbers():
    """The Mesa path (each Country, then the model) and the fused loop call the same compiled functions."""
    stepped = sim.DiplomacyModel("crisis_shock", replications=[0, 3, 9], rng=5, steps=40)
    for _ in range(40):
        stepped.step()
    whole = sim.DiplomacyModel("crisis_shock", replications=[0, 3, 9], rng=5, steps=40)
    whole.run()
    assert whole.steps == stepped.steps == 40 and not whole.running
    for part in ("trust", "moves", "events"):
        assert np.array_equal(getattr(stepped.recording, part), getattr(whole.recording, part))
    assert np.array_equal(stepped.trust, whole.trust)


@njit
def _listed(net, rep, moves):
    kernel.list_moved(net, moves, rep)
    return rep.moved[: rep.n_moved].copy(), rep.received.copy(), rep.received_ptr.copy()


def test_the_moves_listed_are_those_made_in_order_and_by_receiver_those_a_reply_may_answer():
    """What calm, observation and the recording go through (every channel whose move is not zero, ascending) and
    what each actor answers next step (its positive moves received on channels with a reply, ascending), against
    the same lists made by hand from random moves, negative ones included."""
    model = sim.DiplomacyModel("dialogue", replications=1, rng=1, steps=1, record=False)
    m, w = model, model.packed
    rep = kernel._replication(m.net, m.prm, m.anchors, m.rows, m.bases, m.state, 0, m.step_tables.arrays)
    rng = np.random.default_rng(0)
    c = len(w.target)
    answered = 0
    for _ in range(50):
        moves = np.where(rng.random(c) < 0.3, rng.choice([-1.0, 0.5, 1.0, 2.0], c), 0.0)
        moved, received, ptr = _listed(m.net, rep, moves)
        assert moved.tolist() == np.flatnonzero(moves != 0.0).tolist()
        for a in range(w.n):
            want = [k for k in range(c) if w.target[k] == a and moves[k] > 0.0 and w.reply_prob[k] > 0.0]
            assert received[ptr[a] : ptr[a + 1]].tolist() == want
            answered += len(want)
    assert answered > 0


def test_a_run_can_continue_after_steps():
    part = sim.DiplomacyModel("us_pressure", replications=4, rng=2, steps=30)
    for _ in range(10):
        part.step()
    part.run()
    whole = sim.DiplomacyModel("us_pressure", replications=4, rng=2, steps=30)
    whole.run()
    assert np.array_equal(part.recording.trust, whole.recording.trust)
    part.step()  # Mesa's clock was advanced, not stepped again: one more step is step 31
    assert part.steps == 31


def test_batched_parameters_give_each_replication_its_scalar_run():
    alpha = np.array([0.1, 0.3, 0.1, 0.05])
    gain = np.array([30.0, 10.0, 30.0, 60.0])
    batched = sim.run("us_pressure", replications=4, steps=36, seed=3, alpha=alpha, level_gain=gain, reply_floor=0.4)
    for r in range(4):
        alone = sim.run(
            "us_pressure", replications=[r], steps=36, seed=3, alpha=alpha[r], level_gain=gain[r], reply_floor=0.4
        )
        assert np.array_equal(batched.trust.values[r], alone.trust.values[0], equal_nan=True)
        assert np.array_equal(batched.moves.values[r], alone.moves.values[0])


def test_batched_parameters_are_checked_like_a_config_file():
    with pytest.raises(sim.ConfigError, match="alpha"):
        sim.run("baseline", replications=3, steps=2, alpha=np.array([0.1, 9.0, 0.2]))
    with pytest.raises(sim.ConfigError, match="one value per replication"):
        sim.run("baseline", replications=3, steps=2, alpha=np.array([0.1, 0.2]))


@pytest.mark.parametrize("threads", ["1", "3"])
def test_the_thread_count_changes_no_number(monkeypatch, threads):
    base = sim.run("dialogue", replications=200, steps=24, seed=8)
    monkeypatch.setenv("NUMBA_NUM_THREADS", threads)
    again = sim.run("dialogue", replications=200, steps=24, seed=8)
    assert np.array_equal(base.trust.values, again.trust.values, equal_nan=True)


_RECORD = """
import sys
import numpy as np
import sim
from sim.core.calibration import anchors_for
model = sim.DiplomacyModel("crisis_shock", replications=[3, 0, 41], rng=5, steps=48, alpha=np.array([0.1, 0.2, 0.1]))
model.run()
run = sim.run("us_pressure", replications=40, steps=36, seed=2)
np.savez(
    sys.argv[1],
    log_odds=model.state.log_odds,
    expected=model.state.expected,
    trust=run.trust.values,
    moves=run.moves.values,
    events=run.events.values,
    anchors=anchors_for(sim.load_scenario("baseline")).baseline,
)
"""


def _record(path: Path, **env: str) -> dict[str, np.ndarray]:
    environment = {**os.environ, "DIPLOSIM_CACHE": "off", **env}  # the calibration probe runs in each process
    subprocess.run([sys.executable, "-c", _RECORD, str(path)], env=environment, check=True, timeout=900)
    with np.load(path) as data:
        return dict(data)


@pytest.mark.slow
def test_the_same_bits_on_a_generic_cpu_without_numpy_simd_and_on_one_thread(tmp_path):
    """Issue 19, item 6: numba's generic CPU target (no AVX, no FMA) with numpy's dispatched SIMD paths off and one
    thread, against this CPU's defaults: every float64 of the state and the calibration, and every recorded number,
    identical."""
    from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__

    simd = [f for f in __cpu_dispatch__ if __cpu_features__.get(f)]
    here = _record(tmp_path / "here.npz")
    generic = _record(
        tmp_path / "generic.npz",
        NUMBA_CPU_NAME="generic",
        NPY_DISABLE_CPU_FEATURES=" ".join(simd),
        NUMBA_NUM_THREADS="1",
        NUMBA_CACHE_DIR=str(tmp_path / "numba"),  # code for the generic target, compiled apart
    )
    assert here.keys() == generic.keys()
    for name in here:
        assert np.array_equal(here[name], generic[name], equal_nan=True), name


def test_forking_after_a_run_on_several_threads_is_safe():
    """The run's threads end with it: a process that ran on two threads forks afterwards without Python's
    "multi-threaded, use of fork" warning (an error here), and its forked workers work."""
    code = """
import os, threading, warnings
warnings.simplefilter("error", DeprecationWarning)
import sim
from sim.util import parallel
sim.run("baseline", replications=300, steps=12, seed=1)
assert threading.active_count() == 1, threading.enumerate()
print(parallel.run_all([lambda: os.getpid(), lambda: os.getpid()], processes=2))
"""
    env = {**os.environ, "NUMBA_NUM_THREADS": "2"}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "fork" not in done.stderr


@pytest.mark.parametrize("args", [["--help"], ["list"], ["show", "baseline"], ["validate", "scenarios/baseline.toml"]])
def test_quick_commands_never_import_numba(args):
    """Issue 19, item 5: the commands that only read files start without numba (nor numpy's stack)."""
    code = (
        "import sys\nfrom sim.cli.main import main\ntry:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
        "print(sorted({'numba', 'numpy'} & set(sys.modules)), file=sys.stderr)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, *args], cwd=SCENARIOS.parent, capture_output=True, text=True, check=True
    )
    assert done.stderr.strip().splitlines()[-1] == "[]"
