"""Comparisons never change a scenario silently (sim.runs.align): settings come from the caller or from the
scenarios when they agree; calendars are aligned where they can be, refused with the fix where they cannot."""

from __future__ import annotations

import pytest

import sim
from sim.runs.align import align
from sim.scenario.load import validate_raw


def variant(name: str, **changes) -> sim.Scenario:
    raw = sim.load_scenario("baseline").model_dump() | {"name": name} | changes
    return validate_raw(raw)


def test_scenarios_that_agree_are_run_as_they_are():
    specs = [sim.load_scenario("baseline"), sim.load_scenario("dialogue")]
    aligned = align(specs)
    assert aligned.specs == specs and aligned.note is None


@pytest.mark.parametrize(("key", "option"), [("replications", "--replications N"), ("seed", "--seed S")])
def test_a_setting_they_disagree_on_must_be_given(key, option):
    specs = [sim.load_scenario("baseline"), variant("other", **{key: 7})]
    with pytest.raises(sim.ConfigError) as err:
        align(specs)
    assert err.value.key == key and "baseline" in str(err.value) and "other 7" in str(err.value)
    assert option in err.value.hint
    given = align(specs, **{key: 9})
    assert [getattr(s, key) for s in given.specs] == [9, 9] and given.note is None


def test_one_start_different_ends_compares_the_common_months():
    short = variant("short", steps=60)
    aligned = align([sim.load_scenario("baseline"), short])
    assert [s.steps for s in aligned.specs] == [60, 60]
    assert "2025-01 to 2029-12" in aligned.note and "baseline alone runs to 2034-12" in aligned.note
    assert [s.steps for s in align([sim.load_scenario("baseline"), short], steps=24).specs] == [24, 24]


def test_different_starts_are_refused_with_the_fix():
    later = variant("later", start="2026-01")
    for specs in ([sim.load_scenario("baseline"), later], [later, sim.load_scenario("baseline")]):
        with pytest.raises(sim.ConfigError) as err:
            align(specs, steps=12)
        assert err.value.key == "start" and "2025-01" in str(err.value) and "2026-01" in str(err.value)
        assert "from =" in err.value.hint


def test_a_dated_and_an_undated_scenario_are_refused():
    undated = variant("undated")
    undated = undated.model_copy(update={"start": None})
    with pytest.raises(sim.ConfigError, match="undated has no calendar but baseline starts 2025-01"):
        align([sim.load_scenario("baseline"), undated])


def test_sim_compare_aligns_like_the_command_line():
    runs = sim.compare([sim.load_scenario("baseline"), variant("short", steps=24)], replications=3)
    assert runs.note is not None and runs.note in runs.text()
    assert int(runs["baseline"].trust.step.max()) == 24
