"""sim.app.settings and sim.app.policies: what the dashboard's controls set, as pure values; which scenarios a draft
compares, the changes applied to the comparison only, policies added from the catalogue, and their errors."""

from __future__ import annotations

import pytest

from sim.app.policies import NewPolicy, add_policy, move_catalogue, policy_label
from sim.app.settings import (
    PARAMETERS,
    Draft,
    default_dyads,
    error_line,
    resolve_draft,
    variant_name,
)
from sim.app.sources import Loaded, load_source
from sim.scenario.load import load_scenario, scenario_path
from sim.scenario.schema import Parameters
from sim.util.errors import ConfigError


@pytest.fixture(scope="module")
def dialogue() -> Loaded:
    return load_source("dialogue")


@pytest.fixture(scope="module")
def pressure() -> Loaded:
    return load_source("us_pressure")


@pytest.fixture(scope="module")
def history() -> Loaded:
    return load_source("history/us_pakistan")


def test_a_scenario_opens_against_its_status_quo_with_its_own_settings(dialogue) -> None:
    draft = Draft.start(dialogue)
    reference, comparison = resolve_draft(draft)
    assert (reference.name, comparison.name) == ("status_quo", "dialogue")
    assert (reference.policies, reference.rules, reference.events) == ([], [], {})
    assert reference.world == comparison.world and comparison == dialogue.spec
    assert (draft.steps, draft.replications, draft.seed) == (120, 200, dialogue.spec.seed)  # replications capped
    assert not draft.changed


def test_parameter_changes_apply_to_the_comparison_only(dialogue) -> None:
    """The bug of the first dashboard: alpha changed both sides, so its effect was +0.000 everywhere."""
    draft = Draft.start(dialogue).with_parameter("alpha", 0.45)
    reference, comparison = resolve_draft(draft)
    assert (reference.parameters.alpha, comparison.parameters.alpha) == (0.15, 0.45)
    assert comparison.name == "dialogue_variant" and draft.changed

    variant = Draft.start(dialogue).with_comparison(None).with_parameter("alpha", 0.45)
    reference, comparison = resolve_draft(variant)
    assert (reference.name, comparison.name) == ("dialogue", "dialogue_variant")
    assert (reference.parameters.alpha, comparison.parameters.alpha) == (0.15, 0.45)
    assert reference.policies == comparison.policies == dialogue.spec.policies


def test_any_two_scenarios_and_the_moves_between_reference_variant_and_status_quo(dialogue, pressure) -> None:
    draft = Draft.start(dialogue).with_reference(pressure)
    assert [s.name for s in resolve_draft(draft)] == ["us_pressure", "dialogue"]
    variant = draft.with_comparison(None)  # now us_pressure against itself, changed
    assert (variant.base, variant_name(variant)) == (pressure, "us_pressure_variant")
    assert [p.policy for p in variant.policies] == pressure.spec.policies
    back = variant.with_reference(None)  # the status quo of a variant: the varied scenario becomes the comparison
    assert (back.reference, back.comparison) == (None, pressure)
    assert Draft.start(dialogue).with_comparison(None).reference == dialogue
    same = draft.with_comparison(pressure)  # a scenario picked on both sides is compared with itself
    assert variant_name(same) == "us_pressure_variant"
    long = Loaded(pressure.spec.model_copy(update={"name": "x" * 100}), "x.toml", "x")
    assert variant_name(Draft.start(long).with_comparison(None)) == "x" * 92 + "_variant"  # at most 100


def test_a_new_comparison_starts_from_its_own_policies_parameters_and_run_settings(dialogue, history) -> None:
    draft = Draft.start(dialogue).with_parameter("mu", 1.0).without_policy(0).with_run(replications=50)
    fresh = draft.with_comparison(history)
    assert [p.policy for p in fresh.policies] == history.spec.policies
    assert fresh.parameters == history.spec.parameters.model_dump()
    assert (fresh.steps, fresh.replications) == (history.spec.steps, 200)
    assert draft.reset() == Draft.start(dialogue)


def test_switching_off_removing_and_retuning_policies(dialogue) -> None:
    draft = Draft.start(dialogue).with_policy(0, on=False).with_policy(1, probability=0.9, intensity=2.5)
    _, edited = resolve_draft(draft.without_policy(3))
    assert [p.name for p in edited.policies] == [p.name for p in dialogue.spec.policies[1:3]]
    assert (edited.policies[0].probability, edited.policies[0].intensity) == (0.9, 2.5)
    assert edited.world == dialogue.spec.world
    on_again = draft.with_policy(0, on=True).with_policy(1, probability=0.9, intensity=1.0)
    assert not on_again.changed and resolve_draft(on_again)[1].name == "dialogue"


def test_a_bad_value_names_the_policy_as_the_page_lists_it(dialogue) -> None:
    """Keys count every policy, switched off or not, so the error points at the policy the user changed."""
    draft = Draft.start(dialogue).with_policy(0, on=False).with_policy(2, probability=1.5)
    with pytest.raises(ConfigError) as caught:
        resolve_draft(draft)
    assert caught.value.key == "policies[2].probability"
    line = error_line(caught.value)
    assert line.startswith(f"diplosim: error: {scenario_path('dialogue')}: key 'policies[2].probability'")
    assert "(as set on the page)" in line


def test_parameter_ranges_are_the_schemas(dialogue) -> None:
    """Every bound the page shows is one validation enforces: at the bound passes, just beyond it fails."""
    assert set(PARAMETERS) == set(Parameters.model_fields)
    for name, bounds in PARAMETERS.items():
        base = Draft.start(dialogue)
        for bound, inclusive, outward in (
            (bounds.low, bounds.low_inclusive, -1),
            (bounds.high, bounds.high_inclusive, 1),
        ):
            inside = bound if inclusive else bound - outward * bounds.step
            resolve_draft(base.with_parameter(name, inside))
            beyond = bound + outward * bounds.step if inclusive else bound
            with pytest.raises(ConfigError, match=r"\(as set on the page\)") as caught:
                resolve_draft(base.with_parameter(name, beyond))
            assert caught.value.key == f"parameters.{name}"


def test_the_catalogue_lists_the_worlds_moves_and_bundles(dialogue) -> None:
    moves = move_catalogue(dialogue.spec)
    world = dialogue.spec.world
    assert list(moves) == [*world.moves, *world.bundles]
    assert moves["reduce_aid"].startswith("Cutting aid. Goldstein -5.6 (hostile)")
    assert moves["pressure"] == "Bundle of demand, criticize, threaten_sanctions (mean Goldstein -4.3)."


def test_an_added_policy_is_checked_and_named_like_one_in_a_file(dialogue) -> None:
    draft = Draft.start(dialogue)
    added = add_policy(draft, NewPolicy("reduce_aid", "USA", "PAK", 13, 36, every=2, intensity=0.5))
    new = added.policies[-1].policy
    assert (new.name, new.start, new.end, new.every, new.intensity) == ("usa_reduce_aid_pak", 13, 36, 2, 0.5)
    again = add_policy(added, NewPolicy("reduce_aid", "USA", "PAK"))
    assert again.policies[-1].policy.name == "usa_reduce_aid_pak_2"
    assert policy_label(new, 4) == "usa_reduce_aid_pak: USA reduce aid → PAK, months 13-36, every 2 months"
    assert resolve_draft(again)[1].policies[-2:] == [new, again.policies[-1].policy]
    with pytest.raises(ConfigError) as caught:
        add_policy(draft, NewPolicy("reduce_aid", "USA", "PAK", start=200))
    assert caught.value.key == "policies[4].start" and "(as set on the page)" in caught.value.message
    with pytest.raises(ConfigError, match="actor and target are the same"):
        add_policy(draft, NewPolicy("dialogue", "USA", "USA"))


def test_on_a_calendar_a_policy_is_added_and_shown_in_dates(history) -> None:
    draft = Draft.start(history)
    added = add_policy(draft, NewPolicy("military_aid", "CHN", "PAK", "2005-01", "2006-12"))
    new = added.policies[-1].policy
    assert (new.start, new.end) == (41, 64)  # 2001-09 is step 1
    assert policy_label(new, 0, history.spec.start).endswith("CHN military aid → PAK, from 2005-01 to 2006-12")
    with pytest.raises(ConfigError, match="is not a month") as caught:
        add_policy(draft, NewPolicy("military_aid", "CHN", "PAK", "2005-13"))
    assert caught.value.key.startswith(f"policies[{len(draft.policies)}].")  # `from` once issue 20 names it so
    with pytest.raises(ConfigError, match="before the calendar starts"):
        add_policy(draft, NewPolicy("military_aid", "CHN", "PAK", "1999-01"))


def test_default_dyads_are_pakistan_and_the_us_both_ways_then_china(dialogue) -> None:
    assert default_dyads(dialogue.spec.actors) == ["PAK → USA", "USA → PAK", "PAK → CHN"]


def test_a_history_scenario_loads_by_its_label(history) -> None:
    assert history.label == "history/us_pakistan" and history.spec.start == "2001-09"
    assert history.spec == load_scenario(scenario_path("baseline").parent / "history" / "us_pakistan.toml")
