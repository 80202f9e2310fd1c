"""A tiny three-actor world shared by the unit tests of the world compiler and the signals."""

from __future__ import annotations

import tomllib

import pytest

from sim.scenario.load import validate_raw
from sim.scenario.schema import Scenario

# Weights w = credibility * goldstein / 10: promise +0.5 (to an audience, w * credibility = 0.25), gift +1,
# demand -0.5, criticize -0.2 (audience -0.1). Demands are answered by criticism, anything else in kind; BB
# replies to everything it receives (hostile 1), the others to nothing.
TINY = """
name = "tiny"
[world.actors]
AA = { name = "A" }
BB = { name = "B" }
CC = { name = "C" }
[world.trust.AA]
BB = { initial = 0.75, low = 0.5, high = 0.9, dependence = 0.4, sigma = 0.2, inferred = "a test" }
CC = { initial = 0.5, low = 0.2, high = 0.8, baseline = 0.6, inferred = "a test" }
[world.trust.BB]
AA = { initial = 0.25, low = 0.1, high = 0.5, inferred = "a test" }
CC = { initial = 0.5, low = 0.2, high = 0.8, inferred = "a test" }
[world.trust.CC]
AA = { initial = 0.5, low = 0.2, high = 0.8, inferred = "a test" }
BB = { initial = 0.5, low = 0.2, high = 0.8, inferred = "a test" }
[world.moves]
promise = { cameo = "057", goldstein = 10.0, credibility = 0.5, calming = 0.2 }
gift = { cameo = "071", goldstein = 10.0, credibility = 1.0 }
demand = { cameo = "100", goldstein = -5.0, credibility = 1.0 }
criticize = { cameo = "111", goldstein = -4.0, credibility = 0.5 }
[world.bundles]
pressure = ["demand", "criticize"]
[world.background.AA.BB]
promise = 0.3
[world.background.BB.CC]
demand = 0.2
[world.background.CC.AA]
gift = 0.0
[world.reciprocity]
hostile = 0.0
cooperative = 0.0
answers = { demand = "criticize" }
[world.reciprocity.actors.BB]
hostile = 1.0
scale = 0.5
[[policies]]
actor = "AA"
move = "pressure"
target = "CC"
start = 2
end = 10
every = 3
"""


@pytest.fixture
def tiny() -> Scenario:
    """The tiny world with one policy: AA pressures CC (a bundle: demand and criticize) at steps 2, 5 and 8."""
    return validate_raw(tomllib.loads(TINY))
