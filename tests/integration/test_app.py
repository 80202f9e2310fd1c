"""The dashboard's logic without a browser: settings and their ranges, errors, runs, export, Mesa's Reset, the CLI.

The browser tests (tests/test_app_browser.py) drive the same code through the page.
"""

from __future__ import annotations

import importlib.util
import re
import socket
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

import sim
from sim.app import compute, export, figures
from sim.app.settings import (
    PARAMETERS,
    Settings,
    apply,
    default_dyads,
    error_line,
    load_upload,
    parse_dyad,
    status_quo,
)
from sim.app.viz_model import VizModel
from sim.cli import main as cli
from sim.outputs.read import read_manifest
from sim.scenario.load import load_scenario, scenario_path
from sim.scenario.schema import Parameters
from sim.util.errors import ConfigError


@pytest.fixture(scope="module")
def dialogue():
    return load_scenario("dialogue")


def small(spec) -> Settings:
    """The page's settings for a quick run."""
    return replace(Settings.of(spec), replications=40, steps=36)


def test_parameter_ranges_are_the_schemas(dialogue) -> None:
    """Every bound the page shows is one validation enforces: at the bound passes, just beyond it fails."""
    assert set(PARAMETERS) == set(Parameters.model_fields)
    for name, bounds in PARAMETERS.items():
        base = Settings.of(dialogue)
        for bound, inclusive, outward in (
            (bounds.low, bounds.low_inclusive, -1),
            (bounds.high, bounds.high_inclusive, 1),
        ):
            inside = bound if inclusive else bound - outward * bounds.step
            apply(dialogue, base.with_parameter(name, inside), "page")
            beyond = bound + outward * bounds.step if inclusive else bound
            with pytest.raises(ConfigError, match=r"\(as set on the page\)") as caught:
                apply(dialogue, base.with_parameter(name, beyond), "page")
            assert caught.value.key == f"parameters.{name}"


def test_switching_a_policy_off_leaves_it_out_and_keeps_the_others(dialogue) -> None:
    settings = Settings.of(dialogue).with_policy(0, on=False).with_policy(1, probability=0.9, intensity=2.5)
    edited = apply(dialogue, settings, "page")
    assert [p.name for p in edited.policies] == [p.name for p in dialogue.policies[1:]]
    assert (edited.policies[0].probability, edited.policies[0].intensity) == (0.9, 2.5)
    assert edited.world == dialogue.world


def test_a_bad_policy_value_names_the_policy_as_the_file_does(dialogue) -> None:
    """Keys count every policy, switched off or not, so the error points at the policy the user changed."""
    settings = Settings.of(dialogue).with_policy(0, on=False).with_policy(2, probability=1.5)
    with pytest.raises(ConfigError) as caught:
        apply(dialogue, settings, "dialogue.toml")
    assert caught.value.key == "policies[2].probability"
    assert error_line(caught.value).startswith("diplosim: error: dialogue.toml: key 'policies[2].probability'")


def test_a_loaded_file_shows_the_line_the_cli_prints(scenario_file, capsys) -> None:
    path = scenario_file('name = "bad"\nsteps = 24\n[[policies]]\nactor = "USA"\nmove = "dialog"\ntarget = "PAK"\n')
    assert cli.main(["validate", str(path)]) == 2
    printed = capsys.readouterr().err.strip()
    with pytest.raises(ConfigError) as caught:
        load_scenario(path)
    assert error_line(caught.value) == printed
    assert "did you mean 'dialogue'" in printed


def test_an_uploaded_file_reads_like_one_on_disk(dialogue) -> None:
    text = scenario_path("dialogue").read_text()
    assert load_upload("talks.toml", text.encode()).policies == dialogue.policies
    with pytest.raises(ConfigError) as caught:
        load_upload("talks.toml", re.sub(r"probability = [0-9.]+", "probability = 5.0", text, count=1).encode())
    assert caught.value.file == "talks.toml"  # not the temporary folder it was read from
    assert caught.value.key == "policies[0].probability"


def test_the_status_quo_is_the_scenario_without_interventions(dialogue) -> None:
    edited = apply(dialogue, Settings.of(dialogue).with_parameter("alpha", 1.2), "page")
    ref = status_quo(edited)
    assert (ref.policies, ref.rules, ref.events) == ([], [], {})
    assert ref.world == edited.world and ref.parameters.alpha == 1.2
    assert (ref.seed, ref.replications, ref.steps) == (edited.seed, edited.replications, edited.steps)
    assert ref.name != edited.name


def test_common_random_numbers_make_no_intervention_no_difference(dialogue) -> None:
    """With every policy off the scenario is its status quo: each replication is identical, difference exactly 0."""
    off = small(dialogue)
    off = replace(off, policies=tuple(replace(p, on=False) for p in off.policies))
    outcome = compute.simulate(apply(dialogue, off, "page"))
    changed = outcome.over_time.dropna(subset=["diff"])
    assert len(changed) and (changed[["diff", "diff_low", "diff_high", "diff_p05", "diff_p95"]] == 0).all().all()


def test_a_policy_change_changes_the_scenario_run_and_reuses_the_status_quo(dialogue) -> None:
    first = compute.simulate(apply(dialogue, small(dialogue), "page"))
    second = compute.simulate(apply(dialogue, small(dialogue).with_policy(0, on=False), "page"))
    ref, scen = first.names
    assert second.runs[ref] is first.runs[ref]  # cached: same resolved status quo
    assert not np.array_equal(first.runs[scen].trust.values, second.runs[scen].trust.values, equal_nan=True)
    assert first.replications == 40 and first.steps == 36


def test_figures_draw_the_chosen_dyads(dialogue) -> None:
    outcome = compute.simulate(apply(dialogue, small(dialogue), "page"))
    dyads = [parse_dyad(d) for d in default_dyads(dialogue.actors)]
    assert dyads == [("PAK", "USA"), ("USA", "PAK"), ("PAK", "CHN")]
    fig = figures.trust_figure(outcome, dyads, {})
    assert len(fig.axes) == 3 * len(dyads)
    assert len(figures.trust_figure(outcome, dyads[:1], {}).axes) == 3
    for drawn in (fig, figures.alignment_figure(outcome), figures.network_figure(outcome, 12, {})):
        assert figures.png(drawn).startswith(b"\x89PNG")
    rows = figures.final_rows(outcome, dyads)
    assert [r["dyad"] for r in rows] == ["PAK → USA", "USA → PAK", "PAK → CHN"]


def test_export_writes_a_comparison_folder_the_project_reads(dialogue, tmp_path) -> None:
    outcome = compute.simulate(apply(dialogue, small(dialogue).with_policy(1, on=False), "page"))
    folder = export.export(tmp_path / "out", outcome, {"trust": b"\x89PNG..."}, {"dyads": ["PAK->USA"]})
    meta = read_manifest(folder)
    assert meta["scenarios"] == list(outcome.names) and meta["shown"] == {"dyads": ["PAK->USA"]}
    assert all((folder / f).is_file() for f in meta["files"])
    for name in outcome.names:
        loaded = sim.Results.load(folder / name / "trajectories.nc")
        np.testing.assert_array_equal(loaded.trust.values, outcome.runs[name].trust.values)
        assert load_scenario(folder / name / "scenario.toml") == outcome.specs[name]
    assert (folder / "plots" / "app_trust.png").is_file() and (folder / "plots" / "compare_trust.png").is_file()
    with pytest.raises(ConfigError, match="already exists"):
        export.export(folder, outcome, {}, {})
    assert read_manifest(folder) == meta


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
    for row in ("plain sim.run", "update after a policy change", "cold update", "trust network"):
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
