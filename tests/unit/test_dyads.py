"""sim.scenario.dyads: one order of directed dyads, one way to name them, one parser."""

from __future__ import annotations

import pytest

from sim.scenario import dyads
from sim.util.errors import ConfigError

ACTORS = ["PAK", "USA", "CHN"]


def test_dyads_are_observer_major_without_self_trust():
    assert dyads.dyads(ACTORS) == [
        ("PAK", "USA"),
        ("PAK", "CHN"),
        ("USA", "PAK"),
        ("USA", "CHN"),
        ("CHN", "PAK"),
        ("CHN", "USA"),
    ]


def test_dyad_indices_follow_the_same_order():
    observers, targets = dyads.dyad_indices(3)
    assert [(ACTORS[i], ACTORS[j]) for i, j in zip(observers, targets, strict=True)] == dyads.dyads(ACTORS)


def test_pairs_are_unordered_in_the_order_given():
    assert dyads.pairs(ACTORS) == [("PAK", "USA"), ("PAK", "CHN"), ("USA", "CHN")]
    assert dyads.pairs(["A1"]) == []


def test_label_and_parse_are_inverse():
    assert dyads.label("PAK", "USA") == "PAK->USA"
    assert dyads.label("PAK", "USA", " → ") == "PAK → USA"
    for text in ("PAK->USA", "PAK → USA", " PAK -> USA "):
        assert dyads.parse(text, ACTORS) == ("PAK", "USA")


@pytest.mark.parametrize(
    ("text", "words"),
    [("PAK-USA", "is not a dyad"), ("PAK->IND", "unknown actor IND"), ("USA->USA", "no trust in itself")],
)
def test_parse_refuses_what_is_not_a_dyad_of_these_actors(text, words):
    with pytest.raises(ConfigError, match=words) as error:
        dyads.parse(text, ACTORS, key="dyad")
    assert error.value.key == "dyad" and error.value.hint


def test_alignment_needs_pakistan_china_and_the_us():
    assert dyads.has_alignment(["USA", "CHN", "PAK", "IND"])
    assert not dyads.has_alignment(["PAK", "USA"])


def test_split_reads_either_arrow_without_checking():
    assert dyads.split("PAK->XYZ") == ("PAK", "XYZ")
    assert dyads.split(" CHN → IND ") == ("CHN", "IND")
    assert dyads.split("PAK-USA") is None


def test_a_dyads_outcome_names():
    assert dyads.trust_name("PAK", "USA") == "trust_PAK_USA"
    assert dyads.mutual_name("PAK", "USA") == "mutual_PAK_USA"
