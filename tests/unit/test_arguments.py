"""sim.util.arguments: whole numbers checked with one set of words for the command line and the Python API."""

from __future__ import annotations

import numpy as np
import pytest

from sim.util import arguments


def test_command_line_numbers_are_whole():
    assert arguments.parse_whole("12") == 12
    with pytest.raises(ValueError, match=r"must be a whole number of steps, got '1\.5'"):
        arguments.parse_whole("1.5", " of steps")


@pytest.mark.parametrize("value", [3, np.int64(3)])
def test_python_arguments_may_be_any_integer(value):
    assert arguments.as_whole(value) == 3 and type(arguments.as_whole(value)) is int


@pytest.mark.parametrize("value", [True, 3.0, "3", None])
def test_python_arguments_that_are_not_integers_are_refused(value):
    with pytest.raises(ValueError, match="must be a whole number"):
        arguments.as_whole(value)


def test_bounds():
    assert arguments.at_least_one(1) == 1
    with pytest.raises(ValueError, match="at least 1, got 0"):
        arguments.at_least_one(0)
    assert arguments.seed_range(0) == 0 and arguments.seed_range(2**63 - 1) == 2**63 - 1
    for bad in (-1, 2**63):
        with pytest.raises(ValueError, match=r"between 0 and 2\*\*63 - 1"):
            arguments.seed_range(bad)


def test_whole_between_names_its_range_or_what_it_means():
    workers = arguments.whole_between(1, 64)
    assert workers("8") == 8
    with pytest.raises(ValueError, match="must be between 1 and 64, got 65"):
        workers("65")
    with pytest.raises(ValueError, match="must be a core count, got 0"):
        arguments.whole_between(1, 64, "a core count")("0")
