"""Scoring and calibration against observed series, end to end: `score` and `calibrate` (the metrics, the series
file and the ranges have unit tests: tests/unit/test_score.py, test_series.py, test_optimise.py).

The tests use a small dated scenario written here and
"observed" series made from the model's own output (a run at known values, on the same random numbers), so
they assert contracts that hold whatever the model's numbers are: a run scored against itself has RMSE 0, a
calibration recovers the value that made the data, a resumed calibration ends exactly like an uninterrupted one.
"""

from __future__ import annotations

import json
import re
import shutil
import tomllib
from pathlib import Path

import pandas as pd
import pytest

import sim
from sim.cli.main import main
from sim.fit.optimise import load_fit_file
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
FAST = ["--replications", "8", "--maxiter", "3", "--popsize", "5", "--no-plots", "-q"]


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
            lines.append(f"{name},{obs},{tgt},{year},,{float(trust[dates.year == year].mean())!r},model output,no\n")
    return "".join(lines)


DYADS = {"pak_usa": ("PAK", "USA"), "usa_pak": ("USA", "PAK")}


@pytest.fixture(scope="module")
def run_folder(world: Path) -> Path:
    """`diplosim run` of the dated scenario, and a series file of its own yearly means (own.csv)."""
    out = world / "runs" / "replay"
    assert main(["run", str(world / "replay.toml"), "--out", str(out), "--no-plots", "-q"]) == 0
    own = yearly_series(sim.Results.load(out / "trajectories.nc"), DYADS, range(2002, 2013))
    (world / "own.csv").write_text(own + "pak_usa,PAK,USA,2014,,0.2,after the run,no\n")
    return out


def test_score_of_a_run_against_its_own_output_is_exact_and_beats_its_no_moves_run(world, run_folder, capsys):
    target = world / "score.csv"
    assert main(["score", str(run_folder), str(world / "own.csv"), "-o", str(target)]) == 0
    text = capsys.readouterr().out
    assert "1 observation(s) (2014) fall outside the run" in text
    metrics = pd.read_csv(target)
    assert set(metrics["run"]) == {"run", "no_moves"} and set(metrics["window"]) == {"train", "test"}
    assert set(metrics["series"]) == set(DYADS)
    run, ref = metrics[metrics["run"] == "run"], metrics[metrics["run"] == "no_moves"]
    # exact up to float32, the precision trajectories are stored in (sim.core.recording)
    assert (run["rmse"] < 1e-6).all() and (run["direction"] == 1).all()
    assert (run["n"].to_numpy() == [9, 2, 9, 2]).all()  # 2002-2010 train, 2011-2012 test
    pak_usa = ref[ref["series"] == "pak_usa"]
    assert (pak_usa["rmse"] > 0.01).all()  # the policies move PAK -> USA, so its no-moves run is off


def test_score_from_summary_only_and_without_reference(world, run_folder, capsys):
    slim = world / "runs" / "slim"
    shutil.copytree(run_folder, slim)
    (slim / "trajectories.nc").unlink()
    assert main(["score", str(slim), str(world / "own.csv"), "--no-reference", "-o", str(world / "slim.csv")]) == 0
    assert "no 90% band for yearly values" in capsys.readouterr().out
    metrics = pd.read_csv(world / "slim.csv")
    assert set(metrics["run"]) == {"run"} and (metrics["rmse"] < 1e-5).all()  # summary.csv keeps 6 digits
    assert metrics["coverage"].isna().all()  # yearly values only: no band from a summary


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["scenarios/x"], "no such folder"),
        (["{world}"], "not a run folder (no scenario.toml)"),
        (["{run}", "--split", "20"], "--split: must be a year"),
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


@pytest.fixture(scope="module")
def truth(world: Path) -> float:
    """Series made by the scenario with PAK's initial trust in the US at 0.45 (calibrate's seed and
    replications), written as truth.csv: a calibration of that number should find 0.45 again."""
    value = 0.45
    spec = sim.load_scenario(world / "replay.toml")
    raw = spec.model_dump()
    raw["initial_state"]["PAK"]["USA"] = value
    from sim.scenario.load import validate_raw

    results = sim.run(validate_raw(raw), replications=8, seed=spec.seed)
    (world / "truth.csv").write_text(yearly_series(results, {"pak_usa": ("PAK", "USA")}, range(2002, 2013)))
    return value


def calibrate_args(world: Path, param: str) -> list[str]:
    """`diplosim calibrate` of the replay scenario against the truth series, fitting one range `param`."""
    return ["calibrate", str(world / "replay.toml"), str(world / "truth.csv"), "--param", param]


@pytest.fixture(scope="module")
def calibrated(world: Path, truth: float) -> Path:
    out = world / "fits" / "full"
    args = calibrate_args(world, "initial_state.PAK.USA=0.1:0.7")
    assert main([*args, *FAST[:-2], "--out", str(out)]) == 0  # with the figure
    return out


def test_calibration_recovers_the_value_that_made_the_data(calibrated, truth):
    manifest = json.loads((calibrated / "manifest.json").read_text())
    (param,) = manifest["parameters"]
    assert param["initial"] == 0.23 and 0.1 <= param["fitted"] <= 0.7
    assert abs(param["fitted"] - truth) < abs(param["initial"] - truth) / 2
    rmse = manifest["train_mean_rmse"]
    assert rmse["fitted"] < rmse["initial"]
    fitted = tomllib.loads((calibrated / "scenario.toml").read_text())
    assert fitted["initial_state"]["PAK"]["USA"] == param["fitted"]
    assert "# initial_state.PAK.USA = " in (calibrated / "fitted.toml").read_text()


def test_calibration_folder_holds_metrics_journal_and_figure(calibrated):
    manifest = json.loads((calibrated / "manifest.json").read_text())
    expected = {"bands.csv", "fit.png", "fitted.toml", "journal.jsonl", "metrics.csv", "points.csv"}
    assert expected | {"scenario.toml", "series.csv", "manifest.json"} == set(manifest["files"])
    assert {p.name for p in calibrated.iterdir()} == set(manifest["files"])
    assert (calibrated / "fit.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    metrics = pd.read_csv(calibrated / "metrics.csv")
    assert set(zip(metrics["run"], metrics["window"], strict=True)) == {
        (run, window) for run in ("fitted", "initial", "no_moves") for window in ("train", "test")
    }
    journal = [json.loads(line) for line in (calibrated / "journal.jsonl").read_text().splitlines()]
    # each distinct vector is computed once; a vector a generation repeats is answered by the journal
    assert "fingerprint" in journal[0] and len(journal) - 1 == manifest["computed"] <= manifest["evaluations"]
    # common random numbers: rerunning the best candidate gives the objective the search saw for it
    best = min(journal[1:], key=lambda e: e["objective"])
    assert best["objective"] == manifest["train_mean_rmse"]["fitted"]
    assert not list(calibrated.parent.glob(".*"))  # the staging folder is gone


def test_fitted_toml_sets_parameters_a_scenario_can_include(world, truth, tmp_path):
    out = tmp_path / "alpha"
    args = calibrate_args(world, "parameters.alpha=0.1:1")
    assert (
        main([*args, "--replications", "4", "--maxiter", "1", "--popsize", "5", "--no-plots", "-q", "-o", str(out)])
        == 0
    )
    snippet = tomllib.loads((out / "fitted.toml").read_text())
    fitted = json.loads((out / "manifest.json").read_text())["parameters"][0]["fitted"]
    assert snippet == {"parameters": {"alpha": fitted}}
    included = (world / "replay.toml").read_text() + "\n" + (out / "fitted.toml").read_text()
    (world / "included.toml").write_text(included.replace('name = "replay"', 'name = "included"'))
    assert sim.load_scenario(world / "included.toml").parameters.alpha == fitted


def test_resume_after_an_interruption_ends_with_identical_results(world, truth, calibrated, tmp_path, capsys):
    """An interruption is a journal cut after K evaluations (and a torn line); --resume computes only the rest."""
    out = tmp_path / "resumed"
    staging = tmp_path / ".resumed.unfinished"
    staging.mkdir()
    lines = (calibrated / "journal.jsonl").read_text().splitlines(keepends=True)
    known = 7
    (staging / "journal.jsonl").write_text("".join(lines[: 1 + known]) + lines[1 + known][:25])
    args = calibrate_args(world, "initial_state.PAK.USA=0.1:0.7")
    assert main([*args, *FAST, "--out", str(out), "--resume"]) == 0
    for name in ("fitted.toml", "metrics.csv", "points.csv", "journal.jsonl"):
        assert (out / name).read_bytes() == (calibrated / name).read_bytes(), name
    manifest = json.loads((out / "manifest.json").read_text())
    full = json.loads((calibrated / "manifest.json").read_text())
    assert manifest["computed"] == full["computed"] - known and manifest["evaluations"] == full["evaluations"]
    assert not staging.exists()


def test_resume_refuses_another_calibration_and_a_fresh_start_refuses_an_unfinished_one(world, truth, tmp_path, capsys):
    out = tmp_path / "fit"
    staging = tmp_path / ".fit.unfinished"
    args = calibrate_args(world, "initial_state.PAK.USA=0.1:0.7")
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
    ("case", "expected"),
    [
        (
            ["--param", "parameters.alfa=0:1"],
            "'parameters.alfa' is not a number in scenario 'replay' (hint: did you mean",
        ),
        (["--param", "parameters.alpha=0.5:0.5"], "need low < high, got 0.5 and 0.5"),
        (["--param", "parameters.alpha=0.5:9"], "parameters.alpha = 9 is not allowed"),
        (["--param", "seed=1:9"], "'seed' is a run setting, not fitted"),
        (["--param", "parameters.alpha=0:1", "--series", "afg.csv"], "column 'target': 'AFG' is not an actor"),
        (["--param", "parameters.alpha=0:1", "--scenario", "undated.toml"], "has no calendar"),
        (
            ["--param", "parameters.alpha=0:1", "--split", "2001"],
            "no observation in the train window (years up to 2001)",
        ),
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
    """Ctrl-C during the search (raised by the 5th evaluation): exit 130, the journal and the resume command kept;
    --resume without --out finds it under results/<scenario>-calibration/."""
    from sim.fit import optimise

    evaluate, calls = optimise.evaluate_many, []

    def interrupted(problem, xs):
        for done in evaluate(problem, xs):
            calls.append(done)
            if len(calls) == 5:
                raise KeyboardInterrupt
            yield done

    monkeypatch.setattr(optimise, "evaluate_many", interrupted)
    monkeypatch.chdir(tmp_path)
    args = calibrate_args(world, "initial_state.PAK.USA=0.1:0.7")
    assert main([*args, *FAST]) == 130
    err = capsys.readouterr().err.strip().splitlines()
    (staging,) = Path("results", "replay-calibration").glob(".*.unfinished")  # relative, as the command prints
    out = staging.parent / staging.name[1 : -len(".unfinished")]
    assert "interrupted after 4 evaluations" in err[0] and err[1].endswith(f"--out {out} --resume")
    assert len((staging / "journal.jsonl").read_text().splitlines()) == 1 + 4 and not out.exists()
    monkeypatch.setattr(optimise, "evaluate_many", evaluate)
    assert main([*args, *FAST, "--resume"]) == 0
    assert capsys.readouterr().out.strip() == str(out)
    assert (out / "fitted.toml").read_bytes() == (calibrated / "fitted.toml").read_bytes()
    assert not staging.exists()


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
        small = (
            ["--replications", "4", "--maxiter", "1", "--popsize", "1", "--no-plots"] if words[1] == "calibrate" else []
        )
        assert main([*words[1:], *small]) == 0, f"{shlex.join(words)}: {capsys.readouterr().err}"
        ran += 1
    assert ran >= 4 and (tmp_path / "results" / "fit" / "fitted.toml").is_file()


def test_the_objective_the_search_sees_is_the_train_rmse_reported_for_any_split(world, truth, tmp_path):
    out = tmp_path / "split"
    args = calibrate_args(world, "parameters.alpha=0.1:1")
    assert (
        main([*args, "--replications", "4", "--maxiter", "1", "--split", "2011", "--no-plots", "-q", "-o", str(out)])
        == 0
    )
    manifest = json.loads((out / "manifest.json").read_text())
    journal = [json.loads(line) for line in (out / "journal.jsonl").read_text().splitlines()[1:]]
    assert min(e["objective"] for e in journal) == manifest["train_mean_rmse"]["fitted"]
    metrics = pd.read_csv(out / "metrics.csv")
    assert set(metrics[metrics["window"] == "train"]["n"]) == {10} and set(
        metrics[metrics["window"] == "test"]["n"]
    ) == {1}


def test_a_series_selection_keeps_only_the_series_named():
    from sim.fit.series import select_series

    path = "scenarios/history/observed_opinion.csv"
    observed = load_series(path)
    both = select_series(observed, ["pew_pak_usa", "gallup_usa_pak"], path)
    assert set(both["series"]) == {"pew_pak_usa", "gallup_usa_pak"} and len(both) < len(observed)
    assert select_series(observed, [], path) is observed
    with pytest.raises(ConfigError, match="did you mean 'pew_pak_usa'"):
        select_series(observed, ["pew_pak_us"], path)


def test_the_bundled_fit_file_fits_the_two_us_pakistan_series():
    ranges, settings = load_fit_file("scenarios/history/fit.toml")
    assert [r.path for r in ranges] == ["parameters.alpha", "parameters.level_gain", "parameters.level_range"]
    assert settings["series"] == ("pew_pak_usa", "gallup_usa_pak") and settings["split"] == 2010
