"""Outcomes beyond the final mean in run, compare, sweeps and discovery: the same numbers everywhere, written to
outcomes.csv and sweep.csv, and bad expressions refused before any work."""

from __future__ import annotations

from importlib.util import find_spec
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import sim
import sim.sweep
from sim.cli.main import main
from sim.scenario.load import load_scenario
from sim.sweep import api, tasks

ASKED = ["P(PAK->USA < 0.3 by 2026-06)", "first(PAK->USA < 0.3)", "PAK->USA at 2025-12"]


def test_run_prints_and_writes_outcomes_and_refuses_bad_ones(tmp_path: Path, capsys) -> None:
    out = tmp_path / "run"
    words = ["run", "us_pressure", "-r", "30", "-t", "24", "--no-plots", "--out", str(out)]
    assert main([*words, *(a for text in ASKED for a in ("--outcome", text))]) == 0
    printed = capsys.readouterr().out
    assert all(text in printed for text in ASKED) and "crossed in" in printed
    table = pd.read_csv(out / "outcomes.csv")
    each = sim.run("us_pressure", replications=30, steps=24).outcomes(ASKED)
    expected = [each[:, 0].mean(), (each[:, 1] <= 24).mean(), each[:, 2].mean()]
    np.testing.assert_allclose(table["mean"], expected, rtol=1e-5)  # the CSV keeps 6 significant digits
    bad = tmp_path / "bad"
    assert main([*words[:-1], str(bad), "--outcome", "PAK->USA at 2030-01"]) == 2  # after the run's 24 months
    assert "outside the run (2025-01 to 2026-12)" in capsys.readouterr().err and not bad.exists()


def test_compare_gives_paired_differences_of_outcomes() -> None:
    runs = sim.compare(["baseline", "us_pressure"], replications=60, steps=24)
    table = runs.outcomes(ASKED[:1]).set_index("scenario")
    assert table.loc["us_pressure", "mean"] > table.loc["baseline", "mean"]  # pressure: PAK's trust falls sooner
    assert table.loc["us_pressure", "diff_low"] > 0 and np.isnan(table.loc["baseline", "diff"])
    assert "P(PAK->USA < 0.3 by 2026-06)" in runs.text(runs.outcomes(ASKED[:1]))


def small_sweep() -> dict:
    return {
        "scenario": "us_pressure",
        "replications": 12,
        "seed": 3,
        "steps": 24,
        "outcomes": ["trust_PAK_USA", *ASKED],
        "vary": [{"path": "policies.usa_pressure.intensity", "values": [0.25, 1.0, 3.0]}],
    }


def test_a_sweep_keeps_what_each_outcome_needs_and_matches_a_run() -> None:
    sweep = sim.sweep.load(small_sweep())
    assert sweep.outcomes[1:] == [
        "prob_trust_PAK_USA_lt_0.3_by_2026-06",
        "first_trust_PAK_USA_lt_0.3",
        "trust_PAK_USA_at_2025-12",
    ]
    spec = load_scenario("us_pressure").model_copy(update={"steps": 24})
    values = tasks.run_points([spec], np.arange(12), api.plan(sweep))[0][0]
    expected = sim.run(spec, replications=12, seed=3).outcomes(["PAK->USA", *ASKED]).values
    np.testing.assert_allclose(values, expected, rtol=0, atol=1e-6)  # Results keep float32


@pytest.mark.skipif(find_spec("ema_workbench") is None, reason="the `discover` extra is not installed")
def test_discovery_takes_an_outcome_expression(tmp_path: Path) -> None:
    folder = tmp_path / "sweep"
    sweep = small_sweep() | {"design": "lhs", "samples": 16, "replications": 8}
    sweep["vary"] = [{"path": "policies.usa_pressure.intensity", "low": 0.05, "high": 3.0}]
    sim.sweep.run(sweep, out=folder, workers=1, figures=False)
    found = sim.discover(folder, "P(PAK->USA < 0.3 by 2026-06)", above=0.5)
    assert found.outcome == "prob_trust_PAK_USA_lt_0.3_by_2026-06"
    box = found.box().set_index("parameter")
    assert box.loc["policies.usa_pressure.intensity", "low"] > 0.05  # falling early takes strong pressure


def test_a_sweep_summary_never_names_one_point_as_both_lowest_and_highest() -> None:
    sweep = small_sweep() | {"outcomes": ["trust_PAK_USA", "P(PAK->USA < 0.01 by 2025-03)"]}
    summary = sim.sweep.run(sweep, workers=1).summary().set_index("outcome")
    never = summary.loc["prob_trust_PAK_USA_lt_0.01_by_2025-03"]  # 0 at every point
    assert "does not vary" in never["lowest at"] and never["highest at"] != never["lowest at"]
    varies = summary.loc["trust_PAK_USA"]
    assert varies["lowest at"] != varies["highest at"]  # pressure 3.0 lowest, 0.25 highest
