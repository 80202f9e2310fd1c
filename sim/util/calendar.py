"""Months as steps: a scenario with a calendar `start` maps dates ("2001-09") to steps and back.

Step t (t >= 1) is the month `start + (t - 1)`; its state is trust at the end of that month. Step 0 is the initial
state, at the end of the month before `start`. So with start = "2001-09" an event dated "2001-09" happens at step 1
and a policy running `from = "2002-01"` `until = "2002-12"` acts in steps 5 to 16. No numerical library is imported
here, so validation stays fast.
"""

from __future__ import annotations

import datetime as dt
import re

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def month_index(value: object) -> int:
    """A month as a count of months since year 0: "2001-09" (or a TOML date 2001-09-01) -> 2001 * 12 + 8.

    Raises ValueError with a message fit for users on anything else.
    """
    if isinstance(value, dt.date):  # TOML local dates and datetimes parse to these
        return value.year * 12 + value.month - 1
    if isinstance(value, str) and (match := _MONTH.match(value.strip())):
        year, month = int(match[1]), int(match[2])
        if 1 <= month <= 12 and 1000 <= year <= 9999:
            return year * 12 + month - 1
    raise ValueError(f'{value!r} is not a month; write it as "YYYY-MM", e.g. "2001-09"')


def month_label(index: int) -> str:
    """The inverse of `month_index`: 24020 -> "2001-09"."""
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def step_of(value: object, start: str) -> int:
    """The step at which a dated thing happens, for a calendar starting at `start`."""
    return month_index(value) - month_index(start) + 1


def date_of(step: int, start: str) -> str:
    """The month ("YYYY-MM") whose end step `step` records; step 0 is the month before `start`."""
    return month_label(month_index(start) + step - 1)


def months_between(start: str, end: str) -> int:
    """How many steps run from `start` through `end`, both included."""
    return month_index(end) - month_index(start) + 1


def span(first: int, last: int, start: str | None = None, dash: str = "-") -> str:
    """Steps `first` to `last` in words: 'months 109-120', or on a calendar whose step 1 is `start`
    '2034-01 to 2034-12'."""
    if start is None:
        return f"months {first}{dash}{last}"
    return f"{date_of(first, start)} to {date_of(last, start)}"


def is_date(value: object) -> bool:
    """Whether a schedule value is a date (a string or TOML date) rather than a step number."""
    return isinstance(value, str | dt.date) and not isinstance(value, bool)
