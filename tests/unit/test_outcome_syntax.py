"""Outcomes beyond the final mean: the syntax, known answers on made-up trajectories, the streaming tracker equal
to the whole-trajectory functions, and the polarization that varies."""

from __future__ import annotations

import numpy as np
import pytest

from sim.core import dynamics
from sim.runs import outcomes
from sim.scenario.outcome_syntax import parse_outcome
from sim.util.errors import ConfigError

ACTORS = ["PAK", "USA", "CHN"]


@pytest.mark.parametrize(
    ("text", "name", "label"),
    [
        ("PAK->USA", "trust_PAK_USA", "PAK->USA"),
        ("PAK → USA", "trust_PAK_USA", "PAK->USA"),
        ("PAK-USA", "mutual_PAK_USA", "PAK-USA"),
        ("alignment at 2028-06", "alignment_at_2028-06", "alignment at 2028-06"),
        ("P(PAK->USA < 0.2 by 2030-12)", "prob_trust_PAK_USA_lt_0.2_by_2030-12", "P(PAK->USA < 0.2 by 2030-12)"),
        ("P( USA->PAK>=0.5 at 36 )", "prob_trust_USA_PAK_ge_0.5_at_36", "P(USA->PAK >= 0.5 at 36)"),
        ("P(polarization > 0.6)", "prob_polarization_gt_0.6", "P(polarization > 0.6)"),
        ("first(PAK->USA <= 0.25)", "first_trust_PAK_USA_le_0.25", "first(PAK->USA <= 0.25)"),
    ],
)
def test_expressions_and_their_names_read_the_same(text, name, label):
    asked = parse_outcome(text, ACTORS)
    assert (asked.name, asked.label) == (name, label)
    assert parse_outcome(asked.name, ACTORS) == asked  # a name is accepted wherever an expression is


@pytest.mark.parametrize("text", ["P(PAK->USA < 0.2", "PAK->USA at June", "first(PAK->IND < 0.2)", "P(PAK->PAK < 1)"])
def test_bad_expressions_are_one_clear_error(text):
    with pytest.raises(ConfigError) as err:
        parse_outcome(text, ACTORS)
    assert err.value.key == "outcome" and ("PAK->USA" in err.value.hint or "actors" in err.value.hint)


def trajectories() -> tuple[np.ndarray, np.ndarray]:
    """Trust [2 replications, 7 steps, 3, 3]: PAK->USA falls from 0.5 below 0.2 at step 3 in replication 0 only."""
    trust = np.full((2, 7, 3, 3), 0.5)
    trust[0, :, 0, 1] = [0.5, 0.4, 0.3, 0.15, 0.25, 0.18, 0.3]
    trust[1, :, 0, 1] = [0.5, 0.45, 0.4, 0.35, 0.3, 0.3, 0.3]
    return trust, np.arange(7)


def test_known_answers_on_made_up_trajectories():
    trust, steps = trajectories()
    start = "2025-01"  # step 3 is 2025-03

    def ask(text):
        return outcomes.evaluate([parse_outcome(text, ACTORS)], trust, steps, ACTORS, start, last=2)[:, 0]

    np.testing.assert_allclose(ask("PAK->USA"), [(0.18 + 0.3) / 2, 0.3])  # mean of the last 2 months
    np.testing.assert_allclose(ask("PAK->USA at 2025-04"), [0.25, 0.3])
    np.testing.assert_array_equal(ask("P(PAK->USA < 0.2 by 2025-02)"), [0, 0])
    np.testing.assert_array_equal(ask("P(PAK->USA < 0.2 by 2025-03)"), [1, 0])
    np.testing.assert_array_equal(ask("P(PAK->USA < 0.2 at 2025-04)"), [0, 0])
    np.testing.assert_array_equal(ask("P(PAK->USA < 0.2)"), [1, 0])
    np.testing.assert_array_equal(ask("first(PAK->USA < 0.2)"), [3, 7])  # never: the month after the run
    np.testing.assert_array_equal(ask("first(PAK->USA < 0.6)"), [1, 1])  # month 0 never counts


def test_the_tracker_keeps_only_what_it_needs_and_agrees_with_whole_trajectories():
    rng = np.random.default_rng(3)
    trust = rng.uniform(0.05, 0.95, size=(40, 25, 3, 3))
    steps = np.arange(25)
    texts = [
        "PAK->USA",
        "USA-CHN",
        "polarization",
        "PAK->USA at 2026-01",
        "P(PAK->USA < 0.2 by 2025-06)",
        "P(USA->CHN > 0.8 at 7)",
        "P(polarization > 0.3)",
        "first(CHN->PAK <= 0.1)",
    ]
    asked = [parse_outcome(t, ACTORS) for t in texts]
    whole = outcomes.evaluate(asked, trust, steps, ACTORS, "2025-01", last=12)
    tracker = outcomes.Tracker(asked, ACTORS, 24, "2025-01", last=12)
    for step in range(1, 25):
        tracker.update(step, trust[:, step])
    np.testing.assert_allclose(tracker.result(), whole, rtol=0, atol=1e-12)
    assert 0 < whole[:, 4].mean() < 1 and whole[:, 7].min() >= 1  # some crossed, some did not


def test_a_month_outside_the_run_or_a_date_without_a_calendar_is_refused():
    with pytest.raises(ConfigError, match="outside the run"):
        outcomes.resolve_outcome("PAK->USA at 2040-01", ACTORS, "2025-01", 120)
    with pytest.raises(ConfigError, match="no calendar"):
        outcomes.resolve_outcome("PAK->USA at 2030-01", ACTORS, None, 120)
    assert outcomes.resolve_outcome("PAK->USA at 36", ACTORS, None, 120).step(None, 120) == 36


def test_polarization_measures_how_sharply_the_world_splits():
    def world(friends: float, enemies: float) -> np.ndarray:
        t = np.full((3, 3), enemies)
        t[0, 1] = t[1, 0] = friends  # PAK and USA friends, both against CHN
        return t

    strong, weak = dynamics.polarization(world(0.99, 0.01)), dynamics.polarization(world(0.6, 0.4))
    assert strong == pytest.approx(0.98) and 0 < weak < 0.25 < strong
    frustrated = np.full((3, 3), 0.1)  # three mutual enemies: no two-camp split fits
    assert dynamics.polarization(frustrated) < 0
