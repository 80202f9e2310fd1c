"""Sweeps: paths, designs, chunking, executors (serial, process pool, Dask), resume, failures, sensitivity.

Sweeps here are tiny (a few points, a few dozen replications); the command-line tests run `diplosim sweep` in a
subprocess, as a user would, and compare sweep.csv byte for byte.
"""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import sim
import sim.sweep
import sim.sweep.api  # used directly below: do not rely on another test having imported it
from sim.cli.main import main
from sim.outputs.resumable import store_dir
from sim.scenario.load import load_scenario
from sim.sweep import api, chunks, tasks
from tests.conftest import dask_cluster

ROOT = Path(__file__).resolve().parents[2]
DIPLOSIM = [sys.executable, "-c", "from sim.cli.main import console; console()"]

# Eight points of beta over 40 replications, one point per chunk: a second of work in eight chunks.
CLI_SWEEP = """
scenario = "baseline"
replications = 40
seed = 5
steps = 60
chunk = 40
outcomes = ["trust_PAK_USA", "alignment", "polarization"]

[[vary]]
path = "parameters.beta"
low = 0.0
high = 0.7
num = 8
"""


def small(**settings) -> dict:
    """A sweep mapping over US pressure's intensity (no recalibration per point), with overrides."""
    base = {
        "scenario": "us_pressure",
        "replications": 12,
        "seed": 3,
        "steps": 24,
        "outcomes": ["trust_PAK_USA", "alignment"],
        "vary": [{"path": "policies.usa_pressure.intensity", "values": [0.5, 1.0, 2.0]}],
    }
    return base | settings


# -- sweep files -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"replicatons": 5}, "key 'replicatons': unknown key (hint: did you mean 'replications'?)"),
        ({"vary": [{"path": "parameters.alfa", "values": [1.0]}]}, "did you mean 'parameters.alpha'"),
        ({"vary": [{"path": "parameters.beta", "low": 0.0, "high": 1.0}]}, "key 'vary[0]': a grid needs values"),
        ({"design": "sobol", "samples": 10, "vary": []}, "key 'vary': List should have at least 1 item"),
        ({"design": "sobol", "samples": 10}, "Sobol samples must be a power of 2"),
        ({"outcomes": ["trust_PAK_US"]}, "unknown outcome 'trust_PAK_US' (hint: did you mean 'trust_PAK_USA'"),
        ({"scenario": "basline"}, "key 'scenario': no scenario named 'basline'"),
        ({"replications": 0}, "key 'replications': Input should be greater than or equal to 1"),
        (
            {"vary": [{"path": "policies.usa_pressure.intensity", "values": [0.5, 12.0]}]},
            "key 'vary[0]': policies.usa_pressure.intensity = 12 does not validate",
        ),
        ({"vary": [{"path": "policies.usa_pressure.start", "values": [1, 2.5]}]}, "is a whole number"),
        ({"last": 30}, "key 'last': last = 30 is more than the 24 steps"),
        ({"scenario": "crisis_shock"}, "key 'steps': step 25 (2027-01) is after the last step (24: 2026-12)"),
        ({"name": ".."}, "key 'name': '..' is not a usable name"),
        ({"name": "x" * 300}, "characters long; at most 100"),
        ({"vary": [{"path": "parameters.beta", "low": 0.0, "high": 1.0, "step": 1e-12}]}, "of memory"),
    ],
)
def test_bad_sweep_file_gets_one_clear_message_and_writes_nothing(tmp_path, capsys, change, expected):
    import tomli_w

    file = tmp_path / "bad.toml"
    file.write_text(tomli_w.dumps(small(**change)))
    out = tmp_path / "out"
    assert main(["sweep", str(file), "--workers", "1", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert expected in err and str(file) in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert list(tmp_path.iterdir()) == [file]


# -- outcomes, chunking -----------------------------------------------------------------------------------------


def test_outcomes_are_results_final_alignment_and_polarization():
    plan = api.plan(sim.sweep.load(small(outcomes=["trust", "alignment", "polarization"])))
    spec = load_scenario("us_pressure").model_copy(update={"steps": 24})
    values = tasks.run_points([spec], np.arange(5, 12), plan)[0][0]
    res = sim.run(spec, replications=range(5, 12), seed=3)
    last = res.trust.isel(step=slice(-12, None))
    expected = [res.final().sel(observer=o, target=t).values for o in res.actors for t in res.actors if o != t]
    expected += [
        res.alignment().isel(step=slice(-12, None)).mean("step").values,
        res.polarization().isel(step=slice(-12, None)).mean("step").values,
    ]
    assert last.sizes["step"] == 12
    np.testing.assert_allclose(values, np.stack(expected, axis=-1), rtol=0, atol=1e-6)  # Results keep float32


def test_numbers_do_not_depend_on_chunking(monkeypatch):
    one = sim.sweep.run(small(chunk=1000), workers=1).table
    per_point = sim.sweep.run(small(chunk=1), workers=1).table
    monkeypatch.setattr(chunks, "MAX_BATCH", 5)  # split each point's 12 replications into blocks of 4
    blocks = sim.sweep.run(small(), workers=1)
    assert len(api.chunks(blocks.sweep)) == 9
    pd.testing.assert_frame_equal(one, per_point, check_exact=True)
    pd.testing.assert_frame_equal(one, blocks.table, check_exact=True)


# -- failures, trajectories, output folder ----------------------------------------------------------------------


def test_failing_point_is_isolated_and_named(tmp_path, capsys):
    import tomli_w

    # Each value is valid on its own (checked before any work), but point 2 ends the policy before it starts:
    # that point fails validation when it is built, in its chunk, and the others finish.
    vary = [
        {"path": "policies.usa_pressure.start", "values": [1, 10]},
        {"path": "policies.usa_pressure.end", "values": [5, 20]},
    ]
    file = tmp_path / "sweep.toml"
    file.write_text(tomli_w.dumps(small(vary=vary, chunk=24)))
    out = tmp_path / "out"
    assert main(["sweep", str(file), "--workers", "1", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "1 of 4 points failed" in err
    assert "<point 2: policies.usa_pressure.start=10, policies.usa_pressure.end=5>: key 'policies[0]'" in err
    table = pd.read_csv(out / "sweep.csv")
    assert table.loc[2, "trust_PAK_USA_mean":].isna().all()
    assert table.drop(index=2).notna().all().all()
    assert pd.read_csv(out / "failures.csv")["point"].tolist() == [2]
    assert json.loads((out / "manifest.json").read_text())["failed_points"] == [2]
    assert not store_dir(out).exists()


def test_output_folder_is_complete_and_reproducible(tmp_path):
    sweep = sim.sweep.load(small(trajectories=True))
    result = sim.sweep.run(sweep, out=tmp_path / "out", workers=1)
    out = result.out
    names = {p.name for p in out.iterdir()}
    assert {"sweep.csv", "sweep.toml", "scenario.toml", "manifest.json", "sweep.png", "chunks", "trajectories"} <= names
    table = pd.read_csv(out / "sweep.csv")
    assert list(table.columns[:2]) == ["point", "policies.usa_pressure.intensity"]
    assert list(table.columns[2:6]) == [f"trust_PAK_USA_{s}" for s in ("mean", "p05", "p50", "p95")]
    assert (table["trust_PAK_USA_p05"] <= table["trust_PAK_USA_p50"]).all()
    assert (table["trust_PAK_USA_p50"] <= table["trust_PAK_USA_p95"]).all()
    again = sim.sweep.load(out / "sweep.toml")
    assert again.fingerprint() == sweep.fingerprint()
    each = sim.sweep.replications(out)
    assert each.dims == ("point", "replication", "outcome") and each.shape == (3, 12, 2)
    np.testing.assert_allclose(
        each.sel(outcome="alignment").mean("replication"), result.table["alignment_mean"], rtol=1e-14
    )
    traj = sim.Results.load(out / "trajectories" / "point-000001-replications-0000000.nc")
    assert traj.trust.sizes["replication"] == 12
    np.testing.assert_allclose(  # sweep.csv holds 6 significant digits (sim.runs.stats.FLOAT_FORMAT)
        traj.final().sel(observer="PAK", target="USA").mean(), table.loc[1, "trust_PAK_USA_mean"], rtol=1e-5
    )


# -- sensitivity ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("design", "samples"), [("sobol", 16), ("morris", 8)])
def test_sensitivity_ranks_a_driver_above_a_parameter_that_cannot_matter(scenario_file, design, samples):
    # With noise_reduction = 0, dialogue's calming never touches the noise: calm_half_life cannot matter.
    base = scenario_file('name = "no_calm"\nworld = "world.toml"\n[parameters]\nnoise_reduction = 0.0\n')
    vary = [
        {"path": "parameters.alpha", "low": 0.2, "high": 1.2},
        {"path": "parameters.calm_half_life", "low": 1.0, "high": 48.0},
    ]
    sweep = sim.sweep.load(small(scenario=str(base), design=design, samples=samples, vary=vary, replications=8))
    sens = sim.sweep.run(sweep, workers=1).sensitivity.set_index(["outcome", "parameter"])
    row = sens.loc["trust_PAK_USA"]
    if design == "sobol":
        assert row.loc["parameters.calm_half_life", "ST"] == pytest.approx(0.0, abs=1e-9)
        assert row.loc["parameters.alpha", "ST"] > 0.5
    else:
        assert row.loc["parameters.calm_half_life", "mu_star"] == 0.0
        assert row.loc["parameters.alpha", "mu_star"] > 0.01


# -- the command: executors and resume --------------------------------------------------------------------------


def sweep_csv(file: Path, out: Path, *where: str) -> bytes:
    """Run `diplosim sweep FILE <where> --no-plots --out OUT` and return the sweep.csv bytes it wrote."""
    done = subprocess.run(
        [*DIPLOSIM, "sweep", str(file), *where, "--no-plots", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return (out / "sweep.csv").read_bytes()


@pytest.fixture(scope="module")
def cli_sweep(tmp_path_factory):
    """The CLI sweep file and its uninterrupted one-worker run's sweep.csv bytes."""
    folder = tmp_path_factory.mktemp("cli")
    file = folder / "beta.toml"
    file.write_text(CLI_SWEEP)
    return file, sweep_csv(file, folder / "w1", "--workers", "1")


@pytest.mark.slow
def test_same_numbers_with_two_workers_and_on_dask(cli_sweep, tmp_path):
    pytest.importorskip("distributed")
    file, reference = cli_sweep
    with dask_cluster(tmp_path / "cluster") as address:
        assert sweep_csv(file, tmp_path / "w2", "--workers", "2") == reference  # while the cluster starts
        on_dask = sweep_csv(file, tmp_path / "dask", "--scheduler", address())
    assert "dask" in json.loads((tmp_path / "dask" / "manifest.json").read_text())["executor"]
    assert on_dask == reference


# Fifty small chunks (one point each): when the first is on disk, some fifty remain, so the Ctrl-C sent as soon
# as it appears lands mid-sweep however busy the machine (the sweep slows down with the test that watches it).
RESUME_SWEEP = """
scenario = "baseline"
replications = 10
seed = 5
steps = 24
chunk = 10
outcomes = ["trust_PAK_USA", "alignment"]

[[vary]]
path = "parameters.beta"
low = 0.0
high = 0.49
num = 50
"""


@pytest.mark.slow
def test_resume_after_ctrl_c_gives_the_same_file(tmp_path):
    file = tmp_path / "many.toml"
    file.write_text(RESUME_SWEEP)
    sim.sweep.run(file, out=tmp_path / "reference", workers=1, figures=False)  # uninterrupted, in this process
    out = tmp_path / "out"
    store = store_dir(out)
    args = [*DIPLOSIM, "sweep", str(file), "--workers", "1", "--no-plots", "--out", str(out)]
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not list(store.glob("chunks/chunk-*.npz")) and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.01)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert "--resume" in err and not out.exists()
    kept = len(list(store.glob("chunks/chunk-*.npz")))
    assert 1 <= kept < 50
    resumed = subprocess.run([*args, "--resume"], capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    assert (out / "sweep.csv").read_bytes() == (tmp_path / "reference" / "sweep.csv").read_bytes()
    assert not store.exists()
    assert main(["sweep", str(file), "--resume", "--out", str(out)]) == 2  # nothing left to resume


def test_docs_sweep_example_is_the_pressure_sweep(tmp_path):
    page = (ROOT / "docs" / "sweeps.md").read_text()
    example = re.search(r"## A sweep file.*?```toml\n(.*?)```", page, re.S).group(1)
    (tmp_path / "example.toml").write_text(example)
    shown = sim.sweep.load(tmp_path / "example.toml")
    bundled = sim.sweep.load(ROOT / "scenarios" / "sweeps" / "pressure_intensity.toml")
    assert shown.config == bundled.config and np.array_equal(shown.points, bundled.points)
    for name in ("beta_blocs", "beta_pressure_grid", "calibration_sobol", "initial_trust_morris"):
        sim.sweep.load(ROOT / "scenarios" / "sweeps" / f"{name}.toml")


def test_scheduler_without_dask_installed_is_a_clear_error(tmp_path, capsys, monkeypatch):
    import tomli_w

    file = tmp_path / "sweep.toml"
    file.write_text(tomli_w.dumps(small()))
    monkeypatch.setitem(sys.modules, "distributed", None)  # as if the `dask` extra were not installed
    assert main(["sweep", str(file), "--scheduler", "tcp://127.0.0.1:8786", "--out", str(tmp_path / "out")]) == 2
    assert "Dask distributed is not installed (hint: pip install 'diplosim[dask]'" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sweep.toml"]


def test_command_module_does_not_load_the_numerical_stack():
    code = "import sys, sim.cli.sweep; print(sorted({'numpy', 'pandas', 'mesa'} & set(sys.modules)))"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "[]"


def test_a_pool_sweep_never_loads_the_engine_in_the_command(tmp_path):
    """The command only sends chunks and reads their outcomes: its workers' fork server loads the engine
    (sim.sweep.workers), so the command's own start-up is not spent on mesa, numba or matplotlib."""
    file = tmp_path / "beta.toml"
    file.write_text(CLI_SWEEP)
    code = (
        "import sys, sim.sweep; table = sim.sweep.run(sys.argv[1], workers=2).table; "
        "print(sorted({'sim.core.batch', 'sim.core.engine', 'numba', 'mesa', 'matplotlib'} & set(sys.modules)))"
    )
    run = subprocess.run([sys.executable, "-c", code, str(file)], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "[]"


def test_progress_bars_leave_no_thread_behind():
    """tqdm would start a monitor thread with its first bar; sweeps fork their workers after it."""
    import io
    import threading

    from sim.util.progress import bar

    before = set(threading.enumerate())
    for _ in bar(range(3), disable=False, file=io.StringIO()):
        pass
    assert set(threading.enumerate()) <= before
