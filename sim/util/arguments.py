"""Whole-number arguments checked the same way on the command line and in the Python API.

Each check raises ValueError with the words users see; the command line turns it into an argparse error, the
Python API into a ConfigError naming the argument. Only the standard library is imported here.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable
from typing import Any

MAX_SEED = 2**63 - 1


def parse_whole(text: str, unit: str = "") -> int:
    """A command-line number: whole, or ValueError with the message users see."""
    try:
        return int(text)
    except ValueError:
        raise ValueError(f"must be a whole number{unit}, got '{text}'") from None


def as_whole(value: Any) -> int:
    """A Python argument that must be an int (not a bool, float or string), or ValueError with the message."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"must be a whole number, got {value!r}")
    return int(value)


def at_least_one(value: int) -> int:
    if value < 1:
        raise ValueError(f"must be at least 1, got {value}")
    return value


def whole_between(low: int, high: int, what: str = "") -> Callable[[str], int]:
    """A parser of command-line whole numbers from `low` to `high` (ValueError with the message users see)."""

    def parse(text: str) -> int:
        value = parse_whole(text)
        if not low <= value <= high:
            raise ValueError(f"must be {what or f'between {low} and {high}'}, got {value}")
        return value

    return parse


def seed_range(value: int) -> int:
    if not 0 <= value <= MAX_SEED:
        raise ValueError(f"must be between 0 and 2**63 - 1, got {value}")
    return value
