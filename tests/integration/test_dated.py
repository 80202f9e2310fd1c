"""Dated scenarios: a calendar maps months to steps; profiles, starting states and switched-off behaviour."""

from __future__ import annotations

import numpy as np
import pytest

import sim

DATED = """
name = "dated"
world = "world.toml"
start = "2001-09"
end = "2002-12"
"""

AID = """
[[policies]]
name = "aid"
actor = "USA"
move = "economic_aid"
target = "PAK"
"""


def test_dates_resolve_to_steps(scenario_file):
    spec = sim.load_scenario(
        scenario_file(
            DATED
            + AID
            + 'from = "2002-01"\nuntil = "2002-06"\n'
            + '[events.terror_attack_india]\nat = ["2001-09", "2002-12"]\n'
        )
    )
    assert spec.steps == 16
    assert (spec.policies[0].start, spec.policies[0].end) == (5, 10)
    assert spec.events["terror_attack_india"].at == [1, 16]
    assert spec.dates()[0] == "2001-08" and spec.dates()[-1] == "2002-12"


def test_step_based_scenarios_are_unchanged():
    spec = sim.load_scenario("dialogue")
    assert spec.start is None and spec.dates() is None
    res = sim.run(spec, replications=3, steps=10, seed=1)
    assert "date" not in res.trust.coords


def test_results_carry_dates(scenario_file):
    res = sim.run(scenario_file(DATED), replications=3, seed=1)
    dates = res.trust["date"].values.astype("datetime64[M]").astype(str)
    assert dates[0] == "2001-08" and dates[1] == "2001-09" and dates[-1] == "2002-12"


@pytest.mark.parametrize(
    ("text", "key", "fragment"),
    [
        ('name = "x"\nworld = "world.toml"\n' + AID + 'from = "2002-01"\n', "policies[0].from", "no calendar"),
        (DATED + AID + 'from = "2001-01"\n', "policies[0].from", "2001-01 is before the calendar starts (2001-09)"),
        (DATED + AID + 'from = "2001-13"\n', "policies[0].from", "'2001-13' is not a month"),
        (DATED + AID + 'from = "2002-01"\nstart = 3\n', "policies[0].from", "not both"),
        (DATED + AID + 'from = "2003-02"\n', "policies[0].from", "2003-02 is after the run's last month (2002-12)"),
        (
            DATED + AID + 'from = "2002-02"\nuntil = "2002-01"\n',
            "policies[0].until",
            "`until` 2002-01 is before `from`",
        ),
        (DATED + AID + 'start = 6\nuntil = "2002-01"\n', "policies[0].until", "before `start` step 6 (2002-02)"),
        (
            DATED + AID + 'profile = [{ at = "2002-03", value = 1.0 }, { at = "2002-02", value = 2.0 }]\n',
            "policies[0].profile[1].at",
            "profile point 2002-02 does not come after the one before it (2002-03)",
        ),
        (
            DATED + AID + 'profile = [{ at = "2002-03", value = 1.0 }, { at = "2003-06", value = 2.0 }]\n',
            "policies[0].profile[1].at",
            "2003-06 is after the run's last month (2002-12)",
        ),
        (
            DATED + AID + "profile = [{ at = 3, value = 1.0 }, { at = 17, value = 2.0 }]\n",
            "policies[0].profile[1].at",
            "the profile point at step 17 (2003-01) is after the last step (16: 2002-12)",
        ),
        (DATED + "steps = 10\n", "steps", "disagrees"),
        (DATED.replace('"2001-09"', '"Sept 2001"'), "start", "YYYY-MM"),
        (DATED + '[events.terror_attack_india]\nat = ["2003-01"]\n', "events.terror_attack_india.at[0]", "after"),
        (DATED + '[disable]\nbackground = ["USA->USA"]\n', "disable.background[0]", "pairs an actor with itself"),
        (DATED + '[disable]\nreciprocity = ["PAK->PAK"]\n', "disable.reciprocity[0]", "pairs an actor with itself"),
    ],
)
def test_bad_dates_are_one_clear_error(scenario_file, text, key, fragment):
    """Errors name the key the user wrote (`from`, `until`, a profile's `at`) and show months, not steps."""
    with pytest.raises(sim.ConfigError) as err:
        sim.load_scenario(scenario_file(text))
    assert err.value.key == key and fragment in str(err.value), str(err.value)


def _policy_intensity(spec: sim.Scenario) -> list[float]:
    from sim.core.world import compile_world

    schedule = compile_world(spec).policies[0]
    return [schedule.intensity_at(t) for t in range(1, spec.steps + 1)]


def test_intensity_profiles_hold_or_interpolate(scenario_file):
    profile = 'profile = [{ at = "2002-01", value = 1.0 }, { at = "2002-05", value = 3.0 }]\n'
    held = _policy_intensity(sim.load_scenario(scenario_file(DATED + AID + profile)))
    assert held[:8] == [1.0] * 8 and held[8:] == [3.0] * 8  # steps 1-8 at the first value, from 2002-05 (9) on 3
    linear = _policy_intensity(sim.load_scenario(scenario_file(DATED + AID + profile + 'interpolate = "linear"\n')))
    assert linear[4] == 1.0 and linear[6] == pytest.approx(2.0) and linear[8] == 3.0


def test_a_profile_drives_the_moves_made(scenario_file):
    off_then_on = 'profile = [{ at = 1, value = 0.0 }, { at = "2002-05", value = 1.0 }]\n'
    res = sim.run(scenario_file(DATED + AID + off_then_on), replications=200, seed=2)
    aid = res.moves.sel(actor="USA", move="economic_aid").mean("replication").values
    assert aid[1:9].mean() < 0.2 and aid[9:].min() == 1.0  # only the status quo's rare aid before, every month after


def test_initial_state_sets_the_start_not_the_anchor(scenario_file):
    long = DATED.replace('end = "2002-12"', 'end = "2011-12"')
    start_low = sim.run(scenario_file(long + "[initial_state.PAK]\nUSA = 0.1\n"), replications=100, seed=3)
    essay = sim.run(scenario_file(long), replications=100, seed=3)
    low, ref = (r.trust.sel(observer="PAK", target="USA").mean("replication") for r in (start_low, essay))
    assert float(low[0]) == pytest.approx(0.1) and float(ref[0]) == pytest.approx(0.35)
    assert float(low[-12:].mean()) > 0.25  # it relaxes back toward the essay's level, the anchor
    assert abs(float(low[-12:].mean()) - float(ref[-12:].mean())) < 0.05


def test_switching_off_background_and_replies(scenario_file):
    quiet = sim.run(
        scenario_file(DATED + '[disable]\nbackground = ["USA->PAK"]\nreciprocity = ["PAK"]\n'), replications=50, seed=4
    )
    normal = sim.run(scenario_file(DATED), replications=50, seed=4)
    us = quiet.moves.sel(actor="USA", move=["dialogue", "demand", "criticize"]).sum().item()
    us_before = normal.moves.sel(actor="USA", move=["dialogue", "demand", "criticize"]).sum().item()
    assert us < us_before  # the US still talks to others, but no longer to Pakistan
    pak_replies = quiet.moves.sel(actor="PAK", move=["dialogue", "criticize"]).sum().item()
    pak_background = normal.moves.sel(actor="PAK", move=["dialogue", "criticize"]).sum().item()
    assert 0 < pak_replies < pak_background


def test_no_moves_keeps_the_calendar_and_drops_interventions(scenario_file):
    from sim.scenario.settings import no_moves

    spec = sim.load_scenario(scenario_file(DATED + AID + '[events.terror_attack_india]\nat = ["2002-01"]\n'))
    bare = no_moves(spec)
    assert bare.start == spec.start and bare.steps == spec.steps
    assert bare.policies == [] and "terror_attack_india" not in bare.events
    assert np.isclose(bare.world.trust["PAK"]["USA"].initial, spec.world.trust["PAK"]["USA"].initial)


def test_result_tables_carry_a_date_column(scenario_file, tmp_path):
    from sim.cli.main import main

    out = tmp_path / "run"
    assert main(["run", str(scenario_file(DATED)), "-r", "4", "--no-plots", "-q", "--out", str(out)]) == 0
    import pandas as pd

    summary = pd.read_csv(out / "summary.csv")
    assert list(summary.columns[:2]) == ["step", "date"]
    assert summary.loc[summary["step"] == 1, "date"].iloc[0] == "2001-09"
    assert pd.read_csv(out / "alignment.csv")["date"].iloc[-1] == "2002-12"
    plain = tmp_path / "plain"
    assert main(["run", "baseline", "-r", "4", "-t", "6", "--no-plots", "-q", "--out", str(plain)]) == 0
    assert "date" not in pd.read_csv(plain / "summary.csv").columns


def test_figures_of_a_dated_run_put_years_on_the_time_axis(scenario_file, tmp_path):
    from sim.cli.main import main
    from sim.figures import run, style
    from sim.outputs.read import read_manifest, run_tables

    long = DATED.replace('end = "2002-12"', 'end = "2006-12"')
    out = tmp_path / "run"
    assert main(["run", str(scenario_file(long)), "-r", "4", "--no-plots", "-q", "--out", str(out)]) == 0
    summary = run_tables(out, read_manifest(out))["summary.csv"]
    figure = run.fan_chart(summary, names={}, scenario="dated", replications=4)
    labels = {t.get_text() for ax in figure.axes for t in ax.get_xticklabels()}
    assert {"2002", "2004", "2006"} <= labels
    assert style.time_label(summary).startswith("Year")
