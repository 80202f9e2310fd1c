"""Why and how: counterfactual runs split a difference into what did it and through which mechanism; every table
adds up with its interaction line, and a mechanism that is off in both runs contributes exactly nothing."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import sim
from sim.cli.main import main
from sim.runs import explain
from sim.scenario.load import validate_raw

REPS = 80


@pytest.fixture(scope="module")
def pressure() -> explain.Explanation:
    runs = sim.compare(["baseline", "us_pressure"], replications=REPS, steps=60)
    found = runs.explain(questions=["USA->PAK", "PAK->USA", "P(PAK->USA < 0.3 by 2027-12)"])
    table = runs.table()
    found.diff = table[table["scenario"] == "us_pressure"].set_index(["observer", "target"])["diff"]
    return found


def test_each_table_adds_up_to_the_difference_with_its_interaction(pressure) -> None:
    for _, rows in pressure.table.groupby("outcome"):
        total = rows.loc[rows["group"] == "total", "contribution"].item()
        for group in ("what", "how"):
            parts = rows.loc[rows["group"] == group]
            assert parts["part"].iloc[-1].startswith("interaction")
            assert parts["contribution"].sum() == pytest.approx(total, abs=1e-12)


def test_the_difference_is_the_comparisons(pressure) -> None:
    rows = pressure.table[(pressure.table["group"] == "total")].set_index("outcome")["contribution"]
    assert rows["trust_USA_PAK"] == pytest.approx(pressure.diff.loc[("USA", "PAK")], abs=1e-9)
    assert rows["trust_PAK_USA"] == pytest.approx(pressure.diff.loc[("PAK", "USA")], abs=1e-9)


def test_us_pressure_lowers_us_trust_through_pakistans_replies(pressure) -> None:
    how = pressure.table[(pressure.table["outcome"] == "trust_USA_PAK") & (pressure.table["group"] == "how")]
    how = how.set_index("part")["contribution"]
    replies = how[next(p for p in how.index if p.startswith("reciprocity"))]
    direct = how[next(p for p in how.index if p.startswith("direct"))]
    assert replies < 0 and abs(replies) > 3 * abs(direct)  # the US distrusts Pakistan's answers, not its own acts
    what = pressure.table[(pressure.table["outcome"] == "trust_PAK_USA") & (pressure.table["group"] == "what")]
    assert "hostile moves (usa_pressure, us_presses_when_distrustful)" in what["part"].iloc[0]
    assert "P(PAK->USA < 0.3 by 2027-12)" in pressure.text()


def test_a_mechanism_off_in_both_runs_contributes_nothing() -> None:
    def without_audience(name: str) -> sim.Scenario:
        raw = sim.load_scenario(name).model_dump()
        raw["parameters"]["mu"] = 0.0
        return validate_raw(raw | {"steps": 36})

    found = explain.explain(
        without_audience("dialogue"), without_audience("baseline"), replications=np.arange(40), questions=["PAK->USA"]
    )
    how = found.table[found.table["group"] == "how"].set_index("part")["contribution"]
    assert how["audience term (mu = 0)"] == 0.0
    assert found.table.loc[found.table["group"] == "total", "contribution"].item() > 0  # dialogue raises it


def test_explain_command_on_a_comparison_folder(tmp_path: Path, capsys) -> None:
    folder = tmp_path / "cmp"
    words = ["compare", "baseline", "dialogue", "-r", "30", "-t", "24", "--no-plots", "-q", "--out", str(folder)]
    assert main(words) == 0
    capsys.readouterr()
    out = tmp_path / "why.csv"
    assert main(["explain", str(folder), "--dyad", "PAK->USA", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "Why dialogue differs from baseline" in printed and "interaction" in printed and "Yardstick" in printed
    table = pd.read_csv(out)
    assert set(table["group"]) == {"total", "what", "how"} and set(table["scenario"]) == {"dialogue"}
    assert main(["explain", str(folder), "--dyad", "PAK->PAK"]) == 2
    assert "no dyad PAK->PAK" in capsys.readouterr().err
