"""Sweep figures, labels and the sweep command's printout: house style, shared scales, honest sensitivity bars."""

from __future__ import annotations

import subprocess
import sys

import matplotlib as mpl
import numpy as np
import pandas as pd
import pytest
import tomli_w

import sim.sweep
from sim.cli.main import main
from sim.figures.style import OKABE_ITO
from sim.scenario import labels
from sim.scenario.schema import Parameters, Policy
from sim.sweep import figures
from sim.sweep.catalogue import list_sweeps, sweep_dir, sweep_path

DIPLOSIM = [sys.executable, "-c", "from sim.cli.main import console; console()"]


def grid_sweep(**settings) -> dict:
    """A small 2-D grid over structural balance and US pressure."""
    base = {
        "scenario": "us_pressure",
        "replications": 8,
        "seed": 2,
        "steps": 18,
        "outcomes": ["trust_PAK_USA", "alignment", "polarization"],
        "vary": [
            {"path": "parameters.beta", "values": [0.0, 0.3]},
            {"path": "policies.usa_pressure.intensity", "values": [0.5, 2.0, 4.0]},
        ],
    }
    return base | settings


def info(**changes) -> figures.SweepInfo:
    base = {
        "name": "t",
        "scenario": "baseline",
        "design": "sobol",
        "parameters": ["parameters.alpha", "parameters.beta"],
        "outcomes": ["trust_PAK_USA", "alignment"],
        "replications": 10,
        "window": (13, 24),
        "points": 16,
    }
    return figures.SweepInfo(**(base | changes))


# -- labels -----------------------------------------------------------------------------------------------------


def test_parameter_labels_come_from_the_schema_descriptions():
    alpha = labels.parameter("parameters.alpha")
    assert alpha.short == "alpha" and alpha.description == Parameters.model_fields["alpha"].description
    half_life = labels.parameter("parameters.half_life")
    assert half_life.units == "months" and half_life.long.startswith("half_life: ")
    intensity = labels.parameter("policies.usa_pressure.intensity")
    assert intensity.short == "usa_pressure intensity"
    assert intensity.description == Policy.model_fields["intensity"].description
    assert labels.parameter("trust.PAK.USA.initial") == labels.parameter("world.trust.PAK.USA.initial")
    assert "PAK→USA" in labels.parameter("trust.PAK.USA.initial").short
    assert labels.outcome("trust_PAK_USA").short == "trust PAK → USA"
    assert labels.outcome("mutual_PAK_USA").units == "probability"


# -- layout -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 3, 5, 6, 14])
def test_panels_leave_no_empty_slot_and_centre_a_short_last_row(n):
    from matplotlib.figure import Figure

    fig = Figure(figsize=(10, 8))
    axes = figures.panels(fig, n)
    assert len(fig.axes) == n == len(axes)
    rows: dict[int, list[float]] = {}
    for ax in axes:
        box = ax.get_position()
        rows.setdefault(round(box.y0, 3), []).append((box.x0 + box.x1) / 2)
    for centres in rows.values():  # every row, full or not, is centred on the figure
        assert np.mean(centres) == pytest.approx(np.mean(next(iter(rows.values()))), abs=0.02)


# -- figures ----------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def grid_result():
    return sim.sweep.run(grid_sweep(), workers=1)


def test_heatmaps_share_one_scale_and_say_what_the_axes_are(grid_result):
    fig = grid_result.plot("sweep")
    images = [im for ax in fig.axes for im in ax.get_images()]
    assert len(images) == 3 and all(im.get_clim() == (0, 1) for im in images)
    text = " ".join(" ".join(t.get_text().split()) for t in fig.texts)  # labels may wrap to fit the figure
    assert labels.parameter("parameters.beta").long in text
    assert labels.parameter("policies.usa_pressure.intensity").long in text
    bars = [ax for ax in fig.axes if ax.get_label() == "<colorbar>"]
    assert bars and all(ax.get_ylabel() for ax in bars)  # every colour bar is labelled


def test_line_chart_uses_the_house_palette_and_one_scale_for_all_panels():
    table = pd.DataFrame({"parameters.beta": [0.0, 0.5, 1.0]})
    for name, level in (("trust_PAK_USA", 0.3), ("polarization", 0.97)):
        table[[f"{name}_{s}" for s in ("mean", "p05", "p50", "p95")]] = [[level, level - 0.1, level, level + 0.02]] * 3
    names = ["trust_PAK_USA", "polarization"]
    fig = figures.line_chart(table, info(design="grid", parameters=["parameters.beta"], outcomes=names))
    axes = [ax for ax in fig.axes if ax.lines]
    assert len(axes) == 2 and len({ax.get_ylim() for ax in axes}) == 1
    assert axes[0].get_ylim()[0] <= 0 and axes[0].get_ylim()[1] >= 1  # 0.94-1.00 is not blown up to a full panel
    assert mpl.colors.to_hex(axes[0].lines[0].get_color()) == OKABE_ITO[0].lower()


def sobol_table(s1_estimates, s1_conf):
    return pd.DataFrame(
        {
            "outcome": ["trust_PAK_USA", "trust_PAK_USA", "alignment", "alignment"],
            "parameter": ["parameters.alpha", "parameters.beta"] * 2,
            "S1": s1_estimates,
            "S1_conf": s1_conf,
            "ST": [0.8, 0.3, 0.6, 0.4],
            "ST_conf": [0.1, 0.1, 0.1, 0.1],
        }
    )


def hatched(fig) -> int:
    return sum(1 for ax in fig.axes for p in ax.patches if p.get_hatch())


def test_sensitivity_bars_mark_indices_not_distinguishable_from_zero():
    clear = figures.sensitivity_chart(sobol_table([0.7, 0.25, 0.5, 0.3], [0.05] * 4), info())
    assert hatched(clear) == 0 and "not distinguishable" not in " ".join(t.get_text() for t in clear.texts)
    # one negative estimate, one interval that spans zero, one interval of +-0.7
    murky = figures.sensitivity_chart(sobol_table([0.7, -0.05, 0.1, 0.3], [0.05, 0.02, 0.7, 0.05]), info())
    assert hatched(murky) == 2
    caption = " ".join(t.get_text() for t in murky.texts)
    assert "2 indices (hatched) are not distinguishable from zero" in " ".join(caption.split())
    assert "wider than ±0.2" in caption
    axes = [ax for ax in murky.axes if ax.patches]
    assert len(axes) == 2 and len({ax.get_xlim() for ax in axes}) == 1  # one x scale for every panel
    assert axes[0].get_xlim()[0] < -0.05  # the negative estimate is inside the frame, not cut off


def test_sampled_designs_get_a_scatter_of_every_outcome_against_every_parameter():
    rng = np.random.default_rng(0)
    table = pd.DataFrame({"parameters.alpha": rng.uniform(size=20), "parameters.beta": rng.uniform(size=20)})
    for name in ("trust_PAK_USA", "alignment"):
        for s in ("mean", "p05", "p50", "p95"):
            table[f"{name}_{s}"] = rng.uniform(size=20)
    drawn = figures.figures(table, None, info(design="lhs"))
    assert list(drawn) == ["sweep"] and sum(1 for ax in drawn["sweep"].axes if ax.collections) == 4


# -- the commands -----------------------------------------------------------------------------------------------


def test_sweep_command_prints_a_summary_and_quiet_prints_only_the_folder(tmp_path, capsys):
    file = tmp_path / "grid.toml"
    file.write_text(tomli_w.dumps(grid_sweep()))
    assert main(["sweep", str(file), "--workers", "1", "-o", str(tmp_path / "a"), "--no-plots"]) == 0
    out = capsys.readouterr().out
    assert "median [90% band]" in out and all(name in out for name in ("trust_PAK_USA", "alignment"))
    assert "beta=" in out  # the points are named by their parameters' labels
    assert main(["sweep", str(file), "--workers", "1", "-o", str(tmp_path / "a"), "-f", "-q", "--no-plots"]) == 0
    assert capsys.readouterr().out.strip() == str(tmp_path / "a")


def test_plot_redraws_a_sweep_folder_into_out(tmp_path, capsys):
    file = tmp_path / "grid.toml"
    file.write_text(tomli_w.dumps(grid_sweep()))
    folder = tmp_path / "sweep"
    assert main(["sweep", str(file), "--workers", "1", "-o", str(folder), "-q", "--no-plots"]) == 0
    before = sorted(p.name for p in folder.iterdir())
    assert main(["plot", str(folder), "--out", str(tmp_path / "figs")]) == 0
    assert capsys.readouterr().out.split()[-1] == str(tmp_path / "figs" / "sweep.png")
    assert (tmp_path / "figs" / "sweep.png").read_bytes()[:4] == b"\x89PNG"
    assert sorted(p.name for p in folder.iterdir()) == before  # --out leaves the folder as it was
    assert main(["plot", str(folder), "--network-steps", "3"]) == 2


def test_list_shows_the_bundled_sweeps_and_sweep_runs_them_by_name(tmp_path):
    done = subprocess.run([*DIPLOSIM, "list"], capture_output=True, text=True, check=True)
    assert "Sweeps (diplosim sweep NAME):" in done.stdout
    for name, description in list_sweeps().items():
        assert f"{name}  " in done.stdout and description in done.stdout
    assert set(list_sweeps()) == {p.stem for p in sweep_dir().glob("*.toml")}
    assert sweep_path("pressure_intensity") == sweep_dir() / "pressure_intensity.toml"
    assert sweep_path(tmp_path / "mine.toml") == tmp_path / "mine.toml"
    assert main(["sweep", "pressure_intensit", "--out", str(tmp_path / "x")]) == 2  # no such file, nothing written
    assert not (tmp_path / "x").exists()
