"""The evidence behind the numbers (issue 17): histories built by rule, a frozen split that the fit never reads
past, the bundled fit and its leave-one-out fits, and the docs' tables made from them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from benchmarks import evidence
from sim.cli.main import main
from sim.fit import api, histories
from sim.fit.problem import load_fit_file, parse_param
from sim.fit.series import load_series, scored
from sim.fit.split import load_split
from sim.runs.posterior import load_posterior

ROOT = Path(__file__).resolve().parents[2]
HISTORY = ROOT / "scenarios" / "history"
OBSERVED = HISTORY / "observed.csv"
TINY = ["--particles", "6", "--generations", "2", "-r", "2", "--predictive", "6", "--no-plots", "-q"]


def test_every_history_is_what_the_rule_makes():
    assert histories.names() == ["india_pakistan", "us_china", "us_india", "us_pakistan"]
    assert histories.write_all(check=True) == []  # nobody edited a generated file by hand


def test_the_histories_are_scored_on_at_least_four_directed_dyads_with_verified_rows_in_both_windows():
    split = load_split().train_end
    problem = api.load_problem(
        [HISTORY / f"{h}.toml" for h in histories.names()], OBSERVED, [parse_param("parameters.alpha=0.02:0.6")], {}
    )
    dyads = {}
    for target in problem.targets:
        for row in target.observed.itertuples():
            dyads.setdefault((row.observer, row.target), set()).add("train" if row.year <= split else "test")
    assert len(dyads) >= 4
    assert sum(windows == {"train", "test"} for windows in dyads.values()) >= 4
    assert all(row.verified is not False for t in problem.targets for row in t.observed.itertuples())


def held_out_changed(tmp_path: Path) -> Path:
    """observed.csv with every held-out value (after the split) replaced: 1 - value."""
    split = load_split().train_end
    table = pd.read_csv(OBSERVED, dtype=str, keep_default_na=False)
    later = table["year"].astype(int) > split
    table.loc[later, "value"] = [f"{1 - float(v):.2f}" for v in table.loc[later, "value"]]
    path = tmp_path / "observed.csv"
    table.to_csv(path, index=False)
    return path


def test_no_anchor_and_no_fit_reads_a_held_out_row(tmp_path):
    changed = held_out_changed(tmp_path)
    original, other = load_series(OBSERVED), load_series(changed)
    assert (original["value"] != other["value"]).sum() > 10  # the held-out rows did change
    for name in histories.names():  # the anchors come from training rows only
        assert histories.text(name, other) == histories.text(name, original)
    ranges, settings = load_fit_file(ROOT / "scenarios" / "fits" / "default.toml")
    paths = [HISTORY / f"{h}.toml" for h in histories.names()]
    a, b = (api.load_problem(paths, series, ranges, settings) for series in (OBSERVED, changed))
    assert a.fingerprint() == b.fingerprint()
    # and a whole (tiny) calibration: the same posterior and journal, different held-out scores
    folders = {}
    for label, series in (("original", OBSERVED), ("changed", changed)):
        folders[label] = tmp_path / label
        args = ["calibrate", str(HISTORY / "us_china.toml"), str(series), "--param", "parameters.alpha=0.02:0.6"]
        assert main([*args, *TINY, "--out", str(folders[label])]) == 0
    for name in ("posterior.csv", "populations.csv", "parameters.csv", "journal.jsonl"):
        assert (folders["original"] / name).read_bytes() == (folders["changed"] / name).read_bytes(), name
    test = [pd.read_csv(f / "metrics.csv").query("window == 'test' and run == 'run'") for f in folders.values()]
    assert not test[0]["rmse"].equals(test[1]["rmse"])


def test_the_bundled_fit_is_complete_and_drawn_from_by_default():
    manifest = evidence._manifest(evidence.FIT)
    assert manifest["scenarios"] == list(histories.names())
    assert manifest["settings"]["split"] == load_split().train_end
    posterior = load_posterior("default")
    ranges, _ = load_fit_file(ROOT / "scenarios" / "fits" / "default.toml")
    assert list(posterior.names) == [r.name for r in ranges]
    for j, r in enumerate(ranges):
        assert ((posterior.values[:, j] >= r.low) & (posterior.values[:, j] <= r.high)).all()
    metrics = pd.read_csv(evidence.FIT / "metrics.csv")
    assert set(metrics["run"]) == {"run", "no_moves", "train_mean", "persistence"}
    kept, _ = scored(load_series(evidence.FIT / "series.csv"))
    assert metrics["n"].sum() // 4 <= len(kept)  # only verified rows are scored


def test_the_leave_one_out_fits_each_leave_one_history_out():
    scores = pd.read_csv(evidence.LODO / "scores.csv")
    assert sorted(set(scores["left_out"])) == sorted(histories.names())
    assert (scores["left_out"] == scores["history"]).all()  # each scored on the history it was not fitted on
    for left in histories.names():
        fitted = evidence._manifest(evidence.LODO / left)["scenarios"]
        assert left not in fitted and len(fitted) == 3


def test_a_copy_of_the_bundled_fit_runs_like_the_named_one(tmp_path):
    import numpy as np

    import sim

    copy = tmp_path / "fit"
    shutil.copytree(evidence.FIT, copy)
    a = sim.run("dialogue", replications=[3, 11], steps=12, fit="default")
    b = sim.run("dialogue", replications=[3, 11], steps=12, fit=copy)
    np.testing.assert_array_equal(a.trust.values, b.trust.values)
    (copy / "posterior.csv").write_text("parameters.alpha,weight\n0.2,-1\n")
    with pytest.raises(sim.ConfigError, match="weights must be >= 0"):
        sim.run("dialogue", replications=2, steps=12, fit=copy)
