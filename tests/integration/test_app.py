"""The dashboard's logic without a browser: runs compared as `diplosim compare` compares them, the effect of a change,
the download, uploads, figures that fit, Mesa's Reset, the CLI.

The browser tests (tests/integration/test_app_browser.py) drive the same code through the page; the pure parts
(drafts, policies, yardstick) are tested in tests/unit/test_app_*.py.
"""

from __future__ import annotations

import importlib.util
import io
import re
import socket
import tempfile
import zipfile
from pathlib import Path

import matplotlib as mpl
import numpy as np
import pandas as pd
import pytest

import sim
from sim.app import compute, export, figures
from sim.app.dashboard import ask
from sim.app.settings import Draft, default_dyads
from sim.app.sources import load_source, load_upload
from sim.app.viz_model import VizModel
from sim.cli import main as cli
from sim.figures.style import STYLE
from sim.outputs.read import read_manifest
from sim.scenario.dyads import parse
from sim.scenario.load import load_scenario, scenario_path
from sim.util.errors import ConfigError
from tests.figure_layout import layout_problems

SMALL = {"steps": 36, "replications": 40}


def outcome_of(draft: Draft, **run: int) -> compute.PairedRuns:
    """What Run shows for `draft`, at the small run settings."""
    return compute.run_pair(ask(draft.with_run(**(SMALL | run))).request)


def test_a_parameter_change_shows_its_effect_and_no_change_shows_none() -> None:
    """The first dashboard changed alpha on both sides, so alpha 0.15 -> 0.45 showed +0.000 everywhere. Now the
    change is the comparison's only. On the baseline it moves every replication (alpha weighs surprises, so it
    widens the spread more than it shifts the mean); on dialogue, whose moves surprise, PAK -> USA rises beyond
    its interval. With no change every replication is its reference's, and the difference is exactly zero."""
    baseline = Draft.start(load_source("baseline")).with_comparison(None)
    same = outcome_of(baseline).over_time.dropna(subset=["diff"])
    assert len(same) and (same[["diff", "diff_low", "diff_high", "diff_p05", "diff_p95"]] == 0).all().all()
    final = outcome_of(baseline.with_parameter("alpha", 0.45)).final.dropna(subset=["diff"])
    assert (final["diff_p95"] - final["diff_p05"] > 0.01).all(), final
    dialogue = Draft.start(load_source("dialogue")).with_comparison(None).with_parameter("alpha", 0.45)
    final = outcome_of(dialogue).final.set_index(["scenario", "observer", "target"])
    assert final.loc[("dialogue_variant", "PAK", "USA"), "diff_low"] > 0.02


def test_two_scenarios_are_compared_as_sim_compare_compares_them() -> None:
    draft = Draft.start(load_source("us_pressure")).with_reference(load_source("dialogue"))
    outcome = outcome_of(draft, seed=11)
    expected = sim.compare(["dialogue", "us_pressure"], seed=11, **SMALL)
    pd.testing.assert_frame_equal(outcome.final, expected.table())
    assert outcome.names == ("dialogue", "us_pressure") and (outcome.replications, outcome.steps) == (40, 36)
    assert compute.run_pair(ask(draft.with_run(seed=11, **SMALL)).request) is outcome  # cached: a redraw reruns nothing


def test_the_download_is_a_complete_comparison_folder_its_scenario_files_reproduce(tmp_path: Path, monkeypatch) -> None:
    """The zip unpacks to one folder with every file its manifest lists, and `diplosim compare` on the scenario
    files it holds, with its run settings, writes the same tables (the browser test compares it with
    `diplosim compare dialogue us_pressure` itself). Nothing is left in the temporary folder it was built in."""
    outcome = outcome_of(Draft.start(load_source("dialogue")).with_comparison(None).with_parameter("mu", 0.3), seed=11)
    (tmp_path / "tmp").mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    with zipfile.ZipFile(io.BytesIO(export.zipped(outcome))) as archive:
        names = archive.namelist()
        archive.extractall(tmp_path / "zip")
    folder = tmp_path / "zip" / "dialogue_vs_dialogue_variant"
    meta = read_manifest(folder)
    assert sorted(names) == sorted(f"{folder.name}/{f}" for f in meta["files"])
    assert (meta["scenarios"], meta["steps"], meta["replications"], meta["seed"]) == (list(outcome.names), 36, 40, 11)
    files = [str(folder / name / "scenario.toml") for name in outcome.names]
    run = ["--steps", "36", "--replications", "40", "--seed", "11", "--quiet", "--no-plots"]
    assert cli.main(["compare", *files, *run, "--out", str(tmp_path / "again")]) == 0
    for table in ("comparison.csv", "comparison_steps.csv"):
        assert (tmp_path / "again" / table).read_bytes() == (folder / table).read_bytes(), table
    assert list((tmp_path / "tmp").iterdir()) == []


def test_an_uploaded_file_reads_like_one_on_disk_from_memory(tmp_path: Path, monkeypatch) -> None:
    """Read in memory (nothing appears on disk); errors name the uploaded file; the world is the bundled one
    (tests/integration/test_app_guard.py checks that an upload names no other file)."""
    monkeypatch.chdir(tmp_path)
    text = scenario_path("dialogue").read_text()
    uploaded = load_upload("talks.toml", text.encode())
    assert uploaded.spec == load_scenario("dialogue") and uploaded.label == "dialogue (uploaded talks.toml)"
    with pytest.raises(ConfigError) as caught:
        load_upload("talks.toml", re.sub(r"probability = [0-9.]+", "probability = 5.0", text, count=1).encode())
    assert (caught.value.file, caught.value.key) == ("talks.toml", "policies[0].probability")
    with pytest.raises(ConfigError, match="not valid TOML") as caught:
        load_upload("../../talks.toml", b"name = ")
    assert caught.value.file == "talks.toml"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("scenario", ["dialogue", "history/us_pakistan"])
def test_every_label_fits_in_the_figures_whatever_the_names(scenario: str) -> None:
    """Long scenario names (uploads may have 100 characters) and a calendar: nothing runs past a figure's edge or
    into anything else."""
    loaded = load_source(scenario)
    long = loaded.spec.model_copy(update={"name": ("a_scenario_with_a_name_as_long_as_names_go_" * 3)[:100]})
    draft = Draft.start(type(loaded)(long, loaded.source, "long")).with_reference(loaded)
    outcome = outcome_of(draft, steps=loaded.spec.steps, replications=10)
    dyads = [parse(d, long.actors) for d in default_dyads(long.actors)]
    names = {code: actor.name for code, actor in long.world.actors.items()}
    with mpl.rc_context(STYLE):
        drawn = {
            "trust": figures.trust_figure(outcome, dyads, names, 0.02),
            "one dyad": figures.trust_figure(outcome, dyads[:1], names, 0.02),
            "alignment": figures.alignment_figure(outcome, 0.02),
            "network": figures.network_figure(outcome, 12, names),
        }
        for what, fig in drawn.items():
            assert layout_problems(fig, titles_apart=True) == [], what
    assert len(drawn["trust"].axes) == 3 * len(dyads) and len(drawn["one dyad"].axes) == 3
    assert figures.png(drawn["network"]).startswith(b"\x89PNG")
    rows = figures.final_rows(outcome, dyads)
    assert [r["dyad"] for r in rows] == ["PAK → USA", "USA → PAK", "PAK → CHN"]


def test_mesa_reset_rebuilds_the_chosen_scenario() -> None:
    """What SolaraViz's Reset does: rebuild from the sidebar's parameters plus a fresh Mesa Scenario."""
    from mesa.visualization.solara_viz import _build_model_init_kwargs

    model = VizModel("dialogue", rng=7)
    for _ in range(5):
        model.step()
    params = {"scenario_name": "us_pressure", "rng": "7", "alpha": 0.9}
    kwargs = _build_model_init_kwargs(model, params, add_scenario_when_empty=True, require_model_accepts_scenario=True)
    assert "scenario" in kwargs  # Mesa's own Scenario object, which DiplomacyModel's `scenario` cannot take
    fresh = type(model)(**kwargs)
    assert (fresh.config.name, fresh.seed, fresh.config.parameters.alpha, fresh.steps) == ("us_pressure", 7, 0.9, 0)
    again = VizModel("us_pressure", rng=7, alpha=0.9)
    for m in (fresh, again):
        for _ in range(5):
            m.step()
    np.testing.assert_array_equal(fresh.trust, again.trust)  # the seed from the text box reproduces the run
    with pytest.raises(ConfigError, match="not a seed"):
        VizModel("baseline", rng="seven")


def test_app_without_its_extra_is_one_line_and_exit_2(monkeypatch, capsys) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "solara" else real(name, *a))
    assert cli.main(["app"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "missing: solara" in err and "pip install -e '.[app]'" in err


def test_app_rejects_a_bad_scenario_or_a_taken_port(capsys) -> None:
    assert cli.main(["app", "nosuch"]) == 2
    assert "no scenario named 'nosuch'" in capsys.readouterr().err
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert cli.main(["app", "--port", str(port)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"port {port} on 127.0.0.1 is in use" in err


def test_the_core_package_does_not_import_web_libraries() -> None:
    """`import sim` and the CLI's parser stay lean: Solara loads only when `diplosim app` runs."""
    import subprocess
    import sys

    code = "import sys, sim.cli.main as m; m.build_parser(); print(sorted({'solara', 'uvicorn'} & set(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=Path(__file__).parent
    )
    assert done.stdout.strip() == "[]"


def test_the_dashboard_benchmark_runs() -> None:
    """`python -m benchmarks.app --quick`, in-process: every stage is timed and the target reported, never asserted."""
    from benchmarks.app import measure

    text = measure("dialogue", 20, 12, 1).markdown()
    for row in ("plain sim.run", "update after a change", "trust network", "download"):
        assert row in text
    assert "Target (issue 9)" in text


def test_the_server_settings_keep_solara_from_calling_out() -> None:
    """With the app's environment, Solara's telemetry is off and its assets come through its local route."""
    import subprocess
    import sys

    code = (
        "import os; from sim.app.server import SOLARA_ENV; os.environ.update(SOLARA_ENV)\n"
        "import solara.settings as main; from solara.server import settings\n"
        "print(settings.telemetry.mixpanel_enable, main.assets.proxy, settings.theme.show_banner)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "True", "False"]
