"""Every committed example under results/examples/ is what the code makes today, number for number."""

from __future__ import annotations

import pytest

from benchmarks import examples

SLOW = ("default_fit", "sweep_calibration_sobol")  # the default fit takes most of an hour
QUICK = [e.name for e in examples.EXAMPLE_LIST if e.name not in SLOW]


@pytest.mark.parametrize("name", QUICK)
def test_an_example_is_reproduced_byte_for_byte(name):
    assert examples.check([name]) == []


@pytest.mark.slow
@pytest.mark.parametrize("name", SLOW)
def test_a_slow_example_is_reproduced_byte_for_byte(name):
    assert examples.check([name]) == []


def test_a_changed_number_is_caught(tmp_path):
    """The comparison bites: the baseline with one more replication differs in its tables."""
    example = examples.BY_NAME["baseline"]
    changed = examples.Example("baseline", ("run", "--replications", "499"), example.compared)
    examples.make(changed, tmp_path / "baseline")
    assert "final.csv" in examples.differences(example, tmp_path / "baseline", examples.EXAMPLES / "baseline")
