"""The effect envelope of every bundled scenario: ten-year effects of a plausible size, spillovers second-order.

The histories against the polls are tested in tests/integration/test_evidence.py.
"""

from __future__ import annotations

import pytest

import sim
from sim.scenario.dyads import acted_on
from sim.scenario.load import list_scenarios
from tests.conftest import face_run


@pytest.mark.parametrize("name", sorted(n for n in list_scenarios() if n != "baseline" and "/" not in n))
def test_every_bundled_scenario_stays_inside_the_effect_envelope(name):
    """Ten-year effect on any dyad within 0.3; spillover below half the largest direct effect (plus a noise floor
    of 0.01 for scenarios, like a single shock, whose ten-year effects are all close to zero)."""
    effect = face_run(name).final().mean("replication") - face_run("baseline").final().mean("replication")
    direct = acted_on(sim.load_scenario(name))
    actors = [str(a) for a in effect.observer.values]
    values = {(o, t): float(effect.sel(observer=o, target=t)) for o in actors for t in actors if o != t}
    largest_direct = max((abs(v) for k, v in values.items() if k in direct), default=0.0)
    largest_spill = max((abs(v) for k, v in values.items() if k not in direct), default=0.0)
    assert max(abs(v) for v in values.values()) <= 0.3
    assert largest_spill < 0.5 * largest_direct + 0.01
