"""Scenario discovery with PRIM: the box finds the parameter that drives the outcome; the command's contract."""

from __future__ import annotations

import json
import sys
from importlib.util import find_spec

import pandas as pd
import pytest

import sim
import sim.sweep
from sim.cli.main import main

# Checked without importing it (1.5 s): only the worker that runs these tests pays for the import.
pytestmark = pytest.mark.skipif(find_spec("ema_workbench") is None, reason="the `discover` extra is not installed")

PRESSURE = "policies.usa_pressure.intensity"


@pytest.fixture(scope="module")
def sweep_dir(tmp_path_factory):
    """US pressure's intensity (which drives Pakistan's trust in the US down) and the calm half-life (which, with
    noise_reduction = 0, cannot matter), sampled by Latin hypercube."""
    folder = tmp_path_factory.mktemp("discover") / "sweep"
    sim.sweep.run(
        {
            "scenario": "us_pressure",
            "design": "lhs",
            "samples": 24,
            "replications": 10,
            "steps": 24,
            "seed": 4,
            "outcomes": ["trust_PAK_USA", "alignment"],
            "vary": [
                {"path": PRESSURE, "low": 0.05, "high": 3.0},
                {"path": "parameters.calm_half_life", "low": 1.0, "high": 48.0},
                {"path": "parameters.noise_reduction", "low": 0.0, "high": 0.001},
            ],
        },
        out=folder,
        workers=1,
        figures=False,
    )
    return folder


@pytest.fixture(scope="module")
def cut(sweep_dir) -> float:
    """A threshold inside the outcome's range: the median over points of Pakistan's median trust in the US."""
    return round(float(pd.read_csv(sweep_dir / "sweep.csv")["trust_PAK_USA_p50"].median()), 3)


def test_prim_finds_that_low_trust_comes_from_strong_pressure(sweep_dir, cut):
    found = sim.discover(sweep_dir, "PAK->USA", below=cut)
    box = found.box().set_index("parameter")
    assert box.loc[PRESSURE, "restricted"]
    assert box.loc[PRESSURE, "low"] > box.loc[PRESSURE, "sweep_low"]  # the box excludes mild pressure ...
    assert box.loc[PRESSURE, "high"] == box.loc[PRESSURE, "sweep_high"]  # ... and keeps the strongest
    row = found.trajectory.loc[found.chosen]
    assert row["density"] > found.y.mean() and row["coverage"] >= 0.5
    assert len(found.y) == 24 * 10  # runs: one case per replication and point
    above = sim.discover(sweep_dir, "PAK->USA", above=cut, cases_from="points").box().set_index("parameter")
    assert above.loc[PRESSURE, "high"] < above.loc[PRESSURE, "sweep_high"]  # the other side: mild pressure
    assert len(repr(found)) < 300 and "coverage" in found._repr_html_()


def test_discover_writes_the_boxes_and_figures(sweep_dir, cut, tmp_path, capsys):
    out = tmp_path / "low"
    assert main(["discover", str(sweep_dir), "--outcome", "PAK->USA", "--below", f"{cut:g}", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert f"have trust PAK → USA < {cut:g}" in printed and "usa_pressure intensity" in printed
    boxes = pd.read_csv(out / "boxes.csv")
    assert boxes["coverage"].iloc[0] == 1 and boxes["chosen"].sum() == 1
    assert (boxes["coverage"].diff().dropna() <= 1e-12).all()  # peeling only ever loses coverage
    assert {f"{PRESSURE}_low", f"{PRESSURE}_high"} <= set(boxes.columns)
    assert set(pd.read_csv(out / "box.csv")["parameter"]) == {
        PRESSURE,
        "parameters.calm_half_life",
        "parameters.noise_reduction",
    }
    for figure in ("trajectory.png", "limits.png"):
        assert (out / figure).read_bytes()[:4] == b"\x89PNG"
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["outcome"] == "trust_PAK_USA" and manifest["below"] == cut
    assert main(["discover", str(sweep_dir), "--outcome", "PAK->USA", "--below", f"{cut:g}", "--out", str(out)]) == 2


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--outcome", "PAK->CHN", "--above", "0.5"], "no outcome 'PAK->CHN'"),
        (["--outcome", "PAK->USA", "--above", "0.999"], "none of the 240 cases"),
        (["--outcome", "PAK->USA"], "one of the arguments --above --below is required"),
        (["--outcome", "alignment", "--above", "nan"], "finite number"),
    ],
)
def test_bad_input_is_one_line_and_writes_nothing(sweep_dir, capsys, args, expected):
    before = sorted(p.name for p in sweep_dir.iterdir())
    assert main(["discover", str(sweep_dir), *args]) == 2
    err = capsys.readouterr().err
    assert expected in err and len(err.strip().splitlines()) == 1
    assert sorted(p.name for p in sweep_dir.iterdir()) == before


def test_without_chunks_runs_are_refused_with_a_hint_and_points_work(sweep_dir, cut, tmp_path, capsys):
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(sweep_dir, copy, ignore=shutil.ignore_patterns("chunks"))
    assert main(["discover", str(copy), "--outcome", "PAK->USA", "--below", f"{cut:g}"]) == 2
    assert "--cases points" in capsys.readouterr().err
    assert main(["discover", str(copy), "--outcome", "PAK->USA", "--below", f"{cut:g}", "--cases", "points", "-q"]) == 0
    assert capsys.readouterr().out.strip() == str(copy / "discover" / f"trust_PAK_USA-below-{cut:g}")


def test_a_missing_extra_is_one_clear_line(sweep_dir, cut, tmp_path, capsys, monkeypatch):
    for name in [m for m in sys.modules if m.startswith("ema_workbench")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "ema_workbench", None)  # as if the `discover` extra were not installed
    assert (
        main(["discover", str(sweep_dir), "--outcome", "PAK->USA", "--below", f"{cut:g}", "-o", str(tmp_path / "x")])
        == 2
    )
    assert "pip install 'diplosim[discover]'" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()
