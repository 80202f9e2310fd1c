"""sim.sweep.paths: the dotted paths a sweep varies, resolved in a scenario, prepared and assigned."""

from __future__ import annotations

import pytest

from sim.scenario.load import load_scenario, validate_raw
from sim.sweep import paths
from sim.util.errors import ConfigError


def test_paths_reach_parameters_policies_dyads_and_events():
    raw = load_scenario("us_pressure").model_dump()
    names = [
        "parameters.alpha",
        "policies.usa_pressure.probability",
        "trust.PAK.USA.baseline",
        "world.trust.PAK.USA.initial",
        "events.terror_attack_india.rate",
        "world.events.imf_review.rate",
    ]
    found = paths.resolve_paths(raw, names, file="f", keys=names)
    assert [a.loc for a in found] == [
        ("parameters", "alpha"),
        ("policies", 0, "probability"),
        ("world", "trust", "PAK", "USA", "baseline"),
        ("world", "trust", "PAK", "USA", "initial"),
        ("events", "terror_attack_india", "rate"),
        ("world", "events", "imf_review", "rate"),
    ]


def test_unset_optional_numbers_can_be_varied():
    raw = load_scenario("us_pressure").model_dump()
    found = paths.resolve_paths(raw, ["trust.PAK.USA.baseline", "policies.usa_pressure.end"], file="f", keys=["a", "b"])
    assert [a.integer for a in found] == [False, True]
    spec = validate_raw(paths.assign(paths.prepare(raw, found), found, [0.4, 60.2]))
    assert spec.world.trust["PAK"]["USA"].baseline == 0.4  # stated, so not calibrated
    assert spec.policies[0].end == 60


def test_event_path_changes_the_scenario_event_not_the_status_quo():
    raw = load_scenario("baseline").model_dump()
    address = paths.resolve_paths(raw, ["events.terror_attack_india.rate"], file="f", keys=["k"])
    prepared = paths.prepare(raw, address)
    assert validate_raw(prepared).model_dump() != raw  # the event now also sits among the scenario's events ...
    assert validate_raw(prepared).all_events() == validate_raw(raw).all_events()  # ... which changes nothing
    spec = validate_raw(paths.assign(prepared, address, [0.5]))
    assert spec.all_events()["terror_attack_india"].rate == 0.5
    assert spec.world.events["terror_attack_india"].rate == 0.02  # the calibrated status quo is untouched


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("parameters.alfa", "did you mean 'parameters.alpha'"),
        ("policies.usa_presure.intensity", "did you mean 'policies.usa_pressure.intensity'"),
        ("trust.PAK.USA.intial", "did you mean 'trust.PAK.USA.initial'"),
        ("seed", "set by the sweep"),
        ("policies.usa_pressure.description", "is a str, not a number"),
    ],
)
def test_wrong_path_names_the_valid_ones_near_it(path, expected):
    raw = load_scenario("us_pressure").model_dump()
    with pytest.raises(ConfigError, match=expected) as info:
        paths.resolve_paths(raw, [path], file="sweep.toml", keys=["vary[0].path"])
    assert info.value.file == "sweep.toml" and info.value.key == "vary[0].path"
