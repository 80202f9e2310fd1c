"""`score`, `calibrate` and `--fit` end to end (the metrics, the series file and the ranges are unit-tested in
tests/unit/test_score.py, test_series.py and test_problem.py).

The tests use a small dated scenario written here and "observed" series made from the model's own output (a run at
known values, on the same random numbers), so they assert contracts that hold whatever the model's numbers are: a
run scored against itself has RMSE 0, a calibration's posterior closes in on the value that made the data, a
resumed calibration ends exactly like an uninterrupted one.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sim
from sim.cli.main import main
from sim.fit.problem import parse_param
from sim.fit.series import load_series
from sim.scenario.load import scenario_path
from sim.util.errors import ConfigError

HEADER = "series,observer,target,year,month,value,source,verified\n"
SCENARIO = """
name = "replay"
start = "2001-09"
end = "2012-12"
replications = 8
seed = 11
initial_state = { PAK = { USA = 0.23 }, USA = { PAK = 0.21 } }

[[policies]]
name = "aid"
actor = "USA"
move = "economic_aid"
target = "PAK"
from = "2002-01"
until = "2008-12"
probability = 0.6

[[policies]]
name = "strikes"
actor = "USA"
move = "military_strike"
target = "PAK"
from = "2006-01"
until = "2011-12"
probability = 0.4
"""
FAST = ["--replications", "4", "--particles", "16", "--generations", "3", "--predictive", "12", "--no-plots", "-q"]


# ---------------------------------------------------------------------------------------------------------------
# End to end on a small dated scenario


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> Path:
    """A folder with the dated scenario (replay.toml) next to a copy of the world file."""
    folder = tmp_path_factory.mktemp("fit")
    shutil.copy(scenario_path("baseline").parent / "world.toml", folder / "world.toml")
    (folder / "replay.toml").write_text(SCENARIO)
    return folder


def yearly_series(results: sim.Results, dyads: dict[str, tuple[str, str]], years: range) -> str:
    """A series CSV of the run's own yearly means (mean over replications), one series per dyad."""
    dates = pd.DatetimeIndex(results.trust["date"].values)
    lines = [HEADER]
    for name, (obs, tgt) in dyads.items():
        trust = results.trust.sel(observer=obs, target=tgt).mean("replication").values
        for year in years:
            lines.append(f"{name},{obs},{tgt},{year},,{float(trust[dates.year == year].mean())!r},model output,\n")
    return "".join(lines)


DYADS = {"pak_usa": ("PAK", "USA"), "usa_pak": ("USA", "PAK")}


@pytest.fixture(scope="module")
def run_folder(world: Path) -> Path:
    """`diplosim run` of the dated scenario, and a series file of its own yearly means (own.csv)."""
    out = world / "runs" / "replay"
    assert main(["run", str(world / "replay.toml"), "--out", str(out), "--no-plots", "-q"]) == 0
    own = yearly_series(sim.Results.load(out / "trajectories.nc"), DYADS, range(2002, 2013))
    (world / "own.csv").write_text(
        own + "pak_usa,PAK,USA,2014,,0.2,after the run,\nunchecked,PAK,USA,2009,5,0.9,unchecked,no\n"
    )
    return out


def test_score_of_a_run_against_its_own_output_is_exact_and_beats_its_baselines(world, run_folder, capsys):
    target = world / "score.csv"
    assert main(["score", str(run_folder), str(world / "own.csv"), "--split", "2010", "-o", str(target)]) == 0
    text = capsys.readouterr().out
    assert "1 observation(s) (2014) fall outside the run" in text
    assert "1 row(s) marked verified = no are kept in the file but not scored" in text
    assert text.strip().splitlines()[-3].startswith("verdict: on the held-out years, by CRPS, the run beats all 3")
    metrics = pd.read_csv(target)
    assert set(metrics["run"]) == {"run", "no_moves", "train_mean", "persistence"}
    assert set(metrics["window"]) == {"train", "test"} and set(metrics["series"]) == set(DYADS)
    run, ref = metrics[metrics["run"] == "run"], metrics[metrics["run"] == "no_moves"]
    # exact up to float32, the precision trajectories are stored in (sim.core.recording)
    assert (run["rmse"] < 1e-6).all() and (run["direction"] == 1).all()
    assert (run["n"].to_numpy() == [9, 2, 9, 2]).all()  # 2002-2010 train, 2011-2012 test
    pak_usa = ref[ref["series"] == "pak_usa"]
    assert (pak_usa["rmse"] > 0.01).all()  # the policies move PAK -> USA, so its no-moves run is off
    mine = run[run["series"] == "pak_usa"]
    assert (mine["crps"].to_numpy() < pak_usa["crps"].to_numpy()).all() and run["coverage90"].notna().all()


def test_score_prints_the_same_numbers_as_json(world, run_folder, capsys):
    assert main(["score", str(run_folder), str(world / "own.csv"), "--split", "2010", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["split"] == 2010 and data["not_scored"] == {"outside_run": 1, "unverified": 1}
    first, _ = data["series"]
    test = first["windows"]["test"]
    assert set(test) == {"n", "poll_se", "run", "no_moves", "train_mean", "persistence"}
    assert set(test["run"]) == {"rmse", "crps", "coverage90"} and test["train_mean"]["coverage90"] is None
    assert data["verdict"].startswith("verdict: on the held-out years")
    main(["score", str(run_folder), str(world / "own.csv"), "--split", "2010", "-o", str(world / "same.csv"), "-f"])
    metrics = pd.read_csv(world / "same.csv")
    row = metrics[(metrics["series"] == first["series"]) & (metrics["window"] == "test") & (metrics["run"] == "run")]
    assert test["run"]["crps"] == pytest.approx(float(row["crps"].iloc[0]), rel=1e-5)


def test_score_from_summary_only_and_without_reference(world, run_folder, capsys):
    slim = world / "runs" / "slim"
    shutil.copytree(run_folder, slim)
    (slim / "trajectories.nc").unlink()
    assert main(["score", str(slim), str(world / "own.csv"), "--no-reference", "-o", str(world / "slim.csv")]) == 0
    assert "no 90% band for yearly values" in capsys.readouterr().out
    metrics = pd.read_csv(world / "slim.csv")
    assert set(metrics["run"]) == {"run", "train_mean", "persistence"}
    run = metrics[metrics["run"] == "run"]
    assert (run["rmse"] < 1e-5).all()  # summary.csv keeps 6 digits
    assert run["coverage90"].isna().all() and run["crps"].isna().all()  # no band, no ensemble from a summary


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["scenarios/x"], "no such folder"),
        (["{world}"], "not a run folder (no scenario.toml)"),
        (["{run}", "--split", "20"], "--split: must be a year"),
        (["{run}", "--format", "xml"], "--format: invalid choice"),
    ],
)
def test_score_bad_input_is_one_line_and_exit_2(world, run_folder, capsys, args, expected):
    words = [a.format(world=world, run=run_folder) for a in args]
    assert main(["score", words[0], str(world / "own.csv"), *words[1:]]) == 2
    err = capsys.readouterr().err
    assert expected in err and len(err.strip().splitlines()) == 1


def test_score_refuses_to_overwrite_a_file_without_force(world, run_folder, capsys):
    target = world / "exists.csv"
    target.write_text("keep")
    assert main(["score", str(run_folder), str(world / "own.csv"), "-o", str(target), "--no-reference"]) == 2
    assert target.read_text() == "keep" and "already exists" in capsys.readouterr().err
    assert main(["score", str(run_folder), str(world / "own.csv"), "-o", str(target), "--no-reference", "-f"]) == 0
    assert target.read_text().startswith("run,series")


TRUTH = 0.15  # alpha of the runs that made truth.csv
RANGE = "parameters.alpha=0.05:1"


@pytest.fixture(scope="module")
def truth(world: Path) -> float:
    """Series made by the scenario at alpha = TRUTH on calibrate's seed (0) and replications (4), written as
    truth.csv: the posterior should close in on it."""
    results = sim.run(world / "replay.toml", replications=4, seed=0, alpha=TRUTH)
    (world / "truth.csv").write_text(yearly_series(results, DYADS, range(2002, 2013)))
    return TRUTH


def calibrate_args(world: Path, param: str = RANGE) -> list[str]:
    """`diplosim calibrate` of the replay scenario against the truth series, fitting one range `param`."""
    return ["calibrate", str(world / "replay.toml"), str(world / "truth.csv"), "--param", param, "--split", "2010"]


@pytest.fixture(scope="module")
def calibrated(world: Path, truth: float) -> Path:
    out = world / "fits" / "full"
    assert main([*calibrate_args(world), *FAST[:-2], "--out", str(out)]) == 0  # with the figure
    return out


def test_the_posterior_closes_in_on_the_value_that_made_the_data(calibrated, truth):
    posterior = pd.read_csv(calibrated / "posterior.csv")
    assert list(posterior.columns) == ["parameters.alpha", "weight", "distance"] and len(posterior) == 16
    assert posterior["weight"].sum() == pytest.approx(1.0)
    mean = float((posterior["parameters.alpha"] * posterior["weight"]).sum())
    prior_mean = (0.05 + 1) / 2
    assert abs(mean - truth) < abs(prior_mean - truth) / 2
    table = pd.read_csv(calibrated / "parameters.csv").iloc[0]
    assert table["p05"] <= truth <= table["p95"] and table["sd"] < (1 - 0.05) / np.sqrt(12)  # narrower than the prior
    populations = pd.read_csv(calibrated / "populations.csv")
    eps = populations.groupby("generation")["epsilon"].first()
    assert list(eps.index) == [0, 1, 2] and np.isinf(eps[0]) and eps[1] > eps[2]


def test_calibration_folder_holds_posterior_scores_journal_and_figure(calibrated):
    manifest = json.loads((calibrated / "manifest.json").read_text())
    expected = {"posterior.csv", "populations.csv", "parameters.csv", "metrics.csv", "points.csv", "bands.csv"}
    expected |= {"fit.png", "journal.jsonl", "series.csv", "histories/replay.toml", "manifest.json"}
    assert expected == set(manifest["files"])
    assert (calibrated / "fit.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    metrics = pd.read_csv(calibrated / "metrics.csv")
    assert set(zip(metrics["run"], metrics["window"], strict=True)) == {
        (run, window) for run in ("run", "no_moves", "train_mean", "persistence") for window in ("train", "test")
    }
    journal = [json.loads(line) for line in (calibrated / "journal.jsonl").read_text().splitlines()]
    assert "fingerprint" in journal[0] and len(journal) - 1 == manifest["evaluations"]
    # common random numbers: the distance of a posterior particle is the one the sampler saw for it
    posterior = pd.read_csv(calibrated / "posterior.csv")
    seen = {tuple(e["x"]): e["distance"] for e in journal[1:]}
    assert all(seen[(a,)] == d for a, d in zip(posterior["parameters.alpha"], posterior["distance"], strict=True))
    assert manifest["verdict"].startswith("verdict:") and manifest["stopped"] == "3 generations"
    assert not list(calibrated.parent.glob(".*"))  # the staging folder is gone


def test_a_run_draws_its_parameters_from_the_fit(world, calibrated, tmp_path, capsys):
    from sim.runs.posterior import load_posterior

    posterior = load_posterior(calibrated)
    drawn = posterior.draws(seed=3, replications=np.arange(40))["alpha"]
    assert set(drawn) <= set(posterior.values[:, 0]) and len(set(drawn)) > 3
    # replication r draws the same alone as in a batch, and every replication is a scalar run with its draw
    assert posterior.draws(3, np.array([7]))["alpha"][0] == drawn[7]
    runs = sim.run(world / "replay.toml", replications=[5, 7], seed=3, fit=calibrated)
    alone = sim.run(world / "replay.toml", replications=[7], seed=3, alpha=float(drawn[7]))
    np.testing.assert_array_equal(runs.trust.values[1], alone.trust.values[0])
    with pytest.raises(ConfigError, match="'alpha' is given and also drawn from the fit"):
        sim.run(world / "replay.toml", replications=2, fit=calibrated, alpha=0.3)
    with pytest.raises(ConfigError, match="no such fit folder"):
        sim.run(world / "replay.toml", replications=2, fit=tmp_path / "nothing")
    out = tmp_path / "run"
    assert main(["run", str(world / "replay.toml"), "-r", "12", "--fit", str(calibrated), "-o", str(out), "-q"]) == 0
    assert json.loads((out / "manifest.json").read_text())["fit"] == str(calibrated)
    assert main(["score", str(out), str(world / "truth.csv"), "--split", "2010"]) == 0
    assert f"parameters drawn from the fit {calibrated}" in capsys.readouterr().out


def test_compare_with_a_fit_prints_the_chance_one_scenario_beats_another(world, calibrated, tmp_path, capsys):
    quiet = (world / "replay.toml").read_text().replace('name = "replay"', 'name = "no_aid"')
    quiet = quiet.replace('move = "economic_aid"', 'move = "reduce_aid"')
    (world / "no_aid.toml").write_text(quiet)
    out = tmp_path / "cmp"
    words = ["compare", str(world / "replay.toml"), str(world / "no_aid.toml"), "-r", "12", "--no-plots"]
    assert main([*words, "--fit", str(calibrated), "-o", str(out)]) == 0
    text = capsys.readouterr().out
    assert "P(above)" in text and "parameter uncertainty" in text
    table = pd.read_csv(out / "comparison.csv")
    pak_usa = table[(table["scenario"] == "no_aid") & (table["observer"] == "PAK") & (table["target"] == "USA")]
    assert 0 <= float(pak_usa["p_above"].iloc[0]) < 0.5  # cutting aid for giving it lowers Pakistan's trust


SAME = ("posterior.csv", "populations.csv", "parameters.csv", "metrics.csv", "points.csv", "bands.csv", "journal.jsonl")


@pytest.mark.parametrize("where", [[], ["--workers", "2"]], ids=["in-process", "two-workers"])
def test_resume_after_an_interruption_ends_with_identical_results(world, truth, calibrated, tmp_path, where):
    """An interruption is a journal cut after K evaluations (and a torn line); --resume computes only the rest, here
    or on two worker processes (each block cut in two pieces), and ends with the same files byte for byte."""
    out = tmp_path / "resumed"
    staging = tmp_path / ".resumed.unfinished"
    staging.mkdir()
    lines = (calibrated / "journal.jsonl").read_text().splitlines(keepends=True)
    known = 20
    (staging / "journal.jsonl").write_text("".join(lines[: 1 + known]) + lines[1 + known][:25])
    assert main([*calibrate_args(world), *FAST, *where, "--out", str(out), "--resume"]) == 0
    for name in SAME:
        assert (out / name).read_bytes() == (calibrated / name).read_bytes(), name
    assert not staging.exists()
    executor = json.loads((out / "manifest.json").read_text())["executor"]
    assert executor == ("process pool (2 workers)" if where else "serial")


@pytest.mark.slow
def test_a_calibration_on_a_dask_cluster_writes_the_same_files(world, truth, calibrated, tmp_path):
    """From scratch on a Dask cluster of two one-thread workers (the command in a process of its own, as a user
    runs it: no Dask thread in the test process, which forks)."""
    import subprocess
    import sys

    from tests.conftest import dask_cluster

    pytest.importorskip("distributed")
    out = tmp_path / "dask"
    with dask_cluster(tmp_path / "cluster", workers=2) as address:
        command = [sys.executable, "-m", "sim", *calibrate_args(world), *FAST, "--scheduler", address(), "-o", str(out)]
        done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    for name in SAME:
        assert (out / name).read_bytes() == (calibrated / name).read_bytes(), name
    assert json.loads((out / "manifest.json").read_text())["executor"].startswith("dask (tcp://")


def test_resume_refuses_another_calibration_and_a_fresh_start_refuses_an_unfinished_one(world, truth, tmp_path, capsys):
    out = tmp_path / "fit"
    staging = tmp_path / ".fit.unfinished"
    args = calibrate_args(world)
    assert main([*args, *FAST, "--out", str(out), "--resume"]) == 2
    assert "no unfinished calibration to resume here" in capsys.readouterr().err
    staging.mkdir()
    (staging / "journal.jsonl").write_text('{"fingerprint": "another"}\n')
    assert main([*args, *FAST, "--out", str(out), "--resume"]) == 2
    assert "started with a different scenario, series, ranges or settings" in capsys.readouterr().err
    assert main([*args, *FAST, "--out", str(out)]) == 2
    assert "an unfinished calibration is stored here (hint: add --resume" in capsys.readouterr().err
    assert (staging / "journal.jsonl").read_text() == '{"fingerprint": "another"}\n' and not out.exists()


@pytest.mark.parametrize(
    ("journal", "expected"),
    [
        (b"", "the journal is empty"),
        (b"[1, 2]\n", "the journal has no header"),
        (b"\xff\xfe{}\n", "the journal has no header"),
        (b'{"fingerprint": "x"}\n{"x": [0.2]}\n', "the journal is damaged at line 2"),
        (b'{"fingerprint": "x"}\n[0.2]\n', "the journal is damaged at line 2"),
    ],
    ids=["empty", "not-an-object", "not-utf8", "no-distance", "not-a-record"],
)
def test_a_damaged_journal_is_one_clear_line(world, truth, tmp_path, capsys, journal, expected):
    from sim.fit import api

    args = calibrate_args(world)
    settings = {"split": 2010, "replications": 4, "particles": 16, "generations": 3, "predictive": 12}  # FAST's
    problem = api.load_problem([world / "replay.toml"], world / "truth.csv", [parse_param(RANGE)], settings)
    staging = tmp_path / ".fit.unfinished"
    staging.mkdir()
    text = journal.replace(b'"x"}', f'"{problem.fingerprint()}"}}'.encode()) if b'"fingerprint"' in journal else journal
    (staging / "journal.jsonl").write_bytes(text)
    assert main([*args, *FAST, "--out", str(tmp_path / "fit"), "--resume"]) == 2
    err = capsys.readouterr().err
    assert expected in err and "--force" in err and len(err.strip().splitlines()) == 1
    assert "different scenario" not in err


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        (["--param", "parameters.alfa=0:1"], "'parameters.alfa' is not a model parameter"),
        (["--param", "policies.aid.intensity=0.1:2"], "only parameters.NAME is fitted"),
        (["--param", "parameters.negativity=1:3"], "would need its own calibration probe"),
        (["--param", "parameters.alpha=0.5:0.5"], "need low < high, got 0.5 and 0.5"),
        (["--param", "parameters.alpha=0.5:9"], "parameters.alpha = 9 is not allowed"),
        (["--param", "parameters.alpha=0:1", "--param", "parameters.alpha=0:2"], "'parameters.alpha' is given twice"),
        (["--param", "parameters.alpha=0:1", "--series", "afg.csv"], "column 'target': 'AFG' is not an actor"),
        (["--param", "parameters.alpha=0:1", "--scenario", "undated.toml"], "has no calendar"),
        (
            ["--param", "parameters.alpha=0:1", "--split", "2001"],
            "no verified observation in the training window (years up to 2001)",
        ),
        (["--param", "parameters.alpha=0:1", "--quantile", "1.5"], "--quantile: must be between 0 and 1"),
        (["--fit", "missing.toml"], "no such fit file"),
    ],
)
def test_calibrate_bad_input_is_one_line_exit_2_and_writes_nothing(world, truth, tmp_path, capsys, case, expected):
    (world / "afg.csv").write_text(HEADER + "x,PAK,AFG,2005,,0.2,Pew,\n")
    undated = re.sub(r"(?m)^present = .*$", "", (world / "world.toml").read_text())  # a world with no calendar
    (world / "undated_world.toml").write_text(undated)
    (world / "undated.toml").write_text('name = "undated"\nworld = "undated_world.toml"\n')
    scenario, series, rest = str(world / "replay.toml"), str(world / "truth.csv"), list(case)
    if "--series" in rest:
        series = str(world / rest.pop(rest.index("--series") + 1))
        rest.remove("--series")
    if "--scenario" in rest:
        scenario = str(world / rest.pop(rest.index("--scenario") + 1))
        rest.remove("--scenario")
    out = tmp_path / "results" / "fit"
    assert main(["calibrate", scenario, series, *rest, *FAST, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert expected in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "results").exists()


def test_an_interrupted_calibration_says_how_to_resume_and_keeps_its_journal(
    world, truth, calibrated, tmp_path, capsys, monkeypatch
):
    """Ctrl-C during the sampling (raised by the 2nd block): exit 130, the journal and the resume command kept;
    --resume without --out finds it under results/<histories>-calibration/."""
    from sim.fit import api

    evaluate, calls = api.evaluate_block, []

    def interrupted(problem, xs):
        calls.append(len(xs))
        if len(calls) == 2:
            raise KeyboardInterrupt
        return evaluate(problem, xs)

    monkeypatch.setattr(api, "evaluate_block", interrupted)
    monkeypatch.chdir(tmp_path)
    args = calibrate_args(world)
    assert main([*args, *FAST]) == 130
    err = capsys.readouterr().err.strip().splitlines()
    (staging,) = Path("results", "replay-calibration").glob(".*.unfinished")  # relative, as the command prints
    out = staging.parent / staging.name[1 : -len(".unfinished")]
    assert f"interrupted after {calls[0]} evaluations" in err[0] and err[1].endswith(f"--out {out} --resume")
    assert len((staging / "journal.jsonl").read_text().splitlines()) == 1 + calls[0] and not out.exists()
    monkeypatch.setattr(api, "evaluate_block", evaluate)
    assert main([*args, *FAST, "--resume"]) == 0
    assert capsys.readouterr().out.strip() == str(out)
    assert (out / "posterior.csv").read_bytes() == (calibrated / "posterior.csv").read_bytes()
    assert not staging.exists()


def test_a_refused_candidate_is_the_users_error_and_leaves_nothing_unfinished(
    world, truth, tmp_path, capsys, monkeypatch
):
    from sim.fit import api

    def refused(problem, xs):
        raise ConfigError("needs more memory than is free", hint="use fewer replications")

    monkeypatch.setattr(api, "evaluate_block", refused)
    out = tmp_path / "fit"
    assert main([*calibrate_args(world), *FAST, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "needs more memory than is free (hint: use fewer replications)" in err and len(err.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []  # no .fit.unfinished to trip over


def test_a_candidate_refused_in_a_worker_process_is_the_users_error_and_leaves_nothing(
    world, truth, tmp_path, capsys, monkeypatch
):
    """A ConfigError raised in a worker process (here: a prior range past the schema's bound, slipped past the
    checks) comes back whole: one line, exit 2, no .fit.unfinished left."""
    import dataclasses

    from sim.fit import api
    from sim.fit.problem import Range

    load = api.load_problem

    def unchecked(*args, **kwargs):
        problem = load(*args, **kwargs)
        return dataclasses.replace(problem, ranges=(Range("parameters.alpha", 6.0, 7.0, "--param", "alpha"),))

    monkeypatch.setattr(api, "load_problem", unchecked)
    out = tmp_path / "fit"
    assert main([*calibrate_args(world), *FAST, "--workers", "2", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "key 'parameters.alpha'" in err and "less than or equal to 5" in err and len(err.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
def test_a_scheduler_address_where_something_else_answers_is_one_line_and_writes_nothing(world, truth, tmp_path):
    """--scheduler at a port where a web server answers (distributed reads its reply as a huge message length)."""
    import socket
    import subprocess
    import sys
    import threading

    pytest.importorskip("distributed")
    server = socket.create_server(("127.0.0.1", 0))

    def answer() -> None:
        with server:
            while True:
                try:
                    conn, _ = server.accept()
                except OSError:
                    return
                with conn:
                    conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n" * 4)

    threading.Thread(target=answer, daemon=True).start()
    address = f"tcp://127.0.0.1:{server.getsockname()[1]}"
    out = tmp_path / "fit"
    command = [sys.executable, "-m", "sim", *calibrate_args(world), *FAST, "--scheduler", address, "--out", str(out)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    server.close()
    assert done.returncode == 2, done.stderr
    assert f"key '--scheduler': what answers at '{address}' is not a Dask scheduler" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "where",
    [pytest.param([], id="in-process"), pytest.param(["--workers", "2"], id="two-workers", marks=pytest.mark.slow)],
)
def test_sigterm_stops_a_calibration_with_143_and_keeps_its_journal(world, truth, tmp_path, where):
    """SIGTERM once a candidate is journaled. Not as soon as the header appears: the header is readable before it
    is synced, and a signal while the store is being created removes it (there is nothing to resume)."""
    import signal
    import subprocess
    import sys
    import time

    out = tmp_path / "fit"
    options = ["--particles", "5000", *where, "-q", "--out", str(out)]
    command = [sys.executable, "-m", "sim", *calibrate_args(world), *options]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    journal = tmp_path / ".fit.unfinished" / "journal.jsonl"
    deadline = time.monotonic() + 120
    while not (journal.is_file() and journal.read_text().count("\n") >= 2) and proc.poll() is None:
        assert time.monotonic() < deadline, "the calibration never journaled a candidate"
        time.sleep(0.05)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 143, err
    assert "terminated after" in err and "--resume" in err and journal.is_file() and not out.exists()


def test_the_python_api_is_as_strict_as_the_command_line(world, truth, run_folder, tmp_path):
    for kwargs, expected in [
        ({"params": {"alpha": (0.05, 1)}, "particles": 1}, "key .particles.: must be at least 2"),
        ({"params": {"alpha": (0.05, 1)}, "particles": "8"}, "particles"),
        ({"params": {"alpha": "wide"}}, "give (low, high) numbers"),
        ({"params": {"alpha": (0.05, 1)}, "maxiter": 3}, "unknown setting 'maxiter'"),
        ({}, "give the prior ranges as params"),
        ({"params": {"alpha": (0.05, 1)}, "quantile": 2}, "key .quantile.: must be a number between 0 and 1"),
        ({"params": {"alfa": (0.05, 1)}}, "is not a model parameter"),
        ({"params": {"alpha": (0.05, 1)}, "workers": 0}, "key .workers.: must be at least 1"),
        ({"params": {"alpha": (0.05, 1)}, "workers": 2, "scheduler": "tcp://h:8786"}, "workers or scheduler, not both"),
        ({"params": {"alpha": (0.05, 1)}, "scheduler": ""}, "must be a Dask scheduler's address"),
    ]:
        with pytest.raises(ConfigError, match=expected.replace("(", r"\(").replace(")", r"\)")):
            sim.calibrate(world / "replay.toml", world / "truth.csv", out=tmp_path / "x", **kwargs)
    with pytest.raises(ConfigError, match="must be a scenario or a list of scenarios"):
        sim.calibrate(42, world / "truth.csv", params={"alpha": (0.05, 1)}, out=tmp_path / "x")
    assert not (tmp_path / "x").exists()
    for kwargs, expected in [
        ({"split": "2010"}, "split"),
        ({"split": 99999}, "must be a year"),
        ({"reference": "yes"}, "must be True or False"),
        ({"series_names": 3}, "series name"),
    ]:
        with pytest.raises(ConfigError, match=expected):
            sim.score(run_folder, world / "own.csv", **kwargs)
    with pytest.raises(ConfigError, match="must be a path"):
        sim.score(None, world / "own.csv")
    result = sim.score(run_folder, world / "own.csv", split=2010)
    assert result.verdict.startswith("verdict:") and set(result.metrics["run"]) >= {"run", "train_mean"}


@pytest.mark.parametrize("command", ["calibrate", "score"])
def test_help_shows_examples_without_the_numerical_stack(command):
    import os
    import re
    import subprocess
    import sys

    env = {**os.environ, "PYTHONPROFILEIMPORTTIME": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "sim", command, "--help"], capture_output=True, text=True, env=env, timeout=60
    )
    assert done.returncode == 0 and "examples:" in done.stdout and f"diplosim {command}" in done.stdout
    imported = {m.group(1).split(".")[0] for m in re.finditer(r"^import time:.*\|\s+(\S+)\s*$", done.stderr, re.M)}
    assert imported and not imported & {"numpy", "pandas", "xarray", "matplotlib", "mesa", "scipy"}


def test_readme_fitting_examples_run(world, run_folder, tmp_path, monkeypatch, capsys):
    """The commands of the docs' fitting page, on the dated scenario of this module (history.toml), its own
    output as series.csv and the page's ranges.toml, with small settings appended (the last option wins)."""
    import re
    import shlex

    section = (Path(__file__).resolve().parents[2] / "docs" / "history.md").read_text()
    commands = [
        shlex.split(line, comments=True) for line in re.search(r"```bash\n(.*?)```", section, re.S)[1].splitlines()
    ]
    ranges = re.search(r"```toml\n(# ranges.toml\n.*?)```", section, re.S)[1]
    for name in ("world.toml", "replay.toml"):
        shutil.copy(world / name, tmp_path / ("history.toml" if name == "replay.toml" else name))
    shutil.copy(world / "own.csv", tmp_path / "series.csv")
    (tmp_path / "ranges.toml").write_text(ranges)
    shutil.copytree(run_folder, tmp_path / "results" / "history")
    monkeypatch.chdir(tmp_path)
    ran = 0
    for words in filter(None, commands):
        if "--resume" in words:  # needs an interrupted calibration: covered by the resume tests above
            continue
        small = FAST[:-1] if words[1] == "calibrate" else []
        if words[1] == "run" and "--fit" in words:
            words = [*words, "-r", "8"]
        assert main([*words[1:], *small]) == 0, f"{shlex.join(words)}: {capsys.readouterr().err}"
        ran += 1
    assert ran >= 4 and (tmp_path / "results" / "fit" / "posterior.csv").is_file()


def test_a_series_selection_keeps_only_the_series_named():
    from sim.fit.series import select_series

    path = "scenarios/history/observed.csv"
    observed = load_series(path)
    both = select_series(observed, ["pew_pak_usa", "gallup_usa_pak"], path)
    assert set(both["series"]) == {"pew_pak_usa", "gallup_usa_pak"} and len(both) < len(observed)
    assert select_series(observed, [], path) is observed
    with pytest.raises(ConfigError, match="did you mean 'pew_pak_usa'"):
        select_series(observed, ["pew_pak_us"], path)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(damage=st.binary(max_size=200), keep=st.integers(min_value=0, max_value=3))
def test_any_damage_to_a_journal_is_read_or_refused_in_one_line(tmp_path, damage, keep):
    """A journal cut after `keep` lines, with any bytes appended: it loads (a torn last line is dropped) or it is
    one ConfigError; never another exception."""
    from sim.fit.journal import Journal

    root = tmp_path / f".case-{abs(hash((damage, keep)))}.unfinished"
    root.mkdir()
    lines = [b'{"fingerprint": "f"}\n', b'{"x": [0.1], "distance": 0.2}\n', b'{"x": [0.3], "distance": 0.1}\n']
    (root / "journal.jsonl").write_bytes(b"".join(lines[:keep]) + damage)
    try:
        if Journal.fingerprint_of(root) is None:
            return
        journal = Journal.load(root)
    except ConfigError as exc:
        assert "journal" in str(exc) and "\n" not in str(exc)
        return
    assert all(isinstance(e["distance"], int | float) for e in journal.entries.values())
