"""sim.scenario.load: a bad scenario file is one clear ConfigError naming the file and key, with a hint; good ones
load."""

from __future__ import annotations

import pytest

import sim
from sim.scenario.load import list_scenarios, load_scenario

BASE = 'name = "case"\nworld = "world.toml"\n'

BAD = {
    "unknown top-level key": (BASE + "stepz = 10\n", "stepz", "steps"),
    "unknown parameter": (BASE + "[parameters]\nalfa = 0.5\n", "parameters.alfa", "alpha"),
    "unknown actor in policy": (
        BASE + '[[policies]]\nactor = "PAKK"\nmove = "dialogue"\ntarget = "USA"\n',
        "policies[0].actor",
        "PAK",
    ),
    "unknown move": (
        BASE + '[[policies]]\nactor = "PAK"\nmove = "dialog"\ntarget = "USA"\n',
        "policies[0].move",
        "dialogue",
    ),
    "probability above 1": (
        BASE + '[[policies]]\nactor = "PAK"\nmove = "dialogue"\ntarget = "USA"\nprobability = 1.5\n',
        "policies[0].probability",
        None,
    ),
    "NaN parameter": (BASE + "[parameters]\nalpha = nan\n", "parameters.alpha", None),
    "end before start": (
        BASE + '[[policies]]\nactor = "PAK"\nmove = "dialogue"\ntarget = "USA"\nstart = 10\nend = 5\n',
        "policies[0]",
        None,
    ),
    "start after last step": (
        BASE + 'steps = 12\n[[policies]]\nactor = "PAK"\nmove = "dialogue"\ntarget = "USA"\nstart = 50\n',
        "policies[0].start",
        None,
    ),
    "event after last step": (
        BASE + "steps = 12\n[events.terror_attack_india]\nat = [30]\n",
        "events.terror_attack_india.at[0]",
        None,
    ),
    "trust out of range": (BASE + "[trust.PAK.USA]\ninitial = 1.2\n", "world.trust.PAK.USA.initial", None),
    "initial outside its range": (BASE + "[trust.PAK.USA]\ninitial = 0.9\n", "world.trust.PAK.USA", None),
    "unknown evidence sentence": (BASE + 'evidence = ["P9.S9"]\n', "evidence", None),
    "wrong type": (BASE + 'steps = "ten"\n', "steps", None),
    "policy toward itself": (
        BASE + '[[policies]]\nactor = "PAK"\nmove = "dialogue"\ntarget = "PAK"\n',
        "policies[0]",
        None,
    ),
    "rule missing its condition": (
        BASE + '[[rules]]\nactor = "PAK"\non = "received"\nrespond = [{ move = "dialogue", target = "USA" }]\n',
        "rules[0]",
        None,
    ),
    "unknown move in bundle": (BASE + '[bundles]\nmix = ["dialogue", "hug"]\n', "world.bundles.mix[1]", None),
    "missing world file": ('name = "case"\nworld = "nowhere.toml"\n', "world", None),
    "TOML syntax error": (BASE + "steps = = 3\n", None, None),
    "new actor without trust": (BASE + '[actors.AFG]\nname = "Afghanistan"\n', "world.trust", None),
}


@pytest.mark.parametrize("case", list(BAD))
def test_bad_scenarios_give_one_clear_error(case, scenario_file):
    text, key, suggestion = BAD[case]
    path = scenario_file(text)
    with pytest.raises(sim.ConfigError) as info:
        load_scenario(path)
    err = info.value
    assert err.file is not None and err.file.endswith(".toml")
    if key is not None:
        assert err.key is not None and err.key.startswith(key), (err.key, str(err))
    if suggestion is not None:
        assert suggestion in (err.hint or ""), str(err)
    assert "Traceback" not in str(err) and "\n" not in str(err)


def test_error_names_the_world_file_when_the_world_is_wrong(scenario_file, tmp_path):
    world = (tmp_path / "world.toml").read_text().replace("[actors.PAK]", "[actors.PAK]\nflag = 1", 1)
    (tmp_path / "world.toml").write_text(world)
    with pytest.raises(sim.ConfigError) as info:
        load_scenario(scenario_file(BASE))
    assert info.value.file.endswith("world.toml") and info.value.key == "world.actors.PAK.flag"


def test_unknown_scenario_name_suggests_the_closest():
    with pytest.raises(sim.ConfigError, match="baseline"):
        load_scenario("basline")


def test_every_bundled_scenario_loads_and_cites_its_source():
    """The essay's scenarios cite its sentences; the history replays (built by rule from the public record) name
    the event row behind every policy instead."""
    names = list_scenarios()
    required = {
        "baseline",
        "dialogue",
        "one_sided_dialogue",
        "us_pressure",
        "china_balancing",
        "balanced_hedging",
        "us_india_tilt",
        "imf_support",
        "ct_cooperation",
        "crisis_shock",
    }
    assert required <= set(names)
    for name, description in names.items():
        spec = load_scenario(name)
        assert description, name
        if name.startswith("history/"):
            assert spec.policies and all(p.description for p in spec.policies), name
        else:
            assert spec.evidence, name


def test_every_dyad_has_evidence_or_a_reason():
    world = load_scenario("baseline").world
    dyads = [(o, t) for o, row in world.trust.items() for t in row]
    assert len(dyads) == 12
    for o, t in dyads:
        d = world.trust[o][t]
        assert d.evidence or d.inferred
        assert d.low <= d.initial <= d.high


def test_scenario_changes_the_world_event_it_names():
    spec = load_scenario("crisis_shock")
    assert spec.events["terror_attack_india"].at == [24]
    assert spec.events["terror_attack_india"].shocks == spec.world.events["terror_attack_india"].shocks
    assert spec.world.events["terror_attack_india"].at == []


def test_scenario_anywhere_uses_the_bundled_world_by_default(tmp_path):
    path = tmp_path / "elsewhere.toml"
    path.write_text('description = "no world named"\n[parameters]\nalpha = 0.3\n')
    spec = load_scenario(path)
    assert spec.name == "elsewhere" and spec.parameters.alpha == 0.3
    assert spec.world == load_scenario("baseline").world


def test_validating_a_mapping_leaves_it_as_it_was():
    """validate_raw resolves dates on its own copy of what it writes: a sweep validates every point from one shared
    base, so a base changed by the first point would give the second a different scenario."""
    import copy

    from sim.scenario.load import validate_raw

    raw = load_scenario("crisis_shock").model_dump()
    dated = {"actor": "PAK", "move": "dialogue", "target": "USA", "from": "2026-01", "until": "2027-06"}
    raw["policies"].append(dated | {"profile": [{"at": "2026-01", "value": 1.0}, {"at": "2026-09", "value": 2.0}]})
    raw["events"]["terror_attack_india"]["at"] = ["2026-05"]
    before = copy.deepcopy(raw)
    first, second = validate_raw(raw), validate_raw(raw)
    assert raw == before
    assert first == second
    policy = first.policies[-1]
    assert (policy.start, policy.end, [p.at for p in policy.profile]) == (13, 30, [13, 21])
    assert first.events["terror_attack_india"].at == [17]
